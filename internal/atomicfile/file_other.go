// Linux and the other Unix systems: plain rename, fsync of the folder, nothing ever "in use".

//go:build !windows

package atomicfile

import (
	"errors"
	"os"
)

func rename(oldpath, newpath string) error { return os.Rename(oldpath, newpath) }

// inUse is never true here: an open file does not stop a rename or a removal on Unix.
func inUse(error) bool { return false }

// SyncDir fsyncs a folder so that a rename or create inside it survives a power cut. File systems
// that refuse to sync folders are let be.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if errors.Is(err, os.ErrInvalid) || errors.Is(err, errors.ErrUnsupported) {
		return nil
	}
	return err
}
