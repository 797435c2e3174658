// The portal's size limit is checked before signing: a component too large to upload is caught
// with a sentence saying what to do, not found at upload after signing.

package dossier_test

import (
	"errors"
	"strings"
	"testing"

	"sohoa/dossier"
)

func TestSignRefusesComponentOverPortalLimit(t *testing.T) {
	d := openDesk(t)
	id, pool := trainingIdentity(t, d)
	v := captured(t, d)
	old := dossier.MaxComponentBytes
	dossier.MaxComponentBytes = dossier.SignatureReserve + 100<<10 // a scanned page is larger
	defer func() { dossier.MaxComponentBytes = old }()
	err := d.Sign(ctx, v.ID, id, dossier.SignOptions{Roots: pool})
	if !errors.Is(err, dossier.ErrComponentTooLarge) {
		t.Fatalf("sign with a component over the limit: %v", err)
	}
	if !strings.Contains(err.Error(), "another component") {
		t.Errorf("the error does not say what to do: %v", err)
	}
	after, err := d.Dossier(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after.State != v.State {
		t.Errorf("state moved from %s to %s though signing was refused", v.State, after.State)
	}
	dossier.MaxComponentBytes = old
	if err := d.Sign(ctx, v.ID, id, dossier.SignOptions{Roots: pool}); err != nil {
		t.Fatalf("sign under the real limit: %v", err)
	}
}
