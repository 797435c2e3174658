// Identities on USB tokens and HSMs through their PKCS#11 module (miekg/pkcs11).

package pkcs11

import (
	"fmt"
	"time"

	"sohoa/errs"
)

// Errors an officer may see; each says what to do.
var (
	// ErrWrongPIN: the token refused the PIN (CKR_PIN_INCORRECT). See *PINError for the retry flags.
	ErrWrongPIN = errs.New("error.pin.wrong", errs.NeedsOfficer, "wrong token PIN: type it again carefully; after a few wrong PINs the token locks")
	// ErrPINLocked: the user PIN is blocked (CKR_PIN_LOCKED or CKF_USER_PIN_LOCKED).
	ErrPINLocked = errs.New("error.pin.locked", errs.NeedsOfficer, "the token's PIN is locked after too many wrong attempts: ask your certificate authority to unlock it (with the PUK / SO PIN)")
	// ErrModuleNotFound: the PKCS#11 library file is missing or cannot be loaded.
	ErrModuleNotFound = errs.New("error.token.module", errs.NeedsOfficer, "the token driver (PKCS#11 module) was not found or cannot be loaded: install the token's driver from your certificate authority, or choose its file in the settings")
	// ErrTokenNotFound: no token is plugged in, or none matches the selection.
	ErrTokenNotFound = errs.New("error.token.not_found", errs.NeedsOfficer, "no matching token is plugged in: plug in the USB token, wait a few seconds and try again")
	// ErrNoSigningCertificate: the token holds no certificate with a matching private key.
	ErrNoSigningCertificate = errs.New("error.token.no_certificate", errs.NeedsOfficer, "the token holds no certificate with its private key: check that you plugged in the right token")
	// ErrFinalTryNeedsConfirm: the token says one more wrong PIN locks it (CKF_USER_PIN_FINAL_TRY), and
	// the officer has not confirmed this try (Options.ConfirmFinalTry). No login was attempted.
	ErrFinalTryNeedsConfirm = errs.New("error.pin.final_try", errs.NeedsOfficer, "one more wrong PIN will lock the token: check the PIN carefully and confirm that you want to try it")
	// ErrSeveralTokens: more than one token is plugged in and nothing says which one to use.
	ErrSeveralTokens = errs.New("error.token.several", errs.NeedsOfficer, "several tokens are plugged in: choose the token to sign with, or unplug the others")
	// ErrTokenRemoved: the token was pulled out (or its driver stopped) during the operation.
	ErrTokenRemoved = errs.New("error.token.removed", errs.NeedsOfficer, "the token was removed or stopped answering while signing: plug it in again, wait a few seconds and sign again")
	// ErrSessionClosed: the token ended the session (timeout, logout, token re-plugged).
	ErrSessionClosed = errs.New("error.token.session", errs.NeedsOfficer, "the token session has ended (timeout or the token was re-plugged): enter the PIN again to sign")
	// ErrMechanismUnsupported: the token cannot make this kind of signature with this key.
	ErrMechanismUnsupported = errs.New("error.token.mechanism", errs.NeedsOfficer, "the token cannot make this kind of signature with this key (algorithm not supported): choose another certificate or ask your certificate authority")
	// ErrNoCgo: this build has no PKCS#11 support.
	ErrNoCgo = errs.New("error.token.no_cgo", errs.Permanent, "this build of sohoa has no USB token support (built without cgo): use the official build")
)

// PINError reports a failed login (or a refused one) with the token's PIN flags read after the attempt.
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

// PINState is what the token's flags tell about the user PIN.
type PINState int

// PIN states, from the token's CKF_USER_PIN_* flags; the worst one wins.
const (
	PINOK       PINState = iota // no flag set
	PINCountLow                 // CKF_USER_PIN_COUNT_LOW: a wrong PIN was entered since the last success
	PINFinalTry                 // CKF_USER_PIN_FINAL_TRY: the next wrong PIN locks the token
	PINLocked                   // CKF_USER_PIN_LOCKED: the PIN is blocked
)

// String names the state for logs and JSON.
func (s PINState) String() string {
	switch s {
	case PINCountLow:
		return "count-low"
	case PINFinalTry:
		return "final-try"
	case PINLocked:
		return "locked"
	}
	return "ok"
}

// PINState returns the state of the token's user PIN as read by List.
func (t TokenInfo) PINState() PINState {
	switch {
	case t.PINLocked:
		return PINLocked
	case t.PINFinalTry:
		return PINFinalTry
	case t.PINCountLow:
		return PINCountLow
	}
	return PINOK
}

// Options control how Open logs in.
type Options struct {
	// ConfirmFinalTry: the officer was told that a wrong PIN now locks the token and chose to try.
	// Without it Open refuses a token in the final-try state with ErrFinalTryNeedsConfirm.
	ConfirmFinalTry bool
	// ContextPIN is asked for the PIN before each signature with a key marked CKA_ALWAYS_AUTHENTICATE
	// (the token wants the PIN again for every signature). The returned slice is zeroed after use.
	// nil: the login PIN is kept in memory, never on disk, until Close zeroes it.
	ContextPIN func() ([]byte, error)
}

// CheckPINState decides, before any login, whether a PIN may be tried on tok: a locked token gives a
// *PINError of kind ErrPINLocked, a final-try token gives ErrFinalTryNeedsConfirm unless confirmed.
func CheckPINState(tok TokenInfo, confirmed bool) error {
	switch tok.PINState() {
	case PINLocked:
		return &PINError{Kind: ErrPINLocked, Module: tok.Module, Token: tok.Label, CountLow: tok.PINCountLow, FinalTry: tok.PINFinalTry, Locked: true}
	case PINFinalTry:
		if !confirmed {
			return fmt.Errorf("token %q (%s): %w", tok.Label, tok.Module, ErrFinalTryNeedsConfirm)
		}
	}
	return nil
}

// Selector chooses the token and the certificate. Empty fields match anything.
type Selector struct {
	TokenLabel  string
	TokenSerial string
	CertLabel   string // CKA_LABEL of the certificate
	CertSerial  string // certificate serial number in hexadecimal
}

// empty tells whether the selector names no token.
func (s Selector) empty() bool { return s.TokenLabel == "" && s.TokenSerial == "" }

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
	Initialized   bool       `json:"initialized"` // CKF_TOKEN_INITIALIZED: an empty slot of a soft token has it unset
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
