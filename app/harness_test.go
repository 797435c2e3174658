// Test harness: a real training desk in a temp dir, the reference portal on loopback, the training identity.

package app

import (
	"context"
	"crypto/x509"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"sohoa/wire"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"sohoa/desk"
	"sohoa/portal"
	"sohoa/portal/refportal"
	"sohoa/signing"
	"sohoa/signing/pkcs12"
)

const testOfficer = "Cán bộ Đào Tạo"

type harness struct {
	dir     string
	desk    *desk.Desk
	env     Env
	portal  string
	srv     *refportal.Server
	trainCA *x509.Certificate
}

// newHarness opens a training desk and, when withPortal, starts the reference portal.
func newHarness(t testing.TB, withPortal bool) *harness {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	d, err := wire.Program{}.Open(ctx, desk.OpenOptions{DataDir: filepath.Join(dir, "desk"), Training: true, Officer: testOfficer})
	if err != nil {
		t.Fatalf("open desk: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	h := &harness{dir: dir, desk: d}
	unit, err := d.Settings.Unit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	idDir := filepath.Join(dir, "training-identity")
	ident := func() (signing.Identity, error) {
		id, ca, err := pkcs12.Training(idDir, testOfficer, unit.Name)
		if err == nil {
			h.trainCA = ca
		}
		return id, err
	}
	id, err := ident()
	if err != nil {
		t.Fatalf("training identity: %v", err)
	}
	id.Close()
	h.env = Env{Desk: d, Training: true, TrainingIdentity: ident, Lang: "vi"}
	if withPortal {
		pool := x509.NewCertPool()
		pool.AddCert(h.trainCA)
		srv, err := refportal.New(refportal.Config{Addr: "127.0.0.1:0", DataDir: filepath.Join(dir, "portal"),
			VerifyPDF: func(name string, pdf []byte) error {
				rep, err := signing.Verify(pdf, pool)
				if err != nil {
					return err
				}
				if len(rep.Signatures) == 0 || !rep.Signatures[0].Intact() {
					return fmt.Errorf("%s: no intact signature", name)
				}
				return nil
			}})
		if err != nil {
			t.Fatalf("refportal: %v", err)
		}
		url, err := srv.Start(ctx)
		if err != nil {
			t.Fatalf("refportal start: %v", err)
		}
		t.Cleanup(func() { srv.Close() })
		h.srv, h.portal = srv, url
		cit := refportal.TrainingCitizens()[0]
		h.env.PortalURL = url
		h.env.Workers = wire.Program{}.Workers(d, url, nil)
		h.env.Authorize = func(ctx context.Context) (portal.Token, error) {
			return portal.TrainingLogin(ctx, url, cit.ID, cit.Password)
		}
	}
	return h
}

// start builds the window on a fresh test app.
func (h *harness) start(t testing.TB) (*UI, fyne.Window) {
	t.Helper()
	a := test.NewTempApp(t)
	u, w := Start(a, h.env)
	w.Resize(DefaultSize)
	t.Cleanup(func() {
		u.Close()
		_ = SetLanguage("vi")
	})
	settle(t, u)
	return u, w
}

func ctxT(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// settle waits for the UI's background work (and the work it starts).
func settle(t testing.TB, u *UI) {
	t.Helper()
	ap := &autopilot{u: u}
	if err := ap.settle(ctxT(t, 60*time.Second)); err != nil {
		t.Fatalf("UI did not settle: %v", err)
	}
}
