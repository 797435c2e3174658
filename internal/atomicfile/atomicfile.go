// Atomic file writes and durable renames and removals: the parts that are the same on every system.

package atomicfile

import (
	"os"
	"path/filepath"
	"time"
)

// RetryFor bounds how long Rename and Remove keep trying while another program holds the file open
// (Windows only: on Linux an open file never stops a rename or removal).
var RetryFor = 3 * time.Second

// Write replaces path with data, creating its folder when needed. On any error the temporary file
// is removed and path is untouched.
func Write(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	err = f.Chmod(perm)
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// Rename moves oldpath to newpath, replacing newpath, and returns once the move is durable: on Linux
// the folders are fsynced, on Windows the move is written through. On Windows it retries for at most
// RetryFor while another program holds either file.
func Rename(oldpath, newpath string) error {
	if err := retry(func() error { return rename(oldpath, newpath) }); err != nil {
		return err
	}
	if err := SyncDir(filepath.Dir(newpath)); err != nil {
		return err
	}
	if od := filepath.Dir(oldpath); od != filepath.Dir(newpath) {
		return SyncDir(od)
	}
	return nil
}

// Remove deletes path; on Windows it retries for at most RetryFor while another program holds the
// file open. A missing file is reported as os.Remove reports it (errors.Is(err, fs.ErrNotExist)).
func Remove(path string) error {
	return retry(func() error { return os.Remove(path) })
}

// retry runs op until it succeeds, fails for a reason other than the file being in use, or RetryFor
// has passed; the waits grow from 10 ms to 200 ms.
func retry(op func() error) error {
	deadline := time.Now().Add(RetryFor)
	wait := 10 * time.Millisecond
	for {
		err := op()
		if err == nil || !inUse(err) || time.Now().After(deadline) {
			return err
		}
		time.Sleep(wait)
		if wait < 200*time.Millisecond {
			wait *= 2
		}
	}
}
