// Package pkcs11 signs with USB tokens and HSMs through their PKCS#11 module (crypto11, miekg/pkcs11).
package pkcs11

import (
	"errors"
	"fmt"
	"time"
)

// Errors an officer may see; each says what to do.
var (
	// ErrWrongPIN: the token refused the PIN (CKR_PIN_INCORRECT). See *PINError for the retry flags.
	ErrWrongPIN = errors.New("wrong token PIN: type it again carefully; after a few wrong PINs the token locks")
	// ErrPINLocked: the user PIN is blocked (CKR_PIN_LOCKED or CKF_USER_PIN_LOCKED).
	ErrPINLocked = errors.New("the token's PIN is locked after too many wrong attempts: ask your certificate authority to unlock it (with the PUK / SO PIN)")
	// ErrModuleNotFound: the PKCS#11 library file is missing or cannot be loaded.
	ErrModuleNotFound = errors.New("the token driver (PKCS#11 module) was not found or cannot be loaded: install the token's driver from your certificate authority, or choose its file in the settings")
	// ErrTokenNotFound: no token is plugged in, or none matches the selection.
	ErrTokenNotFound = errors.New("no matching token is plugged in: plug in the USB token, wait a few seconds and try again")
	// ErrNoSigningCertificate: the token holds no certificate with a matching private key.
	ErrNoSigningCertificate = errors.New("the token holds no certificate with its private key: check that you plugged in the right token")
	// ErrNoCgo: this build has no PKCS#11 support.
	ErrNoCgo = errors.New("this build of sohoa has no USB token support (built without cgo): use the official build")
)

// PINError reports a failed login together with the token's PIN flags read after the attempt.
type PINError struct {
	Kind     error  // ErrWrongPIN or ErrPINLocked
	Module   string // the module file
	Token    string // token label
	CountLow bool   // CKF_USER_PIN_COUNT_LOW: a wrong PIN was entered since the last success
	FinalTry bool   // CKF_USER_PIN_FINAL_TRY: one more wrong PIN locks the token
	Locked   bool   // CKF_USER_PIN_LOCKED
	Err      error  // the PKCS#11 error
}

// Error describes the failure and the remaining tries as far as the token tells.
func (e *PINError) Error() string {
	s := fmt.Sprintf("token %q (%s): %v", e.Token, e.Module, e.Kind)
	switch {
	case e.Locked:
		s += " [PIN locked]"
	case e.FinalTry:
		s += " [LAST TRY: one more wrong PIN locks the token]"
	case e.CountLow:
		s += " [a wrong PIN was entered before]"
	}
	return s
}

// Unwrap returns the sentinel kind.
func (e *PINError) Unwrap() error { return e.Kind }

// Selector chooses the token and the certificate. Empty fields match anything.
type Selector struct {
	TokenLabel  string
	TokenSerial string
	CertLabel   string // CKA_LABEL of the certificate
	CertSerial  string // certificate serial number in hexadecimal
}

// TokenInfo describes a token in a slot (read without logging in).
type TokenInfo struct {
	Module        string     `json:"module"`
	Slot          uint       `json:"slot"`
	Label         string     `json:"label"`
	Serial        string     `json:"serial"`
	Manufacturer  string     `json:"manufacturer"`
	Model         string     `json:"model"`
	Flags         uint       `json:"flags"`
	LoginRequired bool       `json:"login_required"`
	PINCountLow   bool       `json:"pin_count_low"`
	PINFinalTry   bool       `json:"pin_final_try"`
	PINLocked     bool       `json:"pin_locked"`
	Certificates  []CertInfo `json:"certificates"`
}

// CertInfo describes one certificate object on a token.
type CertInfo struct {
	Label     string    `json:"label"`
	ID        string    `json:"id"` // CKA_ID, hexadecimal
	SubjectCN string    `json:"subject_cn"`
	Issuer    string    `json:"issuer"`
	Serial    string    `json:"serial"`
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after"`
	// HasPrivateKey: a private key (or, since private keys are hidden before login, a public key)
	// with the same CKA_ID is on the token.
	HasPrivateKey bool   `json:"has_private_key"`
	DER           []byte `json:"-"`
}
