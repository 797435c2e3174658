// Tests for signing with an RFC 3161 timestamp from a loopback TSA, and for a TSA that is down.
package signing_test

import (
	"context"
	"crypto"
	"crypto/x509"
	"errors"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/digitorus/timestamp"

	"sohoa/signing"
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
