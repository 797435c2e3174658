// Tests for Sign, checked from outside with qpdf, pdfsig (with and without an NSS trust store) and pdftoppm.

package signing_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"image"
	"image/png"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"sohoa/signing"
	"sohoa/signing/pkcs12"
)

var scanTime = time.Date(2026, 11, 26, 9, 15, 0, 0, time.FixedZone("ICT", 7*3600))

func TestSignTrainingIdentityTrustedByPdfsig(t *testing.T) {
	dir := t.TempDir()
	id, ca, err := pkcs12.Training(filepath.Join(dir, "training"), "Nguyễn Văn Nghĩa", "UBND xã Tam Kỳ")
	if err != nil {
		t.Fatal(err)
	}
	in := makePDF(t, 2)
	sum := sha256.Sum256(in)
	reason := "Số hóa bản sao (Circular 01/2023) \\ kiểm tra"
	out, err := signing.Sign(context.Background(), in, id,
		signing.Appearance{Unit: "UBND xã Tam Kỳ", ScanTime: scanTime, Training: true},
		signing.Options{Reason: reason, Location: "Quảng Nam", Contact: "0235.1022", Roots: poolOf(ca)})
	if err != nil {
		t.Fatal(err)
	}
	if sha256.Sum256(in) != sum {
		t.Fatal("Sign modified its input")
	}
	if !bytes.HasPrefix(out, in) {
		t.Fatal("output is not an incremental update of the input")
	}
	f := writeFile(t, dir, "signed.pdf", out)
	qpdfCheck(t, f)
	if s := pdfsig(t, f, ""); !strings.Contains(s, "Signature is Valid") {
		t.Fatalf("pdfsig:\n%s", s)
	}
	caPEM, err := pkcs12.TrainingCAPEM(filepath.Join(dir, "training"))
	if err != nil {
		t.Fatal(err)
	}
	s := pdfsig(t, f, writeFile(t, dir, "ca.pem", caPEM))
	if !strings.Contains(s, "Signature is Valid") || !strings.Contains(s, "Certificate is Trusted") {
		t.Fatalf("pdfsig with NSS trust:\n%s", s)
	}

	rep, err := signing.Verify(out, poolOf(ca))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Signatures) != 1 {
		t.Fatalf("%d signatures", len(rep.Signatures))
	}
	sr := rep.Signatures[0]
	if !sr.DigestValid || !sr.Trusted || !sr.CoversWholeDocument || sr.SignerName != "Nguyễn Văn Nghĩa" || sr.SubFilter != "ETSI.CAdES.detached" || sr.Level != signing.LevelBB || sr.DigestAlgorithm != "SHA-256" {
		t.Fatalf("report: %+v", sr)
	}
	if got := norm.NFC.String(sr.Reason); !strings.Contains(got, "ĐÀO TẠO") || !strings.Contains(got, "Số hóa bản sao") {
		t.Fatalf("reason read back as %q", got)
	}
	if norm.NFC.String(sr.Location) != "Quảng Nam" {
		t.Fatalf("location %q", sr.Location)
	}
	if !rep.Valid() {
		t.Fatalf("report not valid:\n%s", rep.Text("en"))
	}
	// The same identity is reused on the next call, not regenerated.
	id2, ca2, err := pkcs12.Training(filepath.Join(dir, "training"), "Nguyễn Văn Nghĩa", "UBND xã Tam Kỳ")
	if err != nil {
		t.Fatal(err)
	}
	if !id2.Certificate().Equal(id.Certificate()) || !ca2.Equal(ca) {
		t.Fatal("training identity was not reused")
	}
}

func poolOf(c *x509.Certificate) *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(c)
	return p
}

