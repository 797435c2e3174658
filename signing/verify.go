// Signature verification: digest, certificate chain, timestamps and what changed after each signature.

package signing

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pdfsign/revocation"
	"github.com/digitorus/pkcs7"
	"github.com/digitorus/timestamp"

	_ "crypto/sha1" // hash implementations used by signatures found in the wild
	_ "crypto/sha256"
	_ "crypto/sha512"
)

// Kinds of signature entries in a Report.
const (
	KindSignature         = "signature"
	KindDocumentTimestamp = "document-timestamp"
)

// What the revisions after a signature do (SignatureReport.LaterChanges).
const (
	ChangesNone           = "none"            // the signature covers the whole file
	ChangesSignaturesOnly = "signatures-only" // later revisions only add signatures, timestamps or validation data (DSS)
	ChangesAnnotations    = "annotations"     // later revisions add or change annotations or form fields
	ChangesContent        = "content"         // later revisions change the document's content
	ChangesUnknown        = "unknown"         // the later revisions could not be analysed
)

// Where SignatureReport.SigningTime comes from.
const (
	TimeFromTimestamp  = "timestamp"        // an RFC 3161 timestamp inside the signature: trustworthy
	TimeFromSignedAttr = "signed-attribute" // the signer's computer clock, signed
	TimeFromPDF        = "pdf-dictionary"   // the /M entry, unsigned
)

// Report is the verification result of a whole document.
type Report struct {
	Size int `json:"size"`
	// Indication is the verdict on the whole document: IndicationPassed only when every signature and
	// document timestamp passed; IndicationFailed when any failed; IndicationIndeterminate otherwise.
	Indication string            `json:"indication"`
	Signatures []SignatureReport `json:"signatures"`
	HasDSS     bool              `json:"has_dss"` // long-term validation data (/DSS) present
	// Repaired: the cross-reference chain was broken and the objects were found by scanning the file.
	Repaired bool   `json:"repaired,omitempty"`
	Error    string `json:"error,omitempty"`
}

// SignatureReport describes one signature or document timestamp.
type SignatureReport struct {
	Index int    `json:"index"` // 1-based, in file order
	Kind  string `json:"kind"`  // KindSignature or KindDocumentTimestamp
	// Indication is this signature's verdict (IndicationPassed, IndicationFailed, IndicationIndeterminate)
	// and SubIndication why (Sub… constants), in the terms of ETSI EN 319 102-1 and EU DSS.
	Indication    string `json:"indication"`
	SubIndication string `json:"sub_indication,omitempty"`
	// Level is the PAdES baseline level reached (LevelBB … LevelBLTA), or LevelNone for a signature that
	// is not a PAdES one (adbe.pkcs7.*).
	Level     string   `json:"level"`
	Field     string   `json:"field,omitempty"`
	Fields    []string `json:"fields,omitempty"` // every form field that refers to this signature
	SubFilter string   `json:"sub_filter"`
	ByteRange [4]int64 `json:"byte_range"`

	SignerName string        `json:"signer_name"`
	Signer     *CertSummary  `json:"signer,omitempty"`
	Chain      []CertSummary `json:"chain,omitempty"` // signer first, as far as it could be built
	Trusted    bool          `json:"trusted"`         // the chain reaches the given roots at the signing time
	TrustError string        `json:"trust_error,omitempty"`
	// CertValidAtSigning: the signing time lies within the signer certificate's validity.
	CertValidAtSigning bool `json:"cert_valid_at_signing"`

	SigningTime time.Time `json:"signing_time"`
	TimeSource  string    `json:"time_source,omitempty"` // TimeFromTimestamp, TimeFromSignedAttr, TimeFromPDF
	Reason      string    `json:"reason,omitempty"`
	Location    string    `json:"location,omitempty"`
	Contact     string    `json:"contact,omitempty"`

	DigestAlgorithm string   `json:"digest_algorithm"`
	KeyAlgorithm    string   `json:"key_algorithm"`
	Weak            bool     `json:"weak"`
	WeakReasons     []string `json:"weak_reasons,omitempty"`

	// DigestValid: the signed bytes hash to the signed digest and the signature value verifies.
	DigestValid bool   `json:"digest_valid"`
	Error       string `json:"error,omitempty"`

	// UnsupportedAlgorithm: the signature uses an algorithm (or curve) this verifier cannot check.
	UnsupportedAlgorithm bool `json:"unsupported_algorithm,omitempty"`

	CoversWholeDocument bool           `json:"covers_whole_document"`
	LaterRevisions      int            `json:"later_revisions"`
	LaterChanges        string         `json:"later_changes"`
	Modifications       *Modifications `json:"modifications,omitempty"`

	Timestamp *TimestampReport `json:"timestamp,omitempty"`
	// Revocation is the signer certificate's status from the revocation data embedded in the signature
	// (adbe-revocationInfoArchival); CheckedAt is when the authority produced the answer. nil: none embedded.
	Revocation *RevocationStatus `json:"revocation,omitempty"`
}

