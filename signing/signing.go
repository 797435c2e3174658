// The Identity interface and the checks run before and after signing.

package signing

import (
	"crypto"
	"crypto/x509"
	"time"
)

// Identity is a private key the officer controls (a USB token, a .p12 file, the training identity)
// together with its certificate chain.
type Identity interface {
	crypto.Signer
	// Certificate is the signer's own certificate.
	Certificate() *x509.Certificate
	// Chain is the issuing chain, signer first excluded, root last when known.
	Chain() []*x509.Certificate
	// Label names the identity for the officer (token label / file name / "TRAINING").
	Label() string
	// Close releases the token session or key material.
	Close() error
}

// Appearance is what the visible signature shows at the top-left of page 1 (Circular 01/2023 Art. 8).
type Appearance struct {
	SignerName string    // the digitizing officer's name (default: the certificate's CN)
	Unit       string    // the receiving unit's name
	ScanTime   time.Time // when the pages were scanned
	Training   bool      // prints a TRAINING mark
}

// Options control the signature dictionary.
type Options struct {
	Reason   string
	Location string
	Contact  string
	TSAURL   string         // optional RFC 3161 timestamp authority
	Roots    *x509.CertPool // trust anchors for the pre-sign chain check; nil: the shipped roots
	Now      time.Time      // zero: time.Now
	// Revocation controls the OCSP/CRL check of the signer's chain before signing; the answers are
	// added with the chain in a /DSS dictionary after the signature (PAdES B-LT). The zero value checks
	// online; Offline: true skips it with a warning (no /DSS then).
	Revocation RevocationOptions
	// PSS signs with RSA-PSS (SHA-256, 32-byte salt) when the key is RSA and the identity can; an
	// identity that cannot falls back to PKCS#1 v1.5 (SignResult.PSS tells). Default: PKCS#1 v1.5.
	PSS bool
	// NoDSS leaves the validation data out even when revocation answers were had (PAdES B-T at most).
	NoDSS bool
}

// SignResult is what SignDetailed did besides producing the PDF.
type SignResult struct {
	PDF []byte
	// Chain is the verified chain embedded in the signature, signer first, trust anchor last.
	Chain []*x509.Certificate
	// Revocation holds one answer per certificate of Chain below the anchor.
	Revocation []RevocationStatus
	// Warnings are things the officer was not stopped for but the audit log must record, such as
	// ErrRevocationUnchecked on an offline desk.
	Warnings []error
	// DSS: the chain and revocation answers were added in a /DSS dictionary (PAdES B-LT).
	DSS bool
	// PSS: the signature value is RSA-PSS (Options.PSS asked and the identity could).
	PSS bool
}
