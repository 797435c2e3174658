// Folder diagnosis and repair for `sohoa doctor`: the state of a data folder (identity, database,
// blobs, dangling rows, orphan blobs) and a rebuild that re-indexes the blobs of a folder whose
// database is lost into a fresh database, deleting nothing.

package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// Diagnosis is the state of a data folder.
type Diagnosis struct {
	Dir        string
	Identity   string   // written beside the blobs ("" when none)
	DBIdentity string   // held by the database ("" when none or unreadable)
	Problem    string   // "" when the folder opens; else a Problem... constant
	Damage     error    // the *FolderDamagedError when Problem is set
	Blobs      int      // stored files
	Dangling   []string // rows whose blob is missing or damaged
	Orphans    []string // blobs no row, upload or recovered entry references
	Recovered  []Recovered
}

// Recovered is a stored file doctor re-indexed because no row referenced it.
type Recovered struct {
	Blob    string
	Kind    string // pdf, jpeg, png or unknown (from the content)
	Size    int64
	FoundAt time.Time
}

// Diagnose reports the state of the data folder dir without changing it (a healthy folder is
// opened normally, which applies pending migrations). It holds the folder's lock meanwhile.
func Diagnose(ctx context.Context, dir string) (Diagnosis, error) {
	db, err := Open(dir)
	var fd *FolderDamagedError
	if errors.As(err, &fd) {
		d := Diagnosis{Dir: fd.Dir, Identity: fd.Identity, DBIdentity: fd.DBIdentity, Problem: fd.Problem, Damage: err, Blobs: fd.Blobs}
		all, err := newBlobs(filepath.Join(fd.Dir, "blobs")).list()
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return d, err
		}
		for _, b := range all {
			d.Orphans = append(d.Orphans, b.sha)
		}
		sortStrings(d.Orphans)
		return d, nil
	}
	if err != nil {
		return Diagnosis{}, err
	}
	defer db.Close()
	return diagnose(db, ctx)
}

// diagnose reports the state of an open, healthy folder.
func diagnose(db *DB, ctx context.Context) (Diagnosis, error) {
	d := Diagnosis{Dir: db.dir, DBIdentity: db.id}
	var err error
	if d.Identity, err = db.blobs.readIdentity(); err != nil {
		return d, err
	}
	if d.Blobs, err = db.blobs.count(); err != nil {
		return d, err
	}
	if d.Dangling, err = db.Dangling(ctx); err != nil {
		return d, err
	}
	if d.Orphans, err = db.OrphanBlobs(ctx); err != nil {
		return d, err
	}
	d.Recovered, err = db.Recovery().List(ctx)
	return d, err
}

// Recovery is the list of files doctor re-indexed because no row referenced them.
type Recovery struct{ db *DB }

// Recovery returns the recovered-files list.
func (db *DB) Recovery() Recovery { return Recovery{db} }

// List returns the recovered files, oldest first.
func (r Recovery) List(ctx context.Context) ([]Recovered, error) {
	db := r.db
	rows, err := db.sql.QueryContext(ctx, `SELECT blob, kind, size, found_at FROM recovered ORDER BY found_at, blob`)
	if err != nil {
		return nil, dbErr("list recovered files", err)
	}
	defer rows.Close()
	var out []Recovered
	for rows.Next() {
		var r Recovered
		var at int64
		if err := rows.Scan(&r.Blob, &r.Kind, &r.Size, &at); err != nil {
			return nil, dbErr("list recovered files", err)
		}
		r.FoundAt = fromNanos(at)
		out = append(out, r)
	}
	return out, dbErr("list recovered files", rows.Err())
}

