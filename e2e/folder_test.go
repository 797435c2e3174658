// Findings 1 and 3 run as processes on a desk the demo filled: a damaged folder is refused and
// keeps every file, doctor rebuilds it, the audit chain is verified, and its export is a CSV that
// reads back and a PDF that pdfsig and qpdf accept.

package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"sohoa/dossier"
	"sohoa/signing/pkcs12"
)

// run runs the binary and returns its stdout, stderr and exit code.
func run(t *testing.T, bin string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return out.String(), errb.String(), 0
	case errors.As(err, &ee):
		return out.String(), errb.String(), ee.ExitCode()
	}
	t.Fatalf("sohoa %v: %v", args, err)
	return "", "", -1
}

// blobFiles maps every file under dir/blobs (but tmp/) to its content.
func blobFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	root := filepath.Join(dir, "blobs")
	filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() && fi.Name() != "FOLDER-ID" {
			b, _ := os.ReadFile(p)
			rel, _ := filepath.Rel(root, p)
			out[rel] = string(b)
		}
		return nil
	})
	return out
}

// copyAged copies a desk folder (as cp -a does) and ages its blobs by two hours (as
// find blobs -type f -exec touch -d '2 hours ago' does).
func copyAged(t *testing.T, desk string) string {
	t.Helper()
	c := filepath.Join(t.TempDir(), "c")
	err := filepath.Walk(desk, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(desk, p)
		to := filepath.Join(c, rel)
		if fi.IsDir() {
			return os.MkdirAll(to, fi.Mode().Perm())
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.WriteFile(to, b, fi.Mode().Perm()); err != nil {
			return err
		}
		return os.Chtimes(to, fi.ModTime(), fi.ModTime())
	})
	if err != nil {
		t.Fatal(err)
	}
	ageBlobs(t, c, 2*time.Hour)
	return c
}

// ageBlobs sets every file under dir/blobs back by d.
func ageBlobs(t *testing.T, dir string, d time.Duration) {
	t.Helper()
	old := time.Now().Add(-d)
	err := filepath.Walk(filepath.Join(dir, "blobs"), func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		return os.Chtimes(p, old, old)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func demoDesk(t *testing.T, bin string) (string, demoResult) {
	t.Helper()
	data := filepath.Join(t.TempDir(), "desk")
	var res demoResult
	runJSON(t, &res, bin, "demo", "--data", data, "--json")
	if res.State != "submitted" {
		t.Fatalf("demo ended %q", res.State)
	}
	return data, res
}

func TestDamagedFolderRefusedEndToEnd(t *testing.T) {
	bin := sohoaBin(t)
	desk, _ := demoDesk(t, bin)
	want := blobFiles(t, desk)
	if len(want) < 4 {
		t.Fatalf("the demo desk holds %d blobs", len(want))
	}
	for _, damage := range []string{"missing", "zero-byte"} {
		t.Run(damage, func(t *testing.T) {
			c := copyAged(t, desk)
			os.Remove(filepath.Join(c, "sohoa.db"))
			if damage == "zero-byte" {
				os.WriteFile(filepath.Join(c, "sohoa.db"), nil, 0o600)
			}
			out, stderr, code := run(t, bin, "dossier", "list", "--data", c, "--json")
			if code == 0 {
				t.Fatalf("dossier list on a damaged folder exited 0: %s", out)
			}
			for _, s := range []string{"nothing was deleted", "backup", "sohoa doctor"} {
				if !strings.Contains(stderr, s) {
					t.Errorf("the sentence lacks %q: %s", s, stderr)
				}
			}
			fi, err := os.Stat(filepath.Join(c, "sohoa.db"))
			if (damage == "missing") != (err != nil) || (err == nil && fi.Size() != 0) {
				t.Errorf("sohoa.db after the refusal: %v, %v", fi, err)
			}
			if got := blobFiles(t, c); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("blobs changed: %d files, want %d", len(got), len(want))
			}

			// doctor reports, then repairs; the collector keeps every re-indexed file.
			var st struct {
				State dossier.FolderState `json:"state"`
			}
			out, _, code = run(t, bin, "doctor", "--data", c, "--json")
			if json.Unmarshal([]byte(out), &st) != nil || code == 0 || st.State.Problem == "" || st.State.Blobs != len(want) {
				t.Fatalf("doctor = %d %s", code, out)
			}
			export := filepath.Join(t.TempDir(), "recovered")
			st = struct {
				State dossier.FolderState `json:"state"`
			}{}
			runJSON(t, &st, bin, "doctor", "--data", c, "--repair", "--export", export, "--json")
			if st.State.Problem != "" || len(st.State.Recovered) != len(want) {
				t.Fatalf("after repair: %+v", st.State)
			}
			if ents, _ := os.ReadDir(export); len(ents) != len(want) {
				t.Errorf("exported %d files, want %d", len(ents), len(want))
			}
			ageBlobs(t, c, 48*time.Hour)
			if _, stderr, code := run(t, bin, "dossier", "list", "--data", c, "--training"); code != 0 {
				t.Fatalf("the repaired folder does not open: %s", stderr)
			}
			if got := blobFiles(t, c); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("blobs lost after the repair and the clean-up: %d files, want %d", len(got), len(want))
			}
		})
	}
}

