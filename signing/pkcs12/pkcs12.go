// Software identities: .p12/.pfx files and the generated training identity.

package pkcs12

import (
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	gopkcs12 "software.sslmate.com/src/go-pkcs12"

	"sohoa/errs"
	"sohoa/signing"
)

// ErrWrongPassword: the .p12/.pfx password is wrong.
var ErrWrongPassword = errs.New("error.p12.wrong_password", errs.NeedsOfficer, "the certificate file's password is wrong: type it again (mind the keyboard layout and Caps Lock)")

// ErrNoKey: the file holds no usable private key.
var ErrNoKey = errs.New("error.p12.no_key", errs.NeedsOfficer, "the certificate file holds no usable signing key (RSA or ECDSA): export it again with its private key")

// Identity is a software key with its certificate chain.
type Identity struct {
	key   crypto.Signer
	cert  *x509.Certificate
	chain []*x509.Certificate
	label string
}

var _ signing.Identity = (*Identity)(nil)

// NewIdentity wraps a software key; chain is the issuing chain without cert, root last when known.
func NewIdentity(key crypto.Signer, cert *x509.Certificate, chain []*x509.Certificate, label string) *Identity {
	return &Identity{key: key, cert: cert, chain: chain, label: label}
}

// Public returns the public key.
func (i *Identity) Public() crypto.PublicKey { return i.key.Public() }

// Sign signs digest with the private key.
func (i *Identity) Sign(rand io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	if i.key == nil {
		return nil, errors.New("pkcs12: identity is closed")
	}
	return i.key.Sign(rand, digest, opts)
}

// Certificate returns the signer's certificate.
func (i *Identity) Certificate() *x509.Certificate { return i.cert }

// Chain returns the issuing chain (signer excluded).
func (i *Identity) Chain() []*x509.Certificate { return i.chain }

// Label names the identity: the file name or "TRAINING".
func (i *Identity) Label() string { return i.label }

// Close drops the reference to the key.
func (i *Identity) Close() error {
	i.key = nil
	return nil
}

// Open reads a .p12/.pfx file; the chain is ordered signer's issuer first.
func Open(path, password string) (signing.Identity, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("open certificate file: %w", err)
	}
	key, cert, cas, err := gopkcs12.DecodeChain(data, password)
	if errors.Is(err, gopkcs12.ErrIncorrectPassword) {
		return nil, ErrWrongPassword
	}
	if err != nil {
		return nil, fmt.Errorf("read certificate file %s: %w", filepath.Base(path), err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, ErrNoKey
	}
	return NewIdentity(signer, cert, orderChain(cert, cas), filepath.Base(path)), nil
}

// orderChain arranges cas from the certificate's issuer upwards; certificates off the path follow.
func orderChain(cert *x509.Certificate, cas []*x509.Certificate) []*x509.Certificate {
	var out []*x509.Certificate
	used := make([]bool, len(cas))
	for cur := cert; ; {
		found := false
		for i, c := range cas {
			if !used[i] && string(c.RawSubject) == string(cur.RawIssuer) {
				used[i], found = true, true
				out = append(out, c)
				cur = c
				break
			}
		}
		if !found || string(cur.RawSubject) == string(cur.RawIssuer) {
			break
		}
	}
	for i, c := range cas {
		if !used[i] {
			out = append(out, c)
		}
	}
	return out
}
