// Tests of resumable-upload records, stale-claim release, free-space checks, retention purge and crash points.

package storage

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

func TestUploadsSaveListReplaceDelete(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	newDossier(t, db, "D", time.Now())
	if err := tSaveUpload(db, ctx, Upload{DossierID: "missing", Name: "a.pdf", URL: "http://p/files/1"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("SaveUpload on a missing dossier = %v, want ErrNotFound", err)
	}
	if err := tSaveUpload(db, ctx, Upload{DossierID: "D", Name: "", URL: "u"}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("SaveUpload without a name = %v, want ErrInvalid", err)
	}
	for _, u := range []Upload{
		{DossierID: "D", Name: "b.pdf", SHA256: "bb", URL: "http://p/files/b1"},
		{DossierID: "D", Name: "a.pdf", SHA256: "aa", URL: "http://p/files/a1"},
		{DossierID: "D", Name: "b.pdf", SHA256: "bb", URL: "http://p/files/b2"}, // a new upload replaces the old
	} {
		if err := tSaveUpload(db, ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	ups, err := tUploads(db, ctx, "D")
	if err != nil || len(ups) != 2 || ups[0].Name != "a.pdf" || ups[1].URL != "http://p/files/b2" || ups[1].SHA256 != "bb" || ups[0].CreatedAt.IsZero() {
		t.Fatalf("Uploads = %+v, %v", ups, err)
	}
	if err := tDeleteUploads(db, ctx, "D"); err != nil {
		t.Fatal(err)
	}
	if ups, err := tUploads(db, ctx, "D"); err != nil || len(ups) != 0 {
		t.Fatalf("Uploads after delete = %+v, %v", ups, err)
	}
}

func TestReleaseClaimsBeforeFreesOnlyDeadClaims(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	for _, id := range []string{"old", "new"} {
		newDossier(t, db, id, time.Now())
		if _, err := tEnqueue(db, ctx, id, "k-"+id); err != nil {
			t.Fatal(err)
		}
	}
	// "old" was claimed by a process that died: its claim predates the cut-off.
	if _, ok, err := tClaim(db, ctx, time.Now(), time.Hour); err != nil || !ok {
		t.Fatalf("claim: %v %v", ok, err)
	}
	cut := time.Now()
	time.Sleep(2 * time.Millisecond)
	if _, ok, err := tClaim(db, ctx, time.Now(), time.Hour); err != nil || !ok {
		t.Fatalf("claim: %v %v", ok, err)
	}
	n, err := tReleaseClaimsBefore(db, ctx, cut)
	if err != nil || n != 1 {
		t.Fatalf("ReleaseClaimsBefore = %d, %v; want 1", n, err)
	}
	st, _ := db.OutboxStats(ctx)
	if st.Pending != 1 || st.Claimed != 1 {
		t.Fatalf("stats after release = %+v", st)
	}
	it, ok, err := tClaim(db, ctx, time.Now(), time.Hour)
	if err != nil || !ok || it.DossierID != "old" || it.Attempts != 2 {
		t.Fatalf("reclaim = %+v %v %v; want old with 2 attempts", it, ok, err)
	}
	if db.OpenedAt().IsZero() || db.OpenedAt().After(time.Now()) {
		t.Errorf("OpenedAt = %v", db.OpenedAt())
	}
}

func TestCheckFree(t *testing.T) {
	db := openTest(t)
	free, err := db.FreeSpace()
	if err != nil || free == 0 {
		t.Fatalf("FreeSpace = %d, %v", free, err)
	}
	if err := db.CheckFree(1 << 20); err != nil && free > 2*MinFreeBytes {
		t.Fatalf("CheckFree(1 MiB) with %d free = %v", free, err)
	}
	err = db.CheckFree(int64(free) + 1<<30)
	var low *LowDiskError
	if !errors.Is(err, ErrDiskFull) || !errors.As(err, &low) || low.Free == 0 || low.Need <= low.Free {
		t.Fatalf("CheckFree(more than free) = %v, want a LowDiskError that Is ErrDiskFull", err)
	}
}

func TestPurgeKeepsUnsubmittedAndLeavesNoDanglingRow(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	past := time.Now().Add(-40 * 24 * time.Hour)
	db.now = func() time.Time { return past }
	for _, id := range []string{"sent", "waiting"} {
		newDossier(t, db, id, past)
		page, _ := db.Blobs().PutBytes([]byte("page of " + id))
		shared, _ := db.Blobs().PutBytes([]byte("same page in both dossiers"))
		pdf, _ := db.Blobs().PutBytes([]byte("signed pdf of " + id))
		for i, b := range []string{page, shared} {
			if _, err := tAddPage(db, ctx, Page{DossierID: id, ComponentCode: "TP1", Position: i, Blob: b, Format: "jpeg"}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := tAddFile(db, ctx, File{DossierID: id, ComponentCode: "TP1", Name: id + ".pdf", Role: "signed", Blob: pdf}); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []string{"captured", "signed", "queued", "submitted"} {
		prev := map[string]string{"captured": "draft", "signed": "captured", "queued": "signed", "submitted": "queued"}[s]
		if err := tSetDossierState(db, ctx, "sent", prev, s); err != nil {
			t.Fatal(err)
		}
	}
	db.now = time.Now
	// Page images go after 30 days; signed files are kept (no retention age).
	res, err := db.Purge(ctx, 30*24*time.Hour, 0)
	if err != nil || res.Pages != 2 || res.Files != 0 || res.Blobs != 1 {
		t.Fatalf("Purge = %+v, %v; want 2 pages, 0 files, 1 blob (the shared page stays referenced)", res, err)
	}
	if p, _ := tPages(db, ctx, "waiting", "TP1"); len(p) != 2 {
		t.Errorf("the unsubmitted dossier lost pages: %d left", len(p))
	}
	if f, _ := tFiles(db, ctx, "sent"); len(f) != 1 {
		t.Errorf("signed file of the submitted dossier purged without a retention age")
	}
	if d, err := db.Dangling(ctx); err != nil || len(d) != 0 {
		t.Fatalf("Dangling after purge = %v, %v", d, err)
	}
	// Too young for a 60-day rule: nothing happens.
	if res, err := db.Purge(ctx, 60*24*time.Hour, 60*24*time.Hour); err != nil || res != (PurgeResult{}) {
		t.Fatalf("Purge(60 days) = %+v, %v; want nothing", res, err)
	}
	if _, err := db.Purge(ctx, -time.Hour, 0); !errors.Is(err, ErrInvalid) {
		t.Fatalf("Purge(negative) = %v, want ErrInvalid", err)
	}
}

// TestCrashPointKillsAfterCommit runs this test binary as a child with SOHOA_CRASH_AT armed: the child
// dies by SIGKILL right after its write committed, and the write is durable.
func TestCrashPointKillsAfterCommit(t *testing.T) {
	if dir := os.Getenv("SOHOA_CRASH_CHILD_DIR"); dir != "" {
		db, err := Open(dir)
		if err != nil {
			os.Exit(3)
		}
		ctx := context.Background()
		_ = db.SetSetting(ctx, "first", "1")
		_ = db.SetSetting(ctx, "second", "2") // crashes after this commit (2nd hit)
		_ = db.SetSetting(ctx, "third", "3")
		os.Exit(0)
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashPointKillsAfterCommit$")
	cmd.Env = append(os.Environ(), "SOHOA_CRASH_CHILD_DIR="+dir, CrashEnv+"=after-commit:save setting#2")
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("child = %v, want killed", err)
	}
	if ws, ok := ee.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("child ended with %v, want SIGKILL", ee)
	}
	db, err := Open(dir) // the dead child's lock is gone
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if v, err := db.Setting(ctx, "second"); err != nil || v != "2" {
		t.Errorf("committed write before the crash: %q, %v", v, err)
	}
	if _, err := db.Setting(ctx, "third"); !errors.Is(err, ErrNotFound) {
		t.Errorf("write after the crash point exists: %v", err)
	}
	// Unarmed (this process), CrashPoint is inert.
	CrashPoint("after-commit:save setting")
}
