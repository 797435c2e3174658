// The store's certificates as an entry of the token list.

package certstore_test

import (
	"crypto/x509"
	"testing"

	"sohoa/signing/certstore"
)

func TestAsToken(t *testing.T) {
	sign := x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
	a := makeCert(t, "NGUYỄN THỊ THỦY", now.AddDate(1, 0, 0), sign, false)
	b := makeCert(t, "TRẦN VĂN HÙNG", now.AddDate(2, 0, 0), sign, false)
	certs := certstore.Select([]*x509.Certificate{a, b}, now)
	certs[0].HasKey = true
	tok := certstore.AsToken(certs)
	if tok.Module != certstore.Module || tok.Label == "" || len(tok.Certificates) != 2 {
		t.Fatalf("token %+v", tok)
	}
	first := tok.Certificates[0] // the latest-expiring first, as Select orders them
	if first.SubjectCN != "TRẦN VĂN HÙNG" || first.ID != certstore.Thumbprint(b) || !first.HasPrivateKey {
		t.Errorf("first certificate %+v", first)
	}
	if second := tok.Certificates[1]; second.HasPrivateKey || second.ID != certstore.Thumbprint(a) || !second.NotAfter.Equal(a.NotAfter) {
		t.Errorf("second certificate %+v", second)
	}
}
