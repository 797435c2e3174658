// Tests for CheckRevocation and embedded revocation data, against an OCSP responder and a CRL server on loopback.

package signing_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"

	"sohoa/signing"
)

// revocationServer answers OCSP (POST /ocsp) and serves a CRL (GET /crl) for ca.
type revocationServer struct {
	*httptest.Server
	ca testCA

	mu       sync.Mutex
	revoked  map[string]time.Time // serial (decimal) -> revocation time
	ocspDown bool
	crlDown  bool
	ocspBad  bool // sign OCSP answers with a stranger's key
	ocspHits int
	crlHits  int
}

func newRevocationServer(t *testing.T, ca testCA) *revocationServer {
	rs := &revocationServer{ca: ca, revoked: map[string]time.Time{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /ocsp", rs.ocsp)
	mux.HandleFunc("GET /crl", rs.crl)
	rs.Server = httptest.NewServer(mux)
	t.Cleanup(rs.Close)
	return rs
}

func (rs *revocationServer) set(f func(rs *revocationServer)) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	f(rs)
}

func (rs *revocationServer) ocsp(w http.ResponseWriter, r *http.Request) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.ocspHits++
	if rs.ocspDown {
		http.Error(w, "down", http.StatusServiceUnavailable)
		return
	}
	body, _ := io.ReadAll(r.Body)
	req, err := ocsp.ParseRequest(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	tmpl := ocsp.Response{Status: ocsp.Good, SerialNumber: req.SerialNumber,
		ThisUpdate: time.Now().Add(-time.Minute), NextUpdate: time.Now().Add(time.Hour)}
	if at, ok := rs.revoked[req.SerialNumber.String()]; ok {
		tmpl.Status, tmpl.RevokedAt, tmpl.RevocationReason = ocsp.Revoked, at, ocsp.KeyCompromise
	}
	key := rs.ca.key
	if rs.ocspBad {
		key, _ = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	}
	resp, err := ocsp.CreateResponse(rs.ca.cert, rs.ca.cert, tmpl, key)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/ocsp-response")
	w.Write(resp)
}

func (rs *revocationServer) crl(w http.ResponseWriter, r *http.Request) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.crlHits++
	if rs.crlDown {
		http.Error(w, "down", http.StatusServiceUnavailable)
		return
	}
	tmpl := &x509.RevocationList{Number: big.NewInt(time.Now().UnixNano()), ThisUpdate: time.Now().Add(-time.Minute), NextUpdate: time.Now().Add(24 * time.Hour)}
	for s, at := range rs.revoked {
		n, _ := new(big.Int).SetString(s, 10)
		tmpl.RevokedCertificateEntries = append(tmpl.RevokedCertificateEntries, x509.RevocationListEntry{SerialNumber: n, RevocationTime: at, ReasonCode: 1})
	}
	der, err := x509.CreateRevocationList(rand.Reader, tmpl, rs.ca.cert, rs.ca.key)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Write(der)
}

