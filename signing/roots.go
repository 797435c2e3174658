// Trust roots: the certificates shipped in assets/roots and loading more from PEM or DER files.

package signing

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"
	"sync"

	"sohoa/assets"
	"sohoa/errs"
)

// ErrNoCertificates: a trust file holds no certificate.
var ErrNoCertificates = errs.New("error.roots.no_certificates", errs.NeedsOfficer, "the file holds no certificate (expected PEM or DER): choose the certificate file (.crt, .cer, .pem) from your certificate authority")

// ParseCertificates reads every certificate in data, PEM (any number of CERTIFICATE blocks) or DER.
func ParseCertificates(data []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	if bytes.Contains(data, []byte("-----BEGIN")) {
		rest := data
		for {
			var b *pem.Block
			b, rest = pem.Decode(rest)
			if b == nil {
				break
			}
			if b.Type != "CERTIFICATE" && b.Type != "TRUSTED CERTIFICATE" {
				continue
			}
			c, err := x509.ParseCertificate(b.Bytes)
			if err != nil {
				return nil, fmt.Errorf("parse PEM certificate: %w", err)
			}
			certs = append(certs, c)
		}
	} else {
		cs, err := x509.ParseCertificates(data)
		if err != nil {
			return nil, fmt.Errorf("parse DER certificate: %w: %w", ErrNoCertificates, err)
		}
		certs = cs
	}
	if len(certs) == 0 {
		return nil, ErrNoCertificates
	}
	return certs, nil
}

// LoadRoots builds a pool from certificate files, each PEM or DER.
func LoadRoots(pemOrDerFiles ...string) (*x509.CertPool, error) {
	pool := x509.NewCertPool()
	for _, f := range pemOrDerFiles {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("read trust root: %w", err)
		}
		certs, err := ParseCertificates(data)
		if err != nil {
			return nil, fmt.Errorf("trust root %s: %w", f, err)
		}
		for _, c := range certs {
			pool.AddCert(c)
		}
	}
	return pool, nil
}

var shipped = sync.OnceValues(func() ([]*x509.Certificate, error) {
	entries, err := fs.ReadDir(assets.FS, "roots")
	if err != nil {
		return nil, err
	}
	var all []*x509.Certificate
	for _, e := range entries {
		ext := strings.ToLower(path.Ext(e.Name()))
		if e.IsDir() || (ext != ".crt" && ext != ".cer" && ext != ".pem" && ext != ".der") {
			continue
		}
		data, err := fs.ReadFile(assets.FS, path.Join("roots", e.Name()))
		if err != nil {
			return nil, err
		}
		certs, err := ParseCertificates(data)
		if err != nil {
			return nil, fmt.Errorf("embedded root %s: %w", e.Name(), err)
		}
		all = append(all, certs...)
	}
	return all, nil
})

// ShippedRootCertificates returns the certificates embedded in assets/roots (roots and intermediates).
func ShippedRootCertificates() []*x509.Certificate {
	certs, err := shipped()
	if err != nil {
		panic("signing: embedded roots unreadable: " + err.Error())
	}
	return certs
}

// ShippedRoots returns a fresh pool of the embedded trust anchors: the Vietnam National Root CA,
// the Government (VGCA) root, and the shipped intermediates, each treated as an anchor.
func ShippedRoots() *x509.CertPool {
	pool := x509.NewCertPool()
	for _, c := range ShippedRootCertificates() {
		pool.AddCert(c)
	}
	return pool
}
