//go:build cgo

// PAdES signatures made on a SoftHSM2 token (cgo: the PKCS#11 module), PKCS#1 v1.5 and RSA-PSS.

package signing_test

import (
	"bytes"
	"context"
	"crypto/rsa"
	"testing"

	"sohoa/signing"
	"sohoa/signing/pkcs11"
	"sohoa/signing/pkcs11/softhsmtest"
)

// RSA-PSS on request, on a SoftHSM2 token: the verifier, pdfsig and pdfcpu accept it; PKCS#1 v1.5 stays the default.
func TestPAdESOnTokenPSS(t *testing.T) {
	dir := softhsmtest.NewToken(t)
	hsmCA := softhsmtest.NewCA(t)
	cert := softhsmtest.NewRSAOfficer(t, dir, hsmCA, "Nguyễn Văn Token", 2048)
	softhsmtest.CreateCert(t, hsmCA.Cert, []byte{0xca}, "ca")
	id, err := pkcs11.Open(softhsmtest.Module(t), pkcs11.Selector{}, []byte(softhsmtest.PIN))
	if err != nil {
		t.Fatal(err)
	}
	defer id.Close()
	if _, ok := cert.PublicKey.(*rsa.PublicKey); !ok {
		t.Fatal("not RSA")
	}
	ca := testCA{cert: hsmCA.Cert}
	offline := signing.RevocationOptions{Offline: true}
	for _, pss := range []bool{false, true} {
		res, err := signing.SignDetailed(context.Background(), makePDF(t, 1), id, signing.Appearance{},
			signing.Options{Roots: ca.pool(), Revocation: offline, PSS: pss})
		if err != nil || res.PSS != pss {
			t.Fatalf("pss=%v: %v (used PSS: %v)", pss, err, res.PSS)
		}
		checkPAdES(t, res.PDF, ca, 1, signing.LevelBB)
		isPSS := bytes.Contains(contentsOf(t, res.PDF), []byte{0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a})
		if isPSS != pss {
			t.Fatalf("pss=%v but the CMS names id-RSASSA-PSS: %v", pss, isPSS)
		}
	}
}
