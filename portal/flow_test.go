// End-to-end tests of the portal client against the reference portal on loopback.

package portal_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"sohoa/portal"
	"sohoa/portal/refportal"
)

var codeRe = regexp.MustCompile(`^000\.00\.00\.H47-\d{6}-\d{4}$`)

func TestFullFlowTrainingLoginSubmitLookupStatus(t *testing.T) {
	dir := t.TempDir()
	_, base := startPortal(t, dir, func(c *refportal.Config) { c.VerifyPDF = pdfsigVerify })
	tok := login(t, base, binh())
	if tok.Subject != binh().ID || tok.Name != "Trần Thị Bình" || !tok.VNeID || tok.AccessToken == "" || tok.IDToken == "" {
		t.Fatalf("token = %+v", tok)
	}
	if time.Until(tok.Expiry) < 30*time.Minute {
		t.Errorf("token expiry %v too close", tok.Expiry)
	}
	pdf1, pdf2 := readShared(t, "pdfsign-hello_hsm.pdf"), readShared(t, "dss-doc-firmado-T.pdf")
	s := submission("idem-full-1", binh(), memFile("to-khai.pdf", "TP1", pdf1), memFile("giay-chung-sinh.pdf", "TP2", pdf2))
	var created []string
	s.OnUploadCreated = func(name, u string) { created = append(created, name) }

	ctx := context.Background()
	c := portal.NewClient(base)
	c.ChunkSize = 16 << 10
	r, err := c.Submit(ctx, s, tok)
	if err != nil {
		t.Fatal(err)
	}
	if !codeRe.MatchString(r.PortalCode) || !strings.HasSuffix(r.PortalCode, "-0001") || r.Status != portal.StatusReceived {
		t.Fatalf("receipt = %+v", r)
	}
	if time.Since(r.ReceivedAt) > time.Minute || len(created) != 2 {
		t.Fatalf("received at %v, uploads created %v", r.ReceivedAt, created)
	}
	got, ok, err := c.Lookup(ctx, "idem-full-1", tok)
	if err != nil || !ok || got.PortalCode != r.PortalCode || !got.ReceivedAt.Equal(r.ReceivedAt) {
		t.Fatalf("Lookup = %+v, %v, %v", got, ok, err)
	}
	if _, ok, err := c.Lookup(ctx, "no-such-key", tok); err != nil || ok {
		t.Fatalf("Lookup(unknown) = %v, %v", ok, err)
	}
	st, err := c.Status(ctx, r.PortalCode, tok)
	if err != nil || st.PortalCode != r.PortalCode || st.Status != portal.StatusReceived {
		t.Fatalf("Status = %+v, %v", st, err)
	}
	if _, err := c.Status(ctx, "000.00.00.H47-000000-9999", tok); !errors.Is(err, &portal.Error{Code: portal.CodeNotFound}) {
		t.Fatalf("Status(unknown) err = %v", err)
	}

	ds, err := refportal.ListDossiers(dir)
	if err != nil || len(ds) != 1 {
		t.Fatalf("ListDossiers = %+v, %v", ds, err)
	}
	d := ds[0]
	if d.PortalCode != r.PortalCode || d.IdempotencyKey != "idem-full-1" || d.ApplicantID != binh().ID || d.ApplicantName != binh().Name || !d.Training || len(d.Files) != 2 {
		t.Fatalf("stored = %+v", d)
	}
	for i, want := range [][]byte{pdf1, pdf2} {
		f := d.Files[i]
		data, err := os.ReadFile(f.Path)
		if err != nil || !bytes.Equal(data, want) || f.Size != int64(len(want)) || f.SHA256 != s.Files[i].SHA256 {
			t.Fatalf("stored file %d %+v differs (%v)", i, f, err)
		}
	}
}

func TestIdempotentResubmitReturnsSameCode(t *testing.T) {
	dir := t.TempDir()
	_, base := startPortal(t, dir, nil)
	tok := login(t, base, binh())
	c := portal.NewClient(base)
	s := submission("idem-twice", binh(), memFile("a.pdf", "TP1", []byte("%PDF-1.4 first component")))
	r1, err := c.Submit(context.Background(), s, tok)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := portal.NewClient(base).Submit(context.Background(), s, tok) // a fresh client, as after a crash
	if err != nil || r2.PortalCode != r1.PortalCode {
		t.Fatalf("second Submit = %+v, %v; first %+v", r2, err, r1)
	}
	// a different dossier gets the next number
	r3, err := c.Submit(context.Background(), submission("idem-other", binh(), memFile("b.pdf", "TP1", []byte("%PDF-1.4 other"))), tok)
	if err != nil || !strings.HasSuffix(r3.PortalCode, "-0002") {
		t.Fatalf("third Submit = %+v, %v", r3, err)
	}
	ds, _ := refportal.ListDossiers(dir)
	if len(ds) != 2 {
		t.Fatalf("stored %d dossiers, want 2", len(ds))
	}
}

func TestNotOwnerIsForbidden(t *testing.T) {
	_, base := startPortal(t, t.TempDir(), nil)
	tok := login(t, base, an()) // An logs in, the dossier is Bình's
	_, err := portal.NewClient(base).Submit(context.Background(), submission("idem-owner", binh(), memFile("a.pdf", "TP1", []byte("%PDF bytes"))), tok)
	var pe *portal.Error
	if !errors.Is(err, portal.ErrNotOwner) || !errors.As(err, &pe) || pe.HTTPStatus != 403 || portal.Classify(err) != portal.Permanent {
		t.Fatalf("err = %v", err)
	}
}

