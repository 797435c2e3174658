// Headless tests of the whole training flow and of the wizard, capture and queue screens.

package app

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"sohoa/desk"
	"sohoa/portal/refportal"
)

// TestTrainingFlow drives the whole flow through the widgets (the autopilot) and checks the dossier
// that results, what the portal received, and what the screens show.
func TestTrainingFlow(t *testing.T) {
	h := newHarness(t, true)
	u, _ := h.start(t)
	shots := t.TempDir()
	if d := os.Getenv("SOHOA_SHOTS"); d != "" { // keep the screenshots to look at them
		shots = d
	}
	if err := Autopilot(ctxT(t, 3*time.Minute), u, shots); err != nil {
		t.Fatalf("autopilot: %v", err)
	}
	ctx := context.Background()
	list, err := h.desk.Dossiers.List(ctx, desk.DossierFilter{})
	if err != nil || len(list) != 1 {
		t.Fatalf("dossiers: %v %v", list, err)
	}
	v, err := h.desk.Dossiers.Dossier(ctx, list[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.State != desk.Submitted || v.PortalCode == "" {
		t.Fatalf("dossier %s is %s with portal code %q", v.ID, v.State, v.PortalCode)
	}
	if v.ProcedureCode != AutopilotProcedure || v.Record.Applicant.ID != "049195000123" || v.Record.Applicant.Name != "Trần Thị Bình" {
		t.Errorf("procedure %s applicant %+v", v.ProcedureCode, v.Record.Applicant)
	}
	tp1, _ := v.Component("TP1")
	tp2, _ := v.Component("TP2")
	if len(tp1.Pages) != 3 || len(tp2.Pages) != 1 || !tp1.Confirmed || !tp2.Confirmed {
		t.Errorf("TP1 %d pages confirmed=%v, TP2 %d pages confirmed=%v", len(tp1.Pages), tp1.Confirmed, len(tp2.Pages), tp2.Confirmed)
	}
	signed := 0
	for _, c := range v.Components {
		for _, f := range c.Files {
			if f.Role == desk.RoleSigned && f.Signed {
				signed++
			}
		}
	}
	if signed != 2 {
		t.Errorf("%d signed files, want 2", signed)
	}
	stored, err := refportal.ListDossiers(filepath.Join(h.dir, "portal"))
	if err != nil || len(stored) != 1 {
		t.Fatalf("portal dossiers: %v %v", stored, err)
	}
	if got := stored[0].PortalCode; got != v.PortalCode {
		t.Errorf("portal has %s, desk shows %s", got, v.PortalCode)
	}
	// What the screens show.
	if got := u.ws.sub.codeText(); got != v.PortalCode {
		t.Errorf("submit tab shows code %q, want %q", got, v.PortalCode)
	}
	if !strings.Contains(u.ws.header.Text, "Trần Thị Bình") || !strings.Contains(u.ws.header.Text, v.PortalCode) {
		t.Errorf("header %q lacks the applicant or the portal code", u.ws.header.Text)
	}
	if !strings.Contains(u.ws.sign.report.Text, "TP1") {
		t.Errorf("verification report does not list the TP1 file: %q", u.ws.sign.report.Text)
	}
	pdf, err := os.ReadFile(u.receiptPath(v.ID))
	if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Fatalf("receipt: %v", err)
	}
	if u.ws.rec.preview.Image == nil {
		t.Error("receipt preview is empty (pdftoppm is installed here)")
	}
	names, _ := filepath.Glob(filepath.Join(shots, "*.png"))
	if len(names) < 10 {
		t.Errorf("%d screenshots, want at least 10: %v", len(names), names)
	}
	// Home figures after the flow: 1 received, 4 pages, 1 signed, 1 submitted.
	u.show(screenHome)
	settle(t, u)
	want := []string{"1", "4", "1", "1", "0", "0"}
	for i, w := range want {
		if u.home.today[i].Text != w {
			t.Errorf("home %s today = %q, want %s", figureRows[i], u.home.today[i].Text, w)
		}
	}
	// The queue lists it with its code; export writes the manifest and both PDFs.
	u.show(screenQueue)
	settle(t, u)
	if len(u.queue.rows) != 1 || !strings.Contains(u.queue.detail(u.queue.rows[0]), v.PortalCode) {
		t.Errorf("queue rows %+v", u.queue.rows)
	}
	path, err := u.exportDossier(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var inZip []string
	for _, f := range zr.File {
		inZip = append(inZip, f.Name)
	}
	if len(inZip) != 4 || inZip[0] != "manifest.json" || inZip[3] != "SHA256SUMS" {
		t.Errorf("export wrote %v, want manifest + 2 PDFs + SHA256SUMS", inZip)
	}
}

// TestProcedureSearch: the picker finds birth registration with and without diacritics and by code.
func TestProcedureSearch(t *testing.T) {
	h := newHarness(t, false)
	u, _ := h.start(t)
	u.show(screenWizard)
	for _, q := range []string{"khai sinh", "Đăng ký khai sinh", "dang ky khai sinh", "KHAI SINH", "1.001193"} {
		test.Type(u.wiz.search, "") // focus path
		u.wiz.search.SetText(q)
		found := false
		for _, p := range u.wiz.results {
			found = found || p.Code == "1.001193"
		}
		if !found {
			t.Errorf("search %q does not find 1.001193 (%d results)", q, len(u.wiz.results))
		}
	}
	u.wiz.search.SetText("zzzz không có thủ tục này")
	if len(u.wiz.results) != 0 {
		t.Errorf("nonsense search found %d procedures", len(u.wiz.results))
	}
}

// TestApplicantValidation: bad QR text and bad typed fields show messages next to the fields and create nothing.
func TestApplicantValidation(t *testing.T) {
	h := newHarness(t, false)
	u, _ := h.start(t)
	test.Tap(u.home.newBtn)
	w := u.wiz
	w.search.SetText("1.001193")
	w.list.Select(0)
	for _, bad := range []string{"", "not a qr", "049195000123||Trần Thị Bình|31021995|Nữ|addr|10052021", "|||||||||||", "049195000123||Trần Thị Bình|12031995|Khác|addr|10052021"} {
		w.qr.SetText(bad)
		test.Tap(w.qrBtn)
		if w.formErr.Text == "" {
			t.Errorf("QR %q gave no message", bad)
		}
	}
	w.reset()
	w.search.SetText("1.001193")
	w.list.Select(0)
	test.Type(w.fields["id"], "12345")
	test.Type(w.fields["dob"], "31/02/1990")
	test.Type(w.fields["email"], "no-at-sign")
	test.Tap(w.create)
	settle(t, u)
	for _, f := range []string{"id", "name", "dob", "email"} {
		if w.errs[f].Text == "" {
			t.Errorf("no message next to %s", f)
		}
	}
	if u.screen != screenWizard {
		t.Errorf("an invalid applicant left the wizard for %s", u.screen)
	}
	// A valid QR fills the form; the hostile variant with an ID that contradicts the DOB is refused.
	w.qr.SetText("049195000123||Trần Thị Bình|12031995|Nữ|Thôn Phú Quý, xã Tam Xuân|10052021")
	test.Tap(w.qrBtn)
	if w.fields["name"].Text != "Trần Thị Bình" || w.sex.Selected != "Nữ" || w.fields["dob"].Text != "12/03/1995" {
		t.Errorf("form not filled: %q %q %q", w.fields["name"].Text, w.sex.Selected, w.fields["dob"].Text)
	}
	w.fields["email"].SetText("")
	w.fields["dob"].SetText("12/03/1985")
	test.Tap(w.create)
	settle(t, u)
	list, _ := h.desk.Dossiers.List(context.Background(), desk.DossierFilter{})
	if len(list) != 0 || w.formErr.Text == "" {
		t.Errorf("an ID contradicting the date of birth created %d dossiers (message %q)", len(list), w.formErr.Text)
	}
	w.fields["dob"].SetText("12/03/1995")
	test.Tap(w.create)
	settle(t, u)
	list, _ = h.desk.Dossiers.List(context.Background(), desk.DossierFilter{})
	if len(list) != 1 || u.screen != screenWorkspace {
		t.Fatalf("valid applicant: %d dossiers, screen %s, message %q", len(list), u.screen, w.formErr.Text)
	}
}
