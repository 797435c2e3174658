// Sentinel and typed errors of the store, so callers can classify them with errors.Is/As.

package storage

import (
	"errors"
	"fmt"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

var (
	// ErrNotFound reports that the requested unit, setting, dossier, page or outbox item does not exist.
	ErrNotFound = errors.New("storage: not found")

	// ErrExists reports that a row with the same key already exists (a dossier code reused, an idempotency key reused).
	ErrExists = errors.New("storage: already exists")

	// ErrInvalid reports a value the store refuses (empty key, unknown state, role or format, malformed JSON or blob name).
	// It signals a programming error rather than something the officer can fix.
	ErrInvalid = errors.New("storage: invalid value")

	// ErrStateConflict reports that a compare-and-set found another state than expected:
	// someone else changed the dossier or outbox item first; reload it and try again.
	ErrStateConflict = errors.New("storage: state changed meanwhile, reload and try again")

	// ErrBlobMissing reports that a blob file is absent from the data folder.
	ErrBlobMissing = errors.New("storage: stored file is missing from the data folder; scan or import it again")

	// ErrBlobCorrupt reports that a blob file's content no longer matches its SHA-256 name.
	ErrBlobCorrupt = errors.New("storage: stored file is damaged (checksum mismatch); scan or import it again and check the disk")

	// ErrDiskFull reports that a write failed because the disk or quota is full (ENOSPC, EDQUOT, SQLITE_FULL).
	// Nothing half-written is left behind; free disk space and try again.
	ErrDiskFull = errors.New("storage: the disk is full; free some space and try again")

	// ErrAuditBroken reports that the audit log's hash chain does not verify; see *AuditBrokenError for the row.
	ErrAuditBroken = errors.New("storage: audit log has been altered")

	// ErrFolderDamaged reports that the data folder's database is missing, empty or another folder's
	// while the folder holds files: nothing was opened, created or deleted. See *FolderDamagedError.
	ErrFolderDamaged = errors.New("storage: the data folder is damaged; nothing was deleted; restore sohoa.db from a backup or run \"sohoa doctor --repair\"")

	// ErrInUse reports that another sohoa process already has this data folder open.
	ErrInUse = errors.New("storage: the data folder is already in use by another sohoa window; close it first")
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
