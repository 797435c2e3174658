// Tests of the certificate selection shared by every platform, the thumbprint against openssl's,
// and the off-Windows answer.

package certstore_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"sohoa/signing/certstore"
)

var now = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func makeCert(t *testing.T, cn string, notAfter time.Time, ku x509.KeyUsage, ca bool) *x509.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: cn},
		Issuer:       pkix.Name{CommonName: cn},
		NotBefore:    now.AddDate(-1, 0, 0), NotAfter: notAfter,
		KeyUsage: ku, IsCA: ca, BasicConstraintsValid: ca,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSelect(t *testing.T) {
	sign := x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
	good := makeCert(t, "NGUYỄN THỊ THỦY", now.AddDate(1, 0, 0), sign, false)
	later := makeCert(t, "TRẦN VĂN HÙNG", now.AddDate(2, 0, 0), x509.KeyUsageDigitalSignature, false)
	expired := makeCert(t, "Expired", now.AddDate(0, 0, -1), sign, false)
	encOnly := makeCert(t, "Encryption", now.AddDate(1, 0, 0), x509.KeyUsageKeyEncipherment, false)
	ca := makeCert(t, "Some CA", now.AddDate(5, 0, 0), x509.KeyUsageCertSign|x509.KeyUsageDigitalSignature, true)
	got := certstore.Select([]*x509.Certificate{good, expired, encOnly, ca, later, good, nil}, now)
	if len(got) != 2 {
		t.Fatalf("Select kept %d certificates, want the 2 that can sign: %+v", len(got), got)
	}
	if got[0].Certificate != later || got[1].Certificate != good {
		t.Errorf("Select order: want the latest-expiring first")
	}
	if !strings.Contains(got[1].Label, "NGUYỄN THỊ THỦY") || !strings.Contains(got[1].Label, now.AddDate(1, 0, 0).Format("02/01/2006")) {
		t.Errorf("label %q should name the holder and the expiry date", got[1].Label)
	}
}

// TestThumbprintMatchesOpenSSL compares with the SHA-1 fingerprint openssl prints, the same
// value certmgr.msc shows as the thumbprint.
func TestThumbprintMatchesOpenSSL(t *testing.T) {
	c := makeCert(t, "Thumb", now.AddDate(1, 0, 0), x509.KeyUsageDigitalSignature, false)
	p := filepath.Join(t.TempDir(), "c.pem")
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("openssl", "x509", "-in", p, "-noout", "-fingerprint", "-sha1").Output()
	if err != nil {
		t.Fatalf("openssl: %v", err)
	}
	_, fp, _ := strings.Cut(strings.TrimSpace(string(out)), "=")
	if want := strings.ReplaceAll(fp, ":", ""); certstore.Thumbprint(c) != want {
		t.Errorf("Thumbprint %s, openssl says %s", certstore.Thumbprint(c), want)
	}
	// As copied from the certificate dialog: spaces, lower case, a left-to-right mark in front.
	copied := "\u200e" + strings.ToLower(strings.ReplaceAll(fp, ":", " "))
	if certstore.NormalizeThumbprint(copied) != certstore.Thumbprint(c) {
		t.Errorf("NormalizeThumbprint(%q) = %q", copied, certstore.NormalizeThumbprint(copied))
	}
}

func TestOffWindows(t *testing.T) {
	if runtime.GOOS == "windows" {
		return // the Windows build has the real store; this test is about the others
	}
	if _, err := certstore.List(context.Background()); !errors.Is(err, certstore.ErrUnsupported) {
		t.Errorf("List off Windows: %v, want ErrUnsupported", err)
	}
	if _, err := certstore.Open(context.Background(), "AB"); !errors.Is(err, certstore.ErrUnsupported) {
		t.Errorf("Open off Windows: %v, want ErrUnsupported", err)
	}
}