// CertSummary names a certificate for the report.
type CertSummary struct {
	Subject   string    `json:"subject"`
	Issuer    string    `json:"issuer"`
	Serial    string    `json:"serial"`
	NotBefore time.Time `json:"not_before"`
	NotAfter  time.Time `json:"not_after"`
}

// TimestampReport describes an RFC 3161 timestamp (inside a signature or a document timestamp).
type TimestampReport struct {
	Time      time.Time `json:"time"`
	Authority string    `json:"authority"`
	Valid     bool      `json:"valid"`   // the token verifies and its imprint matches
	Trusted   bool      `json:"trusted"` // the TSA certificate chains to the roots
	Error     string    `json:"error,omitempty"`
}

// Intact tells whether the signature's bytes are unchanged and the signature value verifies.
func (s SignatureReport) Intact() bool { return s.DigestValid }

// Valid tells whether the document passed: every signature intact and trusted, and nothing but allowed
// additions (signatures, timestamps, validation data, form fill) after any of them.
func (r Report) Valid() bool { return len(r.Signatures) > 0 && r.Indication == IndicationPassed }

// Verify checks every signature and document timestamp in pdfData against roots (nil: the shipped roots).
// It returns ErrNotSigned when there is none and an ErrInvalidPDF error when the file cannot be read.
// A file whose cross-reference chain is broken is read the way poppler and qpdf repair it.
func Verify(pdfData []byte, roots *x509.CertPool) (rep Report, err error) {
	if roots == nil {
		roots = ShippedRoots()
	}
	rep.Size = len(pdfData)
	defer func() {
		if r := recover(); r != nil {
			rep, err = Report{Size: len(pdfData)}, fmt.Errorf("%w: %v", ErrInvalidPDF, r)
		}
	}()
	rdr, repaired, err := openForVerify(pdfData)
	if err != nil {
		return rep, err
	}
	rep.Repaired = repaired
	sigs := findSignatures(rdr, pdfData)
	if len(sigs) == 0 {
		return rep, ErrNotSigned
	}
	rep.HasDSS = !rdr.Trailer().Key("Root").Key("DSS").IsNull()
	ends := revisionEnds(pdfData)
	rc := revisionCache{}
	sigs = withVanished(pdfData, sigs, ends, rc)
	for i, s := range sigs {
		sr := inspect(pdfData, &sigs[i], roots)
		sr.Index = i + 1
		sr.Fields = s.fields
		if sr.Error == "" || sr.ByteRange[3] > 0 {
			coverage(pdfData, rdr, s, &sr, ends, rc)
		}
		if s.vanished {
			if sr.Modifications == nil {
				sr.Modifications = &Modifications{}
			}
			sr.Modifications.SignatureDictionary = append(sr.Modifications.SignatureDictionary, "removed or replaced")
			sr.LaterChanges = ChangesContent
		}
		rep.Signatures = append(rep.Signatures, sr)
	}
	assessLevels(pdfData, &rep, sigs, rc)
	judge(&rep)
	return rep, nil
}