func TestCheckRevocationOCSPThenCRL(t *testing.T) {
	ca := newCA(t, "Revocation CA")
	rs := newRevocationServer(t, ca)
	id := ca.issue(t, leafOpts{name: "Officer", ocsp: rs.URL + "/ocsp", crl: rs.URL + "/crl"})
	cert := id.Certificate()
	ctx := context.Background()
	opts := signing.RevocationOptions{Timeout: 5 * time.Second}

	st, err := signing.CheckRevocation(ctx, cert, ca.cert, opts)
	if err != nil || st.Status != signing.RevocationGood || st.Source != signing.SourceOCSP || st.OCSP == nil || st.Warning != nil || st.ThisUpdate.IsZero() {
		t.Fatalf("OCSP good: %+v %v", st, err)
	}

	// OCSP down: the CRL answers.
	rs.set(func(rs *revocationServer) { rs.ocspDown = true })
	st, err = signing.CheckRevocation(ctx, cert, ca.cert, opts)
	if err != nil || st.Status != signing.RevocationGood || st.Source != signing.SourceCRL || st.CRL == nil {
		t.Fatalf("CRL fallback: %+v %v", st, err)
	}

	// A forged OCSP answer is not believed; the CRL decides.
	rs.set(func(rs *revocationServer) { rs.ocspDown, rs.ocspBad = false, true })
	st, err = signing.CheckRevocation(ctx, cert, ca.cert, opts)
	if err != nil || st.Source != signing.SourceCRL {
		t.Fatalf("forged OCSP: %+v %v", st, err)
	}

	// Revoked, seen by OCSP and by the CRL.
	revokedAt := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	rs.set(func(rs *revocationServer) { rs.ocspBad = false; rs.revoked[cert.SerialNumber.String()] = revokedAt })
	st, err = signing.CheckRevocation(ctx, cert, ca.cert, opts)
	if !errors.Is(err, signing.ErrCertRevoked) || st.Status != signing.RevocationRevoked || st.Source != signing.SourceOCSP || !st.RevokedAt.Equal(revokedAt) {
		t.Fatalf("OCSP revoked: %+v %v", st, err)
	}
	rs.set(func(rs *revocationServer) { rs.ocspDown = true })
	st, err = signing.CheckRevocation(ctx, cert, ca.cert, opts)
	if !errors.Is(err, signing.ErrCertRevoked) || st.Source != signing.SourceCRL {
		t.Fatalf("CRL revoked: %+v %v", st, err)
	}

	// Both down (an offline desk): a warning, no error.
	rs.set(func(rs *revocationServer) { rs.crlDown = true })
	st, err = signing.CheckRevocation(ctx, cert, ca.cert, opts)
	if err != nil || st.Status != signing.RevocationUnchecked || !errors.Is(st.Warning, signing.ErrRevocationUnchecked) ||
		!strings.Contains(st.Warning.Error(), "/ocsp") || !strings.Contains(st.Warning.Error(), "/crl") {
		t.Fatalf("offline: %+v %v", st, err)
	}
	hits := rs.ocspHits + rs.crlHits
	st, err = signing.CheckRevocation(ctx, cert, ca.cert, signing.RevocationOptions{Offline: true})
	if err != nil || st.Status != signing.RevocationUnchecked || st.Warning == nil || rs.ocspHits+rs.crlHits != hits {
		t.Fatalf("declared offline: %+v %v", st, err)
	}

	// A certificate that names no service.
	plain := ca.issue(t, leafOpts{name: "No URLs"}).Certificate()
	st, err = signing.CheckRevocation(ctx, plain, ca.cert, opts)
	if err != nil || st.Status != signing.RevocationUnchecked || !errors.Is(st.Warning, signing.ErrRevocationUnchecked) {
		t.Fatalf("no URLs: %+v %v", st, err)
	}

	// A dead address (nothing listens): a warning, fast.
	rs.Close()
	start := time.Now()
	st, err = signing.CheckRevocation(ctx, cert, ca.cert, opts)
	if err != nil || st.Status != signing.RevocationUnchecked || time.Since(start) > 5*time.Second {
		t.Fatalf("dead server: %+v %v", st, err)
	}
}

func TestCheckRevocationHostileAnswers(t *testing.T) {
	ca := newCA(t, "CA")
	for name, body := range map[string][]byte{
		"garbage": []byte("not DER"), "empty": nil, "truncated DER": {0x30, 0x82, 0xff, 0xff, 0x01},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(body) }))
		id := ca.issue(t, leafOpts{name: "x", ocsp: srv.URL, crl: srv.URL})
		st, err := signing.CheckRevocation(context.Background(), id.Certificate(), ca.cert, signing.RevocationOptions{})
		srv.Close()
		if err != nil || st.Status != signing.RevocationUnchecked || st.Warning == nil {
			t.Errorf("%s: %+v %v", name, st, err)
		}
	}
	// A CRL signed by another CA is not believed.
	other := newCA(t, "Other CA")
	rs := newRevocationServer(t, other)
	rs.set(func(rs *revocationServer) { rs.ocspDown = true })
	id := ca.issue(t, leafOpts{name: "x", crl: rs.URL + "/crl"})
	st, err := signing.CheckRevocation(context.Background(), id.Certificate(), ca.cert, signing.RevocationOptions{})
	if err != nil || st.Status != signing.RevocationUnchecked || !strings.Contains(st.Notes, "not signed by") {
		t.Fatalf("foreign CRL: %+v %v", st, err)
	}
}

