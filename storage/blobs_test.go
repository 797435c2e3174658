// Tests of the blob store: round trip, corruption, missing blobs, hostile names, full disk.

package storage

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestBlobRoundTrip(t *testing.T) {
	b := openTest(t).Blobs()
	content := bytes.Repeat([]byte("trang hồ sơ "), 10000)
	sum := sha256.Sum256(content)
	want := hex.EncodeToString(sum[:])

	sha, size, err := b.Put(bytes.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	if sha != want || size != int64(len(content)) {
		t.Fatalf("Put = %s, %d; want %s, %d", sha, size, want, len(content))
	}
	if p := b.Path(sha); p != filepath.Join(b.root, sha[:2], sha) {
		t.Errorf("Path = %s", p)
	}
	if !b.Has(sha) {
		t.Error("Has = false after Put")
	}
	got, err := b.Get(sha)
	if err != nil || !bytes.Equal(got, content) {
		t.Fatalf("Get: %v (equal %v)", err, bytes.Equal(got, content))
	}
	rc, err := b.Open(sha)
	if err != nil {
		t.Fatal(err)
	}
	streamed, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || !bytes.Equal(streamed, content) {
		t.Fatalf("Open/ReadAll: %v", err)
	}

	// Idempotent: same content, same name, one file, nothing left in tmp.
	sha2, err := b.PutBytes(content)
	if err != nil || sha2 != sha {
		t.Fatalf("second Put = %s, %v", sha2, err)
	}
	entries, _ := os.ReadDir(filepath.Dir(b.Path(sha)))
	if len(entries) != 1 {
		t.Errorf("%d files in the blob folder, want 1", len(entries))
	}
	assertEmptyTmp(t, b)

	// Empty content is a valid blob.
	empty, err := b.PutBytes(nil)
	if err != nil || empty != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Fatalf("PutBytes(nil) = %s, %v", empty, err)
	}
	if got, err := b.Get(empty); err != nil || len(got) != 0 {
		t.Fatalf("Get(empty) = %d bytes, %v", len(got), err)
	}

	if err := b.Delete(sha); err != nil {
		t.Fatal(err)
	}
	if b.Has(sha) {
		t.Error("Has after Delete")
	}
	if err := b.Delete(sha); err != nil {
		t.Errorf("second Delete: %v", err)
	}
}

func TestBlobCorruptDetectedAndHealed(t *testing.T) {
	b := openTest(t).Blobs()
	content := bytes.Repeat([]byte{1, 2, 3, 4, 5}, 50000)
	sha, err := b.PutBytes(content)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(b.Path(sha))
	if err != nil {
		t.Fatal(err)
	}
	raw[len(raw)/2] ^= 0x01
	if err := os.WriteFile(b.Path(sha), raw, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Get(sha); !errors.Is(err, ErrBlobCorrupt) {
		t.Fatalf("Get(corrupt) = %v, want ErrBlobCorrupt", err)
	}
	rc, err := b.Open(sha)
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, rc)
	rc.Close()
	if !errors.Is(err, ErrBlobCorrupt) || n != int64(len(content)) {
		t.Fatalf("streamed %d bytes, err %v; want all bytes then ErrBlobCorrupt", n, err)
	}
	// Truncation is corruption too.
	if err := os.Truncate(b.Path(sha), 10); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Get(sha); !errors.Is(err, ErrBlobCorrupt) {
		t.Fatalf("Get(truncated) = %v, want ErrBlobCorrupt", err)
	}
	// Putting the good content again replaces the damaged copy.
	if _, err := b.PutBytes(content); err != nil {
		t.Fatal(err)
	}
	if got, err := b.Get(sha); err != nil || !bytes.Equal(got, content) {
		t.Fatalf("Get after re-Put: %v", err)
	}
}

func TestBlobMissing(t *testing.T) {
	b := openTest(t).Blobs()
	sha := strings.Repeat("ab", 32)
	if _, err := b.Get(sha); !errors.Is(err, ErrBlobMissing) {
		t.Errorf("Get = %v, want ErrBlobMissing", err)
	}
	if _, err := b.Open(sha); !errors.Is(err, ErrBlobMissing) {
		t.Errorf("Open = %v, want ErrBlobMissing", err)
	}
	if b.Has(sha) {
		t.Error("Has(missing) = true")
	}
}