// checkOwnSignature verifies the signature Sign just appended (the one covering the whole file).
func checkOwnSignature(out []byte) error {
	rdr, err := openPDF(out)
	if err != nil {
		return err
	}
	for _, s := range findSignatures(rdr, out) {
		if s.br[2]+s.br[3] == int64(len(out)) {
			sr := inspect(out, &s, x509.NewCertPool())
			if !sr.DigestValid {
				return errors.New(sr.Error)
			}
			return nil
		}
	}
	return errors.New("the new signature was not found")
}

// sigDict is a signature dictionary found in the document.
type sigDict struct {
	field  string
	fields []string
	v      pdf.Value
	br     [4]int64
	// Filled by inspect for assessLevels.
	signerSerial *big.Int
	signerIssuer []byte
	pades        bool // ETSI.CAdES.detached, one signer, a signing-certificate attribute
	// vanished: the dictionary is in an earlier revision but no longer in the final one (edited so that
	// it is no signature any more, or removed): reported from the revision it signed.
	vanished bool
}

// withVanished adds the signatures of earlier revisions that the final document no longer shows.
func withVanished(data []byte, sigs []sigDict, ends []int64, rc revisionCache) []sigDict {
	have := map[[4]int64]bool{}
	for _, s := range sigs {
		have[s.br] = true
	}
	added := false
	for _, e := range ends {
		if e >= int64(len(data)) || !bytes.Contains(data[:e], []byte("/ByteRange")) {
			continue
		}
		r := rc.open(data, e)
		if r == nil {
			continue
		}
		for _, s := range findSignatures(r, data[:e]) {
			if !have[s.br] && s.br[2]+s.br[3] <= e {
				have[s.br] = true
				s.vanished = true
				sigs = append(sigs, s)
				added = true
			}
		}
	}
	if added {
		sort.Slice(sigs, func(i, j int) bool { return sigs[i].br[2]+sigs[i].br[3] < sigs[j].br[2]+sigs[j].br[3] })
	}
	return sigs
}

// findSignatures collects signature dictionaries from the AcroForm fields and, for files whose
// form is damaged, from every object; sorted by where their signed range ends.
func findSignatures(rdr *pdf.Reader, raw []byte) []sigDict {
	seen := map[[4]int64]int{}
	var out []sigDict
	add := func(field string, v pdf.Value) {
		if v.Kind() != pdf.Dict || v.Key("ByteRange").Kind() != pdf.Array || v.Key("Contents").Kind() != pdf.String {
			return
		}
		if strings.Trim(v.Key("Contents").RawString(), "\x00") == "" {
			return // an empty placeholder: a field prepared for a signature, not a signature
		}
		br := v.Key("ByteRange")
		if br.Len() != 4 {
			return
		}
		var b [4]int64
		for i := range 4 {
			b[i] = br.Index(i).Int64()
		}
		if i, ok := seen[b]; ok {
			if field != "" && !slices.Contains(out[i].fields, field) {
				out[i].fields = append(out[i].fields, field)
				if out[i].field == "" {
					out[i].field = field
				}
			}
			return
		}
		seen[b] = len(out)
		var fields []string
		if field != "" {
			fields = []string{field}
		}
		out = append(out, sigDict{field: field, fields: fields, v: v, br: b})
	}
	var walk func(f pdf.Value, name string, depth int)
	walk = func(f pdf.Value, name string, depth int) {
		if depth > 16 || f.Kind() != pdf.Dict {
			return
		}
		if t := f.Key("T").Text(); t != "" {
			if name != "" {
				name += "."
			}
			name += t
		}
		add(name, f.Key("V"))
		kids := f.Key("Kids")
		for i := 0; i < kids.Len(); i++ {
			walk(kids.Index(i), name, depth+1)
		}
	}
	fields := rdr.Trailer().Key("Root").Key("AcroForm").Key("Fields")
	for i := 0; i < fields.Len(); i++ {
		walk(fields.Index(i), "", 0)
	}
	// Signature dictionaries no field refers to (damaged forms, or signatures whose field was removed):
	// look at every object only when the file names more signed ranges than the fields gave. Signature
	// dictionaries are never compressed in object streams (their offsets are signed), so the raw text
	// tells.
	if raw != nil && bytes.Count(raw, []byte("/ByteRange")) <= len(out) {
		sort.Slice(out, func(i, j int) bool { return out[i].br[2]+out[i].br[3] < out[j].br[2]+out[j].br[3] })
		return out
	}
	for _, x := range rdr.Xref() {
		v := rdr.Resolve(x.Ptr(), x.Ptr())
		if t := v.Key("Type").Name(); t == "Sig" || t == "DocTimeStamp" || v.Key("Filter").Kind() == pdf.Name {
			add("", v)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].br[2]+out[i].br[3] < out[j].br[2]+out[j].br[3] })
	return out
}

