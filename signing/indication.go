// Verdicts in the terms of ETSI EN 319 102-1 and EU DSS: an indication per signature and for the whole
// document, and the PAdES baseline level each signature reached.

package signing

import (
	"crypto/x509"
	"fmt"
	"math/big"

	"github.com/digitorus/pdf"
	"golang.org/x/crypto/ocsp"
)

// Indications.
const (
	IndicationPassed        = "passed"        // intact, trusted, the document unchanged since (but for allowed additions)
	IndicationFailed        = "failed"        // broken, or the document was changed after signing
	IndicationIndeterminate = "indeterminate" // intact, but trust, time or algorithm cannot be established
)

// Sub-indications: why a signature did not pass.
const (
	SubHashFailure        = "HASH_FAILURE"               // the signed bytes no longer hash to the signed digest
	SubSigCryptoFailure   = "SIG_CRYPTO_FAILURE"         // the signature value does not verify
	SubFormatFailure      = "FORMAT_FAILURE"             // unreadable signature, bad ByteRange, missing signer certificate
	SubModified           = "MODIFIED_AFTER_SIGNING"     // pages, content, overlays or the signature dictionary changed later
	SubCryptoConstraints  = "CRYPTO_CONSTRAINTS_FAILURE" // an unsupported or too weak algorithm
	SubNoCertificateChain = "NO_CERTIFICATE_CHAIN_FOUND" // the signer does not chain to a trusted root
	SubOutOfBounds        = "OUT_OF_BOUNDS_NO_POE"       // signed outside the certificate's validity
	SubRevoked            = "REVOKED"                    // the certificate was revoked
)

// PAdES baseline levels (ETSI EN 319 142-1).
const (
	LevelNone = "none" // not a PAdES signature (adbe.pkcs7.detached or .sha1, no signing-certificate attribute)
	LevelBB   = "B-B"
	LevelBT   = "B-T"
	LevelBLT  = "B-LT"
	LevelBLTA = "B-LTA"
)

var (
	oidSigningCertV1 = "1.2.840.113549.1.9.16.2.12"
	oidSigningCertV2 = "1.2.840.113549.1.9.16.2.47"
)

// judge sets each entry's indication and the document's.
func judge(rep *Report) {
	worst := IndicationPassed
	for i := range rep.Signatures {
		s := &rep.Signatures[i]
		s.Indication, s.SubIndication = signatureIndication(s)
		switch {
		case s.Indication == IndicationFailed:
			worst = IndicationFailed
		case s.Indication == IndicationIndeterminate && worst == IndicationPassed:
			worst = IndicationIndeterminate
		}
	}
	rep.Indication = worst
}

func signatureIndication(s *SignatureReport) (string, string) {
	switch {
	case s.UnsupportedAlgorithm:
		return IndicationIndeterminate, SubCryptoConstraints
	case !s.DigestValid && s.SubIndication != "":
		return IndicationFailed, s.SubIndication
	case !s.DigestValid:
		return IndicationFailed, SubFormatFailure
	case s.Modifications.Disallowed():
		return IndicationFailed, SubModified
	case s.LaterChanges == ChangesUnknown:
		return IndicationIndeterminate, SubFormatFailure
	case s.Revocation != nil && s.Revocation.Status == RevocationRevoked:
		return IndicationFailed, SubRevoked
	case !s.Trusted:
		return IndicationIndeterminate, SubNoCertificateChain
	case s.Signer != nil && !s.CertValidAtSigning:
		return IndicationIndeterminate, SubOutOfBounds
	case s.Weak:
		return IndicationIndeterminate, SubCryptoConstraints
	}
	return IndicationPassed, ""
}

// assessLevels sets each signature's PAdES level: B-B with the signing-certificate attribute, B-T with a
// signature timestamp or a later document timestamp, B-LT when a later /DSS holds revocation data for the
// signer, B-LTA when a document timestamp covers that /DSS.
func assessLevels(data []byte, rep *Report, sigs []sigDict, rc revisionCache) {
	for i := range rep.Signatures {
		s := &rep.Signatures[i]
		if s.Kind != KindSignature {
			continue
		}
		s.Level = LevelNone
		if !s.DigestValid || !sigs[i].pades {
			continue
		}
		s.Level = LevelBB
		end := s.ByteRange[2] + s.ByteRange[3]
		hasT := s.Timestamp != nil && s.Timestamp.Valid
		for _, t := range rep.Signatures {
			if t.Kind == KindDocumentTimestamp && t.ByteRange[2]+t.ByteRange[3] > end {
				hasT = true
			}
		}
		if !hasT {
			continue
		}
		s.Level = LevelBT
		if s.CoversWholeDocument || sigs[i].signerSerial == nil {
			continue
		}
		final := rc.open(data, int64(len(data)))
		if final == nil || !dssHasRevocation(final.Trailer().Key("Root").Key("DSS"), sigs[i]) {
			continue
		}
		s.Level = LevelBLT
		for _, t := range rep.Signatures {
			tend := t.ByteRange[2] + t.ByteRange[3]
			if t.Kind != KindDocumentTimestamp || tend <= end {
				continue
			}
			if r := rc.open(data, tend); r != nil && dssHasRevocation(r.Trailer().Key("Root").Key("DSS"), sigs[i]) {
				s.Level = LevelBLTA
				break
			}
		}
	}
}

// dssHasRevocation tells whether a /DSS dictionary holds an OCSP response about the signer's certificate
// or a CRL from its issuer.
func dssHasRevocation(dss pdf.Value, s sigDict) (found bool) {
	defer func() {
		if recover() != nil {
			found = false
		}
	}()
	if dss.IsNull() {
		return false
	}
	var ocsps, crls []pdf.Value
	collect := func(d pdf.Value, ok, ck string) {
		for a, i := d.Key(ok), 0; i < a.Len(); i++ {
			ocsps = append(ocsps, a.Index(i))
		}
		for a, i := d.Key(ck), 0; i < a.Len(); i++ {
			crls = append(crls, a.Index(i))
		}
	}
	collect(dss, "OCSPs", "CRLs")
	vri := dss.Key("VRI")
	for _, k := range vri.Keys() {
		collect(vri.Key(k), "OCSP", "CRL")
	}
	for _, o := range ocsps {
		if r, err := ocsp.ParseResponse(streamBytes(o), nil); err == nil && r.SerialNumber != nil && r.SerialNumber.Cmp(s.signerSerial) == 0 {
			return true
		}
	}
	for _, c := range crls {
		if l, err := x509.ParseRevocationList(streamBytes(c)); err == nil && string(l.RawIssuer) == string(s.signerIssuer) {
			return true
		}
	}
	return false
}

func streamBytes(v pdf.Value) []byte {
	if v.Kind() != pdf.Stream {
		return nil
	}
	rc := v.Reader()
	defer rc.Close()
	var b []byte
	buf := make([]byte, 32<<10)
	for {
		n, err := rc.Read(buf)
		b = append(b, buf[:n]...)
		if err != nil || len(b) > 8<<20 {
			return b
		}
	}
}

// signerIdentity records what assessLevels needs about the signer.
func (s *sigDict) signerIdentity(ee *x509.Certificate, pades bool) {
	s.signerSerial = new(big.Int).Set(ee.SerialNumber)
	s.signerIssuer = ee.RawIssuer
	s.pades = pades
}

var _ = fmt.Sprint
