// Sentinel and typed errors of the store, so callers can classify them with errors.Is/As.

package storage

import (
	"errors"
	"fmt"
	"path/filepath"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"sohoa/errs"
)

var (
	// ErrNotFound reports that the requested unit, setting, dossier, page or outbox item does not exist.
	ErrNotFound = errs.New("error.not_found", errs.NeedsOfficer, "storage: not found")

	// ErrExists reports that a row with the same key already exists (a dossier code reused, an idempotency key reused).
	ErrExists = errs.New("error.exists", errs.Permanent, "storage: already exists")

	// ErrInvalid reports a value the store refuses (empty key, unknown state, role or format, malformed JSON or blob name).
	// It signals a programming error rather than something the officer can fix.
	ErrInvalid = errs.New("error.invalid", errs.Permanent, "storage: invalid value")

	// ErrStateConflict reports that a compare-and-set found another state than expected:
	// someone else changed the dossier or outbox item first; reload it and try again.
	ErrStateConflict = errs.New("error.state_conflict", errs.Transient, "storage: state changed meanwhile, reload and try again")

	// ErrBlobMissing reports that a blob file is absent from the data folder.
	ErrBlobMissing = errs.New("error.blob_missing", errs.Permanent, "storage: stored file is missing from the data folder; scan or import it again")

	// ErrBlobCorrupt reports that a blob file's content no longer matches its SHA-256 name.
	ErrBlobCorrupt = errs.New("error.blob_corrupt", errs.Permanent, "storage: stored file is damaged (checksum mismatch); scan or import it again and check the disk")

	// ErrDiskFull reports that a write failed because the disk or quota is full (ENOSPC, EDQUOT, SQLITE_FULL).
	// Nothing half-written is left behind; free disk space and try again.
	ErrDiskFull = errs.New("error.disk_full", errs.NeedsOfficer, "storage: the disk is full; free some space and try again")

	// ErrAuditBroken reports that the audit log's hash chain does not verify; see *AuditBrokenError for the row.
	ErrAuditBroken = errs.New("error.audit_broken", errs.Permanent, "storage: audit log has been altered")

	// ErrFolderDamaged reports that the data folder's database is missing, empty or another folder's
	// while the folder holds files: nothing was opened, created or deleted. See *FolderDamagedError.
	ErrFolderDamaged = errs.New("error.folder_damaged", errs.NeedsOfficer, "storage: the data folder is damaged; nothing was deleted; restore sohoa.db from a backup or run \"sohoa doctor --repair\"")

	// ErrInUse reports that another sohoa process already has this data folder open.
	ErrInUse = errs.New("error.in_use", errs.NeedsOfficer, "storage: the data folder is already in use by another sohoa window; close it first")
)

// AuditBrokenError names the first audit row whose hash chain does not verify.
// errors.Is(err, ErrAuditBroken) holds for it.
type AuditBrokenError struct {
	ID     int64  // the first bad row id
	Reason string // what did not match
}

// Error describes the broken row.
func (e *AuditBrokenError) Error() string {
	return fmt.Sprintf("storage: audit log has been altered at row %d: %s", e.ID, e.Reason)
}

// Is makes errors.Is(err, ErrAuditBroken) true.
func (e *AuditBrokenError) Is(target error) bool { return target == ErrAuditBroken }

// sqliteCode returns the extended SQLite result code of err, or 0.
func sqliteCode(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()
	}
	return 0
}

// isConstraint reports whether err is the SQLite constraint violation code (extended) ext.
func isConstraint(err error, ext int) bool { return sqliteCode(err) == ext }

// dbErr wraps an error from the database with what was being done, mapping a full disk to ErrDiskFull.
func dbErr(what string, err error) error {
	if err == nil {
		return nil
	}
	if sqliteCode(err)&0xff == sqlite3.SQLITE_FULL || isDiskFull(err) {
		return fmt.Errorf("%s: %w (%w)", what, ErrDiskFull, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// DiskFullOpenError says the data folder could not be opened because its disk is full (SQLite then
// reports a disk I/O error, not SQLITE_FULL). errors.Is(err, ErrDiskFull) holds; nothing was lost.
type DiskFullOpenError struct {
	Dir        string
	Free, Need uint64 // bytes free, and bytes to free so that the desk can work (MinFreeBytes)
	Err        error  // what failed
}

// Error says what happened and what to do.
func (e *DiskFullOpenError) Error() string {
	return fmt.Sprintf("storage: the disk of the data folder %s is full (%d MB free): free at least %d MB on it and open the folder again; nothing was lost (%v)",
		e.Dir, e.Free>>20, mb(e.Need), e.Err)
}

// Unwrap returns what failed.
func (e *DiskFullOpenError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrDiskFull) true.
func (e *DiskFullOpenError) Is(target error) bool { return target == ErrDiskFull }

// Key names the sentence that says what to free.
func (e *DiskFullOpenError) Key() string { return "error.disk_full_open" }

// Kind: the officer frees space.
func (e *DiskFullOpenError) Kind() errs.Kind { return errs.NeedsOfficer }

// Args fills the sentence.
func (e *DiskFullOpenError) Args() map[string]any {
	return map[string]any{"Dir": e.Dir, "FreeMB": e.Free >> 20, "NeedMB": mb(e.Need)}
}

// mb rounds bytes up to megabytes.
func mb(n uint64) uint64 { return (n + (1 << 20) - 1) >> 20 }

// diskFullOnOpen explains a failure to open the data folder dir: when its disk is (nearly) full, SQLite's
// "disk I/O error" and the like become a *DiskFullOpenError saying how much to free.
func diskFullOnOpen(dir string, err error) error {
	if err == nil || errs.Key(err) != "" && !errors.Is(err, ErrDiskFull) {
		return err // no error, or one that already says what is wrong (a damaged folder, in use)
	}
	free, ferr := freeSpace(dir)
	for ferr != nil && dir != filepath.Dir(dir) { // a folder not created yet: ask its parent
		dir = filepath.Dir(dir)
		free, ferr = freeSpace(dir)
	}
	if ferr != nil || free >= MinFreeBytes {
		return err
	}
	return &DiskFullOpenError{Dir: dir, Free: free, Need: MinFreeBytes - free, Err: err}
}
