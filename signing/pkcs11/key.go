//go:build cgo

// The logged-in token key as a crypto.Signer: PKCS#1 v1.5, RSA-PSS and ECDSA, context-specific login
// for CKA_ALWAYS_AUTHENTICATE keys, and errors for a pulled token or a closed session.

package pkcs11

import (
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"math/big"
	"sync"
	"unsafe"

	p11 "github.com/miekg/pkcs11"
)

// identity is a logged-in token key with its certificate.
type identity struct {
	mu         sync.Mutex
	module     string
	ctx        *p11.Ctx // nil once closed
	session    p11.SessionHandle
	hasSession bool
	loggedIn   bool
	key        p11.ObjectHandle
	keyType    uint
	alwaysAuth bool
	contextPIN func() ([]byte, error)
	pin        []byte // only for CKA_ALWAYS_AUTHENTICATE keys without ContextPIN; zeroed by Close
	cert       *x509.Certificate
	chain      []*x509.Certificate
	label      string
}

// Public returns the certificate's public key (the token's key pair).
func (i *identity) Public() crypto.PublicKey { return i.cert.PublicKey }

// Certificate returns the signer's certificate.
func (i *identity) Certificate() *x509.Certificate { return i.cert }

// Chain returns the issuing certificates found on the token.
func (i *identity) Chain() []*x509.Certificate { return i.chain }

// Label returns the token label.
func (i *identity) Label() string { return i.label }

// AlwaysAuthenticate tells whether the key wants the PIN for every signature (CKA_ALWAYS_AUTHENTICATE).
func (i *identity) AlwaysAuthenticate() bool { return i.alwaysAuth }

// Sign signs digest on the token. opts is a crypto.Hash (PKCS#1 v1.5 for RSA, ECDSA) or *rsa.PSSOptions.
// A token pulled out gives ErrTokenRemoved, an ended session ErrSessionClosed.
func (i *identity) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.ctx == nil {
		return nil, fmt.Errorf("pkcs11: %w", ErrSessionClosed)
	}
	h := opts.HashFunc()
	if h != 0 && len(digest) != h.Size() {
		return nil, fmt.Errorf("pkcs11: digest of %d bytes for %v", len(digest), h)
	}
	var (
		mech []*p11.Mechanism
		data = digest
	)
	switch i.keyType {
	case p11.CKK_RSA:
		if pss, ok := opts.(*rsa.PSSOptions); ok {
			m, err := pssMechanism(h, pss.SaltLength)
			if err != nil {
				return nil, err
			}
			mech = m
		} else {
			prefix, ok := digestInfoPrefix[h]
			if !ok {
				return nil, fmt.Errorf("pkcs11: %w: hash %v", ErrMechanismUnsupported, h)
			}
			mech = []*p11.Mechanism{p11.NewMechanism(p11.CKM_RSA_PKCS, nil)}
			data = append(append([]byte{}, prefix...), digest...)
		}
	case p11.CKK_EC:
		mech = []*p11.Mechanism{p11.NewMechanism(p11.CKM_ECDSA, nil)}
	default:
		return nil, fmt.Errorf("pkcs11: %w: key type %#x", ErrMechanismUnsupported, i.keyType)
	}
	if err := i.ctx.SignInit(i.session, mech, i.key); err != nil {
		return nil, fmt.Errorf("token %q: start signing: %w", i.label, classify(err))
	}
	if i.alwaysAuth {
		if err := i.contextLogin(); err != nil {
			_, _ = i.ctx.Sign(i.session, data) // fails (not authenticated), which ends the pending operation
			return nil, err
		}
	}
	sig, err := i.ctx.Sign(i.session, data)
	if err != nil {
		return nil, fmt.Errorf("token %q: sign: %w", i.label, classify(err))
	}
	if i.keyType == p11.CKK_EC {
		return ecdsaDER(sig)
	}
	return sig, nil
}

// contextLogin gives the PIN again for a CKA_ALWAYS_AUTHENTICATE key (CKU_CONTEXT_SPECIFIC).
func (i *identity) contextLogin() error {
	pin := i.pin
	if i.contextPIN != nil {
		p, err := i.contextPIN()
		if err != nil {
			return fmt.Errorf("token %q: PIN for this signature: %w", i.label, err)
		}
		pin = p
		defer clear(p)
	}
	pinStr := ""
	if len(pin) > 0 {
		pinStr = unsafe.String(&pin[0], len(pin))
	}
	if err := i.ctx.Login(i.session, p11.CKU_CONTEXT_SPECIFIC, pinStr); err != nil {
		var pe p11.Error
		if errors.As(err, &pe) && (pe == p11.CKR_PIN_INCORRECT || pe == p11.CKR_PIN_LOCKED) {
			kind := ErrWrongPIN
			if pe == p11.CKR_PIN_LOCKED {
				kind = ErrPINLocked
			}
			return &PINError{Kind: kind, Module: i.module, Token: i.label, Err: err}
		}
		return fmt.Errorf("token %q: PIN for this signature: %w", i.label, classify(err))
	}
	return nil
}