var (
	oidSigningTime = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}
	oidTSToken     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 14}
	oidRevArchival = asn1.ObjectIdentifier{1, 2, 840, 113583, 1, 1, 8}
)

func hashForOID(oid asn1.ObjectIdentifier) (crypto.Hash, string) {
	switch oid.String() {
	case "1.3.14.3.2.26", "1.2.840.113549.1.1.5":
		return crypto.SHA1, "SHA-1"
	case "2.16.840.1.101.3.4.2.4":
		return crypto.SHA224, "SHA-224"
	case "2.16.840.1.101.3.4.2.1", "1.2.840.113549.1.1.11":
		return crypto.SHA256, "SHA-256"
	case "2.16.840.1.101.3.4.2.2", "1.2.840.113549.1.1.12":
		return crypto.SHA384, "SHA-384"
	case "2.16.840.1.101.3.4.2.3", "1.2.840.113549.1.1.13":
		return crypto.SHA512, "SHA-512"
	case "1.2.840.113549.2.5":
		return crypto.MD5, "MD5"
	}
	return 0, oid.String()
}

// signedBytes returns the two ranges the signature covers, after checking they make sense.
func signedBytes(data []byte, br [4]int64) ([]byte, error) {
	n := int64(len(data))
	if br[0] != 0 || br[1] <= 0 || br[2] <= br[1] || br[3] < 0 || br[2]+br[3] > n || br[1] >= n {
		return nil, fmt.Errorf("ByteRange %v does not fit the file of %d bytes", br, n)
	}
	if data[br[1]] != '<' || data[br[2]-1] != '>' {
		return nil, fmt.Errorf("ByteRange %v does not exclude exactly the signature value", br)
	}
	out := make([]byte, 0, br[1]+br[3])
	out = append(out, data[:br[1]]...)
	return append(out, data[br[2]:br[2]+br[3]]...), nil
}

