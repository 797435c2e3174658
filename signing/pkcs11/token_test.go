//go:build cgo

// Tests against a SoftHSM2 token created by the test: list, sign a PDF, wrong PIN, RSA 3072 and ECDSA keys.

package pkcs11_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"

	"sohoa/signing"
	"sohoa/signing/pkcs11"
	"sohoa/signing/pkcs11/softhsmtest"
)

const (
	label = softhsmtest.Label
	pin   = softhsmtest.PIN
)

// The token set-up lives in softhsmtest so the CLI and GUI tests sign through the same real path.
type ca = softhsmtest.CA

func module(t *testing.T) string { return softhsmtest.Module(t) }

func newToken(t *testing.T) string { return softhsmtest.NewToken(t) }

func sh(t *testing.T, name string, args ...string) string { return softhsmtest.Run(t, name, args...) }

func newCA(t *testing.T) ca { return softhsmtest.NewCA(t) }

func importKey(t *testing.T, dir string, key crypto.Signer, cert *x509.Certificate, id, objLabel string) {
	softhsmtest.ImportKey(t, dir, key, cert, id, objLabel)
}

func onePagePDF(t *testing.T) []byte {
	p := fpdf.New("P", "mm", "A4", "")
	p.SetFont("Helvetica", "", 14)
	p.AddPage()
	p.Cell(0, 10, "token test")
	var b bytes.Buffer
	if err := p.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func signAndCheck(t *testing.T, id signing.Identity, c ca) {
	out, err := signing.Sign(context.Background(), onePagePDF(t), id, signing.Appearance{Unit: "UBND xã Thử", ScanTime: time.Now()},
		signing.Options{Roots: pool(c.Cert)})
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), "signed.pdf")
	if err := os.WriteFile(f, out, 0o644); err != nil {
		t.Fatal(err)
	}
	if s, _ := exec.Command("pdfsig", f).CombinedOutput(); !strings.Contains(string(s), "Signature is Valid") {
		t.Fatalf("pdfsig:\n%s", s)
	}
	rep, err := signing.Verify(out, pool(c.Cert))
	if err != nil || !rep.Valid() {
		t.Fatalf("Verify: %v\n%s", err, rep.Text("en"))
	}
}

func pool(c *x509.Certificate) *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(c)
	return p
}

