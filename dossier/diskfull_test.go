//go:build linux

// A full disk stops capture with a clear error and loses nothing already captured (on a real tmpfs).

package dossier_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"sohoa/dossier"
	"sohoa/storage"
)

func TestFullDiskStopsCaptureAndKeepsPages(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Fatal("this test mounts a small tmpfs and needs root (make test and CI run as root)")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=72m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Fatalf("mount tmpfs: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	d, err := dossier.Open(ctx, dossier.Config{DataDir: filepath.Join(dir, "desk"), Training: true})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	v := newDossier(t, d)

	// A whole feeder at 200 dpi does not fit: refused before anything moves.
	if _, err := scan(t, d, v.ID, "TP1", "virtual:pages=20", 0); !errors.Is(err, storage.ErrDiskFull) {
		t.Fatalf("scan on a nearly full disk: %v", err)
	}
	// One page fits.
	if n, err := scan(t, d, v.ID, "TP1", "virtual:", 1); err != nil || n != 1 {
		t.Fatalf("one page: %d, %v", n, err)
	}
	// Fill the disk to just above the reserve: the next page is refused, the first one stays.
	free, err := dossier.StoreOf(d).FreeSpace()
	if err != nil {
		t.Fatal(err)
	}
	filler := make([]byte, int(free)-storage.MinFreeBytes-(256<<10))
	if err := os.WriteFile(filepath.Join(dir, "filler"), filler, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := scan(t, d, v.ID, "TP1", "virtual:", 1); !errors.Is(err, storage.ErrDiskFull) {
		t.Fatalf("scan on a full disk: %v", err)
	}
	v, err = d.Dossier(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := v.Component("TP1")
	if len(c.Pages) != 1 {
		t.Fatalf("%d pages after the full disk, want the 1 captured before", len(c.Pages))
	}
	if _, err := d.PageImage(ctx, c.Pages[0]); err != nil {
		t.Errorf("the page captured before the disk filled is unreadable: %v", err)
	}
	if dangling, err := dossier.StoreOf(d).Dangling(ctx); err != nil || len(dangling) != 0 {
		t.Errorf("dangling %v %v", dangling, err)
	}
}
