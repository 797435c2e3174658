// Signers the PKCS#7 library cannot read: one identified by SubjectKeyIdentifier (openssl cms -keyid)
// and one whose key is on a brainpool curve (an honest "unsupported algorithm", not "unreadable").

package signing_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sohoa/signing"
	"sohoa/signing/pkcs12"
)

// resignWithOpenSSL replaces the signature value of a PDF signed over its whole file by a detached CMS
// that `openssl cms -sign` makes over the same signed bytes with certFile/keyFile and extra flags.
func resignWithOpenSSL(t *testing.T, signed []byte, certFile, keyFile string, flags ...string) []byte {
	t.Helper()
	rep, err := signing.Verify(signed, nil)
	if err != nil {
		t.Fatal(err)
	}
	br := rep.Signatures[0].ByteRange
	dir := t.TempDir()
	content := append(append([]byte{}, signed[:br[1]]...), signed[br[2]:br[2]+br[3]]...)
	in, out := filepath.Join(dir, "content"), filepath.Join(dir, "sig.der")
	if err := os.WriteFile(in, content, 0o600); err != nil {
		t.Fatal(err)
	}
	args := append([]string{"cms", "-sign", "-binary", "-md", "sha256", "-in", in, "-signer", certFile, "-inkey", keyFile, "-outform", "DER", "-out", out}, flags...)
	openssl(t, args...)
	der, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	hexSig := hex.EncodeToString(der)
	room := int(br[2]-br[1]) - 2
	if len(hexSig) > room {
		t.Fatalf("CMS of %d hex digits does not fit %d", len(hexSig), room)
	}
	res := append([]byte{}, signed...)
	copy(res[br[1]+1:], hexSig)
	for i := br[1] + 1 + int64(len(hexSig)); i < br[2]-1; i++ {
		res[i] = '0'
	}
	return res
}

func TestSignerBySubjectKeyIdentifier(t *testing.T) {
	dir := t.TempDir()
	ca := newCA(t, "CA")
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(777), Subject: pkix.Name{CommonName: "Người Ký SKI"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(1, 0, 0),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment, SubjectKeyId: []byte{0x5e, 0x1f, 0x00, 0x42, 0x13}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, key.Public(), ca.key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	id := pkcs12.NewIdentity(key, cert, []*x509.Certificate{ca.cert}, "ski")
	signed, err := signing.Sign(context.Background(), makePDF(t, 1), id, signing.Appearance{ScanTime: scanTime}, signing.Options{Roots: ca.pool()})
	if err != nil {
		t.Fatal(err)
	}
	certFile := writeFile(t, dir, "cert.pem", pkcs12.CertPEM(id.Certificate()))
	k8, _ := x509.MarshalPKCS8PrivateKey(key)
	keyFile := writeFile(t, dir, "key.pem", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: k8}))
	if len(id.Certificate().SubjectKeyId) == 0 {
		t.Fatal("the test certificate has no SubjectKeyIdentifier")
	}
	ski := resignWithOpenSSL(t, signed, certFile, keyFile, "-keyid")
	rep, err := signing.Verify(ski, ca.pool())
	if err != nil {
		t.Fatal(err)
	}
	s := rep.Signatures[0]
	if !s.DigestValid || s.SignerName != "Người Ký SKI" || rep.Indication != signing.IndicationPassed {
		t.Fatalf("SKI signer: intact=%v signer=%q %s/%s %s", s.DigestValid, s.SignerName, s.Indication, s.SubIndication, s.Error)
	}
	// The same bytes with one flipped in the signed range: the digest no longer matches.
	bad := append([]byte{}, ski...)
	bad[20] ^= 1
	if rep, _ := signing.Verify(bad, ca.pool()); rep.Indication != signing.IndicationFailed || rep.Signatures[0].SubIndication != signing.SubHashFailure {
		t.Fatalf("changed SKI-signed file: %s %s", rep.Indication, rep.Signatures[0].SubIndication)
	}
}

func TestBrainpoolSignatureIsUnsupportedNotUnreadable(t *testing.T) {
	dir := t.TempDir()
	ca := newCA(t, "CA")
	signed, err := signing.Sign(context.Background(), makePDF(t, 1), ca.issue(t, leafOpts{name: "Cán bộ"}), signing.Appearance{ScanTime: scanTime}, signing.Options{Roots: ca.pool()})
	if err != nil {
		t.Fatal(err)
	}
	keyFile, certFile := filepath.Join(dir, "bp.key"), filepath.Join(dir, "bp.pem")
	openssl(t, "ecparam", "-name", "brainpoolP256r1", "-genkey", "-noout", "-out", keyFile)
	openssl(t, "req", "-new", "-x509", "-key", keyFile, "-out", certFile, "-days", "30", "-subj", "/CN=Brainpool Signer")
	rep, err := signing.Verify(resignWithOpenSSL(t, signed, certFile, keyFile), nil)
	if err != nil {
		t.Fatalf("a brainpool signature made the file unreadable: %v", err)
	}
	s := rep.Signatures[0]
	if !s.UnsupportedAlgorithm || s.Indication != signing.IndicationIndeterminate || s.SubIndication != signing.SubCryptoConstraints {
		t.Fatalf("brainpool: %s/%s unsupported=%v %s", s.Indication, s.SubIndication, s.UnsupportedAlgorithm, s.Error)
	}
	if vi := rep.Text("vi"); !containsAll(vi, "thuật toán không được hỗ trợ", "KẾT LUẬN: CHƯA XÁC ĐỊNH") {
		t.Fatalf("Vietnamese report:\n%s", vi)
	}
}

func containsAll(s string, subs ...string) bool {
	for _, x := range subs {
		if !strings.Contains(s, x) {
			return false
		}
	}
	return true
}

// openssl runs openssl and fails the test on an error.
func openssl(t *testing.T, args ...string) {
	t.Helper()
	if out, err := run(t, "openssl", args...); err != nil {
		t.Fatalf("openssl %v: %v\n%s", args, err, out)
	}
}
