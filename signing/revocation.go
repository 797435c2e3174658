// Revocation checks before signing: OCSP first, the CRL as fallback; an offline desk gets a warning.

package signing

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"golang.org/x/crypto/ocsp"

	"sohoa/errs"
)

// Revocation states (RevocationStatus.Status).
const (
	RevocationGood      = "good"      // a fresh OCSP response or CRL says the certificate is not revoked
	RevocationRevoked   = "revoked"   // the certificate is revoked
	RevocationUnknown   = "unknown"   // the OCSP responder does not know the certificate
	RevocationUnchecked = "unchecked" // no answer could be had (offline, no service named, bad answers)
)

// Sources of a revocation answer.
const (
	SourceOCSP = "ocsp"
	SourceCRL  = "crl"
)

// ErrCertRevoked: the certificate authority has revoked the signing certificate.
var ErrCertRevoked = errs.New("error.cert.revoked", errs.NeedsOfficer, "the signing certificate has been revoked by its certificate authority: do not sign with it; ask your authority for a new certificate")

// ErrRevocationUnchecked marks RevocationStatus.Warning: revocation could not be checked (offline desk).
// It is never returned as an error: the caller records the warning in the audit log and goes on.
var ErrRevocationUnchecked = errs.New("error.cert.revocation_unchecked", errs.Transient, "the certificate's revocation status could not be checked (no network or the service did not answer): the signature was made without it; check the network")

// RevocationOptions control CheckRevocation.
type RevocationOptions struct {
	Client  *http.Client  // nil: a client with Timeout
	Timeout time.Duration // per request; zero: 10 s
	Now     time.Time     // zero: time.Now
	Offline bool          // the desk is known to be offline: do not try, return a warning result
	// MaxCRLBytes bounds a downloaded CRL; zero: 20 MiB.
	MaxCRLBytes int64
}

// RevocationStatus is the answer for one certificate.
type RevocationStatus struct {
	Subject    string    `json:"subject"`
	Status     string    `json:"status"`           // RevocationGood, RevocationRevoked, RevocationUnknown, RevocationUnchecked
	Source     string    `json:"source,omitempty"` // SourceOCSP or SourceCRL
	URL        string    `json:"url,omitempty"`
	CheckedAt  time.Time `json:"checked_at"`            // when sohoa asked
	ThisUpdate time.Time `json:"this_update,omitempty"` // when the answer was produced by the authority
	NextUpdate time.Time `json:"next_update,omitempty"`
	RevokedAt  time.Time `json:"revoked_at,omitempty"`
	Reason     int       `json:"reason,omitempty"` // RFC 5280 CRLReason
	// Warning says why the status is unchecked or unknown (errors.Is(Warning, ErrRevocationUnchecked)
	// for an unchecked one); the caller writes it to the audit log.
	Warning error  `json:"-"`
	Notes   string `json:"warning,omitempty"` // Warning's text, for JSON
	// Raw answers, for embedding in the signature (adbe-revocationInfoArchival).
	OCSP []byte `json:"-"`
	CRL  []byte `json:"-"`
}

// CheckRevocation asks cert's OCSP responder (signed by issuer or a responder it delegated), and when
// that gives no usable answer, its CRL distribution points (signed by issuer). A revoked certificate
// gives the status and a *CertError wrapping ErrCertRevoked. When neither answers (offline, no service
// named, bad or stale answers) the status is RevocationUnchecked with a Warning and the error is nil:
// an offline desk may sign, but the caller records the warning.
func CheckRevocation(ctx context.Context, cert, issuer *x509.Certificate, opts RevocationOptions) (RevocationStatus, error) {
	if cert == nil || issuer == nil {
		return RevocationStatus{}, ErrNoCertificate
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	st := RevocationStatus{Subject: cert.Subject.CommonName, Status: RevocationUnchecked, CheckedAt: now}
	warn := func(format string, a ...any) (RevocationStatus, error) {
		st.Status = RevocationUnchecked
		st.Warning = fmt.Errorf("%w: %s", ErrRevocationUnchecked, fmt.Sprintf(format, a...))
		st.Notes = st.Warning.Error()
		return st, nil
	}
	if opts.Offline {
		return warn("the desk is offline")
	}
	if len(cert.OCSPServer) == 0 && len(cert.CRLDistributionPoints) == 0 {
		return warn("the certificate names no OCSP responder and no CRL")
	}
	client := opts.Client
	if client == nil {
		t := opts.Timeout
		if t == 0 {
			t = 10 * time.Second
		}
		client = &http.Client{Timeout: t}
	}
	var problems []string
	for _, u := range cert.OCSPServer {
		r, err := askOCSP(ctx, client, u, cert, issuer, now)
		if err == nil && r.Status != RevocationUnknown {
			return finish(r, cert)
		}
		if ctx.Err() != nil {
			return st, ctx.Err()
		}
		if err != nil {
			problems = append(problems, fmt.Sprintf("OCSP %s: %v", u, err))
		} else {
			st = r // "unknown" is kept unless a CRL answers
			problems = append(problems, fmt.Sprintf("OCSP %s: the responder does not know the certificate", u))
		}
	}
	max := opts.MaxCRLBytes
	if max == 0 {
		max = 20 << 20
	}
	for _, u := range cert.CRLDistributionPoints {
		if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			continue // LDAP distribution points are not fetched
		}
		r, err := askCRL(ctx, client, u, cert, issuer, now, max)
		if err == nil {
			return finish(r, cert)
		}
		if ctx.Err() != nil {
			return st, ctx.Err()
		}
		problems = append(problems, fmt.Sprintf("CRL %s: %v", u, err))
	}
	if st.Status == RevocationUnknown {
		st.Warning = fmt.Errorf("%w: %s", ErrRevocationUnchecked, strings.Join(problems, "; "))
		st.Notes = st.Warning.Error()
		return st, nil
	}
	return warn("%s", strings.Join(problems, "; "))
}

