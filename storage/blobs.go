// Content-addressed blob store: files named by their SHA-256 under blobs/ab/abcdef...,
// written to blobs/tmp, fsynced, renamed into place, and the directory fsynced.

package storage

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"sohoa/internal/atomicfile"
)

// Blobs is the content-addressed file store of a data folder. It is safe for concurrent use.
type Blobs struct {
	root string
	// mu orders renames into place and row inserts referencing blobs (read-locked)
	// against garbage collection's final check and removal (write-locked), so a blob
	// just put or just referenced is never collected.
	mu sync.RWMutex
	// createTemp opens the temporary file; tests replace it to inject write failures.
	createTemp func(dir string) (tempFile, error)
	// written holds the blobs this process stored: pending writes whose row may not be
	// inserted yet, which garbage collection in this process leaves alone (guarded by mu).
	written map[string]struct{}
}

// tempFile is what Put writes through.
type tempFile interface {
	io.Writer
	Sync() error
	Close() error
	Name() string
}

// newBlobs returns the store rooted at root.
func newBlobs(root string) *Blobs {
	return &Blobs{root: root, written: map[string]struct{}{}, createTemp: func(dir string) (tempFile, error) {
		return os.CreateTemp(dir, "put-*")
	}}
}

// tmpDir is where Put writes before renaming; Open empties it.
func (b *Blobs) tmpDir() string { return filepath.Join(b.root, "tmp") }

