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
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"
	p11 "github.com/miekg/pkcs11"

	"sohoa/signing"
	"sohoa/signing/pkcs11"
)

const (
	label = "sohoa-test"
	pin   = "123456"
	soPIN = "87654321"
)

func module(t *testing.T) string {
	for _, c := range pkcs11.Candidates() {
		if strings.Contains(c, "softhsm") {
			if _, err := os.Stat(c); err == nil {
				return c
			}
		}
	}
	t.Fatal("libsofthsm2.so not found: apt-get install softhsm2")
	return ""
}

// newToken makes a SoftHSM2 configuration and token in a temp dir, for this test only.
func newToken(t *testing.T) string {
	dir := t.TempDir()
	tokens := filepath.Join(dir, "tokens")
	if err := os.Mkdir(tokens, 0o700); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "softhsm2.conf")
	if err := os.WriteFile(conf, []byte("directories.tokendir = "+tokens+"\nobjectstore.backend = file\nlog.level = ERROR\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SOFTHSM2_CONF", conf)
	sh(t, "softhsm2-util", "--init-token", "--free", "--label", label, "--pin", pin, "--so-pin", soPIN)
	return dir
}

func sh(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

type ca struct {
	cert *x509.Certificate
	key  crypto.Signer
}

func newCA(t *testing.T) ca {
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Token Test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(5, 0, 0),
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true, IsCA: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, k.Public(), k)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return ca{c, k}
}

func (c ca) issue(t *testing.T, name string, pub crypto.PublicKey, serial int64) *x509.Certificate {
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: name, Organization: []string{"UBND xã Thử"}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(1, 0, 0),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, c.cert, pub, c.key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return cert
}

// importKey puts key on the token with softhsm2-util and the certificate with C_CreateObject.
func importKey(t *testing.T, dir string, key crypto.Signer, cert *x509.Certificate, id, objLabel string) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	kf := filepath.Join(dir, objLabel+".pem")
	if err := os.WriteFile(kf, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	sh(t, "softhsm2-util", "--import", kf, "--token", label, "--label", objLabel, "--id", id, "--pin", pin)
	idBytes := make([]byte, len(id)/2)
	fmt.Sscanf(id, "%x", &idBytes)
	createCert(t, cert, idBytes, objLabel)
}

func createCert(t *testing.T, cert *x509.Certificate, id []byte, objLabel string) {
	ctx := p11.New(module(t))
	if err := ctx.Initialize(); err != nil {
		t.Fatal(err)
	}
	defer ctx.Destroy()
	defer ctx.Finalize()
	slots, _ := ctx.GetSlotList(true)
	var slot uint
	found := false
	for _, s := range slots {
		if ti, err := ctx.GetTokenInfo(s); err == nil && strings.TrimSpace(ti.Label) == label {
			slot, found = s, true
		}
	}
	if !found {
		t.Fatal("test token not found")
	}
	se, err := ctx.OpenSession(slot, p11.CKF_SERIAL_SESSION|p11.CKF_RW_SESSION)
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.CloseSession(se)
	if err := ctx.Login(se, p11.CKU_USER, pin); err != nil {
		t.Fatal(err)
	}
	defer ctx.Logout(se)
	_, err = ctx.CreateObject(se, []*p11.Attribute{
		p11.NewAttribute(p11.CKA_CLASS, p11.CKO_CERTIFICATE),
		p11.NewAttribute(p11.CKA_CERTIFICATE_TYPE, p11.CKC_X_509),
		p11.NewAttribute(p11.CKA_TOKEN, true),
		p11.NewAttribute(p11.CKA_PRIVATE, false),
		p11.NewAttribute(p11.CKA_VALUE, cert.Raw),
		p11.NewAttribute(p11.CKA_SUBJECT, cert.RawSubject),
		p11.NewAttribute(p11.CKA_ISSUER, cert.RawIssuer),
		p11.NewAttribute(p11.CKA_SERIAL_NUMBER, cert.SerialNumber.Bytes()),
		p11.NewAttribute(p11.CKA_ID, id),
		p11.NewAttribute(p11.CKA_LABEL, objLabel),
	})
	if err != nil {
		t.Fatal(err)
	}
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
		signing.Options{Roots: pool(c.cert)})
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
	rep, err := signing.Verify(out, pool(c.cert))
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
	importKey(t, dir, k, c.issue(t, "Nguyễn Văn Token", k.Public(), 10), "01", "officer")
	createCert(t, c.cert, []byte{0xca}, "ca")

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
	if id.Certificate().Subject.CommonName != "Nguyễn Văn Token" || len(id.Chain()) != 1 || !id.Chain()[0].Equal(c.cert) || id.Label() != label {
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
	importKey(t, dir, k, c.issue(t, "PIN", k.Public(), 11), "02", "officer")
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
	importKey(t, dir, rk, c.issue(t, "RSA 3072", rk.Public(), 12), "03", "rsa")
	ek, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	importKey(t, dir, ek, c.issue(t, "ECDSA P-256", ek.Public(), 13), "04", "ec")
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