// Close logs out, closes the session and releases the module; it zeroes a kept PIN.
func (i *identity) Close() error {
	moduleMu.Lock()
	defer moduleMu.Unlock()
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.closeLocked()
}

// closeLocked is Close with moduleMu (and i.mu when shared) held.
func (i *identity) closeLocked() error {
	clear(i.pin)
	i.pin = nil
	if i.ctx == nil {
		return nil
	}
	var err error
	if i.loggedIn {
		_ = i.ctx.Logout(i.session) // a pulled token cannot log out; the session goes anyway
	}
	if i.hasSession {
		if cerr := i.ctx.CloseSession(i.session); cerr != nil && !gone(cerr) {
			err = fmt.Errorf("token %q: close session: %w", i.label, cerr)
		}
	}
	release(i.module)
	i.ctx = nil
	return err
}

// gone tells whether a PKCS#11 error means the token, session or module is no longer there.
func gone(err error) bool {
	var pe p11.Error
	if !errors.As(err, &pe) {
		return false
	}
	switch pe {
	case p11.CKR_DEVICE_REMOVED, p11.CKR_TOKEN_NOT_PRESENT, p11.CKR_DEVICE_ERROR, p11.CKR_CRYPTOKI_NOT_INITIALIZED,
		p11.CKR_SESSION_HANDLE_INVALID, p11.CKR_SESSION_CLOSED, p11.CKR_TOKEN_NOT_RECOGNIZED:
		return true
	}
	return false
}

// classify wraps a PKCS#11 error with the sentinel the officer's message comes from.
func classify(err error) error {
	var pe p11.Error
	if !errors.As(err, &pe) {
		return err
	}
	switch pe {
	case p11.CKR_DEVICE_REMOVED, p11.CKR_TOKEN_NOT_PRESENT, p11.CKR_DEVICE_ERROR, p11.CKR_CRYPTOKI_NOT_INITIALIZED, p11.CKR_TOKEN_NOT_RECOGNIZED:
		return fmt.Errorf("%w: %w", ErrTokenRemoved, err)
	case p11.CKR_SESSION_HANDLE_INVALID, p11.CKR_SESSION_CLOSED, p11.CKR_USER_NOT_LOGGED_IN:
		return fmt.Errorf("%w: %w", ErrSessionClosed, err)
	case p11.CKR_MECHANISM_INVALID, p11.CKR_MECHANISM_PARAM_INVALID, p11.CKR_KEY_FUNCTION_NOT_PERMITTED, p11.CKR_KEY_TYPE_INCONSISTENT:
		return fmt.Errorf("%w: %w", ErrMechanismUnsupported, err)
	}
	return err
}

// digestInfoPrefix is the DER DigestInfo header before the hash value (RFC 8017, section 9.2, note 1).
var digestInfoPrefix = map[crypto.Hash][]byte{
	crypto.SHA256: {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20},
	crypto.SHA384: {0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30},
	crypto.SHA512: {0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40},
	crypto.SHA1:   {0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14},
}

// pssMechanism builds CKM_RSA_PKCS_PSS for a pre-hashed digest; salt length "auto" means the hash size.
func pssMechanism(h crypto.Hash, salt int) ([]*p11.Mechanism, error) {
	var hashMech, mgf uint
	switch h {
	case crypto.SHA256:
		hashMech, mgf = p11.CKM_SHA256, p11.CKG_MGF1_SHA256
	case crypto.SHA384:
		hashMech, mgf = p11.CKM_SHA384, p11.CKG_MGF1_SHA384
	case crypto.SHA512:
		hashMech, mgf = p11.CKM_SHA512, p11.CKG_MGF1_SHA512
	default:
		return nil, fmt.Errorf("pkcs11: %w: RSA-PSS with %v", ErrMechanismUnsupported, h)
	}
	if salt == rsa.PSSSaltLengthAuto || salt == rsa.PSSSaltLengthEqualsHash {
		salt = h.Size()
	}
	if salt < 0 {
		return nil, fmt.Errorf("pkcs11: bad PSS salt length %d", salt)
	}
	return []*p11.Mechanism{p11.NewMechanism(p11.CKM_RSA_PKCS_PSS, p11.NewPSSParams(hashMech, mgf, uint(salt)))}, nil
}

// ecdsaDER turns the token's r||s into the ASN.1 form crypto.Signer returns.
func ecdsaDER(sig []byte) ([]byte, error) {
	if len(sig) == 0 || len(sig)%2 != 0 {
		return nil, fmt.Errorf("pkcs11: ECDSA signature of %d bytes", len(sig))
	}
	n := len(sig) / 2
	return asn1.Marshal(struct{ R, S *big.Int }{new(big.Int).SetBytes(sig[:n]), new(big.Int).SetBytes(sig[n:])})
}

var _ interface {
	crypto.Signer
	AlwaysAuthenticate() bool
} = (*identity)(nil)
