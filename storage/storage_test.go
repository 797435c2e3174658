// Tests of opening a data folder: migrations, pragmas, locking, hostile folders.

package storage

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// openTest opens a fresh data folder in a temporary directory, closed at cleanup.
func openTest(t testing.TB) *DB {
	t.Helper()
	db, err := Open(filepath.Join(t.TempDir(), "profile"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestOpenMigratesAndReopenIsNoop(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "a", "profile")
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"sohoa.db", "blobs", "blobs/tmp"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("%s not created: %v", p, err)
		}
	}
	v, err := db.SchemaVersion(ctx)
	if err != nil || v != 5 {
		t.Fatalf("SchemaVersion = %d, %v; want 5", v, err)
	}
	var applied int
	if err := db.SQL().QueryRow(`SELECT count(*) FROM goose_db_version`).Scan(&applied); err != nil {
		t.Fatal(err)
	}
	if err := db.SetSetting(ctx, "k", "v"); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db, err = Open(dir)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	var again int
	if err := db.SQL().QueryRow(`SELECT count(*) FROM goose_db_version`).Scan(&again); err != nil {
		t.Fatal(err)
	}
	if again != applied {
		t.Errorf("reopen changed goose_db_version rows: %d → %d", applied, again)
	}
	if got, err := db.Setting(ctx, "k"); err != nil || got != "v" {
		t.Errorf("setting after reopen = %q, %v", got, err)
	}
	if db.Dir() != dir {
		t.Errorf("Dir = %q, want %q", db.Dir(), dir)
	}
}

func TestPragmasInEffectOnEveryConnection(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	// Hold several connections at once so the pool must open new ones.
	for i := 0; i < 4; i++ {
		c, err := db.SQL().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		var mode string
		var sync, fk, busy int
		if err := c.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if err := c.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&sync); err != nil {
			t.Fatal(err)
		}
		if err := c.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil {
			t.Fatal(err)
		}
		if err := c.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&busy); err != nil {
			t.Fatal(err)
		}
		if mode != "wal" || sync != 2 || fk != 1 || busy != int(busyTimeout.Milliseconds()) {
			t.Errorf("conn %d: journal_mode=%s synchronous=%d foreign_keys=%d busy_timeout=%d; want wal 2 (FULL) 1 %d",
				i, mode, sync, fk, busy, busyTimeout.Milliseconds())
		}
	}
}

func TestOpenTwiceIsInUse(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); !errors.Is(err, ErrInUse) {
		t.Fatalf("second Open: %v, want ErrInUse", err)
	}
	db.Close()
	db, err = Open(dir)
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	db.Close()
}

func TestOpenHostileFolders(t *testing.T) {
	t.Run("garbage database", func(t *testing.T) {
		dir := t.TempDir()
		junk := make([]byte, 8192)
		for i := range junk {
			junk[i] = byte(i * 7)
		}
		if err := os.WriteFile(filepath.Join(dir, "sohoa.db"), junk, 0o600); err != nil {
			t.Fatal(err)
		}
		if db, err := Open(dir); err == nil {
			db.Close()
			t.Fatal("Open accepted a garbage database file")
		}
		// The failed Open released the folder.
		if err := os.Remove(filepath.Join(dir, "sohoa.db")); err != nil {
			t.Fatal(err)
		}
		db, err := Open(dir)
		if err != nil {
			t.Fatalf("Open after removing garbage: %v", err)
		}
		db.Close()
	})
	t.Run("truncated database", func(t *testing.T) {
		dir := t.TempDir()
		db, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
		// Keep only the 100-byte header: page 1 claims a schema that is not there.
		if err := os.Truncate(filepath.Join(dir, "sohoa.db"), 100); err != nil {
			t.Fatal(err)
		}
		os.Remove(filepath.Join(dir, "sohoa.db-wal"))
		os.Remove(filepath.Join(dir, "sohoa.db-shm"))
		if db, err := Open(dir); err == nil {
			db.Close()
			t.Fatal("Open accepted a truncated database")
		}
	})
	t.Run("path is a file", func(t *testing.T) {
		f := filepath.Join(t.TempDir(), "file")
		if err := os.WriteFile(f, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if db, err := Open(f); err == nil {
			db.Close()
			t.Fatal("Open accepted a regular file as data folder")
		}
	})
	t.Run("empty path", func(t *testing.T) {
		if _, err := Open(""); !errors.Is(err, ErrInvalid) {
			t.Fatalf("Open(\"\") = %v, want ErrInvalid", err)
		}
	})
}

func TestUnitsAndSettings(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	if _, err := tUnit(db, ctx, "000.00.00.H47"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Unit(absent) = %v, want ErrNotFound", err)
	}
	u := Unit{Code: "000.00.00.H47", Name: "UBND xã Tam Thăng", Province: "Đà Nẵng", CounterType: "commune",
		Hotlines:  []Hotline{{Label: "Tổng đài 1022", Phone: "0235.1022", Email: "1022@quangnam.gov.vn"}},
		PortalURL: "https://dichvucong.example", Training: true}
	if err := tSaveUnit(db, ctx, u); err != nil {
		t.Fatal(err)
	}
	u.Name = "UBND phường Tam Thăng"
	if err := tSaveUnit(db, ctx, u); err != nil {
		t.Fatal(err)
	}
	got, err := tUnit(db, ctx, u.Code)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != u.Name || len(got.Hotlines) != 1 || got.Hotlines[0] != u.Hotlines[0] || !got.Training || got.PortalURL != u.PortalURL {
		t.Errorf("Unit = %+v, want %+v", got, u)
	}
	if err := tSaveUnit(db, ctx, Unit{Code: "000.00.00.H30", CounterType: "postal"}); err != nil {
		t.Fatal(err)
	}
	all, err := tUnits(db, ctx)
	if err != nil || len(all) != 2 || all[0].Code != "000.00.00.H30" {
		t.Fatalf("Units = %+v, %v", all, err)
	}
	if err := tSaveUnit(db, ctx, Unit{Code: "x", CounterType: "bank"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("SaveUnit(bad counter type) = %v, want ErrInvalid", err)
	}

	if v, err := db.Setting(ctx, "profile"); v != "" || !errors.Is(err, ErrNotFound) {
		t.Errorf("Setting(absent) = %q, %v", v, err)
	}
	for _, v := range []string{"a", "b"} {
		if err := db.SetSetting(ctx, "profile", v); err != nil {
			t.Fatal(err)
		}
	}
	if v, err := db.Setting(ctx, "profile"); v != "b" || err != nil {
		t.Errorf("Setting = %q, %v; want b", v, err)
	}
}

func TestCancelledContext(t *testing.T) {
	db := openTest(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := db.SetSetting(ctx, "k", "v"); !errors.Is(err, context.Canceled) {
		t.Errorf("SetSetting(cancelled) = %v, want context.Canceled", err)
	}
	if _, err := tDossiers(db, ctx, DossierFilter{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Dossiers(cancelled) = %v, want context.Canceled", err)
	}
	// A writer waiting behind another gives up when its context ends.
	db.wsem <- struct{}{}
	defer func() { <-db.wsem }()
	wctx, wcancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer wcancel()
	if _, err := tNextSequence(db, wctx, "U", "261126"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("blocked NextSequence = %v, want context.DeadlineExceeded", err)
	}
}