func TestSignEmbedsRevocationData(t *testing.T) {
	ca := newCA(t, "Revocation CA")
	rs := newRevocationServer(t, ca)
	id := ca.issue(t, leafOpts{name: "Lê Thị Thu Hồi", ocsp: rs.URL + "/ocsp", crl: rs.URL + "/crl"})
	ctx := context.Background()
	dir := t.TempDir()

	res, err := signing.SignDetailed(ctx, makePDF(t, 1), id, signing.Appearance{ScanTime: scanTime}, signing.Options{Roots: ca.pool()})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Revocation) != 1 || res.Revocation[0].Status != signing.RevocationGood || len(res.Warnings) != 0 || len(res.Chain) != 2 {
		t.Fatalf("result: %+v", res)
	}
	rep, err := signing.Verify(res.PDF, ca.pool())
	if err != nil {
		t.Fatal(err)
	}
	rv := rep.Signatures[0].Revocation
	if rv == nil || rv.Status != signing.RevocationGood || rv.Source != signing.SourceOCSP || rv.CheckedAt.IsZero() || !rep.Valid() {
		t.Fatalf("embedded OCSP: %+v\n%s", rv, rep.Text("en"))
	}
	if vi := rep.Text("vi"); !strings.Contains(vi, "chưa bị thu hồi (theo OCSP") {
		t.Fatalf("Vietnamese report:\n%s", vi)
	}
	f := writeFile(t, dir, "ocsp.pdf", res.PDF)
	qpdfCheck(t, f)
	if s := pdfsig(t, f, ca.pem(t, dir)); !strings.Contains(s, "Signature is Valid") || !strings.Contains(s, "Certificate is Trusted") {
		t.Fatalf("pdfsig:\n%s", s)
	}

	// OCSP down: the CRL is embedded instead.
	rs.set(func(rs *revocationServer) { rs.ocspDown = true })
	res, err = signing.SignDetailed(ctx, makePDF(t, 1), id, signing.Appearance{}, signing.Options{Roots: ca.pool()})
	if err != nil {
		t.Fatal(err)
	}
	rep, _ = signing.Verify(res.PDF, ca.pool())
	if rv := rep.Signatures[0].Revocation; rv == nil || rv.Source != signing.SourceCRL || rv.Status != signing.RevocationGood {
		t.Fatalf("embedded CRL: %+v", rv)
	}
	if s := pdfsig(t, writeFile(t, dir, "crl.pdf", res.PDF), ""); !strings.Contains(s, "Signature is Valid") {
		t.Fatalf("pdfsig:\n%s", s)
	}

	// Offline desk: signed, with a warning to record, and the report says no revocation data.
	rs.set(func(rs *revocationServer) { rs.crlDown = true })
	res, err = signing.SignDetailed(ctx, makePDF(t, 1), id, signing.Appearance{}, signing.Options{Roots: ca.pool()})
	if err != nil || len(res.Warnings) != 1 || !errors.Is(res.Warnings[0], signing.ErrRevocationUnchecked) {
		t.Fatalf("offline signing: %v %+v", err, res.Warnings)
	}
	rep, _ = signing.Verify(res.PDF, ca.pool())
	if rep.Signatures[0].Revocation != nil || !strings.Contains(rep.Text("vi"), "không kèm dữ liệu thu hồi") {
		t.Fatalf("offline report:\n%s", rep.Text("vi"))
	}

	// Revoked: nothing is signed.
	rs.set(func(rs *revocationServer) {
		rs.ocspDown = false
		rs.revoked[id.Certificate().SerialNumber.String()] = time.Now().Add(-time.Hour)
	})
	res, err = signing.SignDetailed(ctx, makePDF(t, 1), id, signing.Appearance{}, signing.Options{Roots: ca.pool()})
	var ce *signing.CertError
	if !errors.Is(err, signing.ErrCertRevoked) || !errors.As(err, &ce) || res.PDF != nil {
		t.Fatalf("revoked: %v", err)
	}
}
