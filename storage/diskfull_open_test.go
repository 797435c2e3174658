//go:build linux

// Finding 6 of issue 11: on a full disk every command said "open database: disk I/O error (4874)".

package storage

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sohoa/errs"
	"sohoa/i18n"
)

// fillDisk mounts a tmpfs of size at a temporary folder and returns it.
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatal("this test mounts a small tmpfs and needs root (make test and CI run as root)")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Fatalf("mount tmpfs: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	return dir
}

// fill writes a file until the disk is full.
func fill(t *testing.T, dir string) {
	t.Helper()
	f, err := os.Create(filepath.Join(dir, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 64<<10)
	for {
		if _, err := f.Write(buf); err != nil {
			break
		}
	}
	for _, n := range []int{4096, 512, 1} {
		for {
			if _, err := f.Write(buf[:n]); err != nil {
				break
			}
		}
	}
}

func TestOpenOnFullDiskSaysTheDiskIsFull(t *testing.T) {
	disk := smallDisk(t, "8m")
	dir := filepath.Join(disk, "desk")
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	fill(t, disk)
	for _, d := range []string{dir, filepath.Join(disk, "new-desk")} {
		db, err := Open(d)
		if err == nil {
			db.Close()
			t.Fatalf("open %s on a full disk succeeded", d)
		}
		if !errors.Is(err, ErrDiskFull) || errs.KindOf(err) != errs.NeedsOfficer {
			t.Fatalf("open %s on a full disk: %v (kind %q), want ErrDiskFull", d, err, errs.KindOf(err))
		}
		vi, en := i18n.ErrorText("vi", err), i18n.ErrorText("en", err)
		if !strings.Contains(vi, "đầy") || !strings.Contains(vi, "giải phóng") || !strings.Contains(vi, disk) {
			t.Errorf("vi: %s", vi)
		}
		if !strings.Contains(en, "full") || !strings.Contains(en, "free at least") || strings.Contains(en, "I/O") {
			t.Errorf("en: %s", en)
		}
	}
	// Once space is freed the folder opens again, nothing lost.
	if err := os.Remove(filepath.Join(disk, "filler")); err != nil {
		t.Fatal(err)
	}
	db, err = Open(dir)
	if err != nil {
		t.Fatalf("open after freeing space: %v", err)
	}
	db.Close()
}
