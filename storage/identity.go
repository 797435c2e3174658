// The data folder's identity: a random name written at creation into the database (setting
// folder.id) and beside the blobs (blobs/FOLDER-ID), checked at every Open so that a missing,
// empty or foreign database is refused instead of being recreated over the folder's files.

package storage

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"sohoa/internal/atomicfile"
)

// identityFile is the name of the identity file inside blobs/.
const identityFile = "FOLDER-ID"

// settingFolderID is the settings key holding the database's copy of the identity.
const settingFolderID = "folder.id"

// Problems a FolderDamagedError reports.
const (
	ProblemDatabaseMissing = "database-missing" // sohoa.db is gone while the folder has files
	ProblemDatabaseEmpty   = "database-empty"   // sohoa.db is a zero-byte file while the folder has files
	ProblemDatabaseForeign = "database-foreign" // sohoa.db belongs to another data folder
)

// FolderDamagedError says why a data folder was refused. errors.Is(err, ErrFolderDamaged) holds.
type FolderDamagedError struct {
	Dir        string
	Problem    string // one of the Problem... constants
	Identity   string // the identity written beside the blobs ("" when there is none)
	DBIdentity string // the identity the database holds ("" when none)
	Blobs      int    // the stored files found
}

// Error says what is wrong, that nothing was deleted and how to restore the folder.
func (e *FolderDamagedError) Error() string {
	var what string
	switch e.Problem {
	case ProblemDatabaseMissing:
		what = "its database sohoa.db is missing"
	case ProblemDatabaseEmpty:
		what = "its database sohoa.db is empty (0 bytes)"
	default:
		db := e.DBIdentity
		if db == "" {
			db = "none"
		}
		what = fmt.Sprintf("its database sohoa.db belongs to another data folder (database identity %s, folder identity %s)", db, e.Identity)
	}
	return fmt.Sprintf("storage: the data folder %s is damaged: %s; nothing was deleted (%d stored files are kept in %s); "+
		"restore sohoa.db from a backup, or run \"sohoa doctor --data %s --repair\" to re-index the stored files into a new database",
		e.Dir, what, e.Blobs, filepath.Join(e.Dir, "blobs"), e.Dir)
}

// Is makes errors.Is(err, ErrFolderDamaged) true.
func (e *FolderDamagedError) Is(target error) bool { return target == ErrFolderDamaged }

// readIdentity returns the identity written beside the blobs, or "".
func (b *Blobs) readIdentity() (string, error) {
	p, err := os.ReadFile(filepath.Join(b.root, identityFile))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read folder identity: %w", err)
	}
	return strings.TrimSpace(string(p)), nil
}

// writeIdentity writes id beside the blobs, durably.
func (b *Blobs) writeIdentity(id string) error {
	if err := atomicfile.Write(filepath.Join(b.root, identityFile), []byte(id+"\n"), 0o600); err != nil {
		return blobErr("write folder identity", err)
	}
	return nil
}

// count returns how many blobs the store holds (0 when blobs/ does not exist).
func (b *Blobs) count() (int, error) {
	all, err := b.list()
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	return len(all), err
}

// newIdentity returns a fresh random folder identity.
func newIdentity() (string, error) {
	var p [16]byte
	if _, err := rand.Read(p[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(p[:]), nil
}

// checkDatabaseFile refuses to create a database over a folder that already has files: a
// missing or zero-byte sohoa.db beside an identity file or any blob is damage, not a new desk.
func checkDatabaseFile(dir string, b *Blobs) error {
	fi, err := os.Stat(filepath.Join(dir, "sohoa.db"))
	var problem string
	switch {
	case errors.Is(err, fs.ErrNotExist):
		problem = ProblemDatabaseMissing
	case err != nil:
		return dbErr("open database", err)
	case fi.Size() == 0:
		problem = ProblemDatabaseEmpty
	default:
		return nil
	}
	id, err := b.readIdentity()
	if err != nil {
		return err
	}
	n, err := b.count()
	if err != nil {
		return err
	}
	wal, err := os.Stat(filepath.Join(dir, "sohoa.db-wal"))
	if id == "" && n == 0 && (err != nil || wal.Size() == 0) {
		return nil // a new folder (a leftover write-ahead log without its database is damage too)
	}
	return &FolderDamagedError{Dir: dir, Problem: problem, Identity: id, Blobs: n}
}

// databaseIdentity reads the folder identity the database holds ("" when it has none yet,
// including a database whose schema is not created).
func databaseIdentity(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (string, error) {
	var has bool
	if err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'settings')`).Scan(&has); err != nil {
		return "", dbErr("read folder identity", err)
	}
	if !has {
		return "", nil
	}
	var id string
	err := q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, settingFolderID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return id, dbErr("read folder identity", err)
}

// checkIdentity compares the database's identity with the one beside the blobs, before any
// migration touches the database. A database without identity beside blobs that have one is foreign.
func checkIdentity(db *DB, ctx context.Context) error {
	fileID, err := db.blobs.readIdentity()
	if err != nil {
		return err
	}
	dbID, err := databaseIdentity(ctx, db.sql)
	if err != nil {
		return err
	}
	if fileID != "" && dbID == "" && db.rebuild {
		db.id, db.adopt = "", fileID
		return nil
	}
	if fileID != "" && dbID != fileID {
		n, err := db.blobs.count()
		if err != nil {
			return err
		}
		return &FolderDamagedError{Dir: db.dir, Problem: ProblemDatabaseForeign, Identity: fileID, DBIdentity: dbID, Blobs: n}
	}
	db.id = dbID
	return nil
}

// settleIdentity gives a new (or older, identity-less) folder its identity, database first so
// that a crash never leaves an identity file the database does not hold, and writes the file
// again where it was lost.
func settleIdentity(db *DB, ctx context.Context) error {
	if db.id == "" {
		id := db.adopt
		if id == "" {
			var err error
			if id, err = newIdentity(); err != nil {
				return err
			}
		}
		err := db.Update(ctx, "record folder identity", func(tx *Tx) error {
			_, err := tx.exec(`INSERT INTO settings (key, value) VALUES (?, ?)`, settingFolderID, id)
			return err
		})
		if err != nil {
			return err
		}
		db.id = id
	}
	fileID, err := db.blobs.readIdentity()
	if err != nil {
		return err
	}
	if fileID == "" {
		return db.blobs.writeIdentity(db.id)
	}
	return nil
}

// verifyIdentity re-reads both copies of the folder identity and returns a *FolderDamagedError
// when they no longer agree (the blobs were swapped or the identity file removed meanwhile).
func verifyIdentity(db *DB, ctx context.Context) error {
	fileID, err := db.blobs.readIdentity()
	if err != nil {
		return err
	}
	dbID, err := databaseIdentity(ctx, db.sql)
	if err != nil {
		return err
	}
	if dbID == "" || dbID != db.id || fileID != dbID {
		n, _ := db.blobs.count()
		return &FolderDamagedError{Dir: db.dir, Problem: ProblemDatabaseForeign, Identity: fileID, DBIdentity: dbID, Blobs: n}
	}
	return nil
}
