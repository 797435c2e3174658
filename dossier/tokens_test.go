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
	if err := d.saveToken(ctx, "X", tok); err != nil {
		t.Fatal(err)
	}
	stored, _ := d.db.Setting(ctx, tokenSetting("X"))
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
	d.db.SetSetting(ctx, tokenSetting("Y"), stored)
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
