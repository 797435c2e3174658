// Test helpers: a throw-away PKI, generated PDFs and the poppler/qpdf/NSS command lines.

package signing_test

import (
	"sohoa/internal/testdata"

	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/pdfcpu/pdfcpu/pkg/api"

	"sohoa/signing/pkcs12"
)

// testCA is a CA made for one test.
type testCA struct {
	cert *x509.Certificate
	key  crypto.Signer
}

func (ca testCA) pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.cert)
	return p
}

func (ca testCA) pem(t *testing.T, dir string) string {
	p := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(p, pkcs12.CertPEM(ca.cert), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

var serialN int64 = 1000

func newCA(t testing.TB, name string) testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serialN++
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serialN), Subject: pkix.Name{CommonName: name, Country: []string{"VN"}},
		NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: time.Now().AddDate(10, 0, 0),
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign, BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return testCA{cert: c, key: key}
}

// leafOpts describes a signer certificate to issue.
type leafOpts struct {
	name      string
	key       crypto.Signer // nil: ECDSA P-256
	ku        x509.KeyUsage // 0: digitalSignature|contentCommitment
	notBefore time.Time
	notAfter  time.Time
	ocsp      string // OCSP responder URL
	crl       string // CRL distribution point
}

func (ca testCA) issue(t testing.TB, o leafOpts) *pkcs12.Identity {
	t.Helper()
	if o.key == nil {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		o.key = k
	}
	if o.ku == 0 {
		o.ku = x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
	}
	if o.notBefore.IsZero() {
		o.notBefore = time.Now().Add(-24 * time.Hour)
	}
	if o.notAfter.IsZero() {
		o.notAfter = time.Now().AddDate(2, 0, 0)
	}
	serialN++
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serialN), Subject: pkix.Name{CommonName: o.name, Organization: []string{"UBND xã Thử Nghiệm"}},
		NotBefore: o.notBefore, NotAfter: o.notAfter, KeyUsage: o.ku,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
	}
	if o.ocsp != "" {
		tmpl.OCSPServer = []string{o.ocsp}
	}
	if o.crl != "" {
		tmpl.CRLDistributionPoints = []string{o.crl}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, o.key.Public(), ca.key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return pkcs12.NewIdentity(o.key, c, []*x509.Certificate{ca.cert}, o.name)
}

func rsaKey(t testing.TB, bits int) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// makePDF builds an A4 document of n pages with some text on each.
func makePDF(t testing.TB, n int) []byte {
	t.Helper()
	p := fpdf.New("P", "mm", "A4", "")
	p.SetCompression(false)
	p.SetFont("Helvetica", "", 14)
	for i := 1; i <= n; i++ {
		p.AddPage()
		p.SetXY(20, 120)
		p.Cell(0, 10, fmt.Sprintf("Trang %d - ban sao so hoa", i))
		p.Rect(20, 140, 170, 100, "D")
	}
	var buf bytes.Buffer
	if err := p.Output(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func writeFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func run(t testing.TB, name string, args ...string) (string, error) {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	return string(out), err
}

// pdfsig runs poppler's pdfsig, optionally with an NSS database that trusts caPEM.
func pdfsig(t testing.TB, file string, caPEM string) string {
	t.Helper()
	args := []string{file}
	if caPEM != "" {
		db := t.TempDir()
		if out, err := run(t, "certutil", "-N", "-d", "sql:"+db, "--empty-password"); err != nil {
			t.Fatalf("certutil -N: %v\n%s", err, out)
		}
		if out, err := run(t, "certutil", "-A", "-d", "sql:"+db, "-n", "ca", "-t", "CT,C,C", "-i", caPEM); err != nil {
			t.Fatalf("certutil -A: %v\n%s", err, out)
		}
		args = []string{"-nssdir", "sql:" + db, file}
	}
	out, _ := run(t, "pdfsig", args...)
	return out
}

func qpdfCheck(t testing.TB, file string) {
	t.Helper()
	out, err := run(t, "qpdf", "--check", file)
	if err != nil || !strings.Contains(out, "No syntax or stream encoding errors") {
		t.Fatalf("qpdf --check %s: %v\n%s", file, err, out)
	}
}

// sharedTestdata is the project's testdata/<sub>.
func sharedTestdata(t testing.TB, sub string) string {
	t.Helper()
	return testdata.Dir(t, sub)
}

// makeScanPDF builds n A4 pages, each carrying its own 150 dpi greyscale JPEG like a scanned page.
func makeScanPDF(t testing.TB, n int) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 1240, 1754))
	for y := 0; y < 1754; y++ {
		for x := 0; x < 1240; x++ {
			v := uint8(235 + (x*7+y*13)%20)
			if (x/40+y/60)%9 == 0 {
				v = 40 // "text" blocks
			}
			img.SetGray(x, y, color.Gray{Y: v})
		}
	}
	p := fpdf.New("P", "mm", "A4", "")
	for i := 1; i <= n; i++ {
		for x := range 200 { // a different page each time, so nothing is shared
			img.SetGray(x+i*10, 900, color.Gray{Y: uint8(i)})
		}
		var jb bytes.Buffer
		if err := jpeg.Encode(&jb, img, &jpeg.Options{Quality: 75}); err != nil {
			t.Fatal(err)
		}
		p.AddPage()
		name := fmt.Sprintf("scan%d", i)
		p.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "JPG"}, bytes.NewReader(jb.Bytes()))
		p.ImageOptions(name, 0, 0, 210, 297, false, fpdf.ImageOptions{ImageType: "JPG"}, 0, "")
	}
	var buf bytes.Buffer
	if err := p.Output(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rotatePDF sets /Rotate on every page with pdfcpu (which rewrites the file with its own writer).
func rotatePDF(t testing.TB, in []byte, deg int) []byte {
	t.Helper()
	var out bytes.Buffer
	if err := api.Rotate(bytes.NewReader(in), &out, deg, nil, nil); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func readFile(p string) ([]byte, error) { return os.ReadFile(p) }

func x509VerifyOpts(roots *x509.CertPool) x509.VerifyOptions {
	return x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}
}
