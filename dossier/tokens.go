// Citizen tokens at rest: AES-GCM encrypted under a per-desk key file readable only by the user,
// kept only until the dossier is submitted.

package dossier

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/zalando/go-keyring"

	"sohoa/internal/atomicfile"
	"sohoa/portal"
	"sohoa/storage"
)

const tokenKeyFile = "citizen-token.key"

// keyringService names sohoa's entries in the OS keyring (Secret Service, Windows Credential
// Manager, macOS Keychain).
const keyringService = "sohoa"

// tokenKey returns the key citizen tokens are encrypted under. It lives in the OS keyring where the
// desk has one; where it has none (a server without a session bus) it is a file in the data folder
// readable only by the user. A key already in one place is never moved, so tokens stay readable.
func (d *secretSvc) tokenKey() ([]byte, error) {
	d.tokMu.Lock()
	defer d.tokMu.Unlock()
	path := filepath.Join(d.db.Dir(), tokenKeyFile)
	key, err := os.ReadFile(path)
	if err == nil && len(key) == 32 {
		return key, nil
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("citizen token key %s: %w", path, err)
	}
	user := "citizen-token-key:" + d.db.Dir()
	if enc, err := keyring.Get(keyringService, user); err == nil {
		if key, err := base64.StdEncoding.DecodeString(enc); err == nil && len(key) == 32 {
			return key, nil
		}
	}
	key = make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if err := keyring.Set(keyringService, user, base64.StdEncoding.EncodeToString(key)); err == nil {
		return key, nil
	}
	if err := atomicfile.Write(path, key, 0o600); err != nil {
		return nil, fmt.Errorf("citizen token key: %w", err)
	}
	return key, nil
}

func tokenSetting(id string) string { return "citizen-token." + id }

func (d *secretSvc) saveToken(ctx context.Context, id string, tok portal.Token) error {
	key, err := d.tokenKey()
	if err != nil {
		return err
	}
	plain, err := json.Marshal(tok)
	if err != nil {
		return err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return err
	}
	sealed := gcm.Seal(nonce, nonce, plain, []byte(id))
	clear(plain)
	return d.db.SetSetting(ctx, tokenSetting(id), base64.StdEncoding.EncodeToString(sealed))
}

func (d *secretSvc) loadToken(ctx context.Context, id string) (portal.Token, error) {
	enc, err := d.db.Setting(ctx, tokenSetting(id))
	if errors.Is(err, storage.ErrNotFound) || (err == nil && enc == "") {
		return portal.Token{}, ErrNoAuthorization
	}
	if err != nil {
		return portal.Token{}, err
	}
	sealed, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		return portal.Token{}, fmt.Errorf("%w (stored token unreadable)", ErrNoAuthorization)
	}
	key, err := d.tokenKey()
	if err != nil {
		return portal.Token{}, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return portal.Token{}, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return portal.Token{}, err
	}
	if len(sealed) < gcm.NonceSize() {
		return portal.Token{}, fmt.Errorf("%w (stored token unreadable)", ErrNoAuthorization)
	}
	plain, err := gcm.Open(nil, sealed[:gcm.NonceSize()], sealed[gcm.NonceSize():], []byte(id))
	if err != nil {
		return portal.Token{}, fmt.Errorf("%w (stored token cannot be decrypted)", ErrNoAuthorization)
	}
	defer clear(plain)
	var tok portal.Token
	if err := json.Unmarshal(plain, &tok); err != nil {
		return portal.Token{}, fmt.Errorf("%w (stored token unreadable)", ErrNoAuthorization)
	}
	return tok, nil
}

func (d *secretSvc) deleteToken(ctx context.Context, id string) error {
	return d.db.SetSetting(ctx, tokenSetting(id), "")
}

// ForgetAuthorization deletes the citizen's token and the recorded upload URLs of a dossier: called when the
// dossier is submitted, and when the officer abandons or exports it for a manual upload.
func (d *secretSvc) ForgetAuthorization(ctx context.Context, id string) error {
	if err := d.deleteToken(ctx, id); err != nil {
		return err
	}
	return d.db.DeleteUploads(ctx, id)
}

// auditAuthorization records what the citizen approved (who, how, which scopes), never the token itself.
func (d *secretSvc) auditAuthorization(ctx context.Context, id string, tok portal.Token) error {
	scopes := tok.Scopes
	if len(scopes) == 0 {
		scopes = []string{portal.ScopeSubmit}
	}
	flow := tok.Flow
	if flow == "" {
		flow = "loopback"
	}
	detail := map[string]any{"citizen": tok.Subject, "name": tok.Name, "vneid": tok.VNeID, "flow": flow, "scope": strings.Join(scopes, " ")}
	if !tok.Expiry.IsZero() {
		detail["expires"] = tok.Expiry.UTC().Format(time.RFC3339)
	}
	return d.db.Audit(ctx, d.actor(), "citizen.authorized", id, detail)
}
