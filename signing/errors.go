// Errors the signing package returns; each is a sentinel the UI can match with errors.Is and translate.

package signing

import (
	"fmt"

	"sohoa/errs"
)

// Certificate problems found by CheckCertificate before anything is signed.
var (
	// ErrCertExpired: the signing certificate's validity has ended.
	ErrCertExpired = errs.New("error.cert.expired", errs.NeedsOfficer, "the signing certificate has expired: renew it with your certificate authority, or use another token")
	// ErrCertNotYetValid: the signing certificate's validity has not started (or the computer clock is wrong).
	ErrCertNotYetValid = errs.New("error.cert.not_yet_valid", errs.NeedsOfficer, "the signing certificate is not valid yet: check the computer's date and time, or wait until its validity starts")
	// ErrCertKeyUsage: the certificate may not be used for document signatures.
	ErrCertKeyUsage = errs.New("error.cert.key_usage", errs.NeedsOfficer, "the certificate is not allowed to sign documents (key usage lacks digitalSignature and nonRepudiation): choose the signing certificate on the token, or ask your certificate authority for one")
	// ErrCertWeakKey: the key or algorithm is below the national minimum (RSA 2048, ECDSA P-256).
	ErrCertWeakKey = errs.New("error.cert.weak_key", errs.NeedsOfficer, "the certificate's key is too weak (RSA below 2048 bits, ECDSA below 256 bits, or an unsupported algorithm): ask your certificate authority for a new certificate")
	// ErrCertUntrusted: no chain from the certificate to a trusted root.
	ErrCertUntrusted = errs.New("error.cert.untrusted", errs.NeedsOfficer, "the certificate does not chain to a trusted root certificate authority: install your authority's root and intermediate certificates, or use a certificate from a licensed authority")
	// ErrNoCertificate: the identity has no certificate at all.
	ErrNoCertificate = errs.New("error.cert.none", errs.NeedsOfficer, "the signing identity has no certificate: check that the token holds a certificate for its key")
)

// Problems with the document or the signing operation.
var (
	// ErrInvalidPDF: the input is not a PDF sohoa can read.
	ErrInvalidPDF = errs.New("error.sign.invalid_pdf", errs.Permanent, "the file is not a readable PDF: re-create it from the scanned pages, or import it again")
	// ErrSignFailed: the key refused to sign or the signature could not be written.
	ErrSignFailed = errs.New("error.sign.failed", errs.NeedsOfficer, "the document could not be signed: check that the token is still plugged in and try again")
	// ErrTimestamp: the timestamp authority did not answer with a usable timestamp.
	ErrTimestamp = errs.New("error.sign.timestamp", errs.Transient, "the timestamp service did not answer: check the network and the timestamp address in the settings, or sign without a timestamp")
	// ErrNotSigned: Verify found no signature in the document.
	ErrNotSigned = errs.New("error.sign.not_signed", errs.Permanent, "the document carries no digital signature")
)

// CertError tells which certificate failed which check; errors.Is(err, ErrCertExpired) etc. match its Kind.
type CertError struct {
	Kind    error  // one of the ErrCert* sentinels
	Subject string // the certificate's subject common name
	Detail  string // the specific finding (dates, key size, chain error)
}

// Error joins the finding with the sentinel's advice.
func (e *CertError) Error() string {
	return fmt.Sprintf("certificate %q: %s: %v", e.Subject, e.Detail, e.Kind)
}

// Unwrap returns the sentinel so errors.Is works.
func (e *CertError) Unwrap() error { return e.Kind }
