// Tests of where a desk key lives: a file already there wins, then the keyring, else a new key
// goes to the keyring or, when there is none, to a 0600 file.

package deskkey

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/zalando/go-keyring"
)

func TestKeyWithoutKeyringIsA0600File(t *testing.T) {
	keyring.MockInitWithError(errors.New("no session bus"))
	dir := t.TempDir()
	if _, err := Get(dir, "audit.key", "u", false); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Get(create=false) on nothing = %v", err)
	}
	k1, created, err := GetOrCreate(dir, "audit.key", "u", true)
	if err != nil || !created || len(k1) != Size {
		t.Fatalf("GetOrCreate = %d bytes, %v, %v", len(k1), created, err)
	}
	fi, err := os.Stat(filepath.Join(dir, "audit.key"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, %v", fi, err)
	}
	k2, created, err := GetOrCreate(dir, "audit.key", "u", true)
	if err != nil || created || !bytes.Equal(k1, k2) {
		t.Fatalf("second GetOrCreate: created %v, same %v, %v", created, bytes.Equal(k1, k2), err)
	}
}

func TestKeyInKeyringStaysThere(t *testing.T) {
	keyring.MockInit()
	dir := t.TempDir()
	k1, created, err := GetOrCreate(dir, "audit.key", "audit-key:abc", true)
	if err != nil || !created {
		t.Fatal(created, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "audit.key")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a key file was written although the keyring took the key: %v", err)
	}
	// Another folder path, same keyring user (the folder was moved): the same key.
	k2, err := Get(t.TempDir(), "audit.key", "audit-key:abc", false)
	if err != nil || !bytes.Equal(k1, k2) {
		t.Fatalf("Get from the keyring = %v", err)
	}
}
