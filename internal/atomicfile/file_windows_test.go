// Windows file semantics, run under Wine by the smoke test: a file held open by another handle
// without delete sharing is waited for, within the bound, by Rename and Remove.

//go:build windows

package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/windows"
)

// hold opens path the way a viewer or scanner that shares nothing but reading does.
func hold(t *testing.T, path string) windows.Handle {
	t.Helper()
	p, _ := windows.UTF16PtrFromString(path)
	h, err := windows.CreateFile(p, windows.GENERIC_READ, windows.FILE_SHARE_READ, nil, windows.OPEN_EXISTING, windows.FILE_ATTRIBUTE_NORMAL, 0)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestRemoveWaitsForHolder(t *testing.T) {
	p := filepath.Join(t.TempDir(), "biên nhận.pdf")
	os.WriteFile(p, []byte("x"), 0o600)
	h := hold(t, p)
	go func() { time.Sleep(300 * time.Millisecond); windows.CloseHandle(h) }()
	if err := Remove(p); err != nil {
		t.Fatalf("remove while held for 300 ms: %v", err)
	}
	if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("still there: %v", err)
	}
}

func TestRenameOntoHeldFileWaits(t *testing.T) {
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "new.tmp"), filepath.Join(dir, "Hồ sơ.pdf")
	os.WriteFile(src, []byte("new"), 0o600)
	os.WriteFile(dst, []byte("old"), 0o600)
	h := hold(t, dst)
	go func() { time.Sleep(300 * time.Millisecond); windows.CloseHandle(h) }()
	if err := Rename(src, dst); err != nil {
		t.Fatalf("rename onto a file held for 300 ms: %v", err)
	}
	if b, _ := os.ReadFile(dst); string(b) != "new" {
		t.Errorf("destination holds %q", b)
	}
}

func TestRetryIsBounded(t *testing.T) {
	old := RetryFor
	RetryFor = 400 * time.Millisecond
	defer func() { RetryFor = old }()
	p := filepath.Join(t.TempDir(), "held")
	os.WriteFile(p, []byte("x"), 0o600)
	h := hold(t, p)
	defer windows.CloseHandle(h)
	start := time.Now()
	err := Remove(p)
	d := time.Since(start)
	if err == nil {
		t.Fatal("removed a file another handle holds without delete sharing")
	}
	if !inUse(err) {
		t.Errorf("err = %v, want an in-use error", err)
	}
	if d < RetryFor || d > RetryFor+time.Second {
		t.Errorf("gave up after %v, want about %v", d, RetryFor)
	}
}

func TestLongPath(t *testing.T) {
	dir := t.TempDir()
	deep := dir
	for len(deep) < 300 {
		deep = filepath.Join(deep, "thư mục khá dài cho đường dẫn")
	}
	if err := os.MkdirAll(deep, 0o700); err != nil {
		t.Skipf("this system refuses long folders: %v", err)
	}
	p := filepath.Join(deep, "tệp.pdf")
	if err := Write(p, []byte("long"), 0o600); err != nil {
		t.Fatalf("write under a %d-character path: %v", len(p), err)
	}
	if b, _ := os.ReadFile(p); string(b) != "long" {
		t.Errorf("read back %q", b)
	}
}
