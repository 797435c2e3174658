// The CAdES signature (ETSI EN 319 122-1 baseline, as PAdES embeds it): a detached CMS SignedData over a
// precomputed digest with content-type, message-digest and signing-certificate-v2 signed attributes, and
// the signature timestamp as an unsigned attribute.

package signing

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"slices"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

var (
	oidData                  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidSignedData            = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidAttrContentType       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	oidAttrMessageDigest     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidAttrSigningCertV2     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 47}
	oidAttrSignatureTimeStmp = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 14}
	oidSHA256                = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidSHA256WithRSA         = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}
	oidRSAPSS                = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 10}
	oidMGF1                  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 8}
	oidECDSAWithSHA256       = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
	oidEd25519               = asn1.ObjectIdentifier{1, 3, 101, 112}
)

// cadesInput is what the CMS needs besides the signer.
type cadesInput struct {
	digest []byte              // SHA-256 of the signed byte ranges
	cert   *x509.Certificate   // the signer
	chain  []*x509.Certificate // the issuers, embedded after the signer
	pss    bool                // RSA-PSS (salt = hash length) instead of PKCS#1 v1.5 for an RSA key
	tsaURL string              // when set, the signature value is timestamped (B-T)
}

// cadesResult is the DER-encoded ContentInfo and what was used to make it.
type cadesResult struct {
	der     []byte
	usedPSS bool
}

// buildCAdES signs in.digest with signer and returns the CMS. An RSA-PSS request that the signer refuses
// falls back to PKCS#1 v1.5 (usedPSS tells which was used).
func buildCAdES(ctx context.Context, signer crypto.Signer, in cadesInput) (cadesResult, error) {
	var res cadesResult
	attrs, err := signedAttributes(in.digest, in.cert)
	if err != nil {
		return res, err
	}
	h := sha256.Sum256(attrs)

	var sig []byte
	var sigAlg []byte
	switch in.cert.PublicKey.(type) {
	case *rsa.PublicKey:
		if in.pss {
			opts := &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: crypto.SHA256}
			sig, err = signer.Sign(rand.Reader, h[:], opts)
			if err == nil {
				if verr := rsa.VerifyPSS(in.cert.PublicKey.(*rsa.PublicKey), crypto.SHA256, h[:], sig, opts); verr != nil {
					err = verr
				}
			}
			if err == nil {
				res.usedPSS, sigAlg = true, pssAlgorithm()
				break
			}
			if ctx.Err() != nil {
				return res, ctx.Err()
			}
		}
		sig, err = signer.Sign(rand.Reader, h[:], crypto.SHA256)
		sigAlg = algorithmID(oidSHA256WithRSA, true)
	case *ecdsa.PublicKey:
		sig, err = signer.Sign(rand.Reader, h[:], crypto.SHA256)
		sigAlg = algorithmID(oidECDSAWithSHA256, false)
	case ed25519.PublicKey:
		sig, err = signer.Sign(rand.Reader, attrs, crypto.Hash(0))
		sigAlg = algorithmID(oidEd25519, false)
	default:
		return res, fmt.Errorf("unsupported key type %T", in.cert.PublicKey)
	}
	if err != nil {
		return res, err
	}

	var unsigned []byte
	if in.tsaURL != "" {
		tok, err := fetchTimestamp(ctx, in.tsaURL, sig)
		if err != nil {
			return res, fmt.Errorf("%w: %w", ErrTimestamp, err)
		}
		unsigned = attribute(oidAttrSignatureTimeStmp, tok)
	}

	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // ContentInfo
		b.AddASN1ObjectIdentifier(oidSignedData)
		b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // SignedData
				b.AddASN1Int64(1)
				b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) { b.AddBytes(algorithmID(oidSHA256, false)) })
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(oidData) })
				b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
					b.AddBytes(in.cert.Raw)
					for _, c := range in.chain {
						b.AddBytes(c.Raw)
					}
				})
				b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // SignerInfo
						b.AddASN1Int64(1)
						addIssuerSerial(b, in.cert)
						b.AddBytes(algorithmID(oidSHA256, false))
						b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
							b.AddBytes(setContents(attrs))
						})
						b.AddBytes(sigAlg)
						b.AddASN1OctetString(sig)
						if unsigned != nil {
							b.AddASN1(cbasn1.Tag(1).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
								b.AddBytes(unsigned)
							})
						}
					})
				})
			})
		})
	})
	res.der, err = b.Bytes()
	return res, err
}

// signedAttributes is the DER SET OF the signed attributes, sorted as DER requires. There is no
// signing-time: PAdES puts the claimed time in the signature dictionary's /M.
func signedAttributes(digest []byte, cert *x509.Certificate) ([]byte, error) {
	ct, err := asn1.Marshal(oidData)
	if err != nil {
		return nil, err
	}
	md, err := asn1.Marshal(digest)
	if err != nil {
		return nil, err
	}
	certHash := sha256.Sum256(cert.Raw)
	var sc cryptobyte.Builder
	sc.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // SigningCertificateV2
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // certs
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // ESSCertIDv2, hashAlgorithm = SHA-256 (default)
				b.AddASN1OctetString(certHash[:])
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // IssuerSerial
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // GeneralNames
						b.AddASN1(cbasn1.Tag(4).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
							b.AddBytes(cert.RawIssuer) // directoryName
						})
					})
					b.AddASN1BigInt(cert.SerialNumber)
				})
			})
		})
	})
	scv, err := sc.Bytes()
	if err != nil {
		return nil, err
	}
	list := [][]byte{attribute(oidAttrContentType, ct), attribute(oidAttrMessageDigest, md), attribute(oidAttrSigningCertV2, scv)}
	slices.SortFunc(list, bytes.Compare)
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {
		for _, a := range list {
			b.AddBytes(a)
		}
	})
	return b.Bytes()
}

// setContents strips the SET header of a DER SET OF, leaving its elements.
func setContents(set []byte) []byte {
	s := cryptobyte.String(set)
	var inner cryptobyte.String
	if !s.ReadASN1(&inner, cbasn1.SET) {
		return nil
	}
	return inner
}

// attribute encodes Attribute ::= SEQUENCE { attrType, attrValues SET OF ANY } with one value.
func attribute(oid asn1.ObjectIdentifier, value []byte) []byte {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier(oid)
		b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) { b.AddBytes(value) })
	})
	return b.BytesOrPanic()
}

func algorithmID(oid asn1.ObjectIdentifier, nullParams bool) []byte {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier(oid)
		if nullParams {
			b.AddASN1NULL()
		}
	})
	return b.BytesOrPanic()
}

// pssAlgorithm is id-RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt.
func pssAlgorithm() []byte {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier(oidRSAPSS)
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
				b.AddBytes(algorithmID(oidSHA256, true))
			})
			b.AddASN1(cbasn1.Tag(1).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1ObjectIdentifier(oidMGF1)
					b.AddBytes(algorithmID(oidSHA256, true))
				})
			})
			b.AddASN1(cbasn1.Tag(2).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
				b.AddASN1Int64(32)
			})
		})
	})
	return b.BytesOrPanic()
}

func addIssuerSerial(b *cryptobyte.Builder, cert *x509.Certificate) {
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddBytes(cert.RawIssuer)
		b.AddASN1BigInt(cert.SerialNumber)
	})
}
