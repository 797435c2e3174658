// In-process test of the demo flow: the same code `sohoa demo` runs, checked through the desk's store.
package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"sohoa/dossier"
	"sohoa/portal/refportal"
)

func TestRunDemo(t *testing.T) {
	data := t.TempDir()
	g := &Globals{DataDir: data, Training: true, Out: &bytes.Buffer{}}
	var steps []string
	res, err := RunDemo(context.Background(), g, "", func(s string) { steps = append(steps, s) })
	if err != nil {
		t.Fatalf("demo: %v (steps: %v)", err, steps)
	}
	if res.State != string(dossier.Submitted) || res.PortalCode == "" || res.Pages != 4 || len(res.Files) != 2 {
		t.Fatalf("demo result %+v", res)
	}
	held, err := refportal.ListDossiers(res.PortalData)
	if err != nil {
		t.Fatal(err)
	}
	if len(held) != 1 || held[0].PortalCode != res.PortalCode || held[0].MaHoSo != res.Dossier {
		t.Fatalf("portal holds %+v", held)
	}
	d, err := dossier.Open(context.Background(), dossier.Config{DataDir: data, Training: true})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.DB().VerifyAudit(context.Background()); err != nil {
		t.Errorf("audit chain: %v", err)
	}
	log, err := d.DB().AuditLog(context.Background(), res.Dossier)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range log {
		actions = append(actions, e.Action)
	}
	b, _ := json.Marshal(actions)
	for _, want := range []string{"dossier.created", "component.scanned", "component.imported", "component.confirmed", "dossier.signed", "citizen.authorized", "dossier.queued", "dossier.submitted"} {
		if !bytes.Contains(b, []byte(`"`+want+`"`)) {
			t.Errorf("audit log lacks %s: %s", want, b)
		}
	}
}