// Repair makes the data folder dir usable again without deleting anything. A damaged folder's
// database (missing, empty or another folder's) is moved aside to sohoa.db.damaged-<time> (with
// its WAL files) and a fresh database takes the identity written beside the blobs. In every case
// each blob no row references is indexed as recovered, so the garbage collector keeps it and the
// officer can export it or attach it again. It returns the folder's state afterwards and the
// name the damaged database was moved to ("" when none was).
func Repair(ctx context.Context, dir string) (Diagnosis, string, error) {
	db, err := Open(dir)
	var fd *FolderDamagedError
	moved := ""
	if errors.As(err, &fd) {
		if moved, err = moveDatabaseAside(fd.Dir); err != nil {
			return Diagnosis{}, "", err
		}
		db, err = openFolder(dir, true)
	}
	if err != nil {
		return Diagnosis{}, moved, err
	}
	defer db.Close()
	orphans, err := orphans(db, ctx)
	if err != nil {
		return Diagnosis{}, moved, err
	}
	now := db.now()
	var kinds = map[string]int{}
	err = db.Update(ctx, "index recovered files", func(tx *Tx) error {
		for _, b := range orphans {
			kind, size, err := db.blobs.sniff(b.sha)
			if err != nil {
				return err
			}
			kinds[kind]++
			if _, err := tx.exec(`INSERT OR IGNORE INTO recovered (blob, kind, size, found_at) VALUES (?, ?, ?, ?)`,
				b.sha, kind, size, nanos(now)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Diagnosis{}, moved, err
	}
	detail := map[string]any{"recovered": len(orphans), "kinds": kinds}
	if moved != "" {
		detail["problem"], detail["damaged_database"] = fd.Problem, filepath.Base(moved)
	}
	if err := db.Update(ctx, "audit folder.repaired", func(tx *Tx) error {
		return tx.Audit("doctor", "folder.repaired", "", detail)
	}); err != nil {
		return Diagnosis{}, moved, err
	}
	d, err := diagnose(db, ctx)
	return d, moved, err
}

// moveDatabaseAside renames dir/sohoa.db and its WAL files to sohoa.db.damaged-<time>…, keeping
// them for whoever investigates. It returns the new name of sohoa.db ("" when it did not exist).
func moveDatabaseAside(dir string) (string, error) {
	unlock, err := lockDir(dir)
	if err != nil {
		return "", err
	}
	defer unlock()
	stamp := time.Now().UTC().Format("20060102T150405")
	moved := ""
	for _, f := range []string{"sohoa.db", "sohoa.db-wal", "sohoa.db-shm"} {
		from := filepath.Join(dir, f)
		if _, err := os.Lstat(from); errors.Is(err, os.ErrNotExist) {
			continue
		}
		to := filepath.Join(dir, "sohoa.db.damaged-"+stamp+f[len("sohoa.db"):])
		if err := os.Rename(from, to); err != nil {
			return "", fmt.Errorf("move the damaged database aside: %w", err)
		}
		if f == "sohoa.db" {
			moved = to
		}
	}
	return moved, nil
}

// sniff names the kind of blob sha from its first bytes and returns its size.
func (b *Blobs) sniff(sha string) (string, int64, error) {
	f, err := os.Open(b.Path(sha))
	if err != nil {
		return "", 0, openErr(sha, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", 0, err
	}
	head := make([]byte, 8)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return "pdf", fi.Size(), nil
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		return "jpeg", fi.Size(), nil
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return "png", fi.Size(), nil
	}
	return "unknown", fi.Size(), nil
}

// Export copies every recovered file into dir as <kind>-<first 16 hex of its hash>.<ext>
// and returns the paths written. The blobs stay where they are.
func (r Recovery) Export(ctx context.Context, dir string) ([]string, error) {
	db := r.db
	rec, err := r.List(ctx)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("export recovered files: %w", err)
	}
	var out []string
	for _, r := range rec {
		// Copied as they are, even damaged: the officer decides what can be used.
		data, err := os.ReadFile(db.blobs.Path(r.Blob))
		if err != nil {
			return out, openErr(r.Blob, err)
		}
		ext := map[string]string{"pdf": ".pdf", "jpeg": ".jpg", "png": ".png"}[r.Kind]
		if ext == "" {
			ext = ".bin"
		}
		p := filepath.Join(dir, r.Kind+"-"+r.Blob[:16]+ext)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			return out, blobErr("export recovered files", err)
		}
		out = append(out, p)
	}
	return out, nil
}

// sortStrings sorts s in place.
func sortStrings(s []string) { sort.Strings(s) }
