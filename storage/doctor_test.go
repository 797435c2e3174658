// Tests of doctor's diagnosis and repair: a folder whose database was lost is rebuilt around its
// blobs, which the garbage collector then keeps.

package storage

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestDiagnoseAndRepairLostDatabase(t *testing.T) {
	ctx := context.Background()
	dir, shas := fillFolder(t, 3)
	id, _ := os.ReadFile(filepath.Join(dir, "blobs", identityFile))
	// A zero-byte database beside the blobs.
	removeDB(t, dir)
	if err := os.WriteFile(filepath.Join(dir, "sohoa.db"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	d, err := Diagnose(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if d.Problem != ProblemDatabaseEmpty || d.Blobs != 3 || len(d.Orphans) != 3 || !errors.Is(d.Damage, ErrFolderDamaged) {
		t.Fatalf("Diagnose = %+v", d)
	}
	d, moved, err := Repair(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(moved); err != nil || fi.Size() != 0 || !strings.Contains(moved, "sohoa.db.damaged-") {
		t.Errorf("damaged database moved to %q: %v", moved, err)
	}
	if d.Problem != "" || d.Blobs != 3 || len(d.Orphans) != 0 || len(d.Recovered) != 3 || d.DBIdentity != strings.TrimSpace(string(id)) {
		t.Fatalf("after Repair = %+v", d)
	}
	// The repaired folder opens, its log verifies, and the collector keeps every recovered blob.
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.VerifyAudit(ctx); err != nil {
		t.Error(err)
	}
	log, _ := db.AuditLog(ctx, "")
	if len(log) != 1 || log[0].Action != "folder.repaired" {
		t.Errorf("audit after repair = %+v", log)
	}
	db.Close()
	ageBlobs(t, dir, 5*time.Hour)
	if db, err = Open(dir); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n, err := db.CollectGarbage(ctx, time.Hour); n != 0 || err != nil {
		t.Fatalf("CollectGarbage after repair = %d, %v", n, err)
	}
	assertAllBlobs(t, dir, shas)
	out, err := db.Recovery().Export(ctx, filepath.Join(t.TempDir(), "out"))
	if err != nil || len(out) != 3 {
		t.Fatalf("Recovery().Export = %v, %v", out, err)
	}
	for _, p := range out {
		if b, err := os.ReadFile(p); err != nil || !strings.HasPrefix(string(b), "scanned page") {
			t.Errorf("%s: %q, %v", p, b, err)
		}
	}
}

func TestRepairHealthyFolderIndexesOrphans(t *testing.T) {
	ctx := context.Background()
	dir, _ := fillFolder(t, 2)
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	pdf, _ := db.Blobs().PutBytes([]byte("%PDF-1.7 left by a crash"))
	db.Close()
	d, moved, err := Repair(ctx, dir)
	if err != nil || moved != "" {
		t.Fatalf("Repair = %v, moved %q", err, moved)
	}
	if len(d.Recovered) != 1 || d.Recovered[0].Blob != pdf || d.Recovered[0].Kind != "pdf" || d.Blobs != 3 {
		t.Fatalf("Repair = %+v", d)
	}
}
