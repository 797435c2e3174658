// Tests of the shared WIA code: HRESULT classification, scan settings as WIA properties, and page
// decoding of good, corrupt, truncated and hostile data.

package wia_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"runtime"
	"testing"

	"golang.org/x/image/bmp"

	"sohoa/scanner"
	"sohoa/scanner/wia"
)

func TestClassify(t *testing.T) {
	cases := map[uint32]error{
		0x80210002: scanner.ErrJammed,
		0x80210003: scanner.ErrFeederEmpty,
		0x80210016: scanner.ErrCoverOpen,
		0x80210006: scanner.ErrBusy,
		0x80210005: scanner.ErrGone,
		0x80210015: scanner.ErrGone,
		0x80070057: scanner.ErrUnsupported,
	}
	for hr, want := range cases {
		if err := wia.Classify(hr); !errors.Is(err, want) {
			t.Errorf("Classify(0x%08X) = %v, want %v", hr, err, want)
		}
	}
	err := wia.Classify(0x8000FFFF)
	for _, known := range []error{scanner.ErrJammed, scanner.ErrFeederEmpty, scanner.ErrGone, scanner.ErrBusy} {
		if errors.Is(err, known) {
			t.Errorf("an unknown HRESULT was classified as %v", known)
		}
	}
}

func TestProps(t *testing.T) {
	ps, err := wia.Props(scanner.Settings{Source: scanner.SourceDuplex, DPI: 300, Mode: scanner.ModeGray, MaxPages: 4})
	if err != nil {
		t.Fatal(err)
	}
	got := map[int]int{}
	for _, p := range ps {
		got[p.ID] = p.Value
	}
	want := map[int]int{3088: 5, 6146: 2, 4103: 2, 6147: 300, 6148: 300, 3096: 4}
	for id, v := range want {
		if got[id] != v {
			t.Errorf("property %d = %d, want %d", id, got[id], v)
		}
	}
	ps, _ = wia.Props(scanner.Settings{Source: scanner.SourcePlaten})
	for _, p := range ps {
		if p.ID == 3096 {
			t.Error("a flatbed scan should not set the page count")
		}
		if p.ID == 6147 && p.Value != 200 {
			t.Errorf("default resolution %d, want 200", p.Value)
		}
	}
	for _, bad := range []scanner.Settings{{DPI: 5000}, {Source: "tray9"}, {Mode: "sepia"}} {
		if _, err := wia.Props(bad); !errors.Is(err, scanner.ErrUnsupported) {
			t.Errorf("Props(%+v) = %v, want ErrUnsupported", bad, err)
		}
	}
}

func page(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 200, 255})
		}
	}
	return img
}

func TestDecodePage(t *testing.T) {
	var pngBuf, bmpBuf bytes.Buffer
	if err := png.Encode(&pngBuf, page(64, 40)); err != nil {
		t.Fatal(err)
	}
	if err := bmp.Encode(&bmpBuf, page(64, 40)); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"png": pngBuf.Bytes(), "bmp": bmpBuf.Bytes()} {
		img, err := wia.DecodePage(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if b := img.Bounds(); b.Dx() != 64 || b.Dy() != 40 {
			t.Errorf("%s: decoded %v, want 64×40", name, b)
		}
		r, g, _, _ := img.At(10, 20).RGBA()
		if r>>8 != 10 || g>>8 != 20 {
			t.Errorf("%s: pixel (10,20) = %d,%d, want 10,20", name, r>>8, g>>8)
		}
	}
	hostile := map[string][]byte{
		"empty":     nil,
		"garbage":   []byte("this is not an image at all"),
		"truncated": pngBuf.Bytes()[:len(pngBuf.Bytes())/2],
		"huge":      hugePNGHeader(100000, 100000),
	}
	for name, data := range hostile {
		if _, err := wia.DecodePage(data); err == nil {
			t.Errorf("%s page was accepted", name)
		}
	}
}

// hugePNGHeader is a PNG signature and IHDR claiming a w×h image, with no pixel data.
func hugePNGHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2
	binary.Write(&b, binary.BigEndian, uint32(13))
	chunk := append([]byte("IHDR"), ihdr...)
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

func TestOpenOffWindows(t *testing.T) {
	if runtime.GOOS == "windows" {
		return // the Windows build opens real devices
	}
	if _, err := wia.Open("{6BDD1FC6-810F-11D0-BEC7-08002BE2092F}\\0000"); !errors.Is(err, wia.ErrUnsupported) {
		t.Errorf("Open off Windows: %v, want ErrUnsupported", err)
	}
}