// validSHA reports whether s is 64 lowercase hex digits.
func validSHA(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// checkSHA returns ErrInvalid for anything but a SHA-256 hex name (so no path escapes blobs/).
func checkSHA(sha string) error {
	if !validSHA(sha) {
		return fmt.Errorf("%w: blob name %q is not a lowercase SHA-256 hex digest", ErrInvalid, sha)
	}
	return nil
}

// Path returns the file path of blob sha (whether or not it exists), or "" for an invalid name.
func (b *Blobs) Path(sha string) string {
	if !validSHA(sha) {
		return ""
	}
	return filepath.Join(b.root, sha[:2], sha)
}

// Has reports whether blob sha exists (without verifying its content).
func (b *Blobs) Has(sha string) bool {
	p := b.Path(sha)
	if p == "" {
		return false
	}
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

// Put stores the content of r and returns its SHA-256 hex name and size.
// Storing identical content again is harmless and refreshes the blob's age.
// On a full disk it returns an error wrapping ErrDiskFull and leaves nothing behind.
func (b *Blobs) Put(r io.Reader) (sha string, size int64, err error) {
	f, err := b.createTemp(b.tmpDir())
	if err != nil {
		return "", 0, blobErr("create temporary blob", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	h := sha256.New()
	size, err = io.Copy(io.MultiWriter(f, h), r)
	if err != nil {
		return "", 0, blobErr("write blob", err)
	}
	if err = f.Sync(); err != nil {
		return "", 0, blobErr("sync blob", err)
	}
	if err = f.Close(); err != nil {
		return "", 0, blobErr("close blob", err)
	}
	sha = hex.EncodeToString(h.Sum(nil))
	CrashPoint("blob:synced")
	if err = b.place(tmp, sha); err != nil {
		return "", 0, err
	}
	return sha, size, nil
}

// place renames the synced temporary file tmp to blob sha's path and syncs the directories.
func (b *Blobs) place(tmp, sha string) error {
	dir := filepath.Join(b.root, sha[:2])
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			return blobErr("create blob folder", err)
		}
		if err := atomicfile.SyncDir(b.root); err != nil {
			return blobErr("sync blob folder", err)
		}
	}
	b.mu.RLock()
	// Renaming over an existing blob replaces identical content atomically and
	// heals a damaged copy; the fresh mtime protects it from garbage collection.
	err := atomicfile.Rename(tmp, filepath.Join(dir, sha)) // write-through and retried while held, on Windows
	b.mu.RUnlock()
	if err == nil {
		b.mu.Lock()
		b.written[sha] = struct{}{}
		b.mu.Unlock()
	}
	if err != nil {
		return blobErr("move blob into place", err)
	}
	if err := atomicfile.SyncDir(dir); err != nil {
		return blobErr("sync blob folder", err)
	}
	return nil
}

// PutBytes stores p and returns its SHA-256 hex name.
func (b *Blobs) PutBytes(p []byte) (string, error) {
	sha, _, err := b.Put(bytes.NewReader(p))
	return sha, err
}

// Get reads blob sha whole and verifies its hash: ErrBlobMissing or ErrBlobCorrupt otherwise.
func (b *Blobs) Get(sha string) ([]byte, error) {
	if err := checkSHA(sha); err != nil {
		return nil, err
	}
	p, err := os.ReadFile(b.Path(sha))
	if err != nil {
		return nil, openErr(sha, err)
	}
	sum := sha256.Sum256(p)
	if hex.EncodeToString(sum[:]) != sha {
		return nil, fmt.Errorf("blob %s: %w", sha, ErrBlobCorrupt)
	}
	return p, nil
}

// Open streams blob sha. The reader verifies the hash as it goes: at the end of the
// content it returns ErrBlobCorrupt instead of io.EOF if the content does not match.
// A missing blob is ErrBlobMissing.
func (b *Blobs) Open(sha string) (io.ReadCloser, error) {
	if err := checkSHA(sha); err != nil {
		return nil, err
	}
	f, err := os.Open(b.Path(sha))
	if err != nil {
		return nil, openErr(sha, err)
	}
	return &verifyingReader{f: f, h: sha256.New(), want: sha}, nil
}

// verifyingReader hashes what it reads and checks the digest at EOF.
type verifyingReader struct {
	f    *os.File
	h    hash.Hash
	want string
	err  error
}

// Read reads from the blob, replacing io.EOF by ErrBlobCorrupt on a hash mismatch.
func (v *verifyingReader) Read(p []byte) (int, error) {
	if v.err != nil {
		return 0, v.err
	}
	n, err := v.f.Read(p)
	v.h.Write(p[:n])
	if err == io.EOF {
		if hex.EncodeToString(v.h.Sum(nil)) != v.want {
			err = fmt.Errorf("blob %s: %w", v.want, ErrBlobCorrupt)
		}
		v.err = err
	} else if err != nil {
		err = fmt.Errorf("read blob %s: %w", v.want, err)
		v.err = err
	}
	return n, err
}

// Close closes the blob file.
func (v *verifyingReader) Close() error { return v.f.Close() }

// Delete removes blob sha. Deleting a missing blob is not an error.
func (b *Blobs) Delete(sha string) error {
	if err := checkSHA(sha); err != nil {
		return err
	}
	return b.remove(sha)
}

// remove deletes blob sha and syncs its folder.
func (b *Blobs) remove(sha string) error {
	err := atomicfile.Remove(b.Path(sha)) // retried while held, on Windows
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("delete blob %s: %w", sha, err)
	}
	if err := atomicfile.SyncDir(filepath.Dir(b.Path(sha))); err != nil {
		return fmt.Errorf("delete blob %s: %w", sha, err)
	}
	return nil
}

// verify reports nil if blob sha exists and matches its name, ErrBlobMissing or ErrBlobCorrupt otherwise.
func (b *Blobs) verify(sha string) error {
	rc, err := b.Open(sha)
	if err != nil {
		return err
	}
	defer rc.Close()
	_, err = io.Copy(io.Discard, rc)
	return err
}

// blobInfo is one stored blob found by walking the store.
type blobInfo struct {
	sha     string
	modTime time.Time
}

// list returns every blob in the store (skipping tmp/ and stray files).
func (b *Blobs) list() ([]blobInfo, error) {
	var out []blobInfo
	dirs, err := os.ReadDir(b.root)
	if err != nil {
		return nil, fmt.Errorf("list blobs: %w", err)
	}
	for _, d := range dirs {
		if !d.IsDir() || len(d.Name()) != 2 {
			continue
		}
		entries, err := os.ReadDir(filepath.Join(b.root, d.Name()))
		if err != nil {
			return nil, fmt.Errorf("list blobs: %w", err)
		}
		for _, e := range entries {
			name := e.Name()
			if !e.Type().IsRegular() || !validSHA(name) || name[:2] != d.Name() {
				continue
			}
			fi, err := e.Info()
			if err != nil {
				continue // removed meanwhile
			}
			out = append(out, blobInfo{sha: name, modTime: fi.ModTime()})
		}
	}
	return out, nil
}

// removeIfOlder deletes blob sha if it was last written before cutoff and orphan still
// reports true; it reports whether it deleted it. No Put or row insert runs meanwhile.
func (b *Blobs) removeIfOlder(sha string, cutoff time.Time, orphan func() (bool, error)) (bool, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if ok, err := orphan(); err != nil || !ok {
		return false, err
	}
	fi, err := os.Stat(b.Path(sha))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return false, nil
		}
		return false, fmt.Errorf("stat blob %s: %w", sha, err)
	}
	if !fi.ModTime().Before(cutoff) {
		return false, nil
	}
	if err := b.remove(sha); err != nil {
		return false, err
	}
	return true, nil
}

// pending reports whether this process stored blob sha (a write whose row may still come).
func (b *Blobs) pending(sha string) bool {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.pendingLocked(sha)
}

// pendingLocked is pending for a caller holding mu.
func (b *Blobs) pendingLocked(sha string) bool {
	_, ok := b.written[sha]
	return ok
}

// cleanTmp removes every temporary file left in blobs/tmp by an interrupted Put.
func (b *Blobs) cleanTmp() error {
	entries, err := os.ReadDir(b.tmpDir())
	if err != nil {
		return err
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(b.tmpDir(), e.Name())); err != nil {
			return err
		}
	}
	return nil
}

// blobErr wraps a blob write failure, classifying a full disk as ErrDiskFull.
func blobErr(what string, err error) error {
	if isDiskFull(err) {
		return fmt.Errorf("%s: %w (%w)", what, ErrDiskFull, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// openErr classifies a failure to open blob sha.
func openErr(sha string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blob %s: %w", sha, ErrBlobMissing)
	}
	return fmt.Errorf("open blob %s: %w", sha, err)
}
