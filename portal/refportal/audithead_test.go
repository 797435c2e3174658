// Tests that the portal keeps the desk's audit chain head per dossier, and that a replay carrying
// a newer head is the same commit, not an idempotency conflict.

package refportal_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"sohoa/portal"
	"sohoa/portal/refportal"
)

func withHead(t *testing.T, body []byte, h *portal.AuditHead) []byte {
	t.Helper()
	var req portal.CommitRequest
	if err := json.Unmarshal(body, &req); err != nil {
		t.Fatal(err)
	}
	req.Manifest.ChuoiNhatKy = h
	b, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPortalKeepsAuditHead(t *testing.T) {
	f := setup(t, nil)
	data := []byte("%PDF-1.4 component bytes")
	up := f.upload(t, binh, "a.pdf", data)
	key := map[string]string{portal.HeaderIdempotencyKey: "k-head", "Content-Type": "application/json"}
	head := &portal.AuditHead{ID: 41, MAC: strings.Repeat("ab", 32)}
	body := withHead(t, commitBody(t, binh, "a.pdf", data, up), head)

	bad := withHead(t, body, &portal.AuditHead{ID: 41, MAC: "not hex"})
	if resp, b := f.do(t, http.MethodPost, portal.PathDossiers, binh, bytes.NewReader(bad), key); resp.StatusCode != 400 || errCode(t, b) != portal.CodeInvalidManifest {
		t.Fatalf("malformed head: %d %s", resp.StatusCode, b)
	}
	if resp, b := f.do(t, http.MethodPost, portal.PathDossiers, binh, bytes.NewReader(body), key); resp.StatusCode != 201 {
		t.Fatalf("commit: %d %s", resp.StatusCode, b)
	}
	// The desk appended rows before its replay: same dossier, the first head is kept.
	newer := withHead(t, body, &portal.AuditHead{ID: 45, MAC: strings.Repeat("cd", 32)})
	if resp, b := f.do(t, http.MethodPost, portal.PathDossiers, binh, bytes.NewReader(newer), key); resp.StatusCode != 200 {
		t.Fatalf("replay with a newer head: %d %s", resp.StatusCode, b)
	}
	ds, err := refportal.ListDossiers(f.dir)
	if err != nil || len(ds) != 1 || ds[0].AuditHead == nil || *ds[0].AuditHead != *head {
		t.Fatalf("stored: %+v, %v", ds, err)
	}
}
