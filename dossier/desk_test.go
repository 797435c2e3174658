// Desk-level tests: the whole flow on real storage, the virtual scanner, the training identity and
// the reference portal on loopback, plus the failure paths (jam, bad files, bad certificates, portal errors).

package dossier_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sohoa/dossier"
	"sohoa/dossier/applicant"
	"sohoa/portal"
	"sohoa/portal/refportal"
	"sohoa/scanner"
	"sohoa/scanner/importer"
	_ "sohoa/scanner/virtual"
	"sohoa/signing"
	"sohoa/signing/pkcs12"
	"sohoa/storage"
)

var ctx = context.Background()

// binh is the first training citizen of the reference portal, as her CCCD QR reads.
const binhQR = "049195000123||Trần Thị Bình|12051995|Nữ|Thôn Phú Mỹ, xã Tam Kỳ, thành phố Đà Nẵng|12052009"

func openDesk(t *testing.T) *dossier.Desk {
	t.Helper()
	d, err := dossier.Open(ctx, dossier.Config{DataDir: t.TempDir(), Training: true, Officer: "Nguyễn Thị Hoa"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func newDossier(t *testing.T, d *dossier.Desk) dossier.View {
	t.Helper()
	a, err := applicant.ParseCCCDQR(binhQR)
	if err != nil {
		t.Fatal(err)
	}
	v, err := d.NewDossier(ctx, "1.001193", a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func scan(t *testing.T, d *dossier.Desk, id, comp, device string, pages int) (int, error) {
	t.Helper()
	return d.Scan(ctx, dossier.ScanRequest{Dossier: id, Component: comp, Device: device,
		Settings: scanner.Settings{Source: scanner.SourceFeeder, DPI: 100, Mode: scanner.ModeColor, MaxPages: pages}})
}

func trainingIdentity(t *testing.T, d *dossier.Desk) (signing.Identity, *x509.CertPool) {
	t.Helper()
	id, ca, err := pkcs12.Training(filepath.Join(dossier.StoreOf(d).Dir(), "training-identity"), "Nguyễn Thị Hoa", "UBND xã Đào Tạo")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { id.Close() })
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	return id, pool
}

// captured makes a dossier with both required components captured and confirmed.
func captured(t *testing.T, d *dossier.Desk) dossier.View {
	v := newDossier(t, d)
	for _, c := range []string{"TP1", "TP2"} {
		if n, err := scan(t, d, v.ID, c, "virtual:", 2); err != nil || n != 2 {
			t.Fatalf("scan %s: %d pages, %v", c, n, err)
		}
		if err := d.Confirm(ctx, v.ID, c, true); err != nil {
			t.Fatal(err)
		}
	}
	v, err := d.Dossier(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.State != dossier.Captured {
		t.Fatalf("state %s after capturing the required components", v.State)
	}
	return v
}

func TestCodesAreSequentialAndSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	a, _ := applicant.ParseCCCDQR(binhQR)
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, dossier.Location)
	var codes []string
	for round := 0; round < 2; round++ {
		d, err := dossier.Open(ctx, dossier.Config{DataDir: dir, Training: true, Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2; i++ {
			v, err := d.NewDossier(ctx, "1.001193", a)
			if err != nil {
				t.Fatal(err)
			}
			codes = append(codes, v.ID)
		}
		d.Close()
	}
	want := []string{"000.00.00.H47-261126-0001", "000.00.00.H47-261126-0002", "000.00.00.H47-261126-0003", "000.00.00.H47-261126-0004"}
	for i := range want {
		if codes[i] != want[i] {
			t.Errorf("code %d = %s, want %s", i, codes[i], want[i])
		}
	}
}

func TestDeskNumbersKeepCodesApart(t *testing.T) {
	a, _ := applicant.ParseCCCDQR(binhQR)
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, dossier.Location)
	var codes []string
	for desk := 1; desk <= 2; desk++ {
		d, err := dossier.Open(ctx, dossier.Config{DataDir: t.TempDir(), Training: true, Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		if err := d.SetDeskNumber(ctx, desk); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2; i++ {
			v, err := d.NewDossier(ctx, "1.001193", a)
			if err != nil {
				t.Fatal(err)
			}
			codes = append(codes, v.ID)
		}
		if err := d.SetDeskNumber(ctx, 10); !errors.Is(err, dossier.ErrInvalidDesk) {
			t.Errorf("desk 10 accepted: %v", err)
		}
	}
	// Numbered without a desk count: 9 desks assumed, interleaved (see dossier/code.go).
	want := []string{"000.00.00.H47-261126-0001", "000.00.00.H47-261126-0010", "000.00.00.H47-261126-0002", "000.00.00.H47-261126-0011"}
	for i := range want {
		if codes[i] != want[i] {
			t.Errorf("code %d = %s, want %s", i, codes[i], want[i])
		}
	}
}

func TestSignDerivesCapturedAfterCrash(t *testing.T) {
	d := openDesk(t)
	id, pool := trainingIdentity(t, d)
	v := captured(t, d)
	// As after a crash between storing a page and moving the state: complete, but still a draft.
	if err := setState(d, v.ID, "captured", "draft"); err != nil {
		t.Fatal(err)
	}
	if err := d.Sign(ctx, v.ID, id, dossier.SignOptions{Roots: pool}); err != nil {
		t.Fatalf("sign a complete draft: %v", err)
	}
}

func TestNewDossierRefusesBadInput(t *testing.T) {
	d := openDesk(t)
	a, _ := applicant.ParseCCCDQR(binhQR)
	if _, err := d.NewDossier(ctx, "9.999999", a); !errors.Is(err, dossier.ErrUnknownProcedure) {
		t.Errorf("unknown procedure: %v", err)
	}
	if _, err := d.NewDossier(ctx, "1.001193", applicant.Applicant{Name: "A", ID: "12"}); err == nil {
		t.Errorf("an applicant with a 2-digit ID was accepted")
	}
	v := newDossier(t, d)
	if v.AppointmentAt.Before(v.ReceivedAt) {
		t.Errorf("appointment %v before receipt %v", v.AppointmentAt, v.ReceivedAt)
	}
	if len(v.Components) < 2 || v.Components[0].Code != "TP1" || !v.Components[0].Required {
		t.Errorf("components %+v", v.Components)
	}
}

func TestJamKeepsPagesAlreadyScanned(t *testing.T) {
	d := openDesk(t)
	v := newDossier(t, d)
	n, err := scan(t, d, v.ID, "TP1", "virtual:pages=5,jam-after=2", 0)
	if !errors.Is(err, scanner.ErrJammed) {
		t.Fatalf("jam: err %v", err)
	}
	if n != 2 {
		t.Fatalf("%d pages stored before the jam, want 2", n)
	}
	v, _ = d.Dossier(ctx, v.ID)
	c, _ := v.Component("TP1")
	if len(c.Pages) != 2 {
		t.Fatalf("component holds %d pages", len(c.Pages))
	}
	for _, p := range c.Pages {
		if _, err := d.PageImage(ctx, p); err != nil {
			t.Errorf("page %d unreadable: %v", p.ID, err)
		}
	}
	if dangling, err := dossier.StoreOf(d).Dangling(ctx); err != nil || len(dangling) != 0 {
		t.Errorf("dangling blobs %v %v", dangling, err)
	}
	if _, err := scan(t, d, v.ID, "TP1", "virtual:empty", 0); !errors.Is(err, scanner.ErrFeederEmpty) {
		t.Errorf("empty feeder: %v", err)
	}
	if _, err := scan(t, d, v.ID, "TP1", "virtual:cover-open", 0); !errors.Is(err, scanner.ErrCoverOpen) {
		t.Errorf("cover open: %v", err)
	}
	if _, err := scan(t, d, v.ID, "TP9", "virtual:", 1); !errors.Is(err, dossier.ErrUnknownComponent) {
		t.Errorf("unknown component: %v", err)
	}
}

func TestDuplexBackSidesFlaggedBlank(t *testing.T) {
	d := openDesk(t)
	v := newDossier(t, d)
	n, err := d.Scan(ctx, dossier.ScanRequest{Dossier: v.ID, Component: "TP1", Device: "virtual:pages=2",
		Settings: scanner.Settings{Source: scanner.SourceDuplex, DPI: 150, Mode: scanner.ModeColor}})
	if err != nil || n != 4 {
		t.Fatalf("duplex scan: %d pages, %v", n, err)
	}
	v, _ = d.Dossier(ctx, v.ID)
	c, _ := v.Component("TP1")
	for i, p := range c.Pages {
		if back := i%2 == 1; p.Blank != back {
			t.Errorf("page %d: blank=%v, want %v (blank back sides are flagged, fronts are not)", i+1, p.Blank, back)
		}
	}
	if len(c.Pages) != 4 {
		t.Errorf("blank pages must be kept: %d pages", len(c.Pages))
	}
}

func TestPageEdits(t *testing.T) {
	d := openDesk(t)
	v := newDossier(t, d)
	if _, err := scan(t, d, v.ID, "TP1", "virtual:", 3); err != nil {
		t.Fatal(err)
	}
	v, _ = d.Dossier(ctx, v.ID)
	c, _ := v.Component("TP1")
	p0, p1, p2 := c.Pages[0], c.Pages[1], c.Pages[2]
	if err := d.RotatePage(ctx, v.ID, "TP1", p0.ID, 90); err != nil {
		t.Fatal(err)
	}
	img, err := d.PageImage(ctx, storage.Page{ID: p0.ID, Blob: p0.Blob, Rotation: 90})
	if err != nil || img.Bounds().Dx() != p0.Height {
		t.Errorf("rotated page width %d, want %d (%v)", img.Bounds().Dx(), p0.Height, err)
	}
	if err := d.RotatePage(ctx, v.ID, "TP1", p0.ID, 45); err == nil {
		t.Errorf("45° rotation accepted")
	}
	if err := d.MovePage(ctx, v.ID, "TP1", p2.ID, 0); err != nil {
		t.Fatal(err)
	}
	if err := d.DeletePage(ctx, v.ID, "TP1", p1.ID); err != nil {
		t.Fatal(err)
	}
	v, _ = d.Dossier(ctx, v.ID)
	c, _ = v.Component("TP1")
	if len(c.Pages) != 2 || c.Pages[0].ID != p2.ID || c.Pages[1].ID != p0.ID || c.Pages[1].Rotation != 90 {
		t.Errorf("pages after edits: %+v", c.Pages)
	}
	if err := d.ReorderPages(ctx, v.ID, "TP1", []int64{p0.ID, p0.ID}); err == nil {
		t.Errorf("a repeated page id was accepted")
	}
}

func TestImportBadFilesStoresNothing(t *testing.T) {
	d := openDesk(t)
	v := newDossier(t, d)
	dir := t.TempDir()
	good := filepath.Join(dir, "ok.jpg")
	writePhoto(t, d, good)
	trunc := filepath.Join(dir, "truncated.pdf")
	os.WriteFile(trunc, []byte("%PDF-1.7\n1 0 obj\n<< /Type /Catalog"), 0o644)
	junk := filepath.Join(dir, "notes.docx")
	os.WriteFile(junk, []byte("PK\x03\x04 this is not a scan"), 0o644)
	err := d.Import(ctx, v.ID, "TP2", good, trunc)
	if !errors.Is(err, importer.ErrCorrupt) {
		t.Errorf("truncated PDF: %v", err)
	}
	if err := d.Import(ctx, v.ID, "TP2", junk); !errors.Is(err, importer.ErrUnsupportedFormat) {
		t.Errorf("docx: %v", err)
	}
	v, _ = d.Dossier(ctx, v.ID)
	c, _ := v.Component("TP2")
	if len(c.Pages) != 0 || len(c.Files) != 0 {
		t.Errorf("a refused import stored %d pages and %d files", len(c.Pages), len(c.Files))
	}
	if err := d.Import(ctx, v.ID, "TP2", good); err != nil {
		t.Fatal(err)
	}
	v, _ = d.Dossier(ctx, v.ID)
	if c, _ := v.Component("TP2"); len(c.Pages) != 1 {
		t.Errorf("good photo: %d pages", len(c.Pages))
	}
}

func writePhoto(t *testing.T, d *dossier.Desk, path string) {
	t.Helper()
	dev, err := scanner.Open("virtual:seed=9")
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	err = dev.Scan(ctx, scanner.Settings{Source: scanner.SourcePlaten, DPI: 75, MaxPages: 1}, scanner.Handler{OnPage: func(p scanner.Page) error {
		return writeJPEG(path, p)
	}})
	if err != nil {
		t.Fatal(err)
	}
}

func TestSignRefusals(t *testing.T) {
	d := openDesk(t)
	id, pool := trainingIdentity(t, d)
	v := newDossier(t, d)
	if err := d.Sign(ctx, v.ID, id, dossier.SignOptions{Roots: pool}); !errors.Is(err, dossier.ErrIllegalMove) {
		t.Errorf("signing a draft: %v", err)
	}
	for _, c := range []string{"TP1", "TP2"} {
		scan(t, d, v.ID, c, "virtual:", 1)
	}
	if err := d.Sign(ctx, v.ID, id, dossier.SignOptions{Roots: pool}); !errors.Is(err, dossier.ErrNotConfirmed) {
		t.Errorf("signing unconfirmed pages: %v", err)
	}
	for _, c := range []string{"TP1", "TP2"} {
		d.Confirm(ctx, v.ID, c, true)
	}
	expired := selfSigned(t, time.Now().Add(-48*time.Hour), time.Now().Add(-24*time.Hour), x509.KeyUsageDigitalSignature)
	epool := x509.NewCertPool()
	epool.AddCert(expired.Certificate())
	if err := d.Sign(ctx, v.ID, expired, dossier.SignOptions{Roots: epool}); !errors.Is(err, signing.ErrCertExpired) {
		t.Errorf("expired certificate: %v", err)
	}
	encOnly := selfSigned(t, time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour), x509.KeyUsageKeyEncipherment)
	epool.AddCert(encOnly.Certificate())
	if err := d.Sign(ctx, v.ID, encOnly, dossier.SignOptions{Roots: epool}); !errors.Is(err, signing.ErrCertKeyUsage) {
		t.Errorf("encryption-only certificate: %v", err)
	}
	v, _ = d.Dossier(ctx, v.ID)
	if v.State != dossier.Captured {
		t.Errorf("state %s after refused signatures", v.State)
	}
	for _, c := range v.Components {
		if len(c.Files) != 0 {
			t.Errorf("%s: a refused signature stored files", c.Code)
		}
	}
}

func selfSigned(t *testing.T, from, to time.Time, ku x509.KeyUsage) signing.Identity {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: "Cán bộ Thử"},
		NotBefore: from, NotAfter: to, KeyUsage: ku | x509.KeyUsageCertSign, BasicConstraintsValid: true, IsCA: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return pkcs12.NewIdentity(key, cert, nil, "test")
}

func startPortal(t *testing.T) string {
	t.Helper()
	srv, err := refportal.New(refportal.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	url, err := srv.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return url
}

func binhToken(t *testing.T, url string) portal.Token {
	c := refportal.TrainingCitizens()[0]
	tok, err := portal.TrainingLogin(ctx, url, c.ID, c.Password)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestFlowSubmitsExactlyOnce(t *testing.T) {
	d := openDesk(t)
	id, pool := trainingIdentity(t, d)
	v := captured(t, d)
	if err := d.Sign(ctx, v.ID, id, dossier.SignOptions{Roots: pool}); err != nil {
		t.Fatal(err)
	}
	// The training desk signs offline: the missing revocation check is recorded, not silent.
	log, err := dossier.StoreOf(d).AuditLog(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	warned := false
	for _, e := range log {
		if e.Action == "dossier.signed" && strings.Contains(string(e.Detail), "revocation") {
			warned = true
		}
	}
	if !warned {
		t.Errorf("no revocation warning in the audit log of an offline signature")
	}
	url := startPortal(t)
	if _, err := d.Submit(ctx, v.ID, binhToken(t, url)); err != nil {
		t.Fatal(err)
	}
	u := &dossier.Uploader{Desk: d, Client: portal.NewClient(url)}
	if err := u.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	v, _ = d.Dossier(ctx, v.ID)
	if v.State != dossier.Submitted || v.PortalCode == "" {
		t.Fatalf("state %s, code %q, error %q", v.State, v.PortalCode, v.LastError)
	}
	// The citizen's token is gone once the dossier is submitted.
	if s := secret(t, d, v.ID, storage.SecretCitizenToken); s != "" {
		t.Errorf("citizen token still stored after submission")
	}
	// A second drain and a second submit send nothing.
	if err := u.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Submit(ctx, v.ID, binhToken(t, url)); !errors.Is(err, dossier.ErrIllegalMove) {
		t.Errorf("resubmitting a submitted dossier: %v", err)
	}
	m, err := d.Manifest(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.TaiLieuNop) != 2 || m.MaHoSo != v.ID || m.SoGiayToChuHoSo != "049195000123" || m.HoSoCoThanhPhanSoHoa != 1 {
		t.Errorf("manifest %+v", m)
	}
	for _, f := range m.TaiLieuNop {
		if len(f.SHA256) != 64 || f.SoTrang != 2 || f.DuocSoHoa != 1 {
			t.Errorf("manifest file %+v", f)
		}
	}
	pdf, err := d.Receipt(ctx, v.ID)
	if err != nil || len(pdf) < 1000 {
		t.Errorf("receipt: %d bytes, %v", len(pdf), err)
	}

	// Retention: with page images kept 0 days... a zero keeps forever; one day after submission they go.
	if err := dossier.StoreOf(d).SetSetting(ctx, dossier.SettingPageDays, "1"); err != nil {
		t.Fatal(err)
	}
	if res, err := d.Purge(ctx); err != nil || res.Pages != 0 {
		t.Errorf("purge on the day of submission: %+v %v", res, err)
	}
	if _, err := dossier.StoreOf(d).SQL().ExecContext(ctx, `UPDATE dossiers SET updated_at = updated_at - ? WHERE id = ?`, int64(48*time.Hour), v.ID); err != nil {
		t.Fatal(err)
	}
	res, err := d.Purge(ctx)
	if err != nil || res.Pages != 4 || res.Files != 0 {
		t.Errorf("purge two days later: %+v %v", res, err)
	}
	v, _ = d.Dossier(ctx, v.ID)
	if v.PageCount() != 0 || len(v.Components[0].Files) != 1 {
		t.Errorf("after purge: %d pages, files %+v", v.PageCount(), v.Components[0].Files)
	}
	if dangling, _ := dossier.StoreOf(d).Dangling(ctx); len(dangling) != 0 {
		t.Errorf("purge left dangling rows: %v", dangling)
	}
}

func TestUploaderClassifiesPortalErrors(t *testing.T) {
	var status int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write([]byte(`{"code":"internal","message":"boom"}`))
	}))
	defer srv.Close()
	d := openDesk(t)
	id, pool := trainingIdentity(t, d)
	v := captured(t, d)
	if err := d.Sign(ctx, v.ID, id, dossier.SignOptions{Roots: pool}); err != nil {
		t.Fatal(err)
	}
	tok := portal.Token{AccessToken: "t", Expiry: time.Now().Add(time.Hour), Subject: "049195000123"}
	if _, err := d.Submit(ctx, v.ID, tok); err != nil {
		t.Fatal(err)
	}
	u := &dossier.Uploader{Desk: d, Client: portal.NewClient(srv.URL)}

	status = http.StatusInternalServerError
	if took, err := u.Once(ctx); !took || err != nil {
		t.Fatalf("once: %v %v", took, err)
	}
	it := outboxItem(d, v.ID)
	v, _ = d.Dossier(ctx, v.ID)
	if v.State != dossier.Queued || it.State != storage.OutboxPending || !it.NextAt.After(time.Now()) || it.ErrorClass != storage.ErrorTransient {
		t.Errorf("after a 500: dossier %s, item %+v", v.State, it)
	}
	// Not due yet: nothing is taken.
	if took, _ := u.Once(ctx); took {
		t.Errorf("an item was retried before its backoff")
	}
	status = http.StatusBadRequest
	dueNow(t, d, v.ID)
	if took, err := u.Once(ctx); !took || err != nil {
		t.Fatalf("once after 400: %v %v", took, err)
	}
	v, _ = d.Dossier(ctx, v.ID)
	it = outboxItem(d, v.ID)
	if v.State != dossier.Failed || it.State != storage.OutboxFailed || v.LastError == "" {
		t.Errorf("after a 400: dossier %s (%q), item %s", v.State, v.LastError, it.State)
	}
	// The officer retries: back in the queue.
	if err := d.Retry(ctx, v.ID); err != nil {
		t.Fatal(err)
	}
	if v, _ = d.Dossier(ctx, v.ID); v.State != dossier.Queued {
		t.Errorf("after retry: %s", v.State)
	}
}

// dueNow makes a pending outbox item due at once (the test cannot wait for the backoff).
func dueNow(t *testing.T, d *dossier.Desk, id string) {
	t.Helper()
	if _, err := dossier.StoreOf(d).SQL().ExecContext(ctx, `UPDATE outbox SET next_at = 0 WHERE dossier_id = ?`, id); err != nil {
		t.Fatal(err)
	}
}

func TestUploaderSurvivesHangingPortal(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-block }))
	defer srv.Close()
	defer close(block)
	d := openDesk(t)
	id, pool := trainingIdentity(t, d)
	v := captured(t, d)
	if err := d.Sign(ctx, v.ID, id, dossier.SignOptions{Roots: pool}); err != nil {
		t.Fatal(err)
	}
	d.Submit(ctx, v.ID, portal.Token{AccessToken: "t", Expiry: time.Now().Add(time.Hour), Subject: "049195000123"})
	c := portal.NewClient(srv.URL)
	c.Timeout = 300 * time.Millisecond
	u := &dossier.Uploader{Desk: d, Client: c}
	start := time.Now()
	if took, err := u.Once(ctx); !took || err != nil {
		t.Fatalf("once: %v %v", took, err)
	}
	if time.Since(start) > 20*time.Second {
		t.Errorf("a hanging portal held the uploader for %v", time.Since(start))
	}
	it := outboxItem(d, v.ID)
	if it.State != storage.OutboxPending || it.ErrorClass != storage.ErrorTransient {
		t.Errorf("hanging portal: item %+v", it)
	}
}
