// A second reading of the CMS SignedData for what the PKCS#7 library cannot: a signer identified by its
// SubjectKeyIdentifier (CMS version 3) instead of issuer and serial number, and certificates whose key
// this verifier cannot use (brainpool curves), which make the signature indeterminate, not unreadable.

package signing

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"
)

type cmsContentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"explicit,optional,tag:0"`
}

type cmsSignedData struct {
	Version          int
	DigestAlgorithms asn1.RawValue
	EncapContentInfo asn1.RawValue
	Certificates     asn1.RawValue   `asn1:"optional,tag:0"`
	CRLs             asn1.RawValue   `asn1:"optional,tag:1"`
	SignerInfos      []cmsSignerInfo `asn1:"set"`
}

type cmsSignerInfo struct {
	Version            int
	SID                asn1.RawValue
	DigestAlgorithm    pkix.AlgorithmIdentifier
	SignedAttrs        asn1.RawValue `asn1:"optional,tag:0"`
	SignatureAlgorithm pkix.AlgorithmIdentifier
	Signature          []byte
	UnsignedAttrs      asn1.RawValue `asn1:"optional,tag:1"`
}

type cmsIssuerSerial struct {
	Issuer asn1.RawValue
	Serial *big.Int
}

type cmsAttribute struct {
	Type   asn1.ObjectIdentifier
	Values asn1.RawValue `asn1:"set"`
}

var oidMessageDigest = "1.2.840.113549.1.9.4"

// inspectCMS verifies a detached CMS signature over content without the PKCS#7 library: it finds the
// signer by issuer and serial or by SubjectKeyIdentifier, checks the message digest and the signature
// value, and marks algorithms or keys it cannot check as unsupported.
func inspectCMS(sr *SignatureReport, s *sigDict, content, der []byte, roots *x509.CertPool) {
	fail := func(format string, a ...any) {
		sr.Error, sr.SubIndication = fmt.Sprintf(format, a...), SubFormatFailure
	}
	var ci cmsContentInfo
	if _, err := asn1.Unmarshal(der, &ci); err != nil {
		fail("the signature value is not a readable CMS structure: %v", err)
		return
	}
	var sd cmsSignedData
	if _, err := asn1.Unmarshal(ci.Content.Bytes, &sd); err != nil {
		fail("the signature value is not a readable CMS SignedData: %v", err)
		return
	}
	if len(sd.SignerInfos) == 0 {
		fail("the CMS structure names no signer")
		return
	}
	var certs []*x509.Certificate
	unsupportedKey := ""
	for rest := sd.Certificates.Bytes; len(rest) > 0; {
		var raw asn1.RawValue
		var err error
		if rest, err = asn1.Unmarshal(rest, &raw); err != nil {
			break
		}
		c, err := x509.ParseCertificate(raw.FullBytes)
		if err != nil {
			if msg := err.Error(); strings.Contains(msg, "unsupported elliptic curve") || strings.Contains(msg, "unsupported") || strings.Contains(msg, "unknown") {
				unsupportedKey = msg
			}
			continue
		}
		certs = append(certs, c)
	}
	si := sd.SignerInfos[0]
	var ee *x509.Certificate
	if si.SID.Class == asn1.ClassContextSpecific && si.SID.Tag == 0 {
		for _, c := range certs {
			if len(c.SubjectKeyId) > 0 && bytes.Equal(c.SubjectKeyId, si.SID.Bytes) {
				ee = c
			}
		}
	} else {
		var ias cmsIssuerSerial
		if _, err := asn1.Unmarshal(si.SID.FullBytes, &ias); err == nil {
			for _, c := range certs {
				if c.SerialNumber.Cmp(ias.Serial) == 0 && bytes.Equal(c.RawIssuer, ias.Issuer.FullBytes) {
					ee = c
				}
			}
		}
	}
	if ee == nil {
		if unsupportedKey != "" {
			sr.Error, sr.UnsupportedAlgorithm = "the signer's certificate uses a key this verifier does not support: "+unsupportedKey, true
			return
		}
		fail("the signer's certificate is not embedded in the signature")
		return
	}
	sr.Signer, sr.SignerName, sr.KeyAlgorithm = summary(ee), ee.Subject.CommonName, KeyDescription(ee)
	h, hname := hashForOID(si.DigestAlgorithm.Algorithm)
	sr.DigestAlgorithm = hname
	s.signerIdentity(ee, false)
	if h == 0 || !h.Available() {
		sr.Error, sr.UnsupportedAlgorithm = "unsupported digest algorithm "+hname, true
		return
	}
	if h == crypto.SHA1 || h == crypto.MD5 {
		sr.Weak, sr.WeakReasons = true, append(sr.WeakReasons, "digest "+hname)
	}
	if desc, ok := keyStrength(ee); !ok {
		sr.Weak, sr.WeakReasons = true, append(sr.WeakReasons, "key "+desc)
	}
	d := h.New()
	d.Write(content)
	sum := d.Sum(nil)
	signed := content
	hasSigningCert := false
	if len(si.SignedAttrs.Bytes) > 0 {
		var md []byte
		for rest := si.SignedAttrs.Bytes; len(rest) > 0; {
			var a cmsAttribute
			var err error
			if rest, err = asn1.Unmarshal(rest, &a); err != nil {
				break
			}
			switch a.Type.String() {
			case oidMessageDigest:
				asn1.Unmarshal(a.Values.Bytes, &md)
			case oidSigningCertV1, oidSigningCertV2:
				hasSigningCert = true
			case oidSigningTime.String():
				var st time.Time
				if _, err := asn1.Unmarshal(a.Values.Bytes, &st); err == nil {
					sr.SigningTime, sr.TimeSource = st, TimeFromSignedAttr
				}
			}
		}
		if !bytes.Equal(md, sum) {
			sr.Error, sr.SubIndication = "the document was changed after signing (digest mismatch)", SubHashFailure
			return
		}
		signed = bytes.Clone(si.SignedAttrs.FullBytes)
		signed[0] = 0x31 // signed over as a SET OF, not as the [0] IMPLICIT field
	}
	s.pades = sr.SubFilter == "ETSI.CAdES.detached" && len(sd.SignerInfos) == 1 && hasSigningCert
	alg := x509AlgorithmFor(si.SignatureAlgorithm.Algorithm.String(), h, ee)
	if alg == x509.UnknownSignatureAlgorithm {
		sr.Error, sr.UnsupportedAlgorithm = "unsupported signature algorithm "+si.SignatureAlgorithm.Algorithm.String(), true
		return
	}
	if err := ee.CheckSignature(alg, signed, si.Signature); err != nil {
		if errors.Is(err, x509.ErrUnsupportedAlgorithm) {
			sr.Error, sr.UnsupportedAlgorithm = "unsupported signature algorithm: "+err.Error(), true
			return
		}
		sr.Error, sr.SubIndication = "the signature value does not verify: "+err.Error(), SubSigCryptoFailure
		return
	}
	sr.DigestValid = true
	at := sr.SigningTime
	if at.IsZero() {
		at = time.Now()
	}
	sr.CertValidAtSigning = !at.Before(ee.NotBefore) && !at.After(ee.NotAfter)
	chains, err := ee.Verify(x509.VerifyOptions{Roots: roots, Intermediates: poolOf(certs), CurrentTime: at,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
	if err == nil && len(chains) > 0 {
		sr.Trusted = true
		for _, c := range chains[0] {
			sr.Chain = append(sr.Chain, *summary(c))
		}
	} else {
		sr.TrustError = err.Error()
		for _, c := range buildChain(ee, certs) {
			sr.Chain = append(sr.Chain, *summary(c))
		}
	}
}

// x509AlgorithmFor maps a SignerInfo's signature algorithm (a key algorithm or a combined one) and its
// digest to the x509 package's name; UnknownSignatureAlgorithm for anything else.
func x509AlgorithmFor(oid string, h crypto.Hash, ee *x509.Certificate) x509.SignatureAlgorithm {
	switch oid {
	case "1.2.840.113549.1.1.1", "1.2.840.113549.1.1.5", "1.2.840.113549.1.1.11", "1.2.840.113549.1.1.12", "1.2.840.113549.1.1.13":
		if ee.PublicKeyAlgorithm != x509.RSA {
			return x509.UnknownSignatureAlgorithm
		}
		return map[crypto.Hash]x509.SignatureAlgorithm{crypto.SHA1: x509.SHA1WithRSA, crypto.SHA256: x509.SHA256WithRSA,
			crypto.SHA384: x509.SHA384WithRSA, crypto.SHA512: x509.SHA512WithRSA}[h]
	case "1.2.840.10045.2.1", "1.2.840.10045.4.1", "1.2.840.10045.4.3.2", "1.2.840.10045.4.3.3", "1.2.840.10045.4.3.4":
		if ee.PublicKeyAlgorithm != x509.ECDSA {
			return x509.UnknownSignatureAlgorithm
		}
		return map[crypto.Hash]x509.SignatureAlgorithm{crypto.SHA1: x509.ECDSAWithSHA1, crypto.SHA256: x509.ECDSAWithSHA256,
			crypto.SHA384: x509.ECDSAWithSHA384, crypto.SHA512: x509.ECDSAWithSHA512}[h]
	case "1.2.840.113549.1.1.10": // RSASSA-PSS; x509 checks a salt as long as the hash, as sohoa signs
		if ee.PublicKeyAlgorithm != x509.RSA {
			return x509.UnknownSignatureAlgorithm
		}
		return map[crypto.Hash]x509.SignatureAlgorithm{crypto.SHA256: x509.SHA256WithRSAPSS,
			crypto.SHA384: x509.SHA384WithRSAPSS, crypto.SHA512: x509.SHA512WithRSAPSS}[h]
	case "1.3.101.112":
		return x509.PureEd25519
	}
	return x509.UnknownSignatureAlgorithm
}
