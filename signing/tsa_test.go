// Tests for signing with an RFC 3161 timestamp from a loopback TSA, and for a TSA that is down.

package signing_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/digitorus/pkcs7"
	"github.com/digitorus/timestamp"

	"sohoa/portal/refportal/tsa"
	"sohoa/signing"
	"sohoa/signing/pkcs12"
)

// loopbackTSA answers timestamp requests signed by a certificate of ca.
func loopbackTSA(t *testing.T, ca testCA) *httptest.Server {
	tsa := ca.issue(t, leafOpts{name: "sohoa Test TSA", ku: x509.KeyUsageDigitalSignature})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req, err := timestamp.ParseRequest(body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		ts := timestamp.Timestamp{
			HashAlgorithm: req.HashAlgorithm, HashedMessage: req.HashedMessage,
			Time: time.Now().UTC().Truncate(time.Second), Nonce: req.Nonce, Policy: []int{1, 2, 3, 4, 1},
			SerialNumber: big.NewInt(42), AddTSACertificate: true, Certificates: []*x509.Certificate{ca.cert}, // the chain above the TSA
		}
		resp, err := ts.CreateResponseWithOpts(tsa.Certificate(), tsa, crypto.SHA256)
		if err != nil {
			t.Logf("TSA: %v", err)
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/timestamp-reply")
		w.Write(resp)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestSignWithTimestamp(t *testing.T) {
	ca := newCA(t, "CA")
	srv := loopbackTSA(t, ca)
	out, err := signing.Sign(context.Background(), makePDF(t, 1), ca.issue(t, leafOpts{name: "Đặng Văn Giang"}),
		signing.Appearance{ScanTime: scanTime}, signing.Options{TSAURL: srv.URL, Roots: ca.pool()})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := signing.Verify(out, ca.pool())
	if err != nil {
		t.Fatal(err)
	}
	s := rep.Signatures[0]
	if s.TimeSource != signing.TimeFromTimestamp || s.Timestamp == nil || !s.Timestamp.Valid || !s.Timestamp.Trusted || s.Timestamp.Authority != "sohoa Test TSA" || !s.DigestValid {
		t.Fatalf("%+v %+v", s, s.Timestamp)
	}
	f := writeFile(t, t.TempDir(), "ts.pdf", out)
	qpdfCheck(t, f)
	if p := pdfsig(t, f, ""); !strings.Contains(p, "Signature is Valid") {
		t.Fatalf("pdfsig:\n%s", p)
	}
}

func TestSignTimestampDown(t *testing.T) {
	ca := newCA(t, "CA")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	out, err := signing.Sign(context.Background(), makePDF(t, 1), ca.issue(t, leafOpts{name: "x"}),
		signing.Appearance{}, signing.Options{TSAURL: srv.URL, Roots: ca.pool()})
	if !errors.Is(err, signing.ErrTimestamp) || out != nil {
		t.Fatalf("err %v", err)
	}
}

func TestSignWithReferencePortalTSA(t *testing.T) {
	auth, err := tsa.Generate("sohoa Training TSA", 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/tsa", auth) // where the reference portal mounts it
	srv := httptest.NewServer(mux)
	defer srv.Close()

	ca := newCA(t, "CA")
	roots := ca.pool()
	roots.AddCert(auth.Chain()[0])
	out, err := signing.Sign(context.Background(), makePDF(t, 1), ca.issue(t, leafOpts{name: "Phạm Thị Thời"}),
		signing.Appearance{ScanTime: scanTime}, signing.Options{TSAURL: srv.URL + "/tsa", Roots: ca.pool()})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := signing.Verify(out, roots)
	if err != nil {
		t.Fatal(err)
	}
	s := rep.Signatures[0]
	if s.TimeSource != signing.TimeFromTimestamp || s.Timestamp == nil || !s.Timestamp.Valid || !s.Timestamp.Trusted ||
		s.Timestamp.Authority != "sohoa Training TSA" || !rep.Valid() || s.Level != signing.LevelBT || s.SubFilter != "ETSI.CAdES.detached" {
		t.Fatalf("%+v %+v", s, s.Timestamp)
	}
	if vi := rep.Text("vi"); !strings.Contains(vi, "Dấu thời gian hợp lệ") || !strings.Contains(vi, "theo dấu thời gian") {
		t.Fatalf("Vietnamese report:\n%s", vi)
	}
	dir := t.TempDir()
	f := writeFile(t, dir, "ts.pdf", out)
	qpdfCheck(t, f)
	p := pdfsig(t, f, ca.pem(t, dir))
	if !strings.Contains(p, "Signature is Valid") || !strings.Contains(p, "Certificate is Trusted") {
		t.Fatalf("pdfsig:\n%s", p)
	}
	// poppler 22.12's pdfsig does not print timestamps: let it dump the CMS, and have OpenSSL verify
	// the timestamp token inside it against the signature value and the TSA's root.
	verifyTimestampWithOpenSSL(t, dir, f, auth.Chain()[0])
}

// verifyTimestampWithOpenSSL dumps signature 1 with pdfsig and checks its RFC 3161 token with openssl ts.
func verifyTimestampWithOpenSSL(t *testing.T, dir, pdfFile string, tsaRoot *x509.Certificate) {
	cmd := exec.Command("pdfsig", "-dump", pdfFile)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pdfsig -dump: %v\n%s", err, out)
	}
	dumps, _ := filepath.Glob(filepath.Join(dir, "*.sig*"))
	if len(dumps) == 0 {
		t.Fatal("pdfsig -dump wrote nothing")
	}
	der, err := os.ReadFile(dumps[0])
	if err != nil {
		t.Fatal(err)
	}
	p7, err := pkcs7.Parse(bytes.TrimRight(der, "\x00"))
	if err != nil {
		t.Fatal(err)
	}
	var token []byte
	for _, a := range p7.Signers[0].UnauthenticatedAttributes {
		if a.Type.String() == "1.2.840.113549.1.9.16.2.14" {
			token = a.Value.Bytes
		}
	}
	if token == nil {
		t.Fatal("no timestamp token in the dumped signature")
	}
	sum := sha256.Sum256(p7.Signers[0].EncryptedDigest)
	tok := writeFile(t, dir, "token.tst", token)
	root := writeFile(t, dir, "tsa-root.pem", pkcs12.CertPEM(tsaRoot))
	out, err := run(t, "openssl", "ts", "-verify", "-digest", hex.EncodeToString(sum[:]), "-in", tok, "-token_in", "-CAfile", root)
	if err != nil || !strings.Contains(out, "Verification: OK") {
		t.Fatalf("openssl ts -verify: %v\n%s", err, out)
	}
	sum[0] ^= 1
	if out, err := run(t, "openssl", "ts", "-verify", "-digest", hex.EncodeToString(sum[:]), "-in", tok, "-token_in", "-CAfile", root); err == nil {
		t.Fatalf("openssl verified a token for another signature:\n%s", out)
	}
}
