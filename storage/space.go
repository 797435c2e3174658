// Free disk space: checked before capture and before writing, so a full disk stops work with a clear message.

package storage

import (
	"errors"
	"fmt"

	"sohoa/errs"
)

// MinFreeBytes is the space the desk keeps free beyond what a write needs (SQLite's journal, the OS).
const MinFreeBytes = 64 << 20

// LowDiskError says a write was refused beforehand because the data folder's disk lacks space.
// errors.Is(err, ErrDiskFull) holds for it; nothing was written.
type LowDiskError struct {
	Dir        string
	Free, Need uint64 // bytes available to the user, and bytes the write needs (including MinFreeBytes)
}

// Error says what happened and what to do.
func (e *LowDiskError) Error() string {
	return fmt.Sprintf("storage: only %d MB free on the disk of %s, %d MB needed; nothing captured so far is lost — free some space (or move old dossiers out) and try again",
		e.Free>>20, e.Dir, (e.Need+(1<<20)-1)>>20)
}

// Is makes errors.Is(err, ErrDiskFull) true.
func (e *LowDiskError) Is(target error) bool { return target == ErrDiskFull }

// Key, Kind and Args give the officer's sentence (package errs).
func (e *LowDiskError) Key() string     { return "error.disk_low" }
func (e *LowDiskError) Kind() errs.Kind { return errs.NeedsOfficer }
func (e *LowDiskError) Args() map[string]any {
	return map[string]any{"FreeMB": e.Free >> 20, "NeedMB": mb(e.Need)}
}

// FreeSpace returns the bytes available to this user on the disk holding the data folder.
func (db *DB) FreeSpace() (uint64, error) {
	n, err := freeSpace(db.dir)
	if err != nil {
		return 0, fmt.Errorf("free space of %s: %w", db.dir, err)
	}
	return n, nil
}

// CheckFree returns a *LowDiskError when fewer than need+MinFreeBytes bytes are free on the data
// folder's disk. Call it before a scan (need: a generous estimate of the pages) and before large writes.
// When the free space cannot be read, it returns nil: the write itself still reports ErrDiskFull.
func (db *DB) CheckFree(need int64) error {
	if need < 0 {
		need = 0
	}
	free, err := freeSpace(db.dir)
	if err != nil {
		return nil
	}
	want := uint64(need) + MinFreeBytes
	if free < want {
		return &LowDiskError{Dir: db.dir, Free: free, Need: want}
	}
	return nil
}

var errNoStatfs = errors.New("free space is not available on this system")
