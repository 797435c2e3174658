// Tests for the whole clean-up pipeline on generated scans and on the virtual scanner's pages.

package cleanup

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"math"
	"testing"

	"sohoa/scanner"
)

func TestProcessSkewedPageOnLid(t *testing.T) {
	spec := pageSpec{DPI: 200, Paras: 4, Table: true, Stamp: true, Noise: 6, Specks: 20, Skew: -2.7, Border: 50, Seed: 51}
	page := makePage(t, spec)
	res, err := Process(scanner.Page{Image: page, DPI: 200}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(res.Angle+2.7) > 0.2 {
		t.Errorf("angle %.3f, want -2.7", res.Angle)
	}
	if res.Rotation != 0 || res.Blank || res.Format != FormatJPEG || res.Quality < DefaultMinQuality {
		t.Errorf("result %+v", Result{Rotation: res.Rotation, Blank: res.Blank, Format: res.Format, Quality: res.Quality})
	}
	// The paper is A4 at 200 dpi (1654×2339); the lid must be gone, corners included.
	b := res.Image.Bounds()
	if b.Dx() < 1560 || b.Dx() > 1660 || b.Dy() < 2230 || b.Dy() > 2345 {
		t.Errorf("cleaned page %v, want about 1654×2339", b.Size())
	}
	if _, again := Deskew(res.Image); math.Abs(again) > 0.2 {
		t.Errorf("result still skewed by %.3f°", again)
	}
	dec, err := jpeg.Decode(bytes.NewReader(res.Data))
	if err != nil || dec.Bounds().Size() != b.Size() {
		t.Fatalf("encoded page: %v, size %v", err, dec.Bounds())
	}
	// No dark lid left along the edges: every edge row/column is mostly paper.
	lid := 0
	a := analyse(toPage(res.Image))
	for y := 0; y < a.g.Rect.Dy(); y++ {
		for _, x := range []int{0, a.g.Rect.Dx() - 1} {
			if a.g.GrayAt(x, y).Y < 128 {
				lid++
			}
		}
	}
	if lid > a.g.Rect.Dy()/50 {
		t.Errorf("%d dark pixels along the side edges: lid left", lid)
	}
}

func TestProcessUpsideDownAndBlank(t *testing.T) {
	page := rotateQuarter(makePage(t, pageSpec{DPI: 200, Paras: 3, Stamp: true, Noise: 5, Seed: 52}), 180)
	res, err := Process(scanner.Page{Image: page, DPI: 200}, Options{Mode: scanner.ModeGray})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rotation != 180 || res.Blank {
		t.Fatalf("upside-down page: rotation %d blank %v", res.Rotation, res.Blank)
	}
	if _, ok := res.Image.(*image.Gray); !ok {
		t.Fatalf("grey mode gave %T", res.Image)
	}
	if Orientation(res.Image) != 0 {
		t.Fatal("processed page not upright")
	}
	back := makePage(t, pageSpec{DPI: 200, ShowThrough: true, Noise: 6, Specks: 30, Border: 40, Seed: 53})
	res, err = Process(scanner.Page{Image: back, DPI: 200, Back: true}, Options{Mode: scanner.ModeBW})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Blank || res.Data == nil || res.Format != FormatPNG {
		t.Fatalf("blank back: blank %v, %d bytes %s (a blank page is flagged and still encoded)", res.Blank, len(res.Data), res.Format)
	}
}

func TestProcessBadInput(t *testing.T) {
	if _, err := Process(scanner.Page{}, Options{}); !errors.Is(err, ErrNoImage) {
		t.Fatalf("nil image: %v", err)
	}
	if _, err := Process(scanner.Page{Image: &image.RGBA{Rect: image.Rect(0, 0, 50000, 2)}}, Options{}); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("huge image: %v", err)
	}
	// Odd inputs process without panicking: tiny, one row, all black, noise, non-RGBA types.
	noise := image.NewRGBA(image.Rect(0, 0, 600, 800))
	for i := range noise.Pix {
		noise.Pix[i] = uint8(i * 7919 % 251)
	}
	inputs := []image.Image{
		image.NewRGBA(image.Rect(0, 0, 1, 1)),
		image.NewGray(image.Rect(0, 0, 3000, 1)),
		image.NewGray(image.Rect(0, 0, 900, 1200)),
		noise,
		image.NewYCbCr(image.Rect(0, 0, 333, 444), image.YCbCrSubsampleRatio420),
		image.NewNRGBA(image.Rect(5, 5, 205, 305)),
		image.NewCMYK(image.Rect(0, 0, 64, 64)),
	}
	for _, img := range inputs {
		for _, m := range []scanner.ColorMode{scanner.ModeColor, scanner.ModeGray, scanner.ModeBW} {
			res, err := Process(scanner.Page{Image: img, DPI: 200}, Options{Mode: m})
			if err != nil || len(res.Data) == 0 {
				t.Fatalf("%T %v %s: %v", img, img.Bounds(), m, err)
			}
		}
	}
}
