// Data folder lock on systems without flock: the database's own locking is the only guard.

//go:build !unix && !windows

package storage

// lockDir is a no-op where flock is unavailable.
func lockDir(dir string) (func() error, error) { return func() error { return nil }, nil }
