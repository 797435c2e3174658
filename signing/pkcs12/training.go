// The TRAINING identity: a local CA and an officer certificate generated on first use and kept in a folder.

package pkcs12

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"time"

	"sohoa/internal/atomicfile"
	"sohoa/signing"
)

// TrainingCAName is the training CA's common name; it says the certificates have no legal value.
const TrainingCAName = "sohoa TRAINING CA — ĐÀO TẠO, KHÔNG CÓ GIÁ TRỊ PHÁP LÝ"

const (
	caCertFile = "training-ca.pem"
	caKeyFile  = "training-ca.key"
)

// Training returns the training signing identity for officerName at unitName, creating in dir on first use
// a training CA (ECDSA P-256, 20 years) and an officer certificate (CN = officer, O = unit, OU = TRAINING,
// 5 years), both reused afterwards. Key files are written 0600. The second result is the training CA.
func Training(dir string, officerName, unitName string) (signing.Identity, *x509.Certificate, error) {
	if officerName == "" {
		return nil, nil, errors.New("training identity: the officer's name is empty")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("training identity: %w", err)
	}
	ca, caKey, err := loadPair(dir, caCertFile, caKeyFile)
	if errors.Is(err, os.ErrNotExist) {
		ca, caKey, err = createCA(dir)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("training CA in %s: %w", dir, err)
	}
	sum := sha256.Sum256([]byte(officerName + "\x00" + unitName))
	base := "training-officer-" + hex.EncodeToString(sum[:6])
	cert, key, err := loadPair(dir, base+".pem", base+".key")
	if err == nil && (time.Now().After(cert.NotAfter.Add(-24*time.Hour)) || cert.CheckSignatureFrom(ca) != nil) {
		err = os.ErrNotExist // expired or issued by an older CA: issue again
	}
	if errors.Is(err, os.ErrNotExist) {
		cert, key, err = createOfficer(dir, base, ca, caKey, officerName, unitName)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("training officer certificate in %s: %w", dir, err)
	}
	return NewIdentity(key, cert, []*x509.Certificate{ca}, "TRAINING"), ca, nil
}

// TrainingCAPEM returns the training CA certificate of dir as PEM (to trust it in NSS or a verifier).
func TrainingCAPEM(dir string) ([]byte, error) {
	b, err := os.ReadFile(filepath.Join(dir, caCertFile))
	if err != nil {
		return nil, fmt.Errorf("training CA: %w", err)
	}
	return b, nil
}

// CertPEM encodes a certificate as PEM.
func CertPEM(c *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}

func createCA(dir string) (*x509.Certificate, crypto.Signer, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: TrainingCAName, Organization: []string{"sohoa"}, OrganizationalUnit: []string{"TRAINING"}, Country: []string{"VN"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(20, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLen:            0,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, err
	}
	return cert, key, savePair(dir, caCertFile, caKeyFile, cert, key)
}

func createOfficer(dir, base string, ca *x509.Certificate, caKey crypto.Signer, officer, unit string) (*x509.Certificate, crypto.Signer, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	now := time.Now()
	subj := pkix.Name{CommonName: officer, OrganizationalUnit: []string{"TRAINING"}, Country: []string{"VN"}}
	if unit != "" {
		subj.Organization = []string{unit}
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               subj,
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(5, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, key.Public(), caKey)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, err
	}
	return cert, key, savePair(dir, base+".pem", base+".key", cert, key)
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 126))
	if err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return n.Add(n, big.NewInt(1))
}

func loadPair(dir, certName, keyName string) (*x509.Certificate, crypto.Signer, error) {
	cb, err := os.ReadFile(filepath.Join(dir, certName))
	if err != nil {
		return nil, nil, err
	}
	kb, err := os.ReadFile(filepath.Join(dir, keyName))
	if err != nil {
		return nil, nil, err
	}
	certs, err := signing.ParseCertificates(cb)
	if err != nil {
		return nil, nil, err
	}
	blk, _ := pem.Decode(kb)
	if blk == nil {
		return nil, nil, fmt.Errorf("%s: no PEM key", keyName)
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", keyName, err)
	}
	signer, ok := k.(crypto.Signer)
	if !ok {
		return nil, nil, fmt.Errorf("%s: not a signing key", keyName)
	}
	return certs[0], signer, nil
}

// savePair writes the key (0600) and the certificate, each through a temporary file and a rename.
func savePair(dir, certName, keyName string, cert *x509.Certificate, key crypto.Signer) error {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	if err := atomicfile.Write(filepath.Join(dir, keyName), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(dir, certName), CertPEM(cert), 0o644)
}
