// Tests of component assembly checked from outside with poppler's pdfinfo and qpdf, and the assembly/signing benchmark.

package dossier

import (
	"bytes"
	"context"
	"crypto/x509"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"sohoa/scanner"
	"sohoa/scanner/cleanup"
	_ "sohoa/scanner/virtual"
	"sohoa/signing"
	"sohoa/signing/pkcs12"
)

func jpegPage(t testing.TB, img image.Image, dpi int) PageImage {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: JPEGQuality}); err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	return PageImage{Data: buf.Bytes(), Width: b.Dx(), Height: b.Dy(), DPI: dpi}
}

func writeTemp(t testing.TB, name string, b []byte) string {
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func run(t testing.TB, name string, args ...string) string {
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

var pageSizeRE = regexp.MustCompile(`Page\s+(\d+) size:\s+([\d.]+) x ([\d.]+) pts`)

// pageSizes returns the page sizes in points that pdfinfo reports.
func pageSizes(t testing.TB, path string) [][2]float64 {
	out := run(t, "pdfinfo", "-f", "1", "-l", "999", path)
	var sizes [][2]float64
	for _, m := range pageSizeRE.FindAllStringSubmatch(out, -1) {
		w, _ := strconv.ParseFloat(m[2], 64)
		h, _ := strconv.ParseFloat(m[3], 64)
		sizes = append(sizes, [2]float64{w, h})
	}
	return sizes
}

func near(a, b float64) bool { return a-b < 1 && b-a < 1 }

func TestAssembleTruePageSize(t *testing.T) {
	a4at200 := paper(200, 1)                               // 1654×2338 px = A4 at 200 dpi
	a5at300 := image.NewRGBA(image.Rect(0, 0, 1748, 2480)) // A5 at 300 dpi
	pages := []PageImage{jpegPage(t, a4at200, 200), jpegPage(t, a4at200, 200), jpegPage(t, a5at300, 300)}
	pdf, err := AssemblePDF(pages, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-1.")) || pdf[7] < '4' {
		t.Errorf("PDF header %q: want PDF 1.4 or later", pdf[:8])
	}
	path := writeTemp(t, "c.pdf", pdf)
	run(t, "qpdf", "--check", path)
	sizes := pageSizes(t, path)
	if len(sizes) != 3 {
		t.Fatalf("pdfinfo found %d pages, want 3", len(sizes))
	}
	want := [][2]float64{{1654 * 72 / 200.0, 2338 * 72 / 200.0}, {1654 * 72 / 200.0, 2338 * 72 / 200.0}, {1748 * 72 / 300.0, 2480 * 72 / 300.0}}
	for i := range want {
		if !near(sizes[i][0], want[i][0]) || !near(sizes[i][1], want[i][1]) {
			t.Errorf("page %d: %v pt, want %v pt (100 %% scale)", i+1, sizes[i], want[i])
		}
	}
	// JPEG data is embedded as is: the PDF is barely larger than its images.
	total := 0
	for _, p := range pages {
		total += len(p.Data)
	}
	if len(pdf) > total+total/10+8192 {
		t.Errorf("PDF %d bytes for %d bytes of JPEG: images were re-encoded?", len(pdf), total)
	}
}

func TestAssembleMergesImportedPDF(t *testing.T) {
	extra, err := AssemblePDF([]PageImage{jpegPage(t, paper(100, 2), 100), jpegPage(t, paper(100, 3), 100)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := AssemblePDF([]PageImage{jpegPage(t, paper(100, 4), 100)}, [][]byte{extra})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := PDFPageCount(pdf); err != nil || n != 3 {
		t.Fatalf("merged page count %d, %v; want 3", n, err)
	}
	run(t, "qpdf", "--check", writeTemp(t, "m.pdf", pdf))
	if _, err := AssemblePDF(nil, nil); err != ErrNothingCaptured {
		t.Errorf("empty component: %v", err)
	}
}

func TestStampTraining(t *testing.T) {
	pdf, err := AssemblePDF([]PageImage{jpegPage(t, paper(100, 1), 100), jpegPage(t, paper(100, 2), 100)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	stamped, err := StampTraining(pdf)
	if err != nil {
		t.Fatal(err)
	}
	path := writeTemp(t, "s.pdf", stamped)
	run(t, "qpdf", "--check", path)
	if n, _ := PDFPageCount(stamped); n != 2 {
		t.Fatalf("stamped page count %d", n)
	}
	// The mark is visible: render page 2 and look for the stamp's red ink near the bottom.
	dir := t.TempDir()
	run(t, "pdftoppm", "-r", "40", "-f", "2", "-l", "2", "-png", path, filepath.Join(dir, "p"))
	files, _ := filepath.Glob(filepath.Join(dir, "p*.png"))
	if len(files) != 1 {
		t.Fatalf("pdftoppm wrote %v", files)
	}
	f, _ := os.Open(files[0])
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	red := 0
	b := img.Bounds()
	for y := b.Max.Y * 3 / 4; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r>>8 > 150 && g>>8 < 90 && bl>>8 < 90 {
				red++
			}
		}
	}
	if red < 20 {
		t.Errorf("training mark not visible on page 2 (%d red pixels)", red)
	}
}

// virtualPages scans n A4 pages at dpi in colour from the training scanner, cleaned as the desk stores them.
func virtualPages(b testing.TB, n, dpi int) []PageImage {
	dev, err := scanner.Open(fmt.Sprintf("virtual:seed=3,pages=%d", n))
	if err != nil {
		b.Fatal(err)
	}
	defer dev.Close()
	var pages []PageImage
	err = dev.Scan(context.Background(), scanner.Settings{Source: scanner.SourceFeeder, DPI: dpi, Mode: scanner.ModeColor, MaxPages: n},
		scanner.Handler{OnPage: func(p scanner.Page) error {
			// As the desk stores it: through the clean-up pipeline.
			res, err := cleanup.Process(p, cleanup.Options{})
			if err != nil {
				return err
			}
			bd := res.Image.Bounds()
			pages = append(pages, PageImage{Data: res.Data, Width: bd.Dx(), Height: bd.Dy(), DPI: p.DPI})
			return nil
		}})
	if err != nil {
		b.Fatal(err)
	}
	if len(pages) != n {
		b.Fatalf("virtual scanner gave %d pages, want %d", len(pages), n)
	}
	return pages
}

// BenchmarkAssemble20 assembles a 20-page A4 200 dpi colour component: ms/page and bytes/page.
func BenchmarkAssemble20(b *testing.B) {
	pages := virtualPages(b, 20, 200)
	b.ResetTimer()
	var size int
	for i := 0; i < b.N; i++ {
		pdf, err := AssemblePDF(pages, nil)
		if err != nil {
			b.Fatal(err)
		}
		size = len(pdf)
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N)/20, "ms/page")
	b.ReportMetric(float64(size)/20, "bytes/page")
}

// BenchmarkSign20 signs the same 20-page A4 200 dpi colour component with the training identity:
// ms per signature (hashing, signing, writing; the visible appearance included).
func BenchmarkSign20(b *testing.B) {
	pdf, err := AssemblePDF(virtualPages(b, 20, 200), nil)
	if err != nil {
		b.Fatal(err)
	}
	id, ca, err := pkcs12.Training(b.TempDir(), "Cán bộ Đào Tạo", "UBND xã Đào Tạo")
	if err != nil {
		b.Fatal(err)
	}
	defer id.Close()
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	app := signing.Appearance{SignerName: "Cán bộ Đào Tạo", Unit: "UBND xã Đào Tạo", ScanTime: time.Now(), Training: true}
	opt := signing.Options{Reason: SignReason, Roots: roots, Revocation: signing.RevocationOptions{Offline: true}}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := signing.Sign(context.Background(), pdf, id, app, opt); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/signature")
	b.ReportMetric(float64(len(pdf))/(1<<20), "MB-pdf")
}