func TestSignTwiceBothValid(t *testing.T) {
	dir := t.TempDir()
	ca := newCA(t, "Test CA hai chữ ký")
	a := ca.issue(t, leafOpts{name: "Trần Thị Bình", key: rsaKey(t, 2048)})
	b := ca.issue(t, leafOpts{name: "Lê Văn Cường"})
	opt := signing.Options{Reason: "Số hóa", Roots: ca.pool()}
	one, err := signing.Sign(context.Background(), makePDF(t, 1), a, signing.Appearance{Unit: "UBND phường 1", ScanTime: scanTime}, opt)
	if err != nil {
		t.Fatal(err)
	}
	two, err := signing.Sign(context.Background(), one, b, signing.Appearance{Unit: "Bưu điện", ScanTime: scanTime}, opt)
	if err != nil {
		t.Fatal(err)
	}
	f := writeFile(t, dir, "two.pdf", two)
	qpdfCheck(t, f)
	s := pdfsig(t, f, ca.pem(t, dir))
	if strings.Count(s, "Signature is Valid") != 2 || strings.Count(s, "Certificate is Trusted") != 2 {
		t.Fatalf("pdfsig:\n%s", s)
	}
	rep, err := signing.Verify(two, ca.pool())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Signatures) != 2 {
		t.Fatalf("%d signatures", len(rep.Signatures))
	}
	first, second := rep.Signatures[0], rep.Signatures[1]
	if first.SignerName != "Trần Thị Bình" || !first.DigestValid || first.CoversWholeDocument || first.LaterRevisions != 1 || first.LaterChanges != signing.ChangesSignaturesOnly {
		t.Fatalf("first: %+v", first)
	}
	if second.SignerName != "Lê Văn Cường" || !second.DigestValid || !second.CoversWholeDocument {
		t.Fatalf("second: %+v", second)
	}
	if first.KeyAlgorithm != "RSA 2048" || second.KeyAlgorithm != "ECDSA P-256" {
		t.Fatalf("keys %q %q", first.KeyAlgorithm, second.KeyAlgorithm)
	}
}

func TestSignRSA3072NoChain(t *testing.T) {
	// A self-signed signer (no chain) with a large key exercises pdfsign's placeholder sizing.
	ca := newCA(t, "Root")
	id := ca.issue(t, leafOpts{name: "RSA 3072", key: rsaKey(t, 3072)})
	out, err := signing.Sign(context.Background(), makePDF(t, 1), pkcs12.NewIdentity(id, id.Certificate(), nil, "x"),
		signing.Appearance{ScanTime: scanTime}, signing.Options{Roots: ca.pool()})
	if err != nil {
		t.Fatal(err)
	}
	f := writeFile(t, t.TempDir(), "a.pdf", out)
	qpdfCheck(t, f)
	if s := pdfsig(t, f, ""); !strings.Contains(s, "Signature is Valid") {
		t.Fatalf("pdfsig:\n%s", s)
	}
}

// inkIn renders page 1 at 36 dpi once and returns a counter of the stamp's blue pixels inside a box
// given in mm from the visual top-left.
func inkIn(t *testing.T, pdfFile string) func(x0, y0, x1, y1 float64) int {
	t.Helper()
	outBase := filepath.Join(t.TempDir(), "p")
	if out, err := exec.Command("pdftoppm", "-r", "36", "-f", "1", "-l", "1", "-png", "-singlefile", pdfFile, outBase).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	data, err := readFile(outBase + ".png")
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return func(x0, y0, x1, y1 float64) int { return countBlue(img, x0, y0, x1, y1) }
}

func countBlue(img image.Image, x0, y0, x1, y1 float64) int {
	px := func(mm float64) int { return int(mm / 25.4 * 36) }
	n := 0
	r := image.Rect(px(x0), px(y0), px(x1), px(y1)).Intersect(img.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, _, cb, _ := img.At(x, y).RGBA()
			if cb > cr+0x3000 { // the stamp's blue ink; the test pages are black on white
				n++
			}
		}
	}
	return n
}

