// Tests for .p12 files and the training identity.

package pkcs12_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	gopkcs12 "software.sslmate.com/src/go-pkcs12"

	"sohoa/signing"
	"sohoa/signing/pkcs12"
)

func TestTrainingIdentity(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "training")
	id, ca, err := pkcs12.Training(dir, "Nguyễn Văn A", "UBND xã Hòa Bình")
	if err != nil {
		t.Fatal(err)
	}
	c := id.Certificate()
	if c.Subject.CommonName != "Nguyễn Văn A" || c.Subject.Organization[0] != "UBND xã Hòa Bình" || c.Subject.OrganizationalUnit[0] != "TRAINING" {
		t.Fatalf("subject %v", c.Subject)
	}
	if ca.Subject.CommonName != pkcs12.TrainingCAName || !ca.IsCA {
		t.Fatalf("CA %v", ca.Subject)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	if err := signing.CheckCertificate(c, id.Chain(), pool, time.Now()); err != nil {
		t.Fatal(err)
	}
	// Key files are private.
	keys, _ := filepath.Glob(filepath.Join(dir, "*.key"))
	if len(keys) != 2 {
		t.Fatalf("key files %v", keys)
	}
	for _, k := range keys {
		st, _ := os.Stat(k)
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v", k, st.Mode().Perm())
		}
	}
	// The CA PEM export is what was returned.
	p, err := pkcs12.TrainingCAPEM(dir)
	if err != nil {
		t.Fatal(err)
	}
	certs, err := signing.ParseCertificates(p)
	if err != nil || !certs[0].Equal(ca) {
		t.Fatalf("exported CA differs: %v", err)
	}
	// A second officer reuses the CA and gets its own certificate.
	id2, ca2, err := pkcs12.Training(dir, "Trần Thị B", "UBND xã Hòa Bình")
	if err != nil {
		t.Fatal(err)
	}
	if !ca2.Equal(ca) || id2.Certificate().Equal(c) {
		t.Fatal("CA not reused or officer certificate shared")
	}
	digest := sha256.Sum256([]byte("x"))
	sig, err := id.Sign(rand.Reader, digest[:], nil)
	if err != nil || !ecdsa.VerifyASN1(c.PublicKey.(*ecdsa.PublicKey), digest[:], sig) {
		t.Fatalf("signature does not verify: %v", err)
	}
	if _, _, err := pkcs12.Training(dir, "", "x"); err == nil {
		t.Fatal("empty officer name accepted")
	}
}

func TestOpenP12(t *testing.T) {
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caT := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "P12 CA"}, NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(time.Hour * 24), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, _ := x509.CreateCertificate(rand.Reader, caT, caT, caKey.Public(), caKey)
	ca, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	lt := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "Lý Thị P12"}, NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(time.Hour * 24), KeyUsage: x509.KeyUsageDigitalSignature}
	der, _ := x509.CreateCertificate(rand.Reader, lt, ca, key.Public(), caKey)
	leaf, _ := x509.ParseCertificate(der)
	pfx, err := gopkcs12.Modern.Encode(key, leaf, []*x509.Certificate{ca}, "mật khẩu")
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), "officer.p12")
	os.WriteFile(f, pfx, 0o600)
	id, err := pkcs12.Open(f, "mật khẩu")
	if err != nil {
		t.Fatal(err)
	}
	defer id.Close()
	if !id.Certificate().Equal(leaf) || len(id.Chain()) != 1 || !id.Chain()[0].Equal(ca) || id.Label() != "officer.p12" {
		t.Fatalf("identity %v", id.Certificate().Subject)
	}
	if _, err := pkcs12.Open(f, "sai"); !errors.Is(err, pkcs12.ErrWrongPassword) {
		t.Fatalf("wrong password: %v", err)
	}
	os.WriteFile(f, pfx[:len(pfx)/2], 0o600)
	if _, err := pkcs12.Open(f, "mật khẩu"); err == nil {
		t.Fatal("truncated file accepted")
	}
}
