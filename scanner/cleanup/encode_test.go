// Tests for size-tuned encoding, the legibility metric, and embedding the output with pdfcpu.

package cleanup

import (
	"bytes"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"sohoa/scanner"
)

// textPSNR is the legibility metric: the PSNR (dB) of the luma of got against want over the
// text region of want — pixels at least 60 levels darker than want's paper (ink and the
// anti-aliased edges of strokes), grown by one pixel to take in ringing around strokes. Each
// image's luma is first scaled so that its own paper level is white (paper tint is not
// legibility). Background away from text is not scored.
func textPSNR(t testing.TB, want, got image.Image) float64 {
	t.Helper()
	wb, gb := want.Bounds(), got.Bounds()
	if wb.Dx() != gb.Dx() || wb.Dy() != gb.Dy() {
		t.Fatalf("textPSNR: sizes differ: %v vs %v", wb, gb)
	}
	w, h := wb.Dx(), wb.Dy()
	lw, lg := lumaOf(want), lumaOf(got)
	th := normalizePaper(lw) - 60
	normalizePaper(lg)
	mask := make([]bool, w*h)
	for y := 1; y < h-1; y++ {
		for x := 1; x < w-1; x++ {
			if int(lw[y*w+x]) < th {
				for dy := -1; dy <= 1; dy++ {
					for dx := -1; dx <= 1; dx++ {
						mask[(y+dy)*w+x+dx] = true
					}
				}
			}
		}
	}
	var se float64
	n := 0
	for i, m := range mask {
		if m {
			d := float64(lw[i]) - float64(lg[i])
			se += d * d
			n++
		}
	}
	if n == 0 {
		t.Fatal("textPSNR: no text on the reference page")
	}
	if se == 0 {
		return 99
	}
	return 10 * math.Log10(255*255/(se/float64(n)))
}

// normalizePaper scales l so that its paper level (histogram mode) becomes 255, and returns the
// paper level it had.
func normalizePaper(l []uint8) int {
	var hist [256]int
	for _, v := range l {
		hist[v]++
	}
	paper := histMode(&hist)
	if paper == 0 {
		return 255
	}
	for i, v := range l {
		l[i] = uint8(min(255, int(v)*255/paper))
	}
	return paper
}

func lumaOf(img image.Image) []uint8 {
	b := img.Bounds()
	out := make([]uint8, 0, b.Dx()*b.Dy())
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bb, _ := img.At(x, y).RGBA()
			out = append(out, uint8((19595*r+38470*g+7471*bb+1<<15)>>24))
		}
	}
	return out
}

// legibleDB is the text-region PSNR a page must keep to count as legible: what ImageMagick's
// JPEG quality 70 gives on the test pages (quality 75 gives about 30 dB).
const legibleDB = 29

func TestEncodeColourMeetsTargetAndStaysLegible(t *testing.T) {
	page := makePage(t, pageSpec{DPI: 200, Paras: 4, Table: true, Stamp: true, Noise: 6, Specks: 20,
		Tint: colorRGBA(246, 242, 230), Seed: 41})
	for _, kb := range []int{360, 450, 600} {
		data, format, err := Encode(page, 200, Options{TargetKB: kb})
		if err != nil || format != FormatJPEG {
			t.Fatalf("Encode: %v, format %q", err, format)
		}
		dec, err := jpeg.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("decode own JPEG: %v", err)
		}
		if _, ok := dec.(*image.YCbCr); !ok || dec.(*image.YCbCr).SubsampleRatio != image.YCbCrSubsampleRatio420 {
			t.Fatalf("colour page decoded as %T, want 4:2:0 YCbCr", dec)
		}
		psnr := textPSNR(t, page, dec)
		t.Logf("target %d KB: %d KB, text PSNR %.1f dB", kb, len(data)/1024, psnr)
		if len(data) > kb*1024*115/100 {
			t.Errorf("target %d KB, got %d KB", kb, len(data)/1024)
		}
		if psnr < legibleDB {
			t.Errorf("target %d KB: text PSNR %.1f dB, below %d dB", kb, psnr, legibleDB)
		}
	}
}

func TestEncodeQualityFloorWins(t *testing.T) {
	page := makePage(t, pageSpec{DPI: 200, Paras: 4, Table: true, Stamp: true, Noise: 6, Seed: 42})
	small, _, err := Encode(page, 200, Options{TargetKB: 5})
	if err != nil {
		t.Fatal(err)
	}
	floor, _, err := Encode(page, 200, Options{TargetKB: 5, MinQuality: 60, MaxQuality: 60})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(small, floor) {
		t.Fatalf("an unreachable target must give the quality floor (60): %d vs %d bytes", len(small), len(floor))
	}
	big, _, err := Encode(page, 200, Options{TargetKB: 5000})
	if err != nil {
		t.Fatal(err)
	}
	top, _, err := Encode(page, 200, Options{MinQuality: 90, MaxQuality: 90})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(big, top) {
		t.Fatal("a generous target must give the quality ceiling (90)")
	}
}

func TestEncodeGrayIsEightBitGray(t *testing.T) {
	page := makePage(t, pageSpec{DPI: 300, Paras: 3, Noise: 5, Seed: 43})
	for _, in := range []image.Image{page, toGrayForTest(page)} {
		data, format, err := Encode(in, 300, Options{Mode: scanner.ModeGray})
		if err != nil || format != FormatJPEG {
			t.Fatalf("Encode gray: %v %q", err, format)
		}
		dec, err := jpeg.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := dec.(*image.Gray); !ok {
			t.Fatalf("grey page decoded as %T", dec)
		}
		if p := textPSNR(t, page, dec); p < legibleDB {
			t.Fatalf("grey text PSNR %.1f dB", p)
		}
	}
}