func TestAppearanceVisibleTopLeft(t *testing.T) {
	dir := t.TempDir()
	ca := newCA(t, "CA")
	id := ca.issue(t, leafOpts{name: "Phạm Thị Dung"})
	for _, rotate := range []int{0, 90, 180, 270} {
		in := makePDF(t, 1)
		if rotate != 0 {
			in = rotatePDF(t, in, rotate)
		}
		before := inkIn(t, writeFile(t, dir, "in.pdf", in))(0, 0, 75, 35)
		out, err := signing.Sign(context.Background(), in, id, signing.Appearance{Unit: "UBND xã Đại Lộc", ScanTime: scanTime}, signing.Options{Roots: ca.pool()})
		if err != nil {
			t.Fatal(err)
		}
		f := writeFile(t, dir, "out.pdf", out)
		ink := inkIn(t, f)
		after := ink(0, 0, 75, 35)
		// Elsewhere (bottom-right) nothing changed.
		if before != 0 || after < 100 {
			t.Fatalf("rotate %d: ink in the top-left box before %d, after %d", rotate, before, after)
		}
		qpdfCheck(t, f)
		if s := pdfsig(t, f, ""); !strings.Contains(s, "Signature is Valid") {
			t.Fatalf("rotate %d: pdfsig:\n%s", rotate, s)
		}
		if ink(75, 0, 300, 300) != 0 || ink(0, 35, 75, 300) != 0 {
			t.Fatalf("rotate %d: the stamp is not at the top-left", rotate)
		}
	}
}

func TestAppearancePNGTraining(t *testing.T) {
	plain, err := signing.Appearance{SignerName: "Nguyễn Văn A", Unit: "UBND xã Bình Minh", ScanTime: scanTime}.PNG()
	if err != nil {
		t.Fatal(err)
	}
	training, err := signing.Appearance{SignerName: "Nguyễn Văn A", Unit: "UBND xã Bình Minh", ScanTime: scanTime, Training: true}.PNG()
	if err != nil {
		t.Fatal(err)
	}
	red := func(b []byte) int {
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
			for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
				r, g, bl, _ := img.At(x, y).RGBA()
				if r > 0xa000 && g < 0x4000 && bl < 0x4000 {
					n++
				}
			}
		}
		return n
	}
	if r := red(plain); r != 0 {
		t.Fatalf("plain stamp has %d red pixels", r)
	}
	if r := red(training); r < 2000 {
		t.Fatalf("training stamp has only %d red pixels: the TRAINING mark is not prominent", r)
	}
	img, _ := png.Decode(bytes.NewReader(plain))
	if w := img.Bounds().Dx(); w < 700 {
		t.Fatalf("stamp is %d px wide: not crisp at 300 dpi", w)
	}
}

func TestSignRefusesBadCertificates(t *testing.T) {
	ca := newCA(t, "CA")
	other := newCA(t, "Other CA")
	cases := []struct {
		name string
		id   signing.Identity
		want error
	}{
		{"expired", ca.issue(t, leafOpts{name: "Hết hạn", notBefore: time.Now().AddDate(-3, 0, 0), notAfter: time.Now().AddDate(0, 0, -1)}), signing.ErrCertExpired},
		{"not yet valid", ca.issue(t, leafOpts{name: "Chưa hiệu lực", notBefore: time.Now().Add(48 * time.Hour)}), signing.ErrCertNotYetValid},
		{"key usage", ca.issue(t, leafOpts{name: "Mã hóa", ku: x509.KeyUsageKeyEncipherment}), signing.ErrCertKeyUsage},
		{"rsa 1024", ca.issue(t, leafOpts{name: "Yếu", key: rsaKey(t, 1024)}), signing.ErrCertWeakKey},
		{"untrusted", other.issue(t, leafOpts{name: "Lạ"}), signing.ErrCertUntrusted},
	}
	in := makePDF(t, 1)
	for _, c := range cases {
		out, err := signing.Sign(context.Background(), in, c.id, signing.Appearance{}, signing.Options{Roots: ca.pool()})
		if !errors.Is(err, c.want) || out != nil {
			t.Errorf("%s: err %v, %d bytes out", c.name, err, len(out))
		}
		var ce *signing.CertError
		if !errors.As(err, &ce) || ce.Subject == "" {
			t.Errorf("%s: not a *CertError naming the certificate: %v", c.name, err)
		}
	}
}

