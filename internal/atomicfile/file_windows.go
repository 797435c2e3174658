// Windows: write-through renames with MoveFileEx, no folder syncs, and "in use" errors recognised
// so that Rename and Remove wait for an antivirus scan or a viewer to let the file go.

//go:build windows

package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/windows"
)

// rename is MoveFileEx with MOVEFILE_WRITE_THROUGH: it returns once the move has reached the disk,
// which is what a folder fsync gives on Linux.
func rename(oldpath, newpath string) error {
	from, err := windows.UTF16PtrFromString(longPath(oldpath))
	if err != nil {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
	}
	to, err := windows.UTF16PtrFromString(longPath(newpath))
	if err != nil {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
	}
	if err := windows.MoveFileEx(from, to, windows.MOVEFILE_REPLACE_EXISTING|windows.MOVEFILE_WRITE_THROUGH); err != nil {
		if st, serr := os.Stat(newpath); serr == nil && st.IsDir() {
			err = errIsFolder // access denied because a folder is in the way: waiting will not help
		}
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: err}
	}
	return nil
}

// errIsFolder is returned when a rename's target is a folder, which Windows reports as access
// denied like a file in use.
var errIsFolder = errors.New("a folder is in the way")

// inUse tells the errors Windows gives while another process holds the file open without sharing
// delete access (sharing or lock violation) or has it pending deletion (access denied).
func inUse(err error) bool {
	return errors.Is(err, windows.ERROR_SHARING_VIOLATION) || errors.Is(err, windows.ERROR_LOCK_VIOLATION) ||
		errors.Is(err, windows.ERROR_ACCESS_DENIED)
}

// SyncDir does nothing on Windows: a folder cannot be opened for FlushFileBuffers, and NTFS journals
// its metadata; Rename writes through instead.
func SyncDir(string) error { return nil }

// longPath gives an absolute path the \\?\ prefix when it is longer than MAX_PATH allows, so that
// data folders deep inside a user's profile still work.
func longPath(p string) string {
	if len(p) < 248 || strings.HasPrefix(p, `\\?\`) {
		return p
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	if strings.HasPrefix(abs, `\\`) {
		return `\\?\UNC\` + abs[2:]
	}
	return `\\?\` + abs
}
