// The citizen authorizes on a phone: the QR dialog appears, the "phone" approves on the reference
// portal's device page, and the desk receives a token scoped to this dossier and submits with it.

package app

import (
	"context"
	"crypto/x509"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"sohoa/desk"
	"sohoa/dossier/applicant"
	"sohoa/portal"
	"sohoa/portal/refportal"
	"sohoa/scanner"
)

// signedDossier makes a dossier ready to submit, through the desk service.
func signedDossier(t *testing.T, h *harness) string {
	t.Helper()
	ctx := context.Background()
	a := applicant.Applicant{ID: "049195000123", Name: "Trần Thị Bình", Sex: "Nữ"}
	v, err := h.desk.Dossiers.NewDossier(ctx, "1.001193", a)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"TP1", "TP2"} {
		if _, err := h.desk.Capture.Scan(ctx, desk.ScanRequest{Dossier: v.ID, Component: c, Device: "virtual:",
			Settings: scanner.Settings{Source: scanner.SourceFeeder, DPI: 100, MaxPages: 1}}); err != nil {
			t.Fatal(err)
		}
		if err := h.desk.Dossiers.Confirm(ctx, v.ID, c, true); err != nil {
			t.Fatal(err)
		}
	}
	id, err := h.env.TrainingIdentity()
	if err != nil {
		t.Fatal(err)
	}
	defer id.Close()
	pool := x509.NewCertPool()
	pool.AddCert(h.trainCA)
	if err := h.desk.Signing.Sign(ctx, v.ID, id, desk.SignOptions{Roots: pool}); err != nil {
		t.Fatal(err)
	}
	return v.ID
}

func TestPhoneAuthorization(t *testing.T) {
	h := newHarness(t, true)
	u, _ := h.start(t)
	id := signedDossier(t, h)
	u.openDossier(id)
	settle(t, u)
	sub := u.ws.sub
	if sub.phoneBtn.Disabled() {
		t.Fatal("the phone QR button is disabled on a signed dossier")
	}
	test.Tap(sub.phoneBtn)

	var p *phoneAuth
	for deadline := time.Now().Add(20 * time.Second); p == nil && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		drainUI()
		p = sub.phone
	}
	if p == nil {
		t.Fatal("the QR dialog did not appear")
	}
	if !strings.Contains(sub.authLbl.Text, p.grant.UserCode) || !strings.Contains(p.grant.VerificationURIComplete, "user_code=") {
		t.Errorf("the screen does not show the user code: %q / %+v", sub.authLbl.Text, p.grant)
	}
	// The citizen's phone approves.
	cit := refportal.TrainingCitizens()[0]
	resp, err := http.PostForm(p.grant.VerificationURI, url.Values{"user_code": {p.grant.UserCode},
		"username": {cit.ID}, "password": {cit.Password}, "action": {"approve"}})
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("approve on the phone: %v %v", resp, err)
	}
	resp.Body.Close()
	settle(t, u)
	if sub.token == nil || sub.token.Flow != "device" || !strings.Contains(strings.Join(sub.token.Scopes, " "), portal.DossierScope(id)) {
		t.Fatalf("token after approval: %+v", sub.token)
	}
	if !strings.Contains(sub.authLbl.Text, cit.Name) {
		t.Errorf("authorization label %q does not name the citizen", sub.authLbl.Text)
	}
	// Submit with it: the uploader brings the portal code back.
	test.Tap(sub.submitBtn)
	settle(t, u)
	var v desk.View
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if v, err = h.desk.Dossiers.Dossier(context.Background(), id); err == nil && v.State == desk.Submitted {
			break
		}
	}
	if v.State != desk.Submitted || v.PortalCode == "" {
		t.Errorf("after a phone authorization the dossier is %s (%s)", v.State, v.LastError)
	}
}

func TestPhoneAuthorizationCancelled(t *testing.T) {
	h := newHarness(t, true)
	u, _ := h.start(t)
	u.openDossier(signedDossier(t, h))
	settle(t, u)
	sub := u.ws.sub
	test.Tap(sub.phoneBtn)
	var p *phoneAuth
	for deadline := time.Now().Add(20 * time.Second); p == nil && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		drainUI()
		p = sub.phone
	}
	if p == nil {
		t.Fatal("the QR dialog did not appear")
	}
	p.dlg.Hide() // the officer presses Cancel
	settle(t, u)
	if sub.token != nil || sub.authBusy || sub.phoneBtn.Disabled() {
		t.Errorf("after cancel: token %v, busy %v, button disabled %v", sub.token, sub.authBusy, sub.phoneBtn.Disabled())
	}
}

// TestSubmitByPost: the officer ticks "return the result by post", types the address, and submits;
// the dossier carries the address and the postal fee, and the receipt tab shows the portal status.
func TestSubmitByPost(t *testing.T) {
	h := newHarness(t, true)
	u, _ := h.start(t)
	id := signedDossier(t, h)
	u.openDossier(id)
	settle(t, u)
	sub := u.ws.sub
	test.Tap(sub.authBtn)
	settle(t, u)
	if sub.token == nil {
		t.Fatalf("training authorization failed: %s", sub.authLbl.Text)
	}
	// Without an address, submitting by post is refused with a clear sentence and nothing is queued.
	sub.byPost.SetChecked(true)
	test.Tap(sub.submitBtn)
	settle(t, u)
	if v, _ := h.desk.Dossiers.Dossier(context.Background(), id); v.State != desk.Signed {
		t.Fatalf("queued without a delivery address: %s", v.State)
	}
	sub.postAddr.SetText("Số 5 Trần Phú, phường Hải Châu, Đà Nẵng")
	test.Tap(sub.submitBtn)
	settle(t, u)
	var v desk.View
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if v, _ = h.desk.Dossiers.Dossier(context.Background(), id); v.State == desk.Submitted {
			break
		}
	}
	if v.State != desk.Submitted || !v.Record.ByPost || v.Record.PostAddress == "" {
		t.Fatalf("dossier %s, by post %v, address %q", v.State, v.Record.ByPost, v.Record.PostAddress)
	}
	if desk.FeeTotal(v) <= 0 {
		t.Errorf("no postal fee on a dossier returned by post: %+v", v.Record.Fees)
	}
	m, err := h.desk.Dossiers.Manifest(context.Background(), id)
	if err != nil || m.DiaChiNhanKetQuaBuuChinh != v.Record.PostAddress {
		t.Errorf("manifest postal address %q (%v)", m.DiaChiNhanKetQuaBuuChinh, err)
	}
	u.openDossier(id)
	settle(t, u)
	if !strings.Contains(u.ws.rec.statusLbl.Text, v.PortalCode) {
		t.Errorf("receipt tab status %q lacks the portal code %s", u.ws.rec.statusLbl.Text, v.PortalCode)
	}
}
