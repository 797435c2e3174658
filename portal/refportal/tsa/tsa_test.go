// Tests of the timestamp authority with OpenSSL as the client and verifier, and with hostile requests.

package tsa_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/digitorus/timestamp"

	"sohoa/portal/refportal/tsa"
)

func openssl(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("openssl", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("openssl %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func post(t *testing.T, url string, body []byte) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Post(url, "application/timestamp-query", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return resp, b.Bytes()
}

func TestOpenSSLVerifiesTokens(t *testing.T) {
	a, err := tsa.Generate("sohoa Training TSA", 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a)
	defer srv.Close()
	dir := t.TempDir()
	data := filepath.Join(dir, "data.txt")
	os.WriteFile(data, []byte("Hồ sơ 000.00.00.H00-261126-0001"), 0o644)
	query := filepath.Join(dir, "q.tsq")
	openssl(t, "ts", "-query", "-data", data, "-sha256", "-cert", "-out", query)
	q, _ := os.ReadFile(query)

	resp, reply := post(t, srv.URL, q)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/timestamp-reply" {
		t.Fatalf("HTTP %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	replyFile := filepath.Join(dir, "r.tsr")
	os.WriteFile(replyFile, reply, 0o644)
	text := openssl(t, "ts", "-reply", "-in", replyFile, "-text")
	if !strings.Contains(text, "Status: Granted") || !strings.Contains(text, "Nonce:") || !strings.Contains(text, "sohoa Training TSA") {
		t.Fatalf("reply:\n%s", text)
	}
	root := filepath.Join(dir, "root.pem")
	os.WriteFile(root, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: a.Chain()[0].Raw}), 0o644)
	if out := openssl(t, "ts", "-verify", "-data", data, "-in", replyFile, "-CAfile", root); !strings.Contains(out, "Verification: OK") {
		t.Fatalf("verify:\n%s", out)
	}
	// Our own parser agrees, and the token is for this data.
	ts, err := timestamp.ParseResponse(reply)
	if err != nil || !ts.Certificates[0].Equal(a.Certificate()) || time.Since(ts.Time) > time.Minute {
		t.Fatalf("parse: %v %+v", err, ts)
	}
	// Other data does not verify.
	os.WriteFile(data, []byte("something else"), 0o644)
	if out, err := exec.Command("openssl", "ts", "-verify", "-data", data, "-in", replyFile, "-CAfile", root).CombinedOutput(); err == nil {
		t.Fatalf("verified other data:\n%s", out)
	}
}

func TestHostileRequests(t *testing.T) {
	a, err := tsa.Generate("TSA", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a)
	defer srv.Close()

	resp, err := http.Get(srv.URL)
	if err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("GET: %v %v", err, resp.Status)
	}
	resp.Body.Close()
	if resp, _ := post(t, srv.URL, make([]byte, tsa.MaxRequestBytes+10)); resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("huge: %s", resp.Status)
	}
	sha1Req, _ := timestamp.CreateRequest(strings.NewReader("x"), &timestamp.RequestOptions{Hash: 3 /* crypto.SHA1 */})
	good, _ := timestamp.CreateRequest(strings.NewReader("x"), &timestamp.RequestOptions{Certificates: true})
	for name, body := range map[string][]byte{
		"empty": nil, "garbage": []byte("hello"), "truncated": good[:len(good)/2], "sha1": sha1Req,
	} {
		resp, reply := post(t, srv.URL, body)
		_, err := timestamp.ParseResponse(reply)
		if resp.StatusCode != 200 || err == nil || !strings.Contains(err.Error(), "rejected") {
			t.Errorf("%s: HTTP %d, %v", name, resp.StatusCode, err)
		}
	}
}

func TestNewRefusesOrdinaryCertificate(t *testing.T) {
	a, _ := tsa.Generate("TSA", time.Hour)
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	plain := &x509.Certificate{ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping}} // no critical extension
	if _, err := tsa.New(plain, nil, nil); err == nil {
		t.Fatal("accepted nil key")
	}
	if _, err := tsa.New(a.Chain()[0], k, nil); !errors.Is(err, tsa.ErrNotTSACertificate) {
		t.Fatalf("root as TSA: %v", err)
	}
}
