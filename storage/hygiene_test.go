// Tests of crash hygiene: orphan blobs, dangling rows and garbage collection.

package storage

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestCrashBetweenBlobAndRow(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	newDossier(t, db, "D", time.Now())
	kept, err := db.Blobs().PutBytes([]byte("referenced page"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tAddPage(db, ctx, Page{DossierID: "D", ComponentCode: "TP1", Position: -1, Blob: kept, Format: "png"}); err != nil {
		t.Fatal(err)
	}
	// The "crash": the blob is written, the row never is.
	orphan, err := db.Blobs().PutBytes([]byte("page whose row was never inserted"))
	if err != nil {
		t.Fatal(err)
	}

	orphans, err := db.OrphanBlobs(ctx)
	if err != nil || fmt.Sprint(orphans) != fmt.Sprint([]string{orphan}) {
		t.Fatalf("OrphanBlobs = %v, %v; want [%s]", orphans, err, orphan)
	}
	if d, err := db.Dangling(ctx); err != nil || len(d) != 0 {
		t.Fatalf("Dangling = %v, %v; want none", d, err)
	}
	// A fresh orphan may be a capture in progress: not collected.
	if n, err := db.CollectGarbage(ctx, time.Hour); n != 0 || err != nil {
		t.Fatalf("CollectGarbage(fresh) = %d, %v; want 0", n, err)
	}
	// Age both blobs by two hours: this process stored the orphan, so its row may still come.
	old := time.Now().Add(-2 * time.Hour)
	for _, sha := range []string{kept, orphan} {
		if err := os.Chtimes(db.Blobs().Path(sha), old, old); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := db.CollectGarbage(ctx, time.Hour); n != 0 || err != nil {
		t.Fatalf("CollectGarbage(old, pending write) = %d, %v; want 0", n, err)
	}
	// The process that wrote it is gone (the crash): only the orphan goes.
	dir := db.Dir()
	db.Close()
	db, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n, err := db.CollectGarbage(ctx, time.Hour); n != 1 || err != nil {
		t.Fatalf("CollectGarbage(old) = %d, %v; want 1", n, err)
	}
	if db.Blobs().Has(orphan) || !db.Blobs().Has(kept) {
		t.Errorf("after GC: orphan present %v, referenced present %v", db.Blobs().Has(orphan), db.Blobs().Has(kept))
	}
	if orphans, _ := db.OrphanBlobs(ctx); len(orphans) != 0 {
		t.Errorf("OrphanBlobs after GC = %v", orphans)
	}
	// Stray files in the blob folder are neither orphans nor deleted.
	stray := db.Blobs().root + "/" + kept[:2] + "/notes.txt"
	if err := os.WriteFile(stray, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(stray, old, old)
	if n, err := db.CollectGarbage(ctx, 0); n != 0 || err != nil {
		t.Errorf("CollectGarbage with a stray file = %d, %v", n, err)
	}
	if _, err := os.Stat(stray); err != nil {
		t.Errorf("stray file removed: %v", err)
	}
}

func TestDanglingRows(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	newDossier(t, db, "D", time.Now())
	var shas []string
	for i := 0; i < 3; i++ {
		sha, err := db.Blobs().PutBytes([]byte(fmt.Sprintf("content %d", i)))
		if err != nil {
			t.Fatal(err)
		}
		shas = append(shas, sha)
	}
	if _, err := tAddPage(db, ctx, Page{DossierID: "D", ComponentCode: "TP1", Position: -1, Blob: shas[0], Format: "jpeg"}); err != nil {
		t.Fatal(err)
	}
	if _, err := tAddPage(db, ctx, Page{DossierID: "D", ComponentCode: "TP1", Position: -1, Blob: shas[1], Format: "jpeg"}); err != nil {
		t.Fatal(err)
	}
	if _, err := tAddFile(db, ctx, File{DossierID: "D", ComponentCode: "TP1", Name: "TP1.pdf", Role: "signed", Blob: shas[2]}); err != nil {
		t.Fatal(err)
	}
	// Blob 0 disappears, blob 2 rots on disk.
	if err := os.Remove(db.Blobs().Path(shas[0])); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(db.Blobs().Path(shas[2]), os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteAt([]byte{'X'}, 0)
	f.Close()

	got, err := db.Dangling(ctx)
	want := []string{shas[0], shas[2]}
	if shas[2] < shas[0] {
		want = []string{shas[2], shas[0]}
	}
	if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("Dangling = %v, %v; want %v", got, err, want)
	}
	if o, _ := db.OrphanBlobs(ctx); len(o) != 0 {
		t.Errorf("OrphanBlobs = %v; the damaged blob is referenced, not an orphan", o)
	}
}

// The collector keeps what the upload journal and doctor's recovered list reference, and does not
// run at all when the database and the blobs are not one folder's.
func TestGarbageCollectorSafety(t *testing.T) {
	dir, shas := fillFolder(t, 1)
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// Three unreferenced blobs from an earlier process, two of them journaled.
	var extra []string
	for _, c := range []string{"being uploaded", "recovered by doctor", "true orphan"} {
		sha, err := db.Blobs().PutBytes([]byte(c))
		if err != nil {
			t.Fatal(err)
		}
		extra = append(extra, sha)
	}
	if err := tSaveUpload(db, ctx, Upload{DossierID: "D", Name: "TP1.pdf", SHA256: extra[0], URL: "http://127.0.0.1/files/1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL().Exec(`INSERT INTO recovered (blob, kind, size, found_at) VALUES (?, 'pdf', 1, 1)`, extra[1]); err != nil {
		t.Fatal(err)
	}
	db.Close()
	ageBlobs(t, dir, 3*time.Hour)

	// Another folder's identity beside the blobs: the collector refuses and deletes nothing.
	idPath := filepath.Join(dir, "blobs", identityFile)
	mine, _ := os.ReadFile(idPath)
	if db, err = Open(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(idPath, []byte("0123456789abcdef0123456789abcdef\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if n, err := db.CollectGarbage(ctx, time.Hour); n != 0 || !errors.Is(err, ErrFolderDamaged) {
		t.Fatalf("CollectGarbage on a mismatched folder = %d, %v; want 0, ErrFolderDamaged", n, err)
	}
	assertAllBlobs(t, dir, append(append([]string{}, shas...), extra...))
	os.WriteFile(idPath, mine, 0o600)

	// A grace period shorter than GCGrace is raised to it.
	ageBlobs(t, dir, 30*time.Minute)
	if n, err := db.CollectGarbage(ctx, time.Second); n != 0 || err != nil {
		t.Fatalf("CollectGarbage(1s) on 30-minute-old blobs = %d, %v; want 0", n, err)
	}
	ageBlobs(t, dir, 3*time.Hour)
	if n, err := db.CollectGarbage(ctx, time.Hour); n != 1 || err != nil {
		t.Fatalf("CollectGarbage = %d, %v; want 1 (the true orphan)", n, err)
	}
	assertAllBlobs(t, dir, append(append([]string{}, shas...), extra[:2]...))
	if db.Blobs().Has(extra[2]) {
		t.Error("the true orphan survived")
	}
	db.Close()
}
