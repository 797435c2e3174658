// Tests: the fork writes exactly what image/jpeg writes, whole pages and band samples, at every quality.

package jpegenc

import (
	"bytes"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"testing"
)

// testYCbCr makes a w×h 4:2:0 image with flat areas, text-like strokes and noise.
func testYCbCr(w, h int, seed uint64) *image.YCbCr {
	r := rand.New(rand.NewPCG(seed, 1))
	m := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := uint8(255)
			switch {
			case (y/7)%3 == 0 && (x/3)%4 != 0:
				v = uint8(20 + r.IntN(40)) // strokes
			case x > w/2 && y > h/2:
				v = uint8(200 + r.IntN(50)) // noisy area
			}
			m.Y[y*m.YStride+x] = v
		}
	}
	for i := range m.Cb {
		m.Cb[i] = uint8(128 + r.IntN(9) - 4)
		m.Cr[i] = uint8(128 + r.IntN(30) - 10)
	}
	return m
}

func TestSameBytesAsImageJPEG(t *testing.T) {
	sizes := [][2]int{{1, 1}, {3, 5}, {8, 8}, {16, 16}, {17, 33}, {97, 130}, {250, 71}}
	for _, sz := range sizes {
		w, h := sz[0], sz[1]
		ycc := testYCbCr(w, h, uint64(w*h))
		gray := &image.Gray{Pix: ycc.Y, Stride: ycc.YStride, Rect: ycc.Rect}
		pc, err := FromYCbCr(ycc.Y, ycc.YStride, ycc.Cb, ycc.Cr, ycc.CStride, w, h)
		if err != nil {
			t.Fatal(err)
		}
		pg, err := FromGray(gray.Pix, gray.Stride, w, h)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []int{1, 30, 50, 60, 75, 81, 90, 100} {
			for _, c := range []struct {
				p   *Page
				img image.Image
			}{{pc, ycc}, {pg, gray}} {
				var want bytes.Buffer
				if err := jpeg.Encode(&want, c.img, &jpeg.Options{Quality: q}); err != nil {
					t.Fatal(err)
				}
				got := c.p.Append(nil, q, nil)
				if !bytes.Equal(got, want.Bytes()) {
					t.Fatalf("%T %dx%d q%d: %d bytes, image/jpeg %d", c.img, w, h, q, len(got), want.Len())
				}
			}
		}
		pc.Release()
		pg.Release()
	}
}

// A sample of bands encodes exactly as the image cut down to those rows.
func TestBandSampleIsTheCutImage(t *testing.T) {
	w, h := 203, 16*12+5
	ycc := testYCbCr(w, h, 7)
	gray := &image.Gray{Pix: ycc.Y, Stride: ycc.YStride, Rect: ycc.Rect}
	bands := []int{1, 4, 5, 11}
	cutC := image.NewYCbCr(image.Rect(0, 0, w, 16*len(bands)), image.YCbCrSubsampleRatio420)
	cutG := image.NewGray(cutC.Rect)
	for k, b := range bands {
		for y := 0; y < 16; y++ {
			copy(cutC.Y[(16*k+y)*cutC.YStride:], ycc.Y[(16*b+y)*ycc.YStride:(16*b+y)*ycc.YStride+w])
			copy(cutG.Pix[(16*k+y)*cutG.Stride:], ycc.Y[(16*b+y)*ycc.YStride:(16*b+y)*ycc.YStride+w])
		}
		for y := 0; y < 8; y++ {
			copy(cutC.Cb[(8*k+y)*cutC.CStride:], ycc.Cb[(8*b+y)*ycc.CStride:(8*b+y+1)*ycc.CStride])
			copy(cutC.Cr[(8*k+y)*cutC.CStride:], ycc.Cr[(8*b+y)*ycc.CStride:(8*b+y+1)*ycc.CStride])
		}
	}
	pc, _ := FromYCbCr(ycc.Y, ycc.YStride, ycc.Cb, ycc.Cr, ycc.CStride, w, h)
	pg, _ := FromGray(gray.Pix, gray.Stride, w, h)
	if pc.Bands() != 12 {
		t.Fatalf("Bands() = %d", pc.Bands())
	}
	for _, q := range []int{60, 77, 90} {
		for _, c := range []struct {
			p   *Page
			img image.Image
		}{{pc, cutC}, {pg, cutG}} {
			var want bytes.Buffer
			if err := jpeg.Encode(&want, c.img, &jpeg.Options{Quality: q}); err != nil {
				t.Fatal(err)
			}
			if got := c.p.Append(nil, q, bands); !bytes.Equal(got, want.Bytes()) {
				t.Fatalf("%T q%d: sample differs (%d vs %d bytes)", c.img, q, len(got), want.Len())
			}
		}
	}
}

func TestTooLarge(t *testing.T) {
	if _, err := FromGray(nil, 0, 1<<16, 1); err != ErrTooLarge {
		t.Fatalf("wide page: %v", err)
	}
	if _, err := FromYCbCr(nil, 0, nil, nil, 0, 1, 1<<16); err != ErrTooLarge {
		t.Fatalf("tall page: %v", err)
	}
}

func BenchmarkA4(b *testing.B) {
	ycc := testYCbCr(1654, 2339, 3)
	b.Run("transform", func(b *testing.B) {
		for b.Loop() {
			p, _ := FromYCbCr(ycc.Y, ycc.YStride, ycc.Cb, ycc.Cr, ycc.CStride, 1654, 2339)
			p.Release()
		}
	})
	p, _ := FromYCbCr(ycc.Y, ycc.YStride, ycc.Cb, ycc.Cr, ycc.CStride, 1654, 2339)
	buf := make([]byte, 0, 1<<20)
	b.Run("append", func(b *testing.B) {
		for b.Loop() {
			buf = p.Append(buf[:0], 80, nil)
		}
	})
	b.Run("image-jpeg", func(b *testing.B) {
		var out bytes.Buffer
		for b.Loop() {
			out.Reset()
			_ = jpeg.Encode(&out, ycc, &jpeg.Options{Quality: 80})
		}
	})
}

// FromGrayLevels gives exactly what FromGray gives on the copy mapped through the levels, on
// whole blocks, partial edge blocks and a sub-rectangle with a wider stride.
func TestGrayLevelsIsTheMappedCopy(t *testing.T) {
	var lut [256]uint8
	for v := range lut {
		lut[v] = uint8(min(255, v*255/230)) // paper whitening
	}
	for _, sz := range [][2]int{{1, 1}, {9, 7}, {64, 48}, {203, 77}} {
		w, h := sz[0], sz[1]
		src := testYCbCr(w+5, h+3, uint64(w))
		pix, stride := src.Y[3*src.YStride+5:], src.YStride // the sub-rectangle at (5, 3)
		mapped := make([]uint8, w*h)
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				mapped[y*w+x] = lut[pix[y*stride+x]]
			}
		}
		want, err := FromGray(mapped, w, w, h)
		if err != nil {
			t.Fatal(err)
		}
		got, err := FromGrayLevels(pix, stride, w, h, &lut)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []int{30, 75, 90} {
			if a, b := got.Append(nil, q, nil), want.Append(nil, q, nil); !bytes.Equal(a, b) {
				t.Fatalf("%dx%d q%d: %d bytes, mapped copy %d", w, h, q, len(a), len(b))
			}
		}
		got.Release()
		want.Release()
	}
}