// changingFile returns good bytes on its first Open (the client's local check) and altered bytes afterwards,
// as if the file changed on disk during the upload.
func changingFile(name string, good []byte) portal.File {
	f := memFile(name, "TP1", good)
	bad := bytes.Clone(good)
	bad[len(bad)/2] ^= 0xff
	opens := 0
	f.Open = func() (r io.ReadSeekCloser, err error) {
		opens++
		if opens == 1 {
			return nopSeekCloser{bytes.NewReader(good)}, nil
		}
		return nopSeekCloser{bytes.NewReader(bad)}, nil
	}
	return f
}

func TestHashMismatchIsPermanent422(t *testing.T) {
	dir := t.TempDir()
	_, base := startPortal(t, dir, nil)
	tok := login(t, base, binh())
	s := submission("idem-hash", binh(), changingFile("a.pdf", readShared(t, "pdfsign-hello_hsm.pdf")))
	_, err := portal.NewClient(base).Submit(context.Background(), s, tok)
	var pe *portal.Error
	if !errors.Is(err, portal.ErrHashMismatch) || !errors.As(err, &pe) || pe.HTTPStatus != 422 || portal.Classify(err) != portal.Permanent {
		t.Fatalf("err = %v", err)
	}
	if ds, _ := refportal.ListDossiers(dir); len(ds) != 0 {
		t.Fatalf("a mismatching dossier was stored: %+v", ds)
	}
	// a file that no longer matches its manifest hash is refused before any upload
	f := memFile("b.pdf", "TP1", []byte("%PDF signed bytes"))
	s2 := submission("idem-local", binh(), f)
	s2.Files[0].Open = func() (io.ReadSeekCloser, error) {
		return nopSeekCloser{bytes.NewReader([]byte("%PDF SIGNED bytes"))}, nil
	}
	_, err = portal.NewClient(base).Submit(context.Background(), s2, tok)
	if !errors.As(err, &pe) || pe.Code != portal.CodeLocalFile || pe.HTTPStatus != 0 || portal.Classify(err) != portal.Permanent {
		t.Fatalf("local mismatch err = %v", err)
	}
}

func TestInvalidSignatureIsPermanent422(t *testing.T) {
	dir := t.TempDir()
	_, base := startPortal(t, dir, func(c *refportal.Config) { c.VerifyPDF = pdfsigVerify })
	tok := login(t, base, binh())
	pdf := readShared(t, "pdfsign-hello_hsm.pdf")
	i := bytes.Index(pdf, []byte("stream")) + 20 // inside the signed byte range
	pdf[i] ^= 0x01
	_, err := portal.NewClient(base).Submit(context.Background(), submission("idem-sig", binh(), memFile("a.pdf", "TP1", pdf)), tok)
	var pe *portal.Error
	if !errors.Is(err, portal.ErrSignatureInvalid) || !errors.As(err, &pe) || pe.HTTPStatus != 422 || portal.Classify(err) != portal.Permanent {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(pe.Message, "Digest Mismatch") {
		t.Errorf("message does not carry the verifier's reason: %q", pe.Message)
	}
}

func TestInvalidAndExpiredTokensNeedUser(t *testing.T) {
	_, base := startPortal(t, t.TempDir(), func(c *refportal.Config) { c.TokenLifetime = time.Second })
	c := portal.NewClient(base)
	ctx := context.Background()
	_, _, err := c.Lookup(ctx, "k", portal.Token{AccessToken: "not-a-token"})
	var pe *portal.Error
	if !errors.Is(err, portal.ErrUnauthorized) || !errors.As(err, &pe) || pe.HTTPStatus != 401 || portal.Classify(err) != portal.NeedsUser {
		t.Fatalf("garbage token err = %v", err)
	}
	tok := login(t, base, binh())
	if _, _, err := c.Lookup(ctx, "k", tok); err != nil {
		t.Fatalf("fresh token refused: %v", err)
	}
	// the client refuses a token it knows is expired without asking the portal
	old := tok
	old.Expiry = time.Now().Add(-time.Minute)
	if _, _, err := c.Lookup(ctx, "k", old); !errors.Is(err, portal.ErrTokenExpired) || portal.Classify(err) != portal.NeedsUser {
		t.Fatalf("client-side expiry err = %v", err)
	}
	// the portal refuses it once its exp has passed, even when the client does not know the expiry
	time.Sleep(1200 * time.Millisecond) // TokenLifetime is 1 s
	tok.Expiry = time.Time{}
	if _, _, err := c.Lookup(ctx, "k", tok); !errors.Is(err, portal.ErrUnauthorized) || portal.Classify(err) != portal.NeedsUser {
		t.Fatalf("expired token err = %v", err)
	}
}

func TestRestartKeepsDossiersAndTokens(t *testing.T) {
	dir := t.TempDir()
	srv, base := startPortal(t, dir, nil)
	tok := login(t, base, binh())
	r, err := portal.NewClient(base).Submit(context.Background(), submission("idem-restart", binh(), memFile("a.pdf", "TP1", []byte("%PDF restart"))), tok)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(base, "http://"))
	_, base2 := startPortal(t, dir, func(c *refportal.Config) { c.Addr = "127.0.0.1:" + port })
	if base2 != base {
		t.Fatalf("restarted on %s, want %s", base2, base)
	}
	got, ok, err := portal.NewClient(base2).Lookup(context.Background(), "idem-restart", tok) // the old token still works
	if err != nil || !ok || got.PortalCode != r.PortalCode {
		t.Fatalf("Lookup after restart = %+v, %v, %v", got, ok, err)
	}
	r2, err := portal.NewClient(base2).Submit(context.Background(), submission("idem-restart-2", binh(), memFile("b.pdf", "TP1", []byte("%PDF next"))), tok)
	if err != nil || !strings.HasSuffix(r2.PortalCode, "-0002") {
		t.Fatalf("numbering after restart: %+v, %v", r2, err)
	}
}
