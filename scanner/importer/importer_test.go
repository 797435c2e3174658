package importer

import (
	"sohoa/internal/testdata"
	"sohoa/scanner"

	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// sharedTestdata is the project's testdata/ folder.
func sharedTestdata(t *testing.T) string {
	t.Helper()
	return testdata.Dir(t)
}

func run(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

// makePDF writes an unsigned PDF of n pages.
func makePDF(t *testing.T, n int) []byte {
	t.Helper()
	f := fpdf.New("P", "mm", "A4", "")
	f.SetFont("Helvetica", "", 14)
	for i := range n {
		f.AddPage()
		f.Cell(40, 10, "page "+string(rune('1'+i)))
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSignedPDFsKeptByteForByte(t *testing.T) {
	dir := filepath.Join(sharedTestdata(t), "signed-pdfs")
	files, err := filepath.Glob(filepath.Join(dir, "*.pdf"))
	if err != nil || len(files) < 5 {
		t.Fatalf("signed PDFs in %s: %v %v", dir, files, err)
	}
	want := map[string]struct {
		n    int
		name string
	}{
		"pdfsign-aatl-datasheet.pdf":                     {1, "Marketing"},
		"pdfsign-testfile30-adobe.pdf":                   {1, "John B Harris"},
		"dss-hello_signed_INCSAVE_signed.pdf":            {2, "MonacelliTestIncard"},
		"dss-PAdES-LT.pdf":                               {4, "LEPROPRE Jean"},
		"dss-Signature-P-HU_POL-3.pdf":                   {2, "Polyák Ferenc Árpád"}, // T61/Latin-1 name repaired
		"dss-doc-firmado-T.pdf":                          {1, "FRANCISCO DE LA PEÑA FERNANDEZ"},
		"pyhanko-pades-lta-dss-indirect-arrs-test-2.pdf": {3, "document timestamp: Time Stamping Authority"},
		"dss-pdf-signed-original.pdf":                    {1, "good-user"},
	}
	for _, f := range files {
		in, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		r, err := Import(context.Background(), f, Options{})
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		if r.Kind != KindPDF || !r.Signed || !bytes.Equal(r.PDF, in) || r.PageCount < 1 || len(r.Signatures) == 0 {
			t.Errorf("%s: kind %s signed %v identical %v pages %d sigs %q", r.Name, r.Kind, r.Signed, bytes.Equal(r.PDF, in), r.PageCount, r.Signatures)
		}
		if w, ok := want[r.Name]; ok {
			all := strings.Join(r.Signatures, " | ")
			if len(r.Signatures) != w.n || !strings.Contains(all, w.name) {
				t.Errorf("%s: signatures %q, want %d mentioning %q", r.Name, r.Signatures, w.n, w.name)
			}
		}
	}
}

func TestPlainPDF(t *testing.T) {
	data := makePDF(t, 3)
	r, err := ImportBytes("don.pdf", data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Kind != KindPDF || r.PageCount != 3 || r.Signed || !bytes.Equal(r.PDF, data) || r.Name != "don.pdf" {
		t.Fatalf("result %+v", r)
	}
}

func TestBadPDFs(t *testing.T) {
	data := makePDF(t, 2)
	cases := map[string][]byte{
		"truncated-half.pdf": data[:len(data)/2],
		"truncated-tail.pdf": data[:len(data)-8],
		"garbage.pdf":        []byte("%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >>\nendobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"),
		"noise.pdf":          append(append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte{0x8f, 0x11, 0x00}, 3000)...), []byte("\n%%EOF")...),
	}
	// Damage the cross-reference table but keep the end marker.
	xref := bytes.Replace(data, []byte("xref"), []byte("xxxx"), 1)
	xref = bytes.Replace(xref, []byte("/Pages"), []byte("/Pagez"), -1)
	cases["broken-xref.pdf"] = xref
	for name, b := range cases {
		_, err := ImportBytes(name, b, Options{})
		if !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: %v, want ErrCorrupt", name, err)
		} else if !strings.Contains(err.Error(), name) {
			t.Errorf("%s: message does not name the file: %v", name, err)
		}
	}
}

func TestEncryptedPDF(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain.pdf")
	if err := os.WriteFile(plain, makePDF(t, 1), 0o644); err != nil {
		t.Fatal(err)
	}
	user := filepath.Join(dir, "user.pdf")
	owner := filepath.Join(dir, "owner-only.pdf")
	run(t, "qpdf", "--encrypt", "secret", "owner", "256", "--", plain, user)
	run(t, "qpdf", "--encrypt", "", "owner", "256", "--", plain, owner)
	for _, f := range []string{user, owner} {
		_, err := Import(context.Background(), f, Options{})
		if !errors.Is(err, ErrEncrypted) || !strings.Contains(err.Error(), "unprotected copy") {
			t.Errorf("%s: %v, want ErrEncrypted", filepath.Base(f), err)
		}
	}
}

// exifJPEG encodes img as JPEG with an EXIF block carrying orientation o.
func exifJPEG(t *testing.T, img image.Image, o uint16) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	// TIFF header (little endian), IFD0 with one entry: Orientation SHORT 1 = o.
	tiffBlock := []byte{'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, byte(o), byte(o >> 8), 0, 0, 0, 0, 0, 0}
	seg := append([]byte("Exif\x00\x00"), tiffBlock...)
	app1 := []byte{0xFF, 0xE1, byte((len(seg) + 2) >> 8), byte(len(seg) + 2)}
	app1 = append(app1, seg...)
	b := buf.Bytes()
	return append(append(append([]byte{}, b[:2]...), app1...), b[2:]...)
}

func halfRed(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{255, 255, 255, 255}
			if x < w/2 {
				c = color.RGBA{220, 0, 0, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

func isRed(c color.Color) bool {
	r, g, _, _ := c.RGBA()
	return r>>8 > 150 && g>>8 < 80
}

func TestJPEGOrientation(t *testing.T) {
	src := halfRed(40, 20) // red on the left
	cases := []struct {
		o          uint16
		w, h       int
		redX, redY int // a pixel that must be red after orientation
		wtX, wtY   int // a pixel that must be white
	}{
		{1, 40, 20, 2, 10, 38, 10},
		{3, 40, 20, 38, 10, 2, 10}, // 180°: red on the right
		{6, 20, 40, 10, 2, 10, 38}, // 90° clockwise: red on top
		{8, 20, 40, 10, 38, 10, 2}, // 90° counter-clockwise: red at the bottom
		{2, 40, 20, 38, 10, 2, 10}, // mirrored
	}
	for _, c := range cases {
		r, err := ImportBytes("photo.jpg", exifJPEG(t, src, c.o), Options{})
		if err != nil {
			t.Fatalf("orientation %d: %v", c.o, err)
		}
		if r.Kind != KindImages || len(r.Pages) != 1 || r.PageCount != 1 || r.Format != "jpeg" {
			t.Fatalf("orientation %d: %+v", c.o, r)
		}
		img := r.Pages[0].Image
		if b := img.Bounds(); b.Dx() != c.w || b.Dy() != c.h {
			t.Errorf("orientation %d: size %v, want %dx%d", c.o, b, c.w, c.h)
			continue
		}
		if !isRed(img.At(c.redX, c.redY)) || isRed(img.At(c.wtX, c.wtY)) {
			t.Errorf("orientation %d: red/white pixels in the wrong place", c.o)
		}
		if r.Pages[0].DPI < 1 {
			t.Errorf("orientation %d: DPI %d", c.o, r.Pages[0].DPI)
		}
	}
	// Truncated JPEG.
	b := exifJPEG(t, src, 1)
	if _, err := ImportBytes("cut.jpg", b[:len(b)/2], Options{}); !errors.Is(err, ErrCorrupt) {
		t.Errorf("truncated JPEG: %v", err)
	}
}

// pngChunk builds one PNG chunk with its CRC.
func pngChunk(typ string, data []byte) []byte {
	out := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	out = append(out, typ...)
	out = append(out, data...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(append([]byte(typ), data...)))
}

func TestPNGResolutionAndLimits(t *testing.T) {
	var buf bytes.Buffer
	png.Encode(&buf, halfRed(100, 60))
	b := buf.Bytes()
	// Insert pHYs (300 dpi = 11811 pixels per metre) after IHDR (8 + 25 bytes).
	phys := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, 11811), 11811)
	withDPI := append(append(append([]byte{}, b[:33]...), pngChunk("pHYs", append(phys, 1))...), b[33:]...)
	r, err := ImportBytes("scan.png", withDPI, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Pages[0].DPI != 300 || r.Pages[0].Image.Bounds().Dx() != 100 {
		t.Errorf("png page %+v", r.Pages[0])
	}
	if _, err := ImportBytes("scan.png", withDPI, Options{MaxPixels: 5000}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("MaxPixels 5000 on 6000 pixels: %v", err)
	}
	if _, err := ImportBytes("scan.png", withDPI, Options{MaxBytes: 100}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("MaxBytes 100: %v", err)
	}
	if _, err := ImportBytes("cut.png", b[:len(b)-30], Options{}); !errors.Is(err, ErrCorrupt) {
		t.Errorf("truncated PNG: %v", err)
	}
}

// bombPNG declares w×h 8-bit grey pixels but carries only a tiny compressed stream.
func bombPNG(w, h uint32) []byte {
	ihdr := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, w), h)
	ihdr = append(ihdr, 8, 0, 0, 0, 0)
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, pngChunk("IHDR", ihdr)...)
	out = append(out, pngChunk("IDAT", []byte{0x78, 0x9c, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01})...)
	return append(out, pngChunk("IEND", nil)...)
}

func TestDecompressionBombs(t *testing.T) {
	for _, c := range []struct {
		name string
		data []byte
	}{
		{"huge.png", bombPNG(100000, 100000)},
		{"bomb.png", bombPNG(12000, 11000)}, // 132 MP, just over the default 120 MP
	} {
		_, err := ImportBytes(c.name, c.data, Options{})
		if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), c.name) {
			t.Errorf("%s (%d bytes): %v, want ErrTooLarge", c.name, len(c.data), err)
		}
	}
	// A huge TIFF header is refused before decoding too.
	dir := t.TempDir()
	small := filepath.Join(dir, "s.tif")
	run(t, "convert", "-size", "10x10", "xc:white", "-compress", "none", small)
	data, _ := os.ReadFile(small)
	if _, err := ImportBytes("s.tif", data, Options{MaxPixels: 50}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("TIFF over MaxPixels: %v", err)
	}
}