// inspect verifies one signature's bytes, certificate and timestamp.
func inspect(data []byte, s *sigDict, roots *x509.CertPool) (sr SignatureReport) {
	v := s.v
	sr.Field = s.field
	sr.ByteRange = s.br
	sr.SubFilter = v.Key("SubFilter").Name()
	sr.Reason, sr.Location, sr.Contact = v.Key("Reason").Text(), v.Key("Location").Text(), v.Key("ContactInfo").Text()
	sr.Kind = KindSignature
	if sr.SubFilter == "ETSI.RFC3161" || v.Key("Type").Name() == "DocTimeStamp" {
		sr.Kind = KindDocumentTimestamp
	}
	if m := v.Key("M"); m.Kind() == pdf.String {
		if t, err := parsePDFDate(m.Text()); err == nil {
			sr.SigningTime, sr.TimeSource = t, TimeFromPDF
		}
	}
	content, err := signedBytes(data, s.br)
	if err != nil {
		sr.Error, sr.SubIndication = err.Error(), SubFormatFailure
		return sr
	}
	contents := []byte(v.Key("Contents").RawString())
	if sr.Kind == KindDocumentTimestamp {
		inspectDocTimestamp(&sr, content, contents, roots)
		return sr
	}
	p7, err := pkcs7.Parse(contents)
	if err != nil || len(p7.Signers) == 0 {
		// The PKCS#7 library reads only signers named by issuer and serial, and refuses certificates
		// with keys Go cannot use: read the CMS structure ourselves.
		inspectCMS(&sr, s, content, contents, roots)
		return sr
	}
	si := p7.Signers[0]
	var ee *x509.Certificate
	for _, c := range p7.Certificates {
		if c.SerialNumber.Cmp(si.IssuerAndSerialNumber.SerialNumber) == 0 && bytes.Equal(c.RawIssuer, si.IssuerAndSerialNumber.IssuerName.FullBytes) {
			ee = c
		}
	}
	if ee == nil || si.DigestEncryptionAlgorithm.Algorithm.String() == "1.2.840.113549.1.1.10" { // RSA-PSS: pkcs7 cannot check it
		inspectCMS(&sr, s, content, contents, roots)
		return sr
	}
	hasSigningCert := false
	for _, a := range si.AuthenticatedAttributes {
		if o := a.Type.String(); o == oidSigningCertV1 || o == oidSigningCertV2 {
			hasSigningCert = true
		}
	}
	s.signerIdentity(ee, sr.SubFilter == "ETSI.CAdES.detached" && len(p7.Signers) == 1 && hasSigningCert)
	sr.Signer = summary(ee)
	sr.SignerName = ee.Subject.CommonName
	sr.KeyAlgorithm = KeyDescription(ee)
	h, hname := hashForOID(si.DigestAlgorithm.Algorithm)
	sr.DigestAlgorithm = hname
	if desc, ok := keyStrength(ee); !ok {
		sr.Weak, sr.WeakReasons = true, append(sr.WeakReasons, "key "+desc)
	}
	if h == crypto.SHA1 || h == crypto.MD5 || h == 0 {
		sr.Weak, sr.WeakReasons = true, append(sr.WeakReasons, "digest "+hname)
	}
	var st time.Time
	if err := p7.UnmarshalSignedAttribute(oidSigningTime, &st); err == nil && !st.IsZero() {
		sr.SigningTime, sr.TimeSource = st, TimeFromSignedAttr
	}

	// Digest and signature value. pkcs7 also refuses signing times outside the certificate's validity;
	// that is reported separately, so verify against copies whose validity is unbounded.
	if sr.SubFilter == "adbe.pkcs7.sha1" {
		d := crypto.SHA1.New()
		d.Write(content)
		if !bytes.Equal(d.Sum(nil), p7.Content) {
			sr.Error, sr.SubIndication = "the document was changed after signing (SHA-1 digest mismatch)", SubHashFailure
		}
	} else {
		p7.Content = content
	}
	certs := p7.Certificates
	p7.Certificates = make([]*x509.Certificate, len(certs))
	for i, c := range certs {
		cc := *c
		cc.NotBefore, cc.NotAfter = time.Time{}, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
		p7.Certificates[i] = &cc
	}
	if sr.Error == "" {
		if err := p7.Verify(); err != nil {
			var mm *pkcs7.MessageDigestMismatchError
			switch {
			case errors.As(err, &mm):
				sr.Error, sr.SubIndication = "the document was changed after signing (digest mismatch)", SubHashFailure
			case !supportedSignatureAlgorithm(si.DigestEncryptionAlgorithm.Algorithm.String(), ee):
				sr.Error, sr.UnsupportedAlgorithm = "unsupported signature algorithm "+si.DigestEncryptionAlgorithm.Algorithm.String(), true
			default:
				sr.Error, sr.SubIndication = "the signature value does not verify: "+err.Error(), SubSigCryptoFailure
			}
		} else {
			sr.DigestValid = true
		}
	}
	p7.Certificates = certs

	// Timestamp inside the signature (PAdES-T).
	for _, a := range si.UnauthenticatedAttributes {
		if a.Type.Equal(oidTSToken) {
			tr := &TimestampReport{}
			sr.Timestamp = tr
			ts, err := timestamp.Parse(a.Value.Bytes)
			if err != nil {
				tr.Error = "the timestamp token does not verify: " + err.Error()
				break
			}
			tr.Time = ts.Time
			tsCert := tsaSigner(a.Value.Bytes, ts.Certificates)
			tr.Authority = tsaName(tsCert)
			d := ts.HashAlgorithm.New()
			d.Write(si.EncryptedDigest)
			if !bytes.Equal(d.Sum(nil), ts.HashedMessage) {
				tr.Error = "the timestamp does not belong to this signature (imprint mismatch)"
				break
			}
			tr.Valid = true
			tr.Trusted = chainTrusted(tsCert, ts.Certificates, roots, ts.Time) == nil
			sr.SigningTime, sr.TimeSource = ts.Time, TimeFromTimestamp
			break
		}
	}

	at := sr.SigningTime
	if at.IsZero() {
		at = time.Now()
	}
	sr.Revocation = embeddedRevocation(p7, ee, certs, at)
	if sr.Revocation == nil {
		sr.Revocation = dssRevocation(data, ee, certs, at)
	}
	sr.CertValidAtSigning = !at.Before(ee.NotBefore) && !at.After(ee.NotAfter)
	chains, err := ee.Verify(x509.VerifyOptions{
		Roots: roots, Intermediates: poolOf(certs), CurrentTime: at,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
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
	return sr
}

// inspectDocTimestamp checks an ETSI.RFC3161 document timestamp: its imprint covers the signed bytes.
func inspectDocTimestamp(sr *SignatureReport, content, token []byte, roots *x509.CertPool) {
	tr := &TimestampReport{}
	sr.Timestamp = tr
	ts, err := timestamp.Parse(token)
	if err != nil {
		tr.Error = "the timestamp token does not verify: " + err.Error()
		sr.Error, sr.SubIndication = tr.Error, SubFormatFailure
		return
	}
	tsCert := tsaSigner(token, ts.Certificates)
	tr.Time, tr.Authority = ts.Time, tsaName(tsCert)
	sr.SignerName = tr.Authority
	sr.SigningTime, sr.TimeSource = ts.Time, TimeFromTimestamp
	_, sr.DigestAlgorithm = hashForOIDFromHash(ts.HashAlgorithm)
	if ts.HashAlgorithm == crypto.SHA1 {
		sr.Weak, sr.WeakReasons = true, []string{"digest SHA-1"}
	}
	d := ts.HashAlgorithm.New()
	d.Write(content)
	if !bytes.Equal(d.Sum(nil), ts.HashedMessage) {
		sr.Error, sr.SubIndication = "the document was changed after the timestamp (imprint mismatch)", SubHashFailure
		tr.Error = sr.Error
		return
	}
	sr.DigestValid, tr.Valid = true, true
	if tsCert != nil {
		sr.Signer = summary(tsCert)
		sr.KeyAlgorithm = KeyDescription(tsCert)
		sr.CertValidAtSigning = !ts.Time.Before(tsCert.NotBefore) && !ts.Time.After(tsCert.NotAfter)
	}
	if err := chainTrusted(tsCert, ts.Certificates, roots, ts.Time); err != nil {
		sr.TrustError = err.Error()
	} else {
		sr.Trusted, tr.Trusted = true, true
	}
}

func hashForOIDFromHash(h crypto.Hash) (crypto.Hash, string) {
	names := map[crypto.Hash]string{crypto.SHA1: "SHA-1", crypto.SHA224: "SHA-224", crypto.SHA256: "SHA-256", crypto.SHA384: "SHA-384", crypto.SHA512: "SHA-512"}
	return h, names[h]
}

// tsaSigner finds the certificate that signed a timestamp token.
func tsaSigner(token []byte, certs []*x509.Certificate) *x509.Certificate {
	if p7, err := pkcs7.Parse(token); err == nil {
		if c := p7.GetOnlySigner(); c != nil {
			return c
		}
	}
	if len(certs) > 0 {
		return certs[0]
	}
	return nil
}

// chainTrusted verifies the TSA's certificate against roots at t.
func chainTrusted(leaf *x509.Certificate, certs []*x509.Certificate, roots *x509.CertPool, t time.Time) error {
	if leaf == nil {
		return errors.New("no certificate embedded")
	}
	_, err := leaf.Verify(x509.VerifyOptions{
		Roots: roots, Intermediates: poolOf(certs), CurrentTime: t,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
	return err
}

func tsaName(c *x509.Certificate) string {
	if c == nil {
		return ""
	}
	return c.Subject.CommonName
}

func poolOf(certs []*x509.Certificate) *x509.CertPool {
	p := x509.NewCertPool()
	for _, c := range certs {
		p.AddCert(c)
	}
	return p
}

// buildChain follows issuer names through certs as far as it goes.
func buildChain(ee *x509.Certificate, certs []*x509.Certificate) []*x509.Certificate {
	chain := []*x509.Certificate{ee}
	for cur := ee; len(chain) < 10; {
		var next *x509.Certificate
		for _, c := range certs {
			if bytes.Equal(c.RawSubject, cur.RawIssuer) && !slices.Contains(chain, c) {
				next = c
				break
			}
		}
		if next == nil {
			break
		}
		chain = append(chain, next)
		cur = next
	}
	return chain
}

func summary(c *x509.Certificate) *CertSummary {
	return &CertSummary{
		Subject:   c.Subject.String(),
		Issuer:    c.Issuer.String(),
		Serial:    fmt.Sprintf("%X", c.SerialNumber),
		NotBefore: c.NotBefore,
		NotAfter:  c.NotAfter,
	}
}

// parsePDFDate reads "D:YYYYMMDDHHmmSS+HH'mm'" and its shorter forms.
func parsePDFDate(s string) (time.Time, error) {
	if len(s) >= 2 && s[:2] == "D:" {
		s = s[2:]
	}
	digits := 0
	for digits < len(s) && digits < 14 && s[digits] >= '0' && s[digits] <= '9' {
		digits++
	}
	if digits < 4 {
		return time.Time{}, fmt.Errorf("bad PDF date %q", s)
	}
	base := (s[:digits] + "0101000000")[:14]
	if digits < 6 {
		base = s[:4] + "0101000000"
	} else if digits < 8 {
		base = s[:6] + "01000000"
	}
	loc := time.UTC
	rest := s[digits:]
	if len(rest) >= 3 && (rest[0] == '+' || rest[0] == '-') {
		var hh, mm int
		fmt.Sscanf(rest[1:3], "%d", &hh)
		if len(rest) >= 6 {
			fmt.Sscanf(rest[4:6], "%d", &mm)
		}
		off := hh*3600 + mm*60
		if rest[0] == '-' {
			off = -off
		}
		loc = time.FixedZone("", off)
	}
	return time.ParseInLocation("20060102150405", base, loc)
}

// embeddedRevocation reads the OCSP responses and CRLs the signer embedded (adbe-revocationInfoArchival,
// a signed attribute) and returns the first that speaks about ee, checked against its issuer at time at.
func embeddedRevocation(p7 *pkcs7.PKCS7, ee *x509.Certificate, certs []*x509.Certificate, at time.Time) *RevocationStatus {
	var ria revocation.InfoArchival
	if err := p7.UnmarshalSignedAttribute(oidRevArchival, &ria); err != nil || len(ria.OCSP)+len(ria.CRL) == 0 {
		return nil
	}
	var ocsps, crls [][]byte
	for _, r := range ria.OCSP {
		ocsps = append(ocsps, r.FullBytes)
	}
	for _, r := range ria.CRL {
		crls = append(crls, r.FullBytes)
	}
	return revocationFrom(ocsps, crls, ee, certs, at)
}

// dssRevocation reads the OCSP responses and CRLs of the document's final /DSS (PAdES B-LT validation
// data, added after the signature) the same way, when the signature itself embeds none.
func dssRevocation(data []byte, ee *x509.Certificate, certs []*x509.Certificate, at time.Time) (st *RevocationStatus) {
	if !bytes.Contains(data, []byte("/DSS")) {
		return nil
	}
	defer func() {
		if recover() != nil {
			st = nil
		}
	}()
	rdr, err := openPDF(data)
	if err != nil {
		return nil
	}
	dss := rdr.Trailer().Key("Root").Key("DSS")
	var ocsps, crls [][]byte
	for a, i := dss.Key("OCSPs"), 0; i < a.Len(); i++ {
		ocsps = append(ocsps, streamBytes(a.Index(i)))
	}
	for a, i := dss.Key("CRLs"), 0; i < a.Len(); i++ {
		crls = append(crls, streamBytes(a.Index(i)))
	}
	if len(ocsps)+len(crls) == 0 {
		return nil
	}
	for a, i := dss.Key("Certs"), 0; i < a.Len(); i++ {
		if c, err := x509.ParseCertificate(streamBytes(a.Index(i))); err == nil {
			certs = append(certs, c)
		}
	}
	st = revocationFrom(ocsps, crls, ee, certs, at)
	if st.Status == RevocationUnchecked {
		return nil // answers about other certificates only
	}
	return st
}

// revocationFrom returns the first of the OCSP responses, else CRLs, that speaks about ee.
func revocationFrom(ocsps, crls [][]byte, ee *x509.Certificate, certs []*x509.Certificate, at time.Time) *RevocationStatus {
	var issuer *x509.Certificate
	for _, c := range certs {
		if bytes.Equal(c.RawSubject, ee.RawIssuer) && ee.CheckSignatureFrom(c) == nil {
			issuer = c
			break
		}
	}
	st := &RevocationStatus{Subject: ee.Subject.CommonName, Status: RevocationUnchecked}
	if issuer == nil {
		st.Notes = "the issuer certificate is not embedded: the revocation data cannot be checked"
		return st
	}
	var problems []string
	for _, r := range ocsps {
		got, err := parseOCSP(r, ee, issuer, at)
		if err == nil {
			got.OCSP, got.CheckedAt = nil, got.ThisUpdate
			return &got
		}
		problems = append(problems, "OCSP: "+err.Error())
	}
	for _, r := range crls {
		got, err := parseCRL(r, ee, issuer, at)
		if err == nil {
			got.CRL, got.CheckedAt = nil, got.ThisUpdate
			return &got
		}
		problems = append(problems, "CRL: "+err.Error())
	}
	st.Notes = strings.Join(problems, "; ")
	return st
}

// supportedSignatureAlgorithm tells whether the SignerInfo's signature algorithm is one this verifier
// checks (RSA PKCS#1 v1.5, ECDSA on the NIST curves, Ed25519) with the certificate's key type.
func supportedSignatureAlgorithm(oid string, ee *x509.Certificate) bool {
	switch ee.PublicKeyAlgorithm {
	case x509.RSA:
		switch oid {
		case "1.2.840.113549.1.1.1", "1.2.840.113549.1.1.5", "1.2.840.113549.1.1.11", "1.2.840.113549.1.1.12",
			"1.2.840.113549.1.1.13", "1.2.840.113549.1.1.14", "1.2.840.113549.1.1.10":
			return true
		}
	case x509.ECDSA:
		switch oid {
		case "1.2.840.10045.2.1", "1.2.840.10045.4.1", "1.2.840.10045.4.3.1", "1.2.840.10045.4.3.2",
			"1.2.840.10045.4.3.3", "1.2.840.10045.4.3.4":
			return true
		}
	case x509.Ed25519:
		return oid == "1.3.101.112"
	}
	return false
}
