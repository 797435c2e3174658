// Exclusive lock on a data folder (Windows: LockFileEx on dir\lock), so two processes never share it.

//go:build windows

package storage

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/windows"
)

// lockDir takes an exclusive, non-blocking lock on dir; ErrInUse if another holder exists.
// Windows releases the lock when the returned function closes the file or the process dies.
func lockDir(dir string) (func() error, error) {
	f, err := os.OpenFile(filepath.Join(dir, "lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock data folder: %w", err)
	}
	ol := new(windows.Overlapped)
	err = windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, ol)
	if err != nil {
		f.Close()
		if errors.Is(err, windows.ERROR_LOCK_VIOLATION) || errors.Is(err, windows.ERROR_IO_PENDING) {
			return nil, fmt.Errorf("lock data folder %s: %w", dir, ErrInUse)
		}
		return nil, fmt.Errorf("lock data folder %s: %w", dir, err)
	}
	return f.Close, nil
}