func TestMultiPageTIFF(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "fax.tif")
	run(t, "convert", "-size", "30x20", "xc:red", "-size", "50x40", "xc:blue", "-size", "16x16", "xc:gray50", "-compress", "lzw", f)
	r, err := Import(context.Background(), f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Kind != KindImages || r.PageCount != 3 || len(r.Pages) != 3 {
		t.Fatalf("TIFF pages: %d (%+v)", len(r.Pages), r)
	}
	sizes := [][2]int{{30, 20}, {50, 40}, {16, 16}}
	for i, p := range r.Pages {
		b := p.Image.Bounds()
		if b.Dx() != sizes[i][0] || b.Dy() != sizes[i][1] || p.Index != i {
			t.Errorf("page %d: %v index %d", i, b, p.Index)
		}
	}
	if !isRed(r.Pages[0].Image.At(5, 5)) {
		t.Error("page 1 is not red")
	}
	if _, _, bl, _ := r.Pages[1].Image.At(5, 5).RGBA(); bl>>8 < 200 {
		t.Error("page 2 is not blue")
	}
	data, _ := os.ReadFile(f)
	if _, err := ImportBytes("cut.tif", data[:len(data)-40], Options{}); !errors.Is(err, ErrCorrupt) {
		t.Errorf("truncated TIFF: %v", err)
	}
	// Make the first IFD's next pointer point to itself: a loop.
	bo := binary.ByteOrder(binary.LittleEndian)
	if data[0] == 'M' {
		bo = binary.BigEndian
	}
	loop := append([]byte{}, data...)
	off := bo.Uint32(loop[4:])
	n := bo.Uint16(loop[off:])
	bo.PutUint32(loop[off+2+uint32(n)*12:], off)
	if _, err := ImportBytes("loop.tif", loop, Options{}); !errors.Is(err, ErrCorrupt) {
		t.Errorf("looping TIFF: %v", err)
	}
	// Cancelled before decoding.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Import(ctx, f, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled import: %v", err)
	}
}

