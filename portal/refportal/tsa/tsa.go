// The timestamp authority's handler: RFC 3161 requests in, signed tokens out.

package tsa

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"time"

	"github.com/digitorus/timestamp"

	"sohoa/errs"
)

// MaxRequestBytes bounds a timestamp query (a real one is under 200 bytes).
const MaxRequestBytes = 16 << 10

// DefaultPolicy is the TSA policy OID written in every token (a private arc; training only).
var DefaultPolicy = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 59999, 1, 1}

var oidExtKeyUsage = asn1.ObjectIdentifier{2, 5, 29, 37}

// oidTimeStamping is id-kp-timeStamping.
var oidTimeStamping = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 8}

// ErrNotTSACertificate: the certificate may not sign timestamps (RFC 3161 §2.3: a critical extended key
// usage holding only id-kp-timeStamping).
var ErrNotTSACertificate = errs.New("error.tsa.not_tsa_certificate", errs.Permanent, "tsa: the certificate is not a timestamping certificate (extended key usage must be critical and only timeStamping)")

// Authority signs timestamp tokens.
type Authority struct {
	cert   *x509.Certificate
	key    crypto.Signer
	chain  []*x509.Certificate // issuers above cert, included in every token
	policy asn1.ObjectIdentifier
	now    func() time.Time
}

// New makes an authority from a TSA certificate, its key and the certificates above it.
func New(cert *x509.Certificate, key crypto.Signer, chain []*x509.Certificate) (*Authority, error) {
	if cert == nil || key == nil {
		return nil, errors.New("tsa: certificate and key are required")
	}
	if err := checkTSACertificate(cert); err != nil {
		return nil, err
	}
	return &Authority{cert: cert, key: key, chain: chain, policy: DefaultPolicy, now: time.Now}, nil
}

// checkTSACertificate applies RFC 3161 §2.3.
func checkTSACertificate(c *x509.Certificate) error {
	for _, e := range c.Extensions {
		if e.Id.Equal(oidExtKeyUsage) {
			if !e.Critical || len(c.ExtKeyUsage) != 1 || c.ExtKeyUsage[0] != x509.ExtKeyUsageTimeStamping || len(c.UnknownExtKeyUsage) != 0 {
				return ErrNotTSACertificate
			}
			return nil
		}
	}
	return ErrNotTSACertificate
}

// Certificate returns the TSA's certificate.
func (a *Authority) Certificate() *x509.Certificate { return a.cert }

// Chain returns the certificates above the TSA's, root last.
func (a *Authority) Chain() []*x509.Certificate { return a.chain }

// Generate makes a throw-away hierarchy for training: a root CA named "<name> Root" and a TSA
// certificate under it, both ECDSA P-256, valid from an hour ago for the given duration. Trust the
// root (Chain()[0]) to see the tokens as trusted.
func Generate(name string, validity time.Duration) (*Authority, error) {
	rootKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	start := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	rootTmpl := &x509.Certificate{
		SerialNumber: serial(), Subject: pkix.Name{CommonName: name + " Root", Country: []string{"VN"}, OrganizationalUnit: []string{"TRAINING"}},
		NotBefore: start, NotAfter: start.Add(validity + 24*time.Hour),
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign, BasicConstraintsValid: true, IsCA: true,
	}
	rootDER, err := x509.CreateCertificate(rand.Reader, rootTmpl, rootTmpl, rootKey.Public(), rootKey)
	if err != nil {
		return nil, fmt.Errorf("tsa: root certificate: %w", err)
	}
	root, err := x509.ParseCertificate(rootDER)
	if err != nil {
		return nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	cert, err := IssueTSACertificate(root, rootKey, key.Public(), name, start, start.Add(validity))
	if err != nil {
		return nil, err
	}
	return New(cert, key, []*x509.Certificate{root})
}

// IssueTSACertificate signs a TSA certificate for pub under issuer: digitalSignature, and a critical
// extended key usage holding only id-kp-timeStamping.
func IssueTSACertificate(issuer *x509.Certificate, issuerKey crypto.Signer, pub crypto.PublicKey, name string, notBefore, notAfter time.Time) (*x509.Certificate, error) {
	eku, err := asn1.Marshal([]asn1.ObjectIdentifier{oidTimeStamping})
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(), Subject: pkix.Name{CommonName: name, Country: []string{"VN"}, OrganizationalUnit: []string{"TRAINING"}},
		NotBefore: notBefore, NotAfter: notAfter, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtraExtensions: []pkix.Extension{{Id: oidExtKeyUsage, Critical: true, Value: eku}},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, issuer, pub, issuerKey)
	if err != nil {
		return nil, fmt.Errorf("tsa: TSA certificate: %w", err)
	}
	return x509.ParseCertificate(der)
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	return n.Add(n, big.NewInt(1))
}

// Stamp returns a DER TimeStampResp granting a token for the DER TimeStampReq, or a rejection
// (PKIStatus rejection with a failure reason) for a request it cannot serve.
func (a *Authority) Stamp(req []byte) ([]byte, error) {
	r, err := timestamp.ParseRequest(req)
	if err != nil {
		return timestamp.CreateErrorResponse(timestamp.Rejection, timestamp.BadDataFormat)
	}
	switch r.HashAlgorithm {
	case crypto.SHA256, crypto.SHA384, crypto.SHA512:
	default:
		return timestamp.CreateErrorResponse(timestamp.Rejection, timestamp.BadAlgorithm)
	}
	if len(r.HashedMessage) != r.HashAlgorithm.Size() {
		return timestamp.CreateErrorResponse(timestamp.Rejection, timestamp.BadDataFormat)
	}
	if len(r.TSAPolicyOID) > 0 && !r.TSAPolicyOID.Equal(a.policy) {
		return timestamp.CreateErrorResponse(timestamp.Rejection, timestamp.UnacceptedPolicy)
	}
	for _, e := range r.Extensions {
		if e.Critical {
			return timestamp.CreateErrorResponse(timestamp.Rejection, timestamp.UnacceptedExtension)
		}
	}
	ts := timestamp.Timestamp{
		HashAlgorithm: r.HashAlgorithm, HashedMessage: r.HashedMessage,
		Time: a.now().UTC().Truncate(time.Second), Accuracy: time.Second,
		Nonce: r.Nonce, Policy: a.policy, AddTSACertificate: r.Certificates,
	}
	if r.Certificates {
		ts.Certificates = a.chain
	}
	return ts.CreateResponseWithOpts(a.cert, a.key, crypto.SHA256)
}

// ServeHTTP answers POST application/timestamp-query with application/timestamp-reply (RFC 3161 §3.4).
func (a *Authority) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "POST a timestamp query (application/timestamp-query)", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxRequestBytes+1))
	if err != nil {
		http.Error(w, "cannot read the request", http.StatusBadRequest)
		return
	}
	if len(body) > MaxRequestBytes {
		http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
		return
	}
	resp, err := a.Stamp(body)
	if err != nil {
		http.Error(w, "the timestamp could not be made", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/timestamp-reply")
	_, _ = w.Write(resp)
}
