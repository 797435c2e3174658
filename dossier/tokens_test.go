// Citizen tokens at rest: encrypted, in the OS keyring when there is one, else a 0600 key file.

package dossier

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"sohoa/portal"
	"sohoa/storage"
)

func tokenDesk(t *testing.T) *Desk {
	t.Helper()
	d, err := Open(context.Background(), Config{DataDir: t.TempDir(), Training: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func TestTokenEncryptedAtRest(t *testing.T) {
	ctx := context.Background()
	d := tokenDesk(t)
	tok := portal.Token{AccessToken: "secret-access-token-4711", Subject: "049195000123", Expiry: time.Now().Add(time.Hour)}
	for _, id := range []string{"X", "Y"} {
		if err := d.db.Update(ctx, "dossier", func(tx *storage.Tx) error {
			return tx.Dossiers().Create(storage.Dossier{ID: id, UnitCode: "U", ProcedureCode: "P", Channel: 1})
		}); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.saveToken(ctx, "X", tok); err != nil {
		t.Fatal(err)
	}
	stored := secretOf(t, d, "X")
	if stored == "" || bytes.Contains([]byte(stored), []byte("secret-access-token")) {
		t.Fatalf("token stored in the clear: %q", stored)
	}
	db, _ := os.ReadFile(filepath.Join(d.db.Dir(), "sohoa.db"))
	wal, _ := os.ReadFile(filepath.Join(d.db.Dir(), "sohoa.db-wal"))
	if bytes.Contains(db, []byte("secret-access-token")) || bytes.Contains(wal, []byte("secret-access-token")) {
		t.Fatal("the access token is readable in the database files")
	}
	got, err := d.loadToken(ctx, "X")
	if err != nil || got.AccessToken != tok.AccessToken {
		t.Fatalf("load: %+v %v", got, err)
	}
	// Bound to its dossier: the same ciphertext under another dossier does not decrypt.
	if err := d.db.Update(ctx, "move", func(tx *storage.Tx) error {
		return tx.Secrets().Put("Y", storage.SecretCitizenToken, []byte(stored))
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.loadToken(ctx, "Y"); err == nil {
		t.Error("a token moved to another dossier decrypted")
	}
	if err := d.deleteToken(ctx, "X"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.loadToken(ctx, "X"); err == nil {
		t.Error("a deleted token still loads")
	}
}

func TestTokenKeyInKeyringWhenThereIsOne(t *testing.T) {
	keyring.MockInit() // the library's in-memory keyring: what a desk with a session keyring has
	d := tokenDesk(t)
	k1, err := d.tokenKey()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(d.db.Dir(), tokenKeyFile)); !os.IsNotExist(err) {
		t.Errorf("a key file was written although the keyring took the key: %v", err)
	}
	k2, err := d.tokenKey()
	if err != nil || !bytes.Equal(k1, k2) || len(k1) != 32 {
		t.Errorf("the key is not stable: %v", err)
	}
}

func TestTokenKeyFileWithoutKeyring(t *testing.T) {
	keyring.MockInitWithError(keyring.ErrUnsupportedPlatform) // no keyring on this desk
	d := tokenDesk(t)
	k1, err := d.tokenKey()
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(d.db.Dir(), tokenKeyFile))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", st, err)
	}
	k2, _ := d.tokenKey()
	if !bytes.Equal(k1, k2) {
		t.Error("the key file is not reused")
	}
}

// TestHygieneOnceADay: orphaned blobs are collected when the desk opens, at most once a day.
func TestHygieneOnceADay(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	open := func() *Desk {
		d, err := Open(ctx, Config{DataDir: dir, Training: true, Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	d := open()
	// A blob a crash left without its row, two hours old.
	sha, err := d.db.Blobs().PutBytes([]byte("orphaned page"))
	if err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-2 * time.Hour)
	os.Chtimes(d.db.Blobs().Path(sha), old, old)
	d.Close()

	now = now.Add(time.Hour) // reopened the same day: no walk of the store
	d = open()
	if !d.db.Blobs().Has(sha) {
		t.Fatal("hygiene ran twice on one day")
	}
	d.Close()

	now = now.Add(24 * time.Hour) // the next day: collected
	d = open()
	defer d.Close()
	if d.db.Blobs().Has(sha) {
		t.Error("the orphaned blob survived the next day's hygiene")
	}
}

func secretOf(t *testing.T, d *Desk, id string) string {
	t.Helper()
	var v []byte
	if err := d.db.View(context.Background(), func(tx *storage.Tx) error {
		var err error
		v, err = tx.Secrets().Get(id, storage.SecretCitizenToken)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return string(v)
}
