// Loading or creating a 32-byte key: a key file already present wins, then the keyring, then a new
// key is stored in the keyring, or in a 0600 file when there is none. A key is never moved.

package deskkey

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/zalando/go-keyring"

	"sohoa/internal/atomicfile"
)

// Service names sohoa's entries in the OS keyring.
const Service = "sohoa"

// Size is the length of every key in bytes.
const Size = 32

// Get returns the key named user in the keyring, or kept in dir/file. When create is false and
// the key exists nowhere it returns an error wrapping os.ErrNotExist.
func Get(dir, file, user string, create bool) ([]byte, error) {
	key, _, err := GetOrCreate(dir, file, user, create)
	return key, err
}

// GetOrCreate is Get that also reports whether the key was created by this call.
func GetOrCreate(dir, file, user string, create bool) (key []byte, created bool, err error) {
	path := filepath.Join(dir, file)
	key, err = os.ReadFile(path)
	if err == nil && len(key) == Size {
		return key, false, nil
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, false, fmt.Errorf("key %s: %w", path, err)
	}
	if enc, err := keyring.Get(Service, user); err == nil {
		if key, err := base64.StdEncoding.DecodeString(enc); err == nil && len(key) == Size {
			return key, false, nil
		}
	}
	if !create {
		return nil, false, fmt.Errorf("key %s: %w", file, os.ErrNotExist)
	}
	key = make([]byte, Size)
	if _, err := rand.Read(key); err != nil {
		return nil, false, err
	}
	if err := keyring.Set(Service, user, base64.StdEncoding.EncodeToString(key)); err == nil {
		return key, true, nil
	}
	if err := atomicfile.Write(path, key, 0o600); err != nil {
		return nil, false, fmt.Errorf("key %s: %w", path, err)
	}
	return key, true, nil
}
