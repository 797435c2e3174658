// Pre-sign certificate checks: validity dates, key usage, key strength and the chain to a trusted root.

package signing

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"time"
)

// Minimum key sizes (Circular 15/2025/TT-BKHCN): RSA 2048 bits, ECDSA 256 bits.
const (
	MinRSABits   = 2048
	MinECDSABits = 256
)

// CheckCertificate tells whether cert may sign a document at time now: it must be within its validity,
// allow digitalSignature or contentCommitment (nonRepudiation), carry an RSA ≥ 2048 or ECDSA ≥ 256 key,
// and chain through chain (intermediates, in any order) to roots (nil: the shipped roots).
// The error is a *CertError wrapping one of ErrCertExpired, ErrCertNotYetValid, ErrCertKeyUsage,
// ErrCertWeakKey, ErrCertUntrusted, or ErrNoCertificate.
func CheckCertificate(cert *x509.Certificate, chain []*x509.Certificate, roots *x509.CertPool, now time.Time) error {
	_, err := checkCertificate(cert, chain, roots, now)
	return err
}

// checkCertificate is CheckCertificate returning the verified chain, signer first, anchor last.
func checkCertificate(cert *x509.Certificate, chain []*x509.Certificate, roots *x509.CertPool, now time.Time) ([]*x509.Certificate, error) {
	if cert == nil {
		return nil, ErrNoCertificate
	}
	if now.IsZero() {
		now = time.Now()
	}
	fail := func(kind error, format string, a ...any) error {
		return &CertError{Kind: kind, Subject: cert.Subject.CommonName, Detail: fmt.Sprintf(format, a...)}
	}
	const day = "2006-01-02 15:04 MST"
	if now.Before(cert.NotBefore) {
		return nil, fail(ErrCertNotYetValid, "valid from %s, now is %s", cert.NotBefore.UTC().Format(day), now.UTC().Format(day))
	}
	if now.After(cert.NotAfter) {
		return nil, fail(ErrCertExpired, "expired on %s", cert.NotAfter.UTC().Format(day))
	}
	if cert.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment) == 0 {
		return nil, fail(ErrCertKeyUsage, "key usage is %s", keyUsageText(cert.KeyUsage))
	}
	if desc, ok := keyStrength(cert); !ok {
		return nil, fail(ErrCertWeakKey, "key is %s", desc)
	}
	if roots == nil {
		roots = ShippedRoots()
	}
	inter := x509.NewCertPool()
	for _, c := range chain {
		if c != nil {
			inter.AddCert(c)
		}
	}
	chains, err := cert.Verify(x509.VerifyOptions{
		Roots:         roots,
		Intermediates: inter,
		CurrentTime:   now,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
	if err != nil || len(chains) == 0 {
		return nil, fail(ErrCertUntrusted, "issued by %q: %v", cert.Issuer.CommonName, err)
	}
	return chains[0], nil
}

// KeyDescription names a certificate's key ("RSA 2048", "ECDSA P-256").
func KeyDescription(cert *x509.Certificate) string {
	d, _ := keyStrength(cert)
	return d
}

// keyStrength describes the public key and tells whether it meets the minimum.
func keyStrength(cert *x509.Certificate) (string, bool) {
	switch k := cert.PublicKey.(type) {
	case *rsa.PublicKey:
		n := k.N.BitLen()
		return fmt.Sprintf("RSA %d", n), n >= MinRSABits
	case *ecdsa.PublicKey:
		p := k.Curve.Params()
		return "ECDSA " + p.Name, p.BitSize >= MinECDSABits
	default:
		return fmt.Sprintf("%v (not accepted for document signatures)", cert.PublicKeyAlgorithm), false
	}
}

// keyUsageText lists the key usage bits for an error message.
func keyUsageText(ku x509.KeyUsage) string {
	names := []struct {
		bit  x509.KeyUsage
		name string
	}{
		{x509.KeyUsageDigitalSignature, "digitalSignature"},
		{x509.KeyUsageContentCommitment, "nonRepudiation"},
		{x509.KeyUsageKeyEncipherment, "keyEncipherment"},
		{x509.KeyUsageDataEncipherment, "dataEncipherment"},
		{x509.KeyUsageKeyAgreement, "keyAgreement"},
		{x509.KeyUsageCertSign, "keyCertSign"},
		{x509.KeyUsageCRLSign, "cRLSign"},
	}
	s := ""
	for _, n := range names {
		if ku&n.bit != 0 {
			if s != "" {
				s += ", "
			}
			s += n.name
		}
	}
	if s == "" {
		return "absent"
	}
	return s
}
