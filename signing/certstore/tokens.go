// The certificate store as one entry of the token list (`sohoa tokens`, the window's token picker),
// beside the PKCS#11 tokens.

package certstore

import (
	"encoding/hex"

	"sohoa/signing/pkcs11"
)

// Module is what a certificate-store entry says in place of a PKCS#11 module path.
const Module = "windows-certstore"

// AsToken presents the store's signing certificates as one token: each certificate's ID is its
// thumbprint (what `sohoa sign --certstore` takes); HasPrivateKey says Windows knows a key provider
// for it (whether the token is plugged in shows only when signing: the minidriver asks for the PIN).
func AsToken(certs []Cert) pkcs11.TokenInfo {
	t := pkcs11.TokenInfo{Module: Module, Label: "Windows certificate store", Manufacturer: "Microsoft CryptoAPI/CNG",
		Initialized: true}
	for _, c := range certs {
		x := c.Certificate
		t.Certificates = append(t.Certificates, pkcs11.CertInfo{
			Label: c.Label, ID: c.Thumbprint, SubjectCN: x.Subject.CommonName, Issuer: x.Issuer.CommonName,
			Serial: hex.EncodeToString(x.SerialNumber.Bytes()), NotBefore: x.NotBefore, NotAfter: x.NotAfter,
			HasPrivateKey: c.HasKey, DER: x.Raw,
		})
	}
	return t
}
