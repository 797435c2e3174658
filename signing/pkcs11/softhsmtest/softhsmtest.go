//go:build cgo

// Throwaway SoftHSM2 tokens with a key and a certificate, for tests.

package softhsmtest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	p11 "github.com/miekg/pkcs11"
)

// Fixed test secrets: these tokens live in a test's temp dir and hold throwaway keys.
const (
	Label = "sohoa-test"
	PIN   = "123456"
	SOPIN = "87654321"
)

// Modules lists where Debian and Ubuntu install SoftHSM2's PKCS#11 module.
var Modules = []string{
	"/usr/lib/softhsm/libsofthsm2.so",
	"/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
	"/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
}

// Module returns the installed SoftHSM2 module or fails the test naming the package to install.
func Module(t testing.TB) string {
	t.Helper()
	for _, m := range Modules {
		if _, err := os.Stat(m); err == nil {
			return m
		}
	}
	t.Fatal("libsofthsm2.so not found: `make test` installs the softhsm2 package")
	return ""
}

// CA is a test certification authority.
type CA struct {
	Cert *x509.Certificate
	Key  crypto.Signer
}

// NewCA makes a CA valid from an hour ago for five years.
func NewCA(t testing.TB) CA {
	t.Helper()
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Token Test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(5, 0, 0),
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true, IsCA: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, k.Public(), k)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return CA{c, k}
}

// PEM is the CA certificate as PEM.
func (c CA) PEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Cert.Raw})
}

// Issue signs a signing certificate (digitalSignature + nonRepudiation) for pub.
func (c CA) Issue(t testing.TB, name string, pub crypto.PublicKey, serial int64) *x509.Certificate {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: name, Organization: []string{"UBND xã Thử"}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(1, 0, 0),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, c.Cert, pub, c.Key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return cert
}

// NewToken makes a SoftHSM2 configuration and an initialised token in a temp dir, points
// SOFTHSM2_CONF at it for the rest of the test (so child processes see it too) and returns the dir.
func NewToken(t testing.TB) string {
	t.Helper()
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
	Run(t, "softhsm2-util", "--init-token", "--free", "--label", Label, "--pin", PIN, "--so-pin", SOPIN)
	return dir
}

// Run runs a command and fails the test with its output when it fails.
func Run(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

// NewRSAOfficer puts an RSA key of the given size and a certificate issued by ca on the token.
func NewRSAOfficer(t testing.TB, dir string, ca CA, name string, bits int) *x509.Certificate {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		t.Fatal(err)
	}
	cert := ca.Issue(t, name, key.Public(), time.Now().UnixNano())
	ImportKey(t, dir, key, cert, "a1", "officer")
	return cert
}

// ImportKey puts key on the token with softhsm2-util and the certificate with C_CreateObject.
func ImportKey(t testing.TB, dir string, key crypto.Signer, cert *x509.Certificate, id, objLabel string) {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	kf := filepath.Join(dir, objLabel+".pem")
	if err := os.WriteFile(kf, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	Run(t, "softhsm2-util", "--import", kf, "--token", Label, "--label", objLabel, "--id", id, "--pin", PIN)
	os.Remove(kf)
	idBytes, err := hex.DecodeString(id)
	if err != nil {
		t.Fatal(err)
	}
	CreateCert(t, cert, idBytes, objLabel)
}

// CreateCert writes a certificate object on the test token.
func CreateCert(t testing.TB, cert *x509.Certificate, id []byte, objLabel string) {
	t.Helper()
	ctx := p11.New(Module(t))
	if err := ctx.Initialize(); err != nil {
		t.Fatal(err)
	}
	defer ctx.Destroy()
	defer ctx.Finalize()
	slots, _ := ctx.GetSlotList(true)
	var slot uint
	found := false
	for _, s := range slots {
		if ti, err := ctx.GetTokenInfo(s); err == nil && strings.TrimSpace(ti.Label) == Label {
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
	if err := ctx.Login(se, p11.CKU_USER, PIN); err != nil {
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
