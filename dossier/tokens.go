// Citizen tokens at rest: AES-GCM encrypted under a per-desk key file readable only by the user, kept in
// the store's per-dossier secrets (deleted with the dossier) only until the dossier is submitted.

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

func (d *secretSvc) saveToken(ctx context.Context, id string, tok portal.Token) error {
	sealed, err := d.sealToken(id, tok)
	if err != nil {
		return err
	}
	return d.db.Update(ctx, "save citizen token", func(tx *storage.Tx) error {
		return tx.Secrets().Put(id, storage.SecretCitizenToken, sealed)
	})
}

// sealToken encrypts the citizen's token for dossier id (base64 of nonce and ciphertext), before any
// transaction: the key may come from the OS keyring.
func (d *secretSvc) sealToken(id string, tok portal.Token) ([]byte, error) {
	key, err := d.tokenKey()
	if err != nil {
		return nil, err
	}
	plain, err := json.Marshal(tok)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	sealed := gcm.Seal(nonce, nonce, plain, []byte(id))
	clear(plain)
	return []byte(base64.StdEncoding.EncodeToString(sealed)), nil
}

func (d *secretSvc) loadToken(ctx context.Context, id string) (portal.Token, error) {
	var enc []byte
	err := d.db.View(ctx, func(tx *storage.Tx) error {
		var err error
		enc, err = tx.Secrets().Get(id, storage.SecretCitizenToken)
		return err
	})
	if errors.Is(err, storage.ErrNotFound) {
		return portal.Token{}, ErrNoAuthorization
	}
	if err != nil {
		return portal.Token{}, err
	}
	sealed, err := base64.StdEncoding.DecodeString(string(enc))
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
	return d.db.Update(ctx, "delete citizen token", func(tx *storage.Tx) error {
		return tx.Secrets().Delete(id, storage.SecretCitizenToken)
	})
}

// ForgetAuthorization deletes the citizen's token and the recorded upload URLs of a dossier: called when the
// dossier is submitted, and when the officer abandons or exports it for a manual upload.
func (d *secretSvc) ForgetAuthorization(ctx context.Context, id string) error {
	return d.db.Update(ctx, "forget authorization", func(tx *storage.Tx) error { return forgetTx(tx, id) })
}

// forgetTx deletes the citizen's token and the upload URLs of dossier id inside tx.
func forgetTx(tx *storage.Tx, id string) error {
	if err := tx.Secrets().Delete(id, storage.SecretCitizenToken); err != nil {
		return err
	}
	return tx.Uploads().Delete(id)
}

// auditAuthorization records inside tx what the citizen approved (who, how, which scopes), never the token itself.
func (d *secretSvc) auditAuthorization(tx *storage.Tx, id string, tok portal.Token) error {
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
	return tx.Audit(d.actor(), "citizen.authorized", id, detail)
}
