// Finding 2 of issue 11: each step is one transaction. A step that cannot finish (here: its audit row is
// refused, as a full disk or a crash before the commit would) leaves nothing behind; Submit never races the
// uploader; a permanent failure is recorded whole.

package dossier_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"sohoa/dossier"
	"sohoa/portal"
	"sohoa/storage"
)

// refuseAudit makes the store refuse the audit row of action from now on, as a full disk or a crash would
// stop a step at its last write. It returns a function that lifts the refusal.
func refuseAudit(t *testing.T, d *dossier.Desk, action string) func() {
	t.Helper()
	name := fmt.Sprintf("refuse_%d", time.Now().UnixNano())
	if _, err := dossier.StoreOf(d).SQL().ExecContext(ctx, `CREATE TRIGGER `+name+` BEFORE INSERT ON audit WHEN NEW.action = '`+action+`'
		BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`); err != nil {
		t.Fatal(err)
	}
	return func() {
		if _, err := dossier.StoreOf(d).SQL().ExecContext(ctx, `DROP TRIGGER `+name); err != nil {
			t.Fatal(err)
		}
	}
}

func TestSubmitIsOneStep(t *testing.T) {
	d := openDesk(t)
	id, pool := trainingIdentity(t, d)
	v := captured(t, d)
	if err := d.Sign(ctx, v.ID, id, dossier.SignOptions{Roots: pool}); err != nil {
		t.Fatal(err)
	}
	tok := portal.Token{AccessToken: "t", Expiry: time.Now().Add(time.Hour), Subject: "049195000123"}
	lift := refuseAudit(t, d, "dossier.queued")
	if _, err := d.Submit(ctx, v.ID, tok); err == nil {
		t.Fatal("Submit succeeded without its audit row")
	}
	// Before: the item, the token and citizen.authorized were kept, the dossier stayed signed.
	v, _ = d.Dossier(ctx, v.ID)
	if v.State != dossier.Signed || v.Outbox != nil || secret(t, d, v.ID, storage.SecretCitizenToken) != "" {
		t.Errorf("a failed Submit left: state %s, outbox %+v, token kept %v", v.State, v.Outbox, secret(t, d, v.ID, storage.SecretCitizenToken) != "")
	}
	if a := auditActions(t, d, v.ID); a["citizen.authorized"] != 0 {
		t.Errorf("a failed Submit left its audit rows: %v", a)
	}
	lift()
	if _, err := d.Submit(ctx, v.ID, tok); err != nil {
		t.Fatal(err)
	}
	v, _ = d.Dossier(ctx, v.ID)
	if a := auditActions(t, d, v.ID); v.State != dossier.Queued || v.Outbox == nil || a["citizen.authorized"] != 1 || a["dossier.queued"] != 1 {
		t.Errorf("after Submit: %s, outbox %+v, audit %v", v.State, v.Outbox, a)
	}
}

func TestPermanentFailureIsOneStep(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"code":"invalid","message":"refused"}`))
	}))
	defer srv.Close()
	d := openDesk(t)
	id, pool := trainingIdentity(t, d)
	v := captured(t, d)
	if err := d.Sign(ctx, v.ID, id, dossier.SignOptions{Roots: pool}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Submit(ctx, v.ID, portal.Token{AccessToken: "t", Expiry: time.Now().Add(time.Hour), Subject: "049195000123"}); err != nil {
		t.Fatal(err)
	}
	u := &dossier.Uploader{Desk: d, Client: portal.NewClient(srv.URL), Lease: time.Millisecond}
	lift := refuseAudit(t, d, "dossier.failed")
	if _, err := u.Once(ctx); err == nil {
		t.Fatal("the failure was recorded without its audit row")
	}
	// Before: the item was failed and the error saved, the dossier stayed queued for ever (nothing claims a
	// failed item; retry and submit both want a failed dossier).
	v, _ = d.Dossier(ctx, v.ID)
	it := outboxItem(d, v.ID)
	if v.State != dossier.Queued || v.LastError != "" || it.State != storage.OutboxClaimed {
		t.Fatalf("a failure that could not be recorded left: dossier %s (%q), item %s", v.State, v.LastError, it.State)
	}
	lift()
	time.Sleep(5 * time.Millisecond) // the lease runs out: the item is claimed again
	if took, err := u.Once(ctx); !took || err != nil {
		t.Fatalf("once: %v %v", took, err)
	}
	v, _ = d.Dossier(ctx, v.ID)
	it = outboxItem(d, v.ID)
	a := auditActions(t, d, v.ID)
	if v.State != dossier.Failed || v.LastError == "" || it.State != storage.OutboxFailed || a["dossier.failed"] != 1 {
		t.Errorf("after a refusal: dossier %s (%q), item %s, audit %v", v.State, v.LastError, it.State, a)
	}
}

// TestSubmitNeverRacesTheUploader: before, Submit enqueued, then audited, then moved the state; an uploader
// running meanwhile could claim the item, move Signed → Queued itself, and Submit then failed with a state
// conflict for a dossier that was uploading.
func TestSubmitNeverRacesTheUploader(t *testing.T) {
	d := openDesk(t)
	id, pool := trainingIdentity(t, d)
	url, _ := startPortalIn(t)
	const n = 4
	var ids []string
	for range n {
		v := captured(t, d)
		if err := d.Sign(ctx, v.ID, id, dossier.SignOptions{Roots: pool}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, v.ID)
	}
	tok := binhToken(t, url)
	u := &dossier.Uploader{Desk: d, Client: portal.NewClient(url)}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // the background uploader, claiming as fast as it can
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := u.Once(ctx); err != nil {
				t.Errorf("uploader: %v", err)
				return
			}
		}
	}()
	for _, id := range ids {
		if _, err := d.Submit(ctx, id, tok); err != nil {
			t.Errorf("Submit %s while the uploader runs: %v", id, err)
		}
	}
	deadline := time.Now().Add(time.Minute)
	for _, id := range ids {
		for {
			v, err := d.Dossier(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if v.State == dossier.Submitted {
				break
			}
			if v.State == dossier.Failed || time.Now().After(deadline) {
				t.Fatalf("%s is %s: %s", id, v.State, v.LastError)
			}
			time.Sleep(20 * time.Millisecond)
		}
		if a := auditActions(t, d, id); a["dossier.queued"] != 1 || a["citizen.authorized"] != 1 || a["dossier.submitted"] != 1 {
			t.Errorf("%s audit %v", id, a)
		}
	}
	close(stop)
	wg.Wait()
}
