// Free disk space where neither statfs nor GetDiskFreeSpaceEx exists: unknown.

//go:build !unix && !windows

package storage

func freeSpace(string) (uint64, error) { return 0, errNoStatfs }