func TestBlobHostileNames(t *testing.T) {
	db := openTest(t)
	b := db.Blobs()
	secret := filepath.Join(db.Dir(), "sohoa.db")
	for _, name := range []string{"", "../sohoa.db", "../../../../etc/passwd", strings.Repeat("A", 64),
		strings.Repeat("a", 63), strings.Repeat("a", 65), strings.Repeat("g", 64), "tmp/" + strings.Repeat("a", 60)} {
		if p := b.Path(name); p != "" {
			t.Errorf("Path(%q) = %q, want empty", name, p)
		}
		if b.Has(name) {
			t.Errorf("Has(%q) = true", name)
		}
		if _, err := b.Get(name); !errors.Is(err, ErrInvalid) {
			t.Errorf("Get(%q) = %v, want ErrInvalid", name, err)
		}
		if _, err := b.Open(name); !errors.Is(err, ErrInvalid) {
			t.Errorf("Open(%q) = %v, want ErrInvalid", name, err)
		}
		if err := b.Delete(name); !errors.Is(err, ErrInvalid) {
			t.Errorf("Delete(%q) = %v, want ErrInvalid", name, err)
		}
	}
	if _, err := os.Stat(secret); err != nil {
		t.Fatalf("database damaged by hostile names: %v", err)
	}
}

func TestTempFilesRemovedAtOpen(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	left := filepath.Join(dir, "blobs", "tmp", "put-123456")
	if err := os.WriteFile(left, []byte("half a page"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "blobs", "tmp", "stray"), 0o700); err != nil {
		t.Fatal(err)
	}
	db, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	assertEmptyTmp(t, db.Blobs())
}

// failingFile is a real temporary file whose writes fail with err after limit bytes.
type failingFile struct {
	*os.File
	limit int
	err   error
}

func (f *failingFile) Write(p []byte) (int, error) {
	if len(p) > f.limit {
		n, _ := f.File.Write(p[:f.limit])
		f.limit = 0
		return n, &os.PathError{Op: "write", Path: f.Name(), Err: f.err}
	}
	f.limit -= len(p)
	return f.File.Write(p)
}

func TestPutDiskFullInjected(t *testing.T) {
	for _, errno := range []syscall.Errno{syscall.ENOSPC, syscall.EDQUOT} {
		t.Run(errno.Error(), func(t *testing.T) {
			b := openTest(t).Blobs()
			b.createTemp = func(dir string) (tempFile, error) {
				f, err := os.CreateTemp(dir, "put-*")
				if err != nil {
					return nil, err
				}
				return &failingFile{File: f, limit: 4096, err: errno}, nil
			}
			_, _, err := b.Put(bytes.NewReader(make([]byte, 1<<20)))
			if !errors.Is(err, ErrDiskFull) {
				t.Fatalf("Put = %v, want ErrDiskFull", err)
			}
			if !errors.Is(err, errno) {
				t.Errorf("Put error %v does not keep the cause %v", err, errno)
			}
			assertEmptyTmp(t, b)
			assertNoBlobs(t, b)
		})
	}
}

// TestDiskFullTmpfs fills a real 1 MiB tmpfs: the blob store and SQLite both report ErrDiskFull.
// It needs root to mount; the injected test above covers the same logic without it.
func TestDiskFullTmpfs(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root; TestPutDiskFullInjected covers ErrDiskFull without it")
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Fatalf("mount tmpfs (running as root): %v: %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", mnt).CombinedOutput(); err != nil {
			t.Errorf("umount: %v: %s", err, out)
		}
	})
	db, err := Open(filepath.Join(mnt, "profile"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })

	_, _, err = db.Blobs().Put(bytes.NewReader(make([]byte, 2<<20)))
	if !errors.Is(err, ErrDiskFull) {
		t.Fatalf("Put 2 MiB on a 1 MiB disk = %v, want ErrDiskFull", err)
	}
	assertEmptyTmp(t, db.Blobs())
	assertNoBlobs(t, db.Blobs())

	// Fill the disk with a file, then a database write must fail as ErrDiskFull.
	filler, err := os.Create(filepath.Join(mnt, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(filler, bytes.NewReader(make([]byte, 2<<20)))
	filler.Close()
	ctx := t.Context()
	err = db.SetSetting(ctx, "big", strings.Repeat("x", 256<<10))
	if !errors.Is(err, ErrDiskFull) {
		t.Fatalf("SetSetting on a full disk = %v, want ErrDiskFull", err)
	}
	// After freeing space the store works again and nothing half-written is visible.
	os.Remove(filepath.Join(mnt, "filler"))
	if _, err := db.Setting(ctx, "big"); !errors.Is(err, ErrNotFound) {
		t.Errorf("failed write left a setting behind: %v", err)
	}
	if err := db.SetSetting(ctx, "small", "ok"); err != nil {
		t.Fatalf("SetSetting after freeing space: %v", err)
	}
}

// assertEmptyTmp fails unless blobs/tmp is empty.
func assertEmptyTmp(t *testing.T, b *Blobs) {
	t.Helper()
	entries, err := os.ReadDir(b.tmpDir())
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Errorf("blobs/tmp holds %d entries, want none", len(entries))
	}
}

// assertNoBlobs fails if any blob is stored.
func assertNoBlobs(t *testing.T, b *Blobs) {
	t.Helper()
	all, err := b.list()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 0 {
		t.Errorf("%d blobs stored, want none", len(all))
	}
}
