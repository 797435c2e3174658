// Tests of the reference portal's API against hostile and malformed requests.

package refportal_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"sohoa/portal"
	"sohoa/portal/refportal"
)

type fixture struct {
	base, dir string
	tok       map[string]string // citizen ID → access token
}

func setup(t *testing.T, mod func(*refportal.Config)) *fixture {
	t.Helper()
	dir := t.TempDir()
	cfg := refportal.Config{DataDir: dir, MaxFileSize: 1 << 20, MaxBodyBytes: 64 << 10}
	if mod != nil {
		mod(&cfg)
	}
	srv, err := refportal.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	base, err := srv.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	f := &fixture{base: base, dir: dir, tok: map[string]string{}}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for _, c := range refportal.TrainingCitizens()[:2] {
		tok, err := portal.TrainingLogin(ctx, base, c.ID, c.Password)
		if err != nil {
			t.Fatal(err)
		}
		f.tok[c.ID] = tok.AccessToken
	}
	return f
}

func (f *fixture) do(t *testing.T, method, path, who string, body io.Reader, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, f.base+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if who != "" {
		req.Header.Set("Authorization", "Bearer "+f.tok[who])
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp, data
}

// upload sends data as one tus upload of who and returns its URL.
func (f *fixture) upload(t *testing.T, who, name string, data []byte) string {
	t.Helper()
	sum := sha256.Sum256(data)
	md := "filename " + base64.StdEncoding.EncodeToString([]byte(name)) + ",sha256 " + base64.StdEncoding.EncodeToString([]byte(hex.EncodeToString(sum[:])))
	resp, _ := f.do(t, http.MethodPost, "/files/", who, nil, map[string]string{"Tus-Resumable": "1.0.0", "Upload-Length": strconv.Itoa(len(data)), "Upload-Metadata": md})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create upload: %d", resp.StatusCode)
	}
	loc := resp.Header.Get("Location")
	resp, _ = f.do(t, http.MethodPatch, strings.TrimPrefix(loc, f.base), who, bytes.NewReader(data), map[string]string{"Tus-Resumable": "1.0.0", "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"})
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("patch upload: %d", resp.StatusCode)
	}
	return loc
}

const binh, an = "049195000123", "048090001234"

