// Tests of the folder identity: a damaged folder (database missing, empty or another folder's)
// is refused and keeps every stored file; a new or older folder gets its identity.

package storage

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fillFolder creates a data folder with a dossier, n page blobs referenced by rows, closes
// it and ages every blob by two hours (older than the garbage collector's grace period).
func fillFolder(t *testing.T, n int) (dir string, shas []string) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "desk")
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	newDossier(t, db, "D", time.Now())
	for i := 0; i < n; i++ {
		sha, err := db.Blobs().PutBytes([]byte(fmt.Sprintf("scanned page %d", i)))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tAddPage(db, ctx, Page{DossierID: "D", ComponentCode: "TP1", Position: -1, Blob: sha, Format: "png"}); err != nil {
			t.Fatal(err)
		}
		shas = append(shas, sha)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	ageBlobs(t, dir, 2*time.Hour)
	return dir, shas
}

// ageBlobs sets every file under dir/blobs back by d (find blobs -exec touch -d).
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

// removeDB removes sohoa.db and its WAL companions.
func removeDB(t *testing.T, dir string) {
	t.Helper()
	for _, f := range []string{"sohoa.db", "sohoa.db-wal", "sohoa.db-shm"} {
		if err := os.Remove(filepath.Join(dir, f)); err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
	}
}

func assertAllBlobs(t *testing.T, dir string, shas []string) {
	t.Helper()
	b := newBlobs(filepath.Join(dir, "blobs"))
	for _, sha := range shas {
		if err := b.verify(sha); err != nil {
			t.Errorf("blob %s lost: %v", sha[:12], err)
		}
	}
}

// Finding 1: a missing or zero-byte sohoa.db used to be recreated empty and the clean-up then
// deleted every blob older than an hour.
func TestDamagedFolderRefusedAndKept(t *testing.T) {
	for _, tc := range []struct {
		name, problem string
		damage        func(t *testing.T, dir string)
	}{
		{"missing", ProblemDatabaseMissing, func(t *testing.T, dir string) { removeDB(t, dir) }},
		{"zero-byte", ProblemDatabaseEmpty, func(t *testing.T, dir string) {
			removeDB(t, dir)
			if err := os.WriteFile(filepath.Join(dir, "sohoa.db"), nil, 0o600); err != nil {
				t.Fatal(err)
			}
		}},
		{"another folder's", ProblemDatabaseForeign, func(t *testing.T, dir string) {
			other := filepath.Join(t.TempDir(), "other")
			o, err := Open(other)
			if err != nil {
				t.Fatal(err)
			}
			o.Close()
			removeDB(t, dir)
			p, err := os.ReadFile(filepath.Join(other, "sohoa.db"))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "sohoa.db"), p, 0o600); err != nil {
				t.Fatal(err)
			}
		}},
		{"blobs only, no identity file", ProblemDatabaseMissing, func(t *testing.T, dir string) {
			removeDB(t, dir)
			os.Remove(filepath.Join(dir, "blobs", identityFile))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, shas := fillFolder(t, 3)
			tc.damage(t, dir)
			before, _ := os.Stat(filepath.Join(dir, "sohoa.db"))
			db, err := Open(dir)
			if err == nil {
				// What the old code did: an empty desk, then the hourly clean-up.
				n, _ := db.CollectGarbage(context.Background(), time.Hour)
				db.Close()
				t.Fatalf("Open succeeded on a damaged folder (the clean-up then deleted %d blobs)", n)
			}
			var fd *FolderDamagedError
			if !errors.Is(err, ErrFolderDamaged) || !errors.As(err, &fd) || fd.Problem != tc.problem {
				t.Fatalf("Open = %v; want a FolderDamagedError %s", err, tc.problem)
			}
			if fd.Blobs != 3 {
				t.Errorf("error counts %d stored files; want 3", fd.Blobs)
			}
			msg := err.Error()
			for _, want := range []string{"nothing was deleted", "backup", "sohoa doctor"} {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q lacks %q", msg, want)
				}
			}
			after, _ := os.Stat(filepath.Join(dir, "sohoa.db"))
			if (before == nil) != (after == nil) || (after != nil && after.Size() != before.Size()) {
				t.Errorf("sohoa.db changed by the refused Open: %v → %v", before, after)
			}
			assertAllBlobs(t, dir, shas)
			// The lock is released: the officer can run doctor right away.
			if _, err := Open(dir); !errors.Is(err, ErrFolderDamaged) {
				t.Errorf("second Open = %v", err)
			}
		})
	}
}

func TestIdentityWrittenAndAdopted(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "new")
	db, err := Open(dir)
	if err != nil {
		t.Fatalf("a new folder must open: %v", err)
	}
	id := db.id
	file, _ := os.ReadFile(filepath.Join(dir, "blobs", identityFile))
	if len(id) != 32 || strings.TrimSpace(string(file)) != id {
		t.Fatalf("identity %q, file %q", id, file)
	}
	if err := verifyIdentity(db, ctx); err != nil {
		t.Fatal(err)
	}
	// A folder from before identities: no setting, no file. It is adopted at the next Open.
	if _, err := db.SQL().Exec(`DELETE FROM settings WHERE key = ?`, settingFolderID); err != nil {
		t.Fatal(err)
	}
	if err := verifyIdentity(db, ctx); !errors.Is(err, ErrFolderDamaged) {
		t.Errorf("verifyIdentity after the setting went = %v", err)
	}
	db.Close()
	os.Remove(filepath.Join(dir, "blobs", identityFile))
	db, err = Open(dir)
	if err != nil {
		t.Fatalf("an older folder must open: %v", err)
	}
	defer db.Close()
	file, _ = os.ReadFile(filepath.Join(dir, "blobs", identityFile))
	if db.id == "" || db.id == id || strings.TrimSpace(string(file)) != db.id {
		t.Errorf("adopted identity %q, file %q", db.id, file)
	}
	// A lost identity file is written again from the database.
	db.Close()
	os.Remove(filepath.Join(dir, "blobs", identityFile))
	db, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close() // the deferred Close above holds the earlier value (Windows cannot remove an open folder)
	file, _ = os.ReadFile(filepath.Join(dir, "blobs", identityFile))
	if strings.TrimSpace(string(file)) != db.id {
		t.Errorf("identity file not rewritten: %q", file)
	}
}

// A write-ahead log without its database is not a new folder either, even with no blob yet.
func TestLeftoverWALRefused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "desk")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "sohoa.db-wal"), []byte("committed pages"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); !errors.Is(err, ErrFolderDamaged) {
		t.Fatalf("Open beside a lone WAL = %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "sohoa.db")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("sohoa.db created: %v", err)
	}
}