func TestUnsupportedAndEmpty(t *testing.T) {
	for name, data := range map[string][]byte{
		"anim.gif":   []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
		"note.txt":   []byte("xin chào"),
		"photo.heic": append([]byte{0, 0, 0, 24}, []byte("ftypheic\x00\x00\x00\x00mif1heic")...),
	} {
		_, err := ImportBytes(name, data, Options{})
		if !errors.Is(err, ErrUnsupportedFormat) || !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), Accepted) {
			t.Errorf("%s: %v, want ErrUnsupportedFormat naming the file and the accepted formats", name, err)
		}
	}
	if _, err := ImportBytes("empty.pdf", nil, Options{}); !errors.Is(err, ErrCorrupt) {
		t.Errorf("empty file: %v", err)
	}
	if _, err := Import(context.Background(), filepath.Join(t.TempDir(), "missing.pdf"), Options{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	big := filepath.Join(t.TempDir(), "big.pdf")
	os.WriteFile(big, make([]byte, 2048), 0o644)
	if _, err := Import(context.Background(), big, Options{MaxBytes: 1024}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("file over MaxBytes: %v", err)
	}
}

// TestTIFF16BitExtraSamples: a two-page 16-bit greyscale LZW TIFF with an alpha channel
// (an extra sample), which golang.org/x/image/tiff refuses, imports page by page as
// 8-bit pages, alpha flattened onto white paper, with the declared 150 dpi.
func TestTIFF16BitExtraSamples(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(sharedTestdata(t), "tiff", "gray16-alpha-lzw.tif"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := ImportBytes("scan.tif", data, Options{})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	if r.PageCount != 2 || len(r.Pages) != 2 {
		t.Fatalf("pages = %d/%d, want 2", r.PageCount, len(r.Pages))
	}
	grey := func(p scanner.Page, x, y int) int {
		switch p.Image.(type) {
		case *image.Gray, *image.RGBA, *image.NRGBA:
		default:
			t.Fatalf("page image is %T, want an 8-bit image", p.Image)
		}
		c := color.GrayModel.Convert(p.Image.At(x, y)).(color.Gray)
		return int(c.Y)
	}
	for i, p := range r.Pages {
		if b := p.Image.Bounds(); b.Dx() != 300 || b.Dy() != 400 {
			t.Errorf("page %d is %v, want 300x400", i+1, b)
		}
		if p.DPI != 150 || p.Index != i {
			t.Errorf("page %d: DPI %d index %d, want 150 and %d", i+1, p.DPI, p.Index, i)
		}
	}
	// Page 1: gradient black→white at 80 % opacity over white paper.
	if top, bottom := grey(r.Pages[0], 150, 1), grey(r.Pages[0], 150, 398); top < 35 || top > 70 || bottom < 245 {
		t.Errorf("page 1 grey top %d bottom %d, want ≈51 (black at 80 %% over white) and ≈255", top, bottom)
	}
	// Page 2: flat 25 % grey, opaque.
	if g := grey(r.Pages[1], 10, 10); g < 58 || g > 70 {
		t.Errorf("page 2 grey %d, want ≈64", g)
	}
}

// TestHugePhotoDownscaled: a 108-megapixel phone photo (12000×9000, 72 dpi declared) is
// more than pdfcpu embeds (its MaxImagePixels), so signing would fail later with pdfcpu's
// "image pixel count … exceeds limit". It is downscaled at import to its page's physical
// size (an A4 page, long side 11.69 in) at 300 dpi, and the result carries a note.
func TestHugePhotoDownscaled(t *testing.T) {
	const w, h = 12000, 9000
	src := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	for i := range src.Y {
		src.Y[i] = 235 // white paper
	}
	for i := range src.Cb {
		src.Cb[i], src.Cr[i] = 128, 128
	}
	for y := 0; y < h; y++ { // a black band across the top quarter
		if y < h/4 {
			clear(src.Y[y*src.YStride : y*src.YStride+w])
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, src, &jpeg.Options{Quality: 60}); err != nil {
		t.Fatal(err)
	}
	src = nil
	start := time.Now()
	r, err := ImportBytes("IMG_0001.jpg", buf.Bytes(), Options{})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	t.Logf("108 MP JPEG (%d KB) imported in %v", buf.Len()>>10, time.Since(start))
	p := r.Pages[0]
	b := p.Image.Bounds()
	if int64(b.Dx())*int64(b.Dy()) > PDFMaxPixels() {
		t.Fatalf("page still %dx%d, above pdfcpu's %d pixels", b.Dx(), b.Dy(), PDFMaxPixels())
	}
	// 12000×9000 fits A4 landscape (11.69 × 8.27 in) at 1088 dpi; at 300 dpi that is 3309 × 2482.
	if p.DPI != 300 || b.Dx() < 3300 || b.Dx() > 3315 || b.Dy() < 2475 || b.Dy() > 2490 {
		t.Errorf("page %dx%d at %d dpi, want ≈3309x2482 at 300 dpi", b.Dx(), b.Dy(), p.DPI)
	}
	if g := color.GrayModel.Convert(p.Image.At(b.Dx()/2, b.Dy()/8)).(color.Gray).Y; g > 40 {
		t.Errorf("top band grey %d, want dark: content lost in downscaling", g)
	}
	if g := color.GrayModel.Convert(p.Image.At(b.Dx()/2, b.Dy()*3/4)).(color.Gray).Y; g < 200 {
		t.Errorf("paper grey %d, want light", g)
	}
	if len(r.Notes) != 1 || r.Notes[0].Key != NoteDownscaled || r.Notes[0].Page != 1 ||
		!strings.Contains(r.Notes[0].Text, "12000x9000") || !strings.Contains(r.Notes[0].Text, "300 dpi") {
		t.Errorf("notes = %+v, want one downscaling note for page 1 naming the sizes", r.Notes)
	}
	// A photo within the limit is left alone and carries no note.
	small, err := ImportBytes("ok.jpg", exifJPEG(t, halfRed(400, 300), 1), Options{})
	if err != nil || len(small.Notes) != 0 || small.Pages[0].Image.Bounds().Dx() != 400 {
		t.Errorf("small photo: %v notes %+v", err, small.Notes)
	}
}

// withActiveContent returns data rewritten by pdfcpu with a JavaScript /OpenAction, a
// document-level /JavaScript name tree, a page /AA action and an embedded file.
func withActiveContent(t *testing.T, data []byte) []byte {
	t.Helper()
	att := filepath.Join(t.TempDir(), "payload.exe")
	if err := os.WriteFile(att, []byte("MZ not really a program"), 0o600); err != nil {
		t.Fatal(err)
	}
	var withFile bytes.Buffer
	if err := api.AddAttachments(bytes.NewReader(data), &withFile, []string{att}, false, model.NewDefaultConfiguration()); err != nil {
		t.Fatal(err)
	}
	ctx, err := api.ReadContext(bytes.NewReader(withFile.Bytes()), model.NewDefaultConfiguration())
	if err != nil {
		t.Fatal(err)
	}
	js := func(code string) types.Dict {
		return types.Dict{"Type": types.Name("Action"), "S": types.Name("JavaScript"), "JS": types.StringLiteral(code)}
	}
	root, err := ctx.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	root["OpenAction"] = js("app.alert('open')")
	names, _ := ctx.DereferenceDict(root["Names"])
	if names == nil {
		t.Fatal("AddAttachments made no /Names")
	}
	names["JavaScript"] = types.Dict{"Names": types.Array{types.StringLiteral("doc"), js("app.alert('doc')")}}
	if err := ctx.EnsurePageCount(); err != nil {
		t.Fatal(err)
	}
	_, ref, _, err := ctx.PageDict(1, false)
	if err != nil {
		t.Fatal(err)
	}
	page, err := ctx.DereferenceDict(*ref)
	if err != nil {
		t.Fatal(err)
	}
	page["AA"] = types.Dict{"O": js("app.alert('page')")}
	ctx.Configuration.WriteObjectStream, ctx.Configuration.WriteXRefStream = false, false
	var out bytes.Buffer
	if err := api.WriteContext(ctx, &out); err != nil {
		t.Fatal(err)
	}
	plain := expand(t, out.Bytes())
	for _, s := range []string{"/OpenAction", "/JavaScript", "/AA", "/EmbeddedFiles", "MZ not really"} {
		if !bytes.Contains(plain, []byte(s)) {
			t.Fatalf("test file lacks %s", s)
		}
	}
	return out.Bytes()
}

// expand returns pdf as qpdf writes it with object streams unpacked and streams
// uncompressed, so its objects can be searched as text.
func expand(t *testing.T, pdf []byte) []byte {
	t.Helper()
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.pdf"), filepath.Join(dir, "out.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("qpdf", "--qdf", "--object-streams=disable", in, out)
	if b, err := cmd.CombinedOutput(); err != nil && cmd.ProcessState.ExitCode() != 3 { // 3: warnings
		t.Fatalf("qpdf --qdf: %v\n%s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestUnsignedPDFActiveContentRemoved: an unsigned citizen PDF loses its JavaScript,
// /OpenAction, /AA and embedded files at import; the note lists what was removed; the
// result passes qpdf --check and keeps its pages.
func TestUnsignedPDFActiveContentRemoved(t *testing.T) {
	in := withActiveContent(t, makePDF(t, 2))
	r, err := ImportBytes("don.pdf", in, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Signed || r.PageCount != 2 {
		t.Fatalf("signed %v pages %d", r.Signed, r.PageCount)
	}
	plain := expand(t, r.PDF)
	for _, s := range []string{"/OpenAction", "/JavaScript", "/JS", "/AA", "/EmbeddedFiles", "/EmbeddedFile", "MZ not really"} {
		if bytes.Contains(plain, []byte(s)) {
			t.Errorf("cleaned PDF still contains %s", s)
		}
	}
	if len(r.Notes) != 1 || r.Notes[0].Key != NotePDFCleaned {
		t.Fatalf("notes %+v, want one NotePDFCleaned", r.Notes)
	}
	want := "additional_actions, embedded_files, javascript, open_action"
	if got := r.Notes[0].Args["Removed"]; got != want {
		t.Errorf("removed %q, want %q", got, want)
	}
	if !strings.Contains(r.Notes[0].Text, want) {
		t.Errorf("note text %q does not list what was removed", r.Notes[0].Text)
	}
	if texts := r.NoteTexts(); len(texts) != 1 || texts[0] != r.Notes[0].Text {
		t.Errorf("NoteTexts() = %q", texts)
	}
	out := filepath.Join(t.TempDir(), "clean.pdf")
	if err := os.WriteFile(out, r.PDF, 0o600); err != nil {
		t.Fatal(err)
	}
	run(t, "qpdf", "--check", out)
	// Re-importing the cleaned file finds nothing more to remove.
	again, err := ImportBytes("don.pdf", r.PDF, Options{})
	if err != nil || len(again.Notes) != 0 || !bytes.Equal(again.PDF, r.PDF) {
		t.Errorf("re-import: %v notes %+v identical %v", err, again.Notes, bytes.Equal(again.PDF, r.PDF))
	}
}

// TestSignedPDFActiveContentKept: a PDF that carries a signature dictionary is never
// rewritten, even with active content; the result warns with what it found.
func TestSignedPDFActiveContentKept(t *testing.T) {
	// pdfcpu drops signatures when it rewrites a file, so the signature dictionary is
	// added afterwards as an incremental update, the way a signing tool appends one.
	in := withActiveContent(t, makePDF(t, 1))
	ctx, err := api.ReadContext(bytes.NewReader(in), model.NewDefaultConfiguration())
	if err != nil {
		t.Fatal(err)
	}
	n, start := *ctx.Size, len(in)
	upd := fmt.Sprintf("%d 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached /ByteRange [0 10 20 10] /Contents <00> /Name (Test Signer) >>\nendobj\n", n)
	xref := start + len(upd)
	upd += fmt.Sprintf("xref\n%d 1\n%010d 00000 n \ntrailer\n<< /Size %d /Root %s /Prev %d >>\nstartxref\n%d\n%%%%EOF\n",
		n, start, n+1, fmt.Sprintf("%d %d R", ctx.Root.ObjectNumber.Value(), ctx.Root.GenerationNumber.Value()), lastStartxref(t, in), xref)
	in = append(in, upd...)
	r, err := ImportBytes("signed.pdf", in, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Signed || !bytes.Equal(r.PDF, in) {
		t.Fatalf("signed %v identical %v: a signed file must be kept byte for byte", r.Signed, bytes.Equal(r.PDF, in))
	}
	if len(r.Notes) != 1 || r.Notes[0].Key != NoteSignedActive ||
		r.Notes[0].Args["Found"] != "additional_actions, embedded_files, javascript, open_action" {
		t.Errorf("notes %+v, want one NoteSignedActive listing all four", r.Notes)
	}
}

// lastStartxref returns the offset the file's last startxref names.
func lastStartxref(t *testing.T, pdf []byte) int {
	t.Helper()
	i := bytes.LastIndex(pdf, []byte("startxref"))
	var off int
	if i < 0 {
		t.Fatal("no startxref")
	}
	if _, err := fmt.Sscan(string(pdf[i+len("startxref"):]), &off); err != nil {
		t.Fatal(err)
	}
	return off
}
