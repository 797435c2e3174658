// Tests of crash hygiene: orphan blobs, dangling rows and garbage collection.

package storage

import (
	"context"
	"fmt"
	"os"
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
	// Age both blobs by two hours: only the orphan goes.
	old := time.Now().Add(-2 * time.Hour)
	for _, sha := range []string{kept, orphan} {
		if err := os.Chtimes(db.Blobs().Path(sha), old, old); err != nil {
			t.Fatal(err)
		}
	}
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
