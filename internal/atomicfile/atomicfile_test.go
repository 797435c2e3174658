// Tests of atomic file replacement: content, permissions, and nothing left behind on failure.

package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

func TestWriteReplacesWhole(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "sub", "receipt.pdf")
	if err := Write(p, []byte("first"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Write(p, []byte("second, longer"), 0o640); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil || string(b) != "second, longer" {
		t.Fatalf("content %q, %v", b, err)
	}
	if st, _ := os.Stat(p); runtime.GOOS != "windows" && st.Mode().Perm() != 0o640 {
		t.Errorf("mode %v", st.Mode().Perm())
	}
	entries, _ := os.ReadDir(filepath.Dir(p))
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}

func TestWriteFailureLeavesOldFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "key")
	if err := Write(p, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A folder where the file should be: the rename fails, the temporary file goes away.
	target := filepath.Join(dir, "isdir")
	os.Mkdir(target, 0o700)
	os.WriteFile(filepath.Join(target, "x"), []byte("x"), 0o600)
	if err := Write(target, []byte("new"), 0o600); err == nil {
		t.Fatal("replacing a non-empty folder succeeded")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("left behind: %v", entries)
	}
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Errorf("old file changed: %q", b)
	}
}

func TestRenameAcrossFoldersAndReplace(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "in", "Hồ sơ mới.pdf")
	dst := filepath.Join(dir, "out dir", "Giấy tờ.pdf")
	os.MkdirAll(filepath.Dir(src), 0o700)
	os.MkdirAll(filepath.Dir(dst), 0o700)
	os.WriteFile(src, []byte("new"), 0o600)
	os.WriteFile(dst, []byte("old"), 0o600)
	if err := Rename(src, dst); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(dst); string(b) != "new" {
		t.Errorf("destination holds %q", b)
	}
	if _, err := os.Stat(src); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("source still there: %v", err)
	}
}

func TestRemoveMissingFailsAtOnce(t *testing.T) {
	start := time.Now()
	err := Remove(filepath.Join(t.TempDir(), "nothing"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("err = %v, want not-exist", err)
	}
	if d := time.Since(start); d > RetryFor/2 {
		t.Errorf("a missing file was retried for %v", d)
	}
}

func TestRenameMissingFailsAtOnce(t *testing.T) {
	dir := t.TempDir()
	start := time.Now()
	if err := Rename(filepath.Join(dir, "a"), filepath.Join(dir, "b")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("err = %v, want not-exist", err)
	}
	if d := time.Since(start); d > RetryFor/2 {
		t.Errorf("a missing file was retried for %v", d)
	}
}