func TestEncodeBilevelIsLosslessOneBitPNG(t *testing.T) {
	page := makePage(t, pageSpec{DPI: 300, Paras: 4, Table: true, Noise: 5, Seed: 44})
	data, format, err := Encode(page, 300, Options{Mode: scanner.ModeBW})
	if err != nil || format != FormatPNG {
		t.Fatalf("Encode bw: %v %q", err, format)
	}
	// IHDR: bit depth 1, colour type 3 (palette).
	if len(data) < 26 || data[24] != 1 || data[25] != 3 {
		t.Fatalf("PNG header bit depth %d colour type %d, want 1-bit paletted", data[24], data[25])
	}
	dec, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	pal := dec.(*image.Paletted)
	// Lossless: re-encoding the decoded bits gives the same pixels, and text is still there.
	if blank, _ := IsBlank(pal); blank {
		t.Fatal("bilevel page lost its text")
	}
	black := 0
	for _, v := range pal.Pix {
		if v == 0 {
			black++
		}
	}
	if ratio := float64(black) / float64(len(pal.Pix)); ratio < 0.005 || ratio > 0.2 {
		t.Fatalf("black share %.4f: threshold wrong", ratio)
	}
}

func TestEncodeRejectsBadInput(t *testing.T) {
	if _, _, err := Encode(nil, 200, Options{}); err != ErrNoImage {
		t.Fatalf("nil image: %v", err)
	}
	if _, _, err := Encode(image.NewRGBA(image.Rect(0, 0, 0, 10)), 200, Options{}); err != ErrNoImage {
		t.Fatalf("empty image: %v", err)
	}
	huge := &image.Gray{Rect: image.Rect(0, 0, 30000, 10)} // no pixels allocated: must be refused before use
	if _, _, err := Encode(huge, 200, Options{}); !strings.Contains(err.Error(), "too large") {
		t.Fatalf("huge image: %v", err)
	}
	// Tiny and odd sizes encode.
	for _, r := range []image.Rectangle{image.Rect(0, 0, 1, 1), image.Rect(0, 0, 3, 1), image.Rect(7, 9, 24, 41)} {
		for _, m := range []scanner.ColorMode{scanner.ModeColor, scanner.ModeGray, scanner.ModeBW} {
			if _, _, err := Encode(image.NewRGBA(r), 0, Options{Mode: m}); err != nil {
				t.Fatalf("%v %s: %v", r, m, err)
			}
		}
	}
}

// TestEncodedPagesEmbedWithPdfcpu assembles one page of each format with pdfcpu's ImportImages
// and checks the PDF with qpdf; JPEGs must be embedded as they are (DCTDecode, same bytes) and the
// bilevel PNG losslessly.
func TestEncodedPagesEmbedWithPdfcpu(t *testing.T) {
	page := makePage(t, pageSpec{DPI: 200, Paras: 3, Stamp: true, Noise: 5, Seed: 45})
	var imgs [][]byte
	for _, m := range []scanner.ColorMode{scanner.ModeColor, scanner.ModeGray, scanner.ModeBW} {
		data, _, err := Encode(page, 200, Options{Mode: m})
		if err != nil {
			t.Fatal(err)
		}
		imgs = append(imgs, data)
	}
	var readers []io.Reader
	for _, d := range imgs {
		readers = append(readers, bytes.NewReader(d))
	}
	imp := pdfcpu.DefaultImportConfig()
	var out bytes.Buffer
	if err := api.ImportImages(nil, &out, readers, imp, model.NewDefaultConfiguration()); err != nil {
		t.Fatalf("pdfcpu ImportImages: %v", err)
	}
	path := filepath.Join(t.TempDir(), "pages.pdf")
	if err := os.WriteFile(path, out.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if msg, err := exec.Command("qpdf", "--check", path).CombinedOutput(); err != nil {
		t.Fatalf("qpdf --check: %v\n%s", err, msg)
	}
	// The JPEG streams must be in the file byte for byte (no re-encoding).
	for i, d := range imgs[:2] {
		if !bytes.Contains(out.Bytes(), d) {
			t.Errorf("JPEG %d was re-encoded by pdfcpu", i)
		}
	}
	// Inspect the image dictionaries with qpdf.
	js, err := exec.Command("qpdf", "--json=1", "--json-key=objects", path).CombinedOutput()
	if err != nil {
		t.Fatalf("qpdf --json: %v\n%.500s", err, js)
	}
	s := string(js)
	for _, want := range []string{`"/Filter": "/DCTDecode"`, `"/ColorSpace": "/DeviceGray"`, `"/ColorSpace": "/DeviceRGB"`} {
		if !strings.Contains(s, want) {
			t.Errorf("PDF has no image with %s", want)
		}
	}
	if !regexp.MustCompile(`"/ColorSpace": \[\s*"/Indexed"`).MatchString(s) {
		t.Error("bilevel page not embedded as an indexed image")
	}
	t.Logf("PDF %d KB for colour %d KB + grey %d KB + bilevel %d KB", out.Len()/1024, len(imgs[0])/1024, len(imgs[1])/1024, len(imgs[2])/1024)
}