func TestSignWithShippedRootsRefusesTestCA(t *testing.T) {
	ca := newCA(t, "CA")
	_, err := signing.Sign(context.Background(), makePDF(t, 1), ca.issue(t, leafOpts{name: "x"}), signing.Appearance{}, signing.Options{})
	if !errors.Is(err, signing.ErrCertUntrusted) {
		t.Fatalf("err %v", err)
	}
}

func TestTamperDetected(t *testing.T) {
	dir := t.TempDir()
	ca := newCA(t, "CA")
	out, err := signing.Sign(context.Background(), makePDF(t, 1), ca.issue(t, leafOpts{name: "Võ Thị Én"}), signing.Appearance{ScanTime: scanTime}, signing.Options{Roots: ca.pool()})
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(out, []byte("Trang 1"))
	if i < 0 {
		t.Fatal("page text not found uncompressed")
	}
	bad := bytes.Clone(out)
	bad[i+6] = '7' // "Trang 7": same length, inside the signed range
	rep, err := signing.Verify(bad, ca.pool())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Signatures[0].DigestValid || rep.Valid() {
		t.Fatalf("tampering not detected: %+v", rep.Signatures[0])
	}
	if !strings.Contains(rep.Text("vi"), "CHỮ KÝ KHÔNG HỢP LỆ") {
		t.Fatalf("Vietnamese report does not say invalid:\n%s", rep.Text("vi"))
	}
	s := pdfsig(t, writeFile(t, dir, "bad.pdf", bad), "")
	if strings.Contains(s, "Signature is Valid") || !strings.Contains(s, "Digest Mismatch") {
		t.Fatalf("pdfsig on a tampered file:\n%s", s)
	}
}

func TestSignHostileInput(t *testing.T) {
	ca := newCA(t, "CA")
	id := ca.issue(t, leafOpts{name: "x"})
	good := makePDF(t, 1)
	inputs := map[string][]byte{
		"empty":       nil,
		"garbage":     []byte("this is not a pdf at all"),
		"header only": []byte("%PDF-1.7\n"),
		"truncated":   good[:len(good)/2],
		"no xref":     bytes.ReplaceAll(good, []byte("startxref"), []byte("startxxxx")),
		"png":         []byte("\x89PNG\r\n\x1a\n...."),
	}
	for name, in := range inputs {
		orig := bytes.Clone(in)
		out, err := signing.Sign(context.Background(), in, id, signing.Appearance{}, signing.Options{Roots: ca.pool()})
		if err == nil || out != nil {
			t.Errorf("%s: signed (%d bytes) without error", name, len(out))
		}
		if !bytes.Equal(in, orig) {
			t.Errorf("%s: input modified", name)
		}
		if _, err := signing.Verify(in, nil); err == nil {
			t.Errorf("%s: Verify found no problem", name)
		}
	}
}

func TestSignCancelled(t *testing.T) {
	ca := newCA(t, "CA")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out, err := signing.Sign(ctx, makePDF(t, 1), ca.issue(t, leafOpts{name: "x"}), signing.Appearance{}, signing.Options{Roots: ca.pool()})
	if !errors.Is(err, context.Canceled) || out != nil {
		t.Fatalf("err %v", err)
	}
}

func TestVerifyUnsigned(t *testing.T) {
	if _, err := signing.Verify(makePDF(t, 1), nil); !errors.Is(err, signing.ErrNotSigned) {
		t.Fatalf("err %v", err)
	}
}

func BenchmarkSign(b *testing.B) {
	ca := newCA(b, "CA")
	id := ca.issue(b, leafOpts{name: "Nguyễn Văn A", key: rsaKey(b, 2048)})
	in := makeScanPDF(b, 20)
	b.SetBytes(int64(len(in)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := signing.Sign(context.Background(), in, id, signing.Appearance{Unit: "UBND xã A", ScanTime: scanTime}, signing.Options{Roots: ca.pool()}); err != nil {
			b.Fatal(err)
		}
	}
}