func TestListAndSignRSA2048(t *testing.T) {
	dir := newToken(t)
	c := newCA(t)
	k, _ := rsa.GenerateKey(rand.Reader, 2048)
	importKey(t, dir, k, c.Issue(t, "Nguyễn Văn Token", k.Public(), 10), "01", "officer")
	softhsmtest.CreateCert(t, c.Cert, []byte{0xca}, "ca")

	mod := module(t)
	toks, err := pkcs11.List(mod)
	if err != nil {
		t.Fatal(err)
	}
	var tok *pkcs11.TokenInfo
	for i := range toks {
		if toks[i].Label == label {
			tok = &toks[i]
		}
	}
	if tok == nil || tok.Serial == "" || !strings.Contains(tok.Manufacturer, "SoftHSM") || !tok.LoginRequired || tok.PINCountLow {
		t.Fatalf("tokens: %+v", toks)
	}
	if len(tok.Certificates) != 2 {
		t.Fatalf("certificates: %+v", tok.Certificates)
	}
	for _, ci := range tok.Certificates {
		switch ci.Label {
		case "officer":
			if ci.SubjectCN != "Nguyễn Văn Token" || ci.Issuer != "Token Test CA" || !ci.HasPrivateKey || ci.ID != "01" {
				t.Fatalf("officer cert: %+v", ci)
			}
		case "ca":
			if ci.HasPrivateKey {
				t.Fatalf("CA cert claims a key: %+v", ci)
			}
		}
	}

	p := []byte(pin)
	id, err := pkcs11.Open(mod, pkcs11.Selector{TokenLabel: label}, p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(p, make([]byte, len(pin))) {
		t.Fatal("PIN slice not zeroed")
	}
	if id.Certificate().Subject.CommonName != "Nguyễn Văn Token" || len(id.Chain()) != 1 || !id.Chain()[0].Equal(c.Cert) || id.Label() != label {
		t.Fatalf("identity: %s chain %d", id.Certificate().Subject, len(id.Chain()))
	}
	signAndCheck(t, id, c)
	if err := id.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := id.Sign(rand.Reader, make([]byte, 32), crypto.SHA256); err == nil {
		t.Fatal("signing after Close succeeded")
	}
}

func TestWrongPIN(t *testing.T) {
	dir := newToken(t)
	c := newCA(t)
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	importKey(t, dir, k, c.Issue(t, "PIN", k.Public(), 11), "02", "officer")
	mod := module(t)
	_, err := pkcs11.Open(mod, pkcs11.Selector{TokenLabel: label}, []byte("000000"))
	if !errors.Is(err, pkcs11.ErrWrongPIN) {
		t.Fatalf("err %v", err)
	}
	var pe *pkcs11.PINError
	if !errors.As(err, &pe) || !pe.CountLow {
		t.Fatalf("PIN flags after a wrong PIN: %+v", pe)
	}
	toks, _ := pkcs11.List(mod)
	if len(toks) == 0 || !toks[0].PINCountLow {
		t.Fatalf("List does not show CKF_USER_PIN_COUNT_LOW: %+v", toks)
	}
	// The right PIN still works afterwards.
	id, err := pkcs11.Open(mod, pkcs11.Selector{}, []byte(pin))
	if err != nil {
		t.Fatal(err)
	}
	id.Close()
}

func TestRSA3072AndECDSA(t *testing.T) {
	dir := newToken(t)
	c := newCA(t)
	rk, _ := rsa.GenerateKey(rand.Reader, 3072)
	importKey(t, dir, rk, c.Issue(t, "RSA 3072", rk.Public(), 12), "03", "rsa")
	ek, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	importKey(t, dir, ek, c.Issue(t, "ECDSA P-256", ek.Public(), 13), "04", "ec")
	mod := module(t)
	for _, want := range []string{"rsa", "ec"} {
		id, err := pkcs11.Open(mod, pkcs11.Selector{TokenLabel: label, CertLabel: want}, []byte(pin))
		if err != nil {
			t.Fatal(err)
		}
		desc := signing.KeyDescription(id.Certificate())
		if (want == "rsa" && desc != "RSA 3072") || (want == "ec" && desc != "ECDSA P-256") {
			t.Fatalf("%s: got %s", want, desc)
		}
		signAndCheck(t, id, c)
		id.Close()
	}
}

func TestMissingModuleAndToken(t *testing.T) {
	_, err := pkcs11.Open("/nonexistent/vnptca_p11_v8.so", pkcs11.Selector{}, []byte(pin))
	if !errors.Is(err, pkcs11.ErrModuleNotFound) || !strings.Contains(err.Error(), "vnptca_p11_v8.so") {
		t.Fatalf("err %v", err)
	}
	newToken(t)
	_, err = pkcs11.Open(module(t), pkcs11.Selector{TokenLabel: "no-such-token"}, []byte(pin))
	if !errors.Is(err, pkcs11.ErrTokenNotFound) {
		t.Fatalf("err %v", err)
	}
	notLib := filepath.Join(t.TempDir(), "fake.so")
	os.WriteFile(notLib, []byte("not a library"), 0o644)
	if _, err := pkcs11.List(notLib); !errors.Is(err, pkcs11.ErrModuleNotFound) {
		t.Fatalf("err %v", err)
	}
}

func TestCandidates(t *testing.T) {
	c := pkcs11.Candidates()
	if len(c) == 0 || !strings.Contains(c[0], "softhsm") {
		t.Fatalf("candidates: %v", c)
	}
}
