// Recognising "disk full" and syncing directories portably.

package storage

import (
	"errors"
	"runtime"
	"syscall"
)

// isDiskFull reports whether err comes from a full disk or an exhausted quota.
func isDiskFull(err error) bool {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return true
	}
	var errno syscall.Errno
	if runtime.GOOS == "windows" && errors.As(err, &errno) {
		// ERROR_HANDLE_DISK_FULL and ERROR_DISK_FULL.
		return errno == 39 || errno == 112
	}
	return false
}