func TestAuditVerifyAndExportEndToEnd(t *testing.T) {
	bin := sohoaBin(t)
	desk, res := demoDesk(t, bin)

	var check dossier.AuditCheck
	runJSON(t, &check, bin, "audit", "verify", "--data", desk, "--json")
	if !check.OK || check.Head.ID < 8 {
		t.Fatalf("verify = %+v", check)
	}
	// The portal kept the head sent with the submission; the desk's log still holds it.
	var held []struct {
		AuditHead *dossier.AuditHead `json:"audit_head"`
	}
	runJSON(t, &held, bin, "portal", "dossiers", "--data", res.PortalData, "--json")
	if len(held) != 1 || held[0].AuditHead == nil || held[0].AuditHead.ID > check.Head.ID {
		t.Fatalf("the portal kept %+v", held)
	}
	head := fmt.Sprintf("%d:%s", held[0].AuditHead.ID, held[0].AuditHead.MAC)
	runJSON(t, &check, bin, "audit", "verify", "--data", desk, "--head", head, "--json")

	// CSV: reads back row for row.
	csvPath := filepath.Join(t.TempDir(), "audit.csv")
	var wrote struct{ Rows int }
	runJSON(t, &wrote, bin, "audit", "export", "--data", desk, "--from", "2020-01-01", "--to", time.Now().Format(time.DateOnly), "-o", csvPath, "--json")
	f, err := os.Open(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := dossier.ReadAuditCSV(f)
	f.Close()
	if err != nil || len(rows) != wrote.Rows || int64(len(rows)) != check.Head.ID || rows[len(rows)-1].MAC != check.Head.MAC {
		t.Fatalf("CSV: %d rows (%v), wrote %d, head %+v", len(rows), err, wrote.Rows, check.Head)
	}
	var again bytes.Buffer
	dossier.WriteAuditCSV(&again, rows)
	if orig, _ := os.ReadFile(csvPath); !bytes.Equal(orig, again.Bytes()) {
		t.Error("the CSV does not round-trip byte for byte")
	}
	// A period before the desk existed is empty.
	runJSON(t, &wrote, bin, "audit", "export", "--data", desk, "--from", "2020-01-01", "--to", "2020-01-31", "-o", csvPath, "--json")
	if wrote.Rows != 0 {
		t.Errorf("January 2020 has %d rows", wrote.Rows)
	}

	// PDF: signed with the training identity, accepted by qpdf and pdfsig.
	pdfPath := filepath.Join(t.TempDir(), "audit.pdf")
	if _, stderr, code := run(t, bin, "audit", "export", "--data", desk, "-o", pdfPath); code != 0 {
		t.Fatalf("audit export pdf: %s", stderr)
	}
	tool(t, "qpdf", "--check", pdfPath)
	nss := t.TempDir()
	caPEM, err := pkcs12.TrainingCAPEM(res.TrainingCA)
	if err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(nss, "ca.pem")
	os.WriteFile(caFile, caPEM, 0o644)
	tool(t, "certutil", "-N", "-d", "sql:"+nss, "--empty-password")
	tool(t, "certutil", "-A", "-d", "sql:"+nss, "-n", "sohoa-training-ca", "-t", "CT,C,C", "-i", caFile)
	if sig := tool(t, "pdfsig", "-nssdir", "sql:"+nss, pdfPath); !strings.Contains(sig, "Signature is Valid") || !strings.Contains(sig, "Certificate is Trusted") {
		t.Errorf("pdfsig says\n%s", sig)
	}
	fonts := tool(t, "pdffonts", pdfPath)
	lines := strings.Split(strings.TrimSpace(fonts), "\n")
	if len(lines) < 3 || !strings.Contains(strings.ToLower(fonts), "dejavu") {
		t.Errorf("no DejaVu font:\n%s", fonts)
	}
	for _, l := range lines[min(2, len(lines)):] {
		if f := strings.Fields(l); len(f) < 5 || f[len(f)-5] != "yes" {
			t.Errorf("font not embedded: %s", l)
		}
	}
	if text := tool(t, "pdftotext", pdfPath, "-"); !strings.Contains(text, "NHẬT KÝ HOẠT ĐỘNG") || !strings.Contains(text, "dossier.submitted") {
		t.Errorf("the PDF text lacks the title or rows:\n%.600s", text)
	}

	// An edited row with the chain recomputed (plain SHA-256, as before) is found at that row.
	tamper(t, desk, 3)
	out, stderr, code := run(t, bin, "audit", "verify", "--data", desk, "--json")
	var bad dossier.AuditCheck
	if code == 0 || json.Unmarshal([]byte(out), &bad) != nil || bad.OK || bad.BadRow != 3 {
		t.Fatalf("verify after tampering = %d %s %s", code, out, stderr)
	}
	if !strings.Contains(stderr, "row 3") {
		t.Errorf("the sentence does not name row 3: %s", stderr)
	}
}

// tamper edits row id of the desk's audit log and recomputes the chain from it without the key.
func tamper(t *testing.T, desk string, id int64) {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(desk, "sohoa.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	for _, q := range []string{`DROP TRIGGER audit_no_update`, `UPDATE audit SET actor = 'mallory' WHERE id = ` + fmt.Sprint(id)} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	rows, err := db.QueryContext(ctx, `SELECT id, at, actor, action, dossier_id, detail, hash FROM audit ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		id, at                               int64
		actor, action, dossier, detail, hash string
	}
	var all []row
	for rows.Next() {
		var r row
		rows.Scan(&r.id, &r.at, &r.actor, &r.action, &r.dossier, &r.detail, &r.hash)
		all = append(all, r)
	}
	rows.Close()
	prev := strings.Repeat("0", 64)
	for _, r := range all {
		if r.id >= id {
			h := sha256Chain(prev, fmt.Sprint(r.id), fmt.Sprint(r.at), r.actor, r.action, r.dossier, r.detail)
			if _, err := db.ExecContext(ctx, `UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?`, prev, h, r.id); err != nil {
				t.Fatal(err)
			}
			r.hash = h
		}
		prev = r.hash
	}
}

// sha256Chain is the unkeyed chain hash: SHA-256 of the previous hash and each field
// length-prefixed (8-byte big-endian), the scheme before the MAC.
func sha256Chain(prev string, fields ...string) string {
	h := sha256.New()
	h.Write([]byte(prev))
	for _, f := range fields {
		h.Write(binary.BigEndian.AppendUint64(nil, uint64(len(f))))
		h.Write([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil))
}
