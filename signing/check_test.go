// Tests for CheckCertificate's individual rules and the messages they give.

package signing_test

import (
	"crypto/x509"
	"errors"
	"strings"
	"testing"
	"time"

	"sohoa/signing"
)

func TestCheckCertificateRules(t *testing.T) {
	ca := newCA(t, "CA")
	good := ca.issue(t, leafOpts{name: "Tốt"}).Certificate()
	nrOnly := ca.issue(t, leafOpts{name: "Chống chối bỏ", ku: x509.KeyUsageContentCommitment}).Certificate()
	now := time.Now()
	if err := signing.CheckCertificate(good, nil, ca.pool(), now); err != nil {
		t.Fatalf("good: %v", err)
	}
	if err := signing.CheckCertificate(nrOnly, nil, ca.pool(), now); err != nil {
		t.Fatalf("nonRepudiation only must be accepted: %v", err)
	}
	if err := signing.CheckCertificate(good, nil, ca.pool(), good.NotAfter.Add(time.Minute)); !errors.Is(err, signing.ErrCertExpired) {
		t.Fatalf("after NotAfter: %v", err)
	}
	if err := signing.CheckCertificate(good, nil, ca.pool(), good.NotBefore.Add(-time.Minute)); !errors.Is(err, signing.ErrCertNotYetValid) {
		t.Fatalf("before NotBefore: %v", err)
	}
	if err := signing.CheckCertificate(nil, nil, ca.pool(), now); !errors.Is(err, signing.ErrNoCertificate) {
		t.Fatalf("nil: %v", err)
	}
	err := signing.CheckCertificate(good, nil, nil, now) // shipped roots do not know the test CA
	if !errors.Is(err, signing.ErrCertUntrusted) || !strings.Contains(err.Error(), "Tốt") || !strings.Contains(err.Error(), "install") {
		t.Fatalf("untrusted: %v", err)
	}
	weak := ca.issue(t, leafOpts{name: "RSA 1024", key: rsaKey(t, 1024)}).Certificate()
	if err := signing.CheckCertificate(weak, nil, ca.pool(), now); !errors.Is(err, signing.ErrCertWeakKey) || !strings.Contains(err.Error(), "RSA 1024") {
		t.Fatalf("weak: %v", err)
	}
	// An issuer that is not among the roots is refused even when passed in the chain.
	other := newCA(t, "Other")
	leaf := other.issue(t, leafOpts{name: "Lạ"})
	if err := signing.CheckCertificate(leaf.Certificate(), leaf.Chain(), ca.pool(), now); !errors.Is(err, signing.ErrCertUntrusted) {
		t.Fatalf("foreign chain trusted: %v", err)
	}
}
