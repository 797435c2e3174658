// Opening and closing the data folder: SQLite connection, migrations and write transactions.

package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// busyTimeout is how long a connection waits for another process's write lock.
const busyTimeout = 10 * time.Second

// DB is an open data folder. It is safe for concurrent use.
type DB struct {
	dir    string
	sql    *sql.DB
	blobs  *Blobs
	unlock func() error
	wsem   chan struct{} // serialises this process's write transactions
	now    func() time.Time
	// openedAt is when Open ran; claims taken before it belong to a process that is gone.
	openedAt time.Time
	id       string // the folder identity (see identity.go)
	auditKey []byte // the audit log's MAC key, held outside the database (see audit.go)
	rebuild  bool   // opened by Repair: adopt the identity beside the blobs
	adopt    string // the identity a rebuilt database takes from blobs/FOLDER-ID
}

// Open opens (creating if needed) the data folder dir: dir/sohoa.db and dir/blobs/.
// It applies pending schema migrations and removes temporary blob files left by a crash.
// It returns ErrInUse if another process holds the folder, and a *FolderDamagedError
// (ErrFolderDamaged) without changing anything when the folder has files but its database
// is missing, empty or another folder's.
func Open(dir string) (*DB, error) { return openFolder(dir, false) }

// openFolder opens dir; with rebuild, a folder whose database is missing, empty or foreign gets
// a fresh database holding the identity written beside its blobs (the damaged database must
// have been moved aside first: see Repair).
func openFolder(dir string, rebuild bool) (*DB, error) {
	if dir == "" {
		return nil, fmt.Errorf("open data folder: %w: empty path", ErrInvalid)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("open data folder %s: %w", dir, err)
	}
	blobs := newBlobs(filepath.Join(abs, "blobs"))
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, diskFullOnOpen(abs, dbErr("create data folder", err))
	}
	unlock, err := lockDir(abs)
	if err != nil {
		return nil, err
	}
	// A folder with files but no usable database is refused before anything is created.
	if err := checkDatabaseFile(abs, blobs); err != nil && !rebuild {
		_ = unlock()
		return nil, err
	}
	for _, d := range []string{blobs.root, blobs.tmpDir()} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			_ = unlock()
			return nil, diskFullOnOpen(abs, dbErr("create data folder", err))
		}
	}
	db := &DB{dir: abs, blobs: blobs, unlock: unlock, wsem: make(chan struct{}, 1), now: time.Now, openedAt: time.Now(), rebuild: rebuild}
	if err := open(db); err != nil {
		_ = unlock()
		return nil, diskFullOnOpen(abs, err)
	}
	return db, nil
}

// open connects to sohoa.db, migrates it and cleans blobs/tmp.
func open(db *DB) error {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(filepath.Join(db.dir, "sohoa.db"))}
	if !filepathIsRooted(u.Path) {
		u.Path = "/" + u.Path // Windows drive letters: file:///C:/...
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Set("_txlock", "immediate")
	s, err := sql.Open("sqlite", u.String()+"?"+q.Encode())
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	s.SetMaxOpenConns(8)
	s.SetMaxIdleConns(8)
	db.sql = s
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.PingContext(ctx); err != nil {
		s.Close()
		return dbErr("open database", err)
	}
	if err := checkIdentity(db, ctx); err != nil {
		s.Close()
		return err
	}
	if err := migrate(ctx, s); err != nil {
		s.Close()
		return err
	}
	if err := settleIdentity(db, ctx); err != nil {
		s.Close()
		return err
	}
	if err := loadAuditKey(db, ctx); err != nil {
		s.Close()
		return err
	}
	if err := db.blobs.cleanTmp(); err != nil {
		s.Close()
		return fmt.Errorf("clean temporary blobs: %w", err)
	}
	return nil
}

// filepathIsRooted reports whether a slash path starts at the root.
func filepathIsRooted(p string) bool { return len(p) > 0 && p[0] == '/' }

// Close closes the database and releases the data folder.
func (db *DB) Close() error {
	err := db.sql.Close()
	if db.unlock != nil {
		err = errors.Join(err, db.unlock())
		db.unlock = nil
	}
	return err
}

// SQL returns the underlying database handle, for reports and tests.
// Writes through it bypass the store's invariants.
func (db *DB) SQL() *sql.DB { return db.sql }

// Dir returns the absolute path of the data folder.
func (db *DB) Dir() string { return db.dir }

// Blobs returns the data folder's content-addressed blob store.
func (db *DB) Blobs() *Blobs { return db.blobs }

// keptError carries an already classified error out of a write transaction unchanged.
type keptError struct{ err error }

func (k *keptError) Error() string { return k.err.Error() }
func (k *keptError) Unwrap() error { return k.err }

// kept marks err as already classified (ErrNotFound, ErrStateConflict ...).
func kept(err error) error { return &keptError{err} }

// nanos encodes a time as unix nanoseconds; the zero time is 0.
func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// fromNanos decodes unix nanoseconds into a UTC time; 0 is the zero time.
func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// checkTime refuses times that unix nanoseconds cannot represent (before 1678 or after 2261).
func checkTime(name string, t time.Time) error {
	if t.IsZero() {
		return nil
	}
	if y := t.Year(); y < 1678 || y > 2261 {
		return fmt.Errorf("%w: %s %s is out of range", ErrInvalid, name, t)
	}
	return nil
}

// nullJSON stores empty JSON as NULL.
func nullJSON(p []byte) any {
	if len(p) == 0 {
		return nil
	}
	return string(p)
}
