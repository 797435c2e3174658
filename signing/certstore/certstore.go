// Identities from the Windows certificate store.

package certstore

import (
	"crypto/sha1"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"

	"sohoa/errs"
)

// Errors an officer may see; the UI translates them.
var (
	// ErrUnsupported: this build has no Windows certificate store.
	ErrUnsupported = errs.New("error.certstore.unsupported", errs.Permanent, "certstore: the Windows certificate store exists only on Windows; sign with the USB token (PKCS#11) or a .p12 file instead")
	// ErrNotFound: no certificate with that thumbprint, or it has no private key.
	ErrNotFound = errs.New("error.certstore.not_found", errs.NeedsOfficer, "certstore: the certificate was not found in the Windows certificate store; plug in the token and choose the certificate again")
	// ErrNoKey: the certificate is there but Windows cannot reach its private key (token unplugged, driver missing).
	ErrNoKey = errs.New("error.certstore.no_key", errs.NeedsOfficer, "certstore: Windows cannot reach the certificate's private key; plug in the token and check that its driver is installed")
)

// Cert is one signing certificate offered to the officer.
type Cert struct {
	Certificate *x509.Certificate
	Thumbprint  string // SHA-1 of the DER, upper-case hex, as Windows shows it
	Label       string // "Subject CN — Issuer CN (valid until 02/01/2027)"
	HasKey      bool   // Windows knows a key provider for it (List sets it; Select leaves it false)
}

// Thumbprint returns the certificate's SHA-1 thumbprint in upper-case hex, as certmgr.msc shows it.
func Thumbprint(c *x509.Certificate) string {
	sum := sha1.Sum(c.Raw)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// NormalizeThumbprint accepts a thumbprint as copied from Windows (spaces, lower case, an
// invisible left-to-right mark) and returns it in the form Thumbprint produces.
func NormalizeThumbprint(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if (r >= '0' && r <= '9') || (r >= 'A' && r <= 'F') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// usable reports why a certificate cannot sign documents now ("" when it can).
func usable(c *x509.Certificate, now time.Time) string {
	switch {
	case now.Before(c.NotBefore):
		return "not yet valid"
	case now.After(c.NotAfter):
		return "expired"
	case c.KeyUsage != 0 && c.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment) == 0:
		return "not for signing"
	case c.IsCA:
		return "a CA certificate"
	}
	return ""
}

// Select keeps the certificates that can sign documents at now, the latest-expiring first, and
// labels them for the officer.
func Select(certs []*x509.Certificate, now time.Time) []Cert {
	var out []Cert
	seen := map[string]bool{}
	for _, c := range certs {
		if c == nil || usable(c, now) != "" {
			continue
		}
		tp := Thumbprint(c)
		if seen[tp] {
			continue
		}
		seen[tp] = true
		out = append(out, Cert{Certificate: c, Thumbprint: tp, Label: label(c)})
	}
	sort.SliceStable(out, func(i, j int) bool {
		return out[i].Certificate.NotAfter.After(out[j].Certificate.NotAfter)
	})
	return out
}

func label(c *x509.Certificate) string {
	name := c.Subject.CommonName
	if name == "" {
		name = c.Subject.String()
	}
	issuer := c.Issuer.CommonName
	if issuer == "" {
		issuer = c.Issuer.String()
	}
	return fmt.Sprintf("%s — %s (valid until %s)", name, issuer, c.NotAfter.Format("02/01/2006"))
}