func commitBody(t *testing.T, owner, name string, data []byte, uploadURL string) []byte {
	t.Helper()
	sum := sha256.Sum256(data)
	h := hex.EncodeToString(sum[:])
	m := portal.Manifest{SchemaVersion: 1, MaHoSo: "X-1", MaTTHC: "1.001193", TenTTHC: "Đăng ký khai sinh", KenhThucHien: 2,
		ChuHoSo: "Trần Thị Bình", LoaiDoiTuong: 1, SoGiayToChuHoSo: owner, NgayTiepNhan: "20251120093000", TrangThaiHoSo: 1,
		TaiLieuNop: []portal.TaiLieu{{TenTepDinhKem: name, MaThanhPhanHoSo: "TP1", KichThuoc: int64(len(data)), SHA256: h}}}
	b, err := json.Marshal(portal.CommitRequest{Manifest: m, Files: []portal.CommitFile{{Name: name, Component: "TP1", SHA256: h, Size: int64(len(data)), UploadURL: uploadURL}}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func errCode(t *testing.T, data []byte) string {
	t.Helper()
	var eb portal.ErrorBody
	if err := json.Unmarshal(data, &eb); err != nil || eb.Message == "" {
		t.Fatalf("error body %q is not {code, message}: %v", data, err)
	}
	return eb.Code
}

func TestCommitRejectsHostileRequests(t *testing.T) {
	f := setup(t, nil)
	data := []byte("%PDF-1.4 component bytes")
	own := f.upload(t, binh, "a.pdf", data)
	foreign := f.upload(t, an, "a.pdf", data)
	key := map[string]string{portal.HeaderIdempotencyKey: "k1", "Content-Type": "application/json"}
	good := commitBody(t, binh, "a.pdf", data, own)
	cases := []struct {
		name   string
		who    string
		hdr    map[string]string
		body   []byte
		status int
		code   string
	}{
		{"no token", "", key, good, 401, portal.CodeUnauthorized},
		{"no idempotency key", binh, nil, good, 400, portal.CodeMissingIdemKey},
		{"garbage JSON", binh, key, []byte(`{"manifest":`), 400, portal.CodeInvalidManifest},
		{"wrong types", binh, key, []byte(`{"manifest":{"SchemaVersion":"one"}}`), 400, portal.CodeInvalidManifest},
		{"body too large", binh, key, bytes.Repeat([]byte(" "), 70<<10), 413, portal.CodeTooLarge},
		{"empty manifest", binh, key, []byte(`{"manifest":{},"files":[]}`), 400, portal.CodeInvalidManifest},
		{"not owner", an, key, good, 403, portal.CodeNotOwner},
		{"another citizen's upload", binh, key, commitBody(t, binh, "a.pdf", data, foreign), 422, portal.CodeUploadMissing},
		{"path traversal upload", binh, key, commitBody(t, binh, "a.pdf", data, f.base+"/files/../portal.db"), 422, portal.CodeUploadMissing},
		{"foreign upload host", binh, key, commitBody(t, binh, "a.pdf", data, "http://evil.example/x"), 422, portal.CodeUploadMissing},
		{"bytes differ from manifest", binh, key, commitBody(t, binh, "a.pdf", []byte("%PDF-1.4 component byteZ"), own), 422, portal.CodeHashMismatch},
		{"size differs from manifest", binh, key, commitBody(t, binh, "a.pdf", []byte("%PDF"), own), 422, portal.CodeHashMismatch},
	}
	for _, c := range cases {
		resp, body := f.do(t, http.MethodPost, portal.PathDossiers, c.who, bytes.NewReader(c.body), c.hdr)
		if resp.StatusCode != c.status || errCode(t, body) != c.code {
			t.Errorf("%s: %d %s, want %d %s", c.name, resp.StatusCode, body, c.status, c.code)
		}
	}
	if ds, err := refportal.ListDossiers(f.dir); err != nil || len(ds) != 0 {
		t.Fatalf("stored after refusals: %+v, %v", ds, err)
	}
	// the good commit, then its replay
	resp, body := f.do(t, http.MethodPost, portal.PathDossiers, binh, bytes.NewReader(good), key)
	var rb portal.ReceiptBody
	if resp.StatusCode != 201 || json.Unmarshal(body, &rb) != nil || !strings.HasPrefix(rb.PortalCode, "REF-") || rb.Status != 2 {
		t.Fatalf("commit: %d %s", resp.StatusCode, body)
	}
	resp, body = f.do(t, http.MethodPost, portal.PathDossiers, binh, bytes.NewReader(good), key)
	var again portal.ReceiptBody
	if resp.StatusCode != 200 || json.Unmarshal(body, &again) != nil || again.PortalCode != rb.PortalCode {
		t.Fatalf("replay: %d %s", resp.StatusCode, body)
	}
	// another citizen neither sees it by key nor by code
	if resp, body := f.do(t, http.MethodGet, portal.PathDossiers+"?idempotency_key=k1", an, nil, nil); resp.StatusCode != 404 || errCode(t, body) != portal.CodeNotFound {
		t.Errorf("foreign lookup: %d %s", resp.StatusCode, body)
	}
	if resp, _ := f.do(t, http.MethodGet, portal.PathDossiers+"/"+rb.PortalCode, an, nil, nil); resp.StatusCode != 404 {
		t.Errorf("foreign status: %d", resp.StatusCode)
	}
	if resp, _ := f.do(t, http.MethodGet, portal.PathDossiers+"/"+rb.PortalCode, binh, nil, nil); resp.StatusCode != 200 {
		t.Errorf("own status: %d", resp.StatusCode)
	}
	// the stored copy lives inside the data dir
	ds, _ := refportal.ListDossiers(f.dir)
	if len(ds) != 1 || !strings.HasPrefix(ds[0].Files[0].Path, filepath.Join(f.dir, "dossiers")) {
		t.Fatalf("stored: %+v", ds)
	}
	if got, _ := os.ReadFile(ds[0].Files[0].Path); !bytes.Equal(got, data) {
		t.Fatal("stored copy differs")
	}
}

func TestUploadsAreGuarded(t *testing.T) {
	f := setup(t, nil)
	own := f.upload(t, binh, "a.pdf", []byte("%PDF one"))
	path := strings.TrimPrefix(own, f.base)
	tus := map[string]string{"Tus-Resumable": "1.0.0"}
	if resp, _ := f.do(t, http.MethodHead, path, binh, nil, tus); resp.StatusCode != 200 || resp.Header.Get("Upload-Offset") != "8" {
		t.Errorf("own HEAD: %d offset %q", resp.StatusCode, resp.Header.Get("Upload-Offset"))
	}
	if resp, _ := f.do(t, http.MethodHead, path, an, nil, tus); resp.StatusCode != 404 {
		t.Errorf("foreign HEAD: %d", resp.StatusCode)
	}
	if resp, _ := f.do(t, http.MethodHead, path, "", nil, tus); resp.StatusCode != 401 {
		t.Errorf("anonymous HEAD: %d", resp.StatusCode)
	}
	if resp, _ := f.do(t, http.MethodHead, "/files/..%2fportal.db", binh, nil, tus); resp.StatusCode != 404 {
		t.Errorf("traversal HEAD: %d", resp.StatusCode)
	}
	md := func(name string) string {
		return "filename " + base64.StdEncoding.EncodeToString([]byte(name)) + ",sha256 " + base64.StdEncoding.EncodeToString([]byte(strings.Repeat("a", 64)))
	}
	for _, c := range []struct {
		name, length, meta string
		status             int
	}{
		{"too large", strconv.Itoa(2 << 20), md("a.pdf"), 413},
		{"path in file name", "10", md("../../x.pdf"), 400},
		{"no sha256", "10", "filename " + base64.StdEncoding.EncodeToString([]byte("a.pdf")), 400},
		{"bad base64", "10", "filename !!!", 400},
	} {
		h := map[string]string{"Tus-Resumable": "1.0.0", "Upload-Length": c.length, "Upload-Metadata": c.meta}
		if resp, body := f.do(t, http.MethodPost, "/files/", binh, nil, h); resp.StatusCode != c.status {
			t.Errorf("%s: %d %s", c.name, resp.StatusCode, body)
		}
	}
}

func TestListDossiersOnEmptyOrMissingDir(t *testing.T) {
	if _, err := refportal.ListDossiers(filepath.Join(t.TempDir(), "none")); err == nil {
		t.Fatal("ListDossiers on a missing dir succeeded")
	}
	f := setup(t, nil)
	if ds, err := refportal.ListDossiers(f.dir); err != nil || len(ds) != 0 {
		t.Fatalf("fresh portal: %+v, %v", ds, err)
	}
	for _, name := range []string{"oidc-signing-key.pem", "oidc-crypto.key"} {
		st, err := os.Stat(filepath.Join(f.dir, name))
		if err != nil || (runtime.GOOS != "windows" && st.Mode().Perm() != 0o600) { // Windows has ACLs, not modes
			t.Errorf("%s: %v %v", name, st, err)
		}
	}
}

func TestDiscoveryAdvertisesPKCEAndEndpoints(t *testing.T) {
	f := setup(t, nil)
	resp, body := f.do(t, http.MethodGet, "/.well-known/openid-configuration", "", nil, nil)
	var d struct {
		Issuer        string   `json:"issuer"`
		Authorization string   `json:"authorization_endpoint"`
		Token         string   `json:"token_endpoint"`
		Methods       []string `json:"code_challenge_methods_supported"`
	}
	if resp.StatusCode != 200 || json.Unmarshal(body, &d) != nil {
		t.Fatalf("discovery: %d %s", resp.StatusCode, body)
	}
	if d.Issuer != f.base || d.Authorization != f.base+"/authorize" || d.Token != f.base+"/oauth/token" || !strings.Contains(strings.Join(d.Methods, " "), "S256") {
		t.Fatalf("discovery = %+v", d)
	}
}