// finish turns a revoked status into the error the officer sees.
func finish(st RevocationStatus, cert *x509.Certificate) (RevocationStatus, error) {
	if st.Status != RevocationRevoked {
		return st, nil
	}
	return st, &CertError{Kind: ErrCertRevoked, Subject: cert.Subject.CommonName,
		Detail: fmt.Sprintf("revoked on %s (%s, reason %d)", st.RevokedAt.UTC().Format("2006-01-02 15:04 MST"), st.Source, st.Reason)}
}

// fetch performs one bounded HTTP exchange.
func fetch(ctx context.Context, client *http.Client, method, url, ctype string, body []byte, max int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("answer larger than %d bytes", max)
	}
	return data, nil
}

// skew tolerates clocks a little apart between the desk and the authority.
const skew = 5 * time.Minute

func askOCSP(ctx context.Context, client *http.Client, url string, cert, issuer *x509.Certificate, now time.Time) (RevocationStatus, error) {
	req, err := ocsp.CreateRequest(cert, issuer, &ocsp.RequestOptions{})
	if err != nil {
		return RevocationStatus{}, err
	}
	raw, err := fetch(ctx, client, http.MethodPost, url, "application/ocsp-request", req, 1<<20)
	if err != nil {
		return RevocationStatus{}, err
	}
	st, err := parseOCSP(raw, cert, issuer, now)
	st.URL, st.CheckedAt = url, now
	return st, err
}

// parseOCSP checks an OCSP response for cert (signature by issuer or its delegated responder, freshness).
func parseOCSP(raw []byte, cert, issuer *x509.Certificate, now time.Time) (RevocationStatus, error) {
	r, err := ocsp.ParseResponseForCert(raw, cert, issuer)
	if err != nil {
		return RevocationStatus{}, fmt.Errorf("unusable response: %w", err)
	}
	if r.Certificate != nil && !r.Certificate.Equal(issuer) && !hasEKU(r.Certificate, x509.ExtKeyUsageOCSPSigning) {
		return RevocationStatus{}, errors.New("the responder certificate is not authorised for OCSP signing")
	}
	if r.ThisUpdate.After(now.Add(skew)) {
		return RevocationStatus{}, fmt.Errorf("response from the future (%s)", r.ThisUpdate.UTC())
	}
	if !r.NextUpdate.IsZero() && r.NextUpdate.Before(now.Add(-skew)) {
		return RevocationStatus{}, fmt.Errorf("stale response (next update %s)", r.NextUpdate.UTC())
	}
	st := RevocationStatus{Subject: cert.Subject.CommonName, Source: SourceOCSP, ThisUpdate: r.ThisUpdate, NextUpdate: r.NextUpdate, OCSP: raw}
	switch r.Status {
	case ocsp.Good:
		st.Status = RevocationGood
	case ocsp.Revoked:
		st.Status, st.RevokedAt, st.Reason = RevocationRevoked, r.RevokedAt, r.RevocationReason
	default:
		st.Status = RevocationUnknown
	}
	return st, nil
}

func hasEKU(c *x509.Certificate, want x509.ExtKeyUsage) bool {
	for _, e := range c.ExtKeyUsage {
		if e == want {
			return true
		}
	}
	return false
}

func askCRL(ctx context.Context, client *http.Client, url string, cert, issuer *x509.Certificate, now time.Time, max int64) (RevocationStatus, error) {
	raw, err := fetch(ctx, client, http.MethodGet, url, "", nil, max)
	if err != nil {
		return RevocationStatus{}, err
	}
	st, err := parseCRL(raw, cert, issuer, now)
	st.URL, st.CheckedAt = url, now
	return st, err
}

// parseCRL checks a CRL (DER or PEM) signed by issuer and looks cert up in it.
func parseCRL(raw []byte, cert, issuer *x509.Certificate, now time.Time) (RevocationStatus, error) {
	der := raw
	if bytes.HasPrefix(bytes.TrimSpace(raw), []byte("-----BEGIN")) {
		if b, _ := pem.Decode(bytes.TrimSpace(raw)); b != nil && b.Type == "X509 CRL" {
			der = b.Bytes
		}
	}
	crl, err := x509.ParseRevocationList(der)
	if err != nil {
		return RevocationStatus{}, fmt.Errorf("unreadable CRL: %w", err)
	}
	if err := crl.CheckSignatureFrom(issuer); err != nil {
		return RevocationStatus{}, fmt.Errorf("the CRL is not signed by %q: %w", issuer.Subject.CommonName, err)
	}
	if crl.ThisUpdate.After(now.Add(skew)) {
		return RevocationStatus{}, fmt.Errorf("CRL from the future (%s)", crl.ThisUpdate.UTC())
	}
	if !crl.NextUpdate.IsZero() && crl.NextUpdate.Before(now.Add(-skew)) {
		return RevocationStatus{}, fmt.Errorf("stale CRL (next update %s)", crl.NextUpdate.UTC())
	}
	st := RevocationStatus{Subject: cert.Subject.CommonName, Source: SourceCRL, Status: RevocationGood,
		ThisUpdate: crl.ThisUpdate, NextUpdate: crl.NextUpdate, CRL: der}
	for _, e := range crl.RevokedCertificateEntries {
		if e.SerialNumber.Cmp(cert.SerialNumber) == 0 {
			st.Status, st.RevokedAt, st.Reason = RevocationRevoked, e.RevocationTime, e.ReasonCode
			break
		}
	}
	return st, nil
}
