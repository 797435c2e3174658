// The wiring end to end: a training desk opened by the Program, the training portal and identity it
// starts, and the background workers it owns uploading a submitted dossier and stopping cleanly.

package wire

import (
	"context"
	"testing"
	"time"

	"sohoa/desk"
	"sohoa/dossier/applicant"
	"sohoa/portal"
	"sohoa/portal/refportal"
	"sohoa/scanner"
)

func TestWorkersUploadAndStop(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var p Program
	d, err := p.Open(ctx, desk.OpenOptions{DataDir: t.TempDir(), Training: true, Officer: "Cán bộ Đào Tạo"})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	tp, err := p.StartTrainingPortal(ctx, d.Folder.Dir())
	if err != nil {
		t.Fatal(err)
	}
	defer tp.Stop()

	cit := refportal.TrainingCitizens()[0]
	a, err := applicant.ParseCCCDQR(cit.ID + "||" + cit.Name + "|12051995|Nữ|Thôn Phú Mỹ, xã Tam Kỳ, thành phố Đà Nẵng|12052009")
	if err != nil {
		t.Fatal(err)
	}
	v, err := d.Dossiers.NewDossier(ctx, "1.001193", a)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range v.Components[:2] {
		if _, err := d.Capture.Scan(ctx, desk.ScanRequest{Dossier: v.ID, Component: c.Code, Device: "virtual:",
			Settings: scanner.Settings{Source: scanner.SourceFeeder, DPI: 100, Mode: scanner.ModeColor, MaxPages: 1}}); err != nil {
			t.Fatal(err)
		}
		if err := d.Dossiers.Confirm(ctx, v.ID, c.Code, true); err != nil {
			t.Fatal(err)
		}
	}
	ident, pool, err := p.TrainingIdentity(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	defer ident.Close()
	if err := d.Signing.Sign(ctx, v.ID, ident, desk.SignOptions{Roots: pool}); err != nil {
		t.Fatal(err)
	}
	tok, err := portal.TrainingLogin(ctx, tp.URL, cit.ID, cit.Password)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Outbox.Submit(ctx, v.ID, tok); err != nil {
		t.Fatal(err)
	}

	w := p.Workers(d, tp.URL, nil)
	changed := make(chan string, 16)
	w.Start(ctx, func(id string) { changed <- id })
	w.Start(ctx, func(string) { t.Error("a second Start must not start a second set of loops") })
	deadline := time.After(2 * time.Minute)
	for submitted := false; !submitted; {
		select {
		case id := <-changed:
			if id != v.ID {
				t.Fatalf("change reported for %s, want %s", id, v.ID)
			}
			got, err := d.Dossiers.Dossier(ctx, v.ID)
			if err != nil {
				t.Fatal(err)
			}
			submitted = got.State == desk.Submitted && got.PortalCode != ""
		case <-deadline:
			t.Fatal("the workers did not upload the queued dossier")
		}
	}
	stopped := make(chan struct{})
	go func() { w.Stop(); w.Stop(); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(30 * time.Second):
		t.Fatal("Stop did not end the loops")
	}
	// Uploading on demand still works once the loops stopped (nothing is due now).
	if err := w.UploadNow(ctx); err != nil {
		t.Fatal(err)
	}
}

// Without a portal address there is nothing to run: Start, UploadNow and Stop do nothing.
func TestWorkersWithoutPortal(t *testing.T) {
	var p Program
	d, err := p.Open(context.Background(), desk.OpenOptions{DataDir: t.TempDir(), Training: true})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	w := p.Workers(d, "", nil)
	w.Start(context.Background(), func(string) { t.Error("no loop should run without a portal") })
	if err := w.UploadNow(context.Background()); err != nil {
		t.Fatal(err)
	}
	w.Stop()
}
