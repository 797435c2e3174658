// Tests of the bilinear rotation: the same as a per-pixel version of its arithmetic, within one
// level of an independent floating-point rotation on a generated page, and sound on odd sizes.

package cleanup

import (
	"fmt"
	"image"
	"image/color"
	"slices"
	"testing"
)

// rotateRef is the straightforward per-pixel form of rotateRGBA and rotateGray: every pixel of
// the full turned page computes its source point from the row start, tests it against the page,
// and blends bpp samples with the four rounded weights.
func rotateRef(src []uint8, srcStride, w, h, bpp int, deg float64, fill []uint8) []uint8 {
	return rotateRefWith(pageRotation(w, h, deg), src, srcStride, bpp, fill)
}

// rotateRefWith is rotateRef for any rotation r of an r.w×r.h raster.
func rotateRefWith(r rotation, src []uint8, srcStride, bpp int, fill []uint8) []uint8 {
	w, h := r.w, r.h
	dst := make([]uint8, w*h*bpp)
	for y := 0; y < h; y++ {
		u0, v0, _, _ := r.row(y, 0, w)
		for x := 0; x < w; x++ {
			u, v := u0+int64(x)*r.du, v0+int64(x)*r.dv
			x0, y0 := u>>32, v>>32
			d := dst[(y*w+x)*bpp : (y*w+x+1)*bpp]
			if x0 < 0 || y0 < 0 || x0 >= int64(w-1) || y0 >= int64(h-1) {
				copy(d, fill)
				continue
			}
			fx, fy := weights(u, v)
			p := int(y0)*srcStride + int(x0)*bpp
			for k := range d {
				s := (256-fx)*(256-fy)*uint64(src[p+k]) + fx*(256-fy)*uint64(src[p+bpp+k]) +
					(256-fx)*fy*uint64(src[p+srcStride+k]) + fx*fy*uint64(src[p+srcStride+bpp+k])
				d[k] = uint8((s + 1<<15) >> 16)
			}
		}
	}
	return dst
}

func randomGray(w, h int, seed uint64) *image.Gray {
	m := randomRGBA(w, h, seed)
	return &image.Gray{Pix: m.Pix[:w*h], Stride: w, Rect: m.Rect}
}

// crop returns the part r of a w×h, bpp-byte-per-pixel raster.
func crop(pix []uint8, w, bpp int, r image.Rectangle) []uint8 {
	var out []uint8
	for y := r.Min.Y; y < r.Max.Y; y++ {
		out = append(out, pix[(y*w+r.Min.X)*bpp:(y*w+r.Max.X)*bpp]...)
	}
	return out
}

func TestRotateMatchesPerPixelReference(t *testing.T) {
	fill := color.RGBA{250, 240, 230, 255}
	for _, sz := range [][2]int{{1, 1}, {1, 9}, {9, 1}, {2, 2}, {3, 7}, {64, 41}, {301, 177}} {
		m := randomRGBA(sz[0]+1, sz[1]+1, uint64(sz[0]))
		g := randomGray(sz[0]+1, sz[1]+1, uint64(sz[1]))
		for _, img := range []image.Image{m, m.SubImage(image.Rect(1, 1, sz[0]+1, sz[1]+1)), g, g.SubImage(image.Rect(1, 1, sz[0]+1, sz[1]+1))} {
			w, h := img.Bounds().Dx(), img.Bounds().Dy()
			for _, deg := range []float64{-6, -5.9, -1.8, -0.13, 0, 0.13, 2.5, 6, 45, -80} {
				var want []uint8
				bpp := 4
				switch m := img.(type) {
				case *image.RGBA:
					want = rotateRef(m.Pix[m.PixOffset(m.Rect.Min.X, m.Rect.Min.Y):], m.Stride, w, h, 4, deg, []uint8{fill.R, fill.G, fill.B, 255})
				case *image.Gray:
					bpp = 1
					want = rotateRef(m.Pix[m.PixOffset(m.Rect.Min.X, m.Rect.Min.Y):], m.Stride, w, h, 1, deg, []uint8{uint8(luma(fill.R, fill.G, fill.B) >> 16)})
				}
				name := fmt.Sprintf("%T %dx%d %.2f°", img, w, h, deg)
				if got := pixels(rotatePage(img, deg, fill)); !slices.Equal(got, want) {
					t.Fatalf("%s: rotation differs from the per-pixel reference", name)
				}
				// Part of the turned page only: the same pixels, the requested bounds.
				for _, r := range []image.Rectangle{image.Rect(0, 0, w, h).Inset(w / 5), image.Rect(w/3, 0, w, h/2), image.Rect(w-1, h-1, w, h)} {
					part := rotatePageRect(img, deg, fill, r)
					if r.Empty() {
						if !part.Bounds().Empty() {
							t.Fatalf("%s: empty part %v gave %v", name, r, part.Bounds())
						}
						continue
					}
					if part.Bounds() != r || !slices.Equal(pixels(part), crop(want, w, bpp, r)) {
						t.Fatalf("%s: part %v differs (bounds %v)", name, r, part.Bounds())
					}
				}
			}
		}
	}
}

// pixels returns the pixel bytes of an *image.RGBA or *image.Gray row after row.
func pixels(img image.Image) []uint8 {
	var out []uint8
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		switch m := img.(type) {
		case *image.RGBA:
			out = append(out, m.Pix[m.PixOffset(b.Min.X, y):m.PixOffset(b.Max.X, y)]...)
		case *image.Gray:
			out = append(out, m.Pix[m.PixOffset(b.Min.X, y):m.PixOffset(b.Max.X, y)]...)
		}
	}
	return out
}

// TestRotateWithinOneLevelOfFloat compares the rotation with rotateForTest (float64 coordinates and
// weights, written independently) on a generated page: no channel of any pixel may differ by more
// than one level, edges of the text and of the page included.
func TestRotateWithinOneLevelOfFloat(t *testing.T) {
	page := makePage(t, pageSpec{DPI: 100, Paras: 4, Table: true, Stamp: true, Noise: 6, Specks: 20, Seed: 5})
	fill := color.RGBA{250, 240, 230, 255}
	for _, deg := range []float64{-5.7, -1.8, 0.3, 2.7} {
		want := rotateForTest(page, deg, fill)
		got := rotatePage(page, deg, fill).(*image.RGBA)
		worst, n := 0, 0
		for i := range want.Pix {
			d := max(int(got.Pix[i])-int(want.Pix[i]), int(want.Pix[i])-int(got.Pix[i]))
			worst = max(worst, d)
			if d > 0 {
				n++
			}
		}
		t.Logf("%.1f°: %d of %d samples differ, by at most %d", deg, n, len(want.Pix), worst)
		if worst > 1 {
			t.Errorf("%.1f°: a sample differs by %d levels from the float rotation", deg, worst)
		}
	}
}

// paperGray is a w×h grey raster of paper (255) with dark marks and noisy patches, so that the
// rotation's skipping of plain paper is exercised next to blended samples.
func paperGray(w, h int, seed uint64) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for i := range g.Pix {
		g.Pix[i] = 255
	}
	noise := randomGray(w, h, seed)
	for k := 0; k < 40; k++ {
		x0, y0 := int(noise.Pix[k*7])*w/256, int(noise.Pix[k*7+1])*h/256
		for y := y0; y < min(h, y0+1+int(noise.Pix[k*7+2])%20); y++ {
			for x := x0; x < min(w, x0+1+int(noise.Pix[k*7+3])%60); x++ {
				g.Pix[y*w+x] = noise.Pix[y*w+x] / 2
			}
		}
	}
	return g
}

func TestRotatePaperMatchesPerPixelReference(t *testing.T) {
	for _, sz := range [][2]int{{5, 300}, {67, 45}, {333, 211}} {
		g := paperGray(sz[0], sz[1], uint64(sz[0]))
		w, h := sz[0], sz[1]
		for _, deg := range []float64{-6, -1.8, -0.11, 0.4, 3, 6} {
			for _, fill := range []uint8{255, 128} {
				want := rotateRef(g.Pix, g.Stride, w, h, 1, deg, []uint8{fill})
				got := rotatePage(g, deg, color.RGBA{fill, fill, fill, 255})
				if !slices.Equal(pixels(got), want) {
					t.Fatalf("%dx%d %.2f° fill %d: rotation of a paper page differs from the per-pixel reference", w, h, deg, fill)
				}
			}
		}
	}
}

func TestRotateYCbCrPlanes(t *testing.T) {
	page := makePage(t, pageSpec{DPI: 50, Paras: 3, Stamp: true, Noise: 6, Seed: 7})
	for _, cr := range []image.Rectangle{page.Rect, image.Rect(4, 2, 301, 400)} {
		sub := page.SubImage(cr).(*image.RGBA)
		lut := whitening(sub)
		ycc := toYCbCr(sub, &lut)
		w, h := ycc.Rect.Dx(), ycc.Rect.Dy()
		cw, ch := (w+1)/2, (h+1)/2
		fill := [3]uint8{255, 128, 128}
		for _, deg := range []float64{-4.5, 1.8} {
			out := image.Rect(6, 10, w-3, h-5)
			got := rotateYCbCr(ycc, deg, fill, out)
			wantY := crop(rotateRef(ycc.Y, ycc.YStride, w, h, 1, deg, fill[:1]), w, 1, out)
			rc := newRotation(cw, ch, float64(w-2)/4, float64(h-2)/4, deg)
			cout := image.Rect(out.Min.X/2, out.Min.Y/2, (out.Max.X+1)/2, (out.Max.Y+1)/2)
			wantCb := crop(rotateRefWith(rc, ycc.Cb, ycc.CStride, 1, fill[1:2]), cw, 1, cout)
			wantCr := crop(rotateRefWith(rc, ycc.Cr, ycc.CStride, 1, fill[2:3]), cw, 1, cout)
			if got.Rect != out || !slices.Equal(got.Y, wantY) || !slices.Equal(got.Cb, wantCb) || !slices.Equal(got.Cr, wantCr) {
				t.Fatalf("%v %.1f°: turned planes differ from the per-pixel reference", cr, deg)
			}
		}
		releaseYCbCr(ycc)
	}
}

func TestRotateQuarterYCbCr(t *testing.T) {
	page := makePage(t, pageSpec{DPI: 40, Paras: 2, Stamp: true, Seed: 8})
	lut := whitening(page)
	for _, r := range []image.Rectangle{page.Rect, image.Rect(0, 0, 201, 133)} {
		ycc := toYCbCr(page.SubImage(r).(*image.RGBA), &lut)
		var img image.Image = ycc
		for _, d := range []int{90, 90, 180} {
			img = rotateQuarter(img, d)
		}
		m := img.(*image.YCbCr)
		if m.Rect != ycc.Rect || !slices.Equal(m.Y, ycc.Y) || !slices.Equal(m.Cb, ycc.Cb) || !slices.Equal(m.Cr, ycc.Cr) {
			t.Fatalf("%v: four quarter turns changed the page", r)
		}
		q := rotateQuarter(ycc, 90).(*image.YCbCr)
		if q.Rect.Dx() != r.Dy() || q.Rect.Dy() != r.Dx() || q.YCbCrAt(r.Dy()-1, 0) != ycc.YCbCrAt(0, 0) {
			t.Fatalf("%v: a quarter turn moved the top-left corner wrongly", r)
		}
		releaseYCbCr(ycc)
	}
}

func BenchmarkRotateA4(b *testing.B) {
	m := randomRGBA(1654, 2339, 1)
	g := randomGray(1654, 2339, 1)
	b.Run("rgba", func(b *testing.B) {
		defer reportCPU(b, cpuTime())
		for b.Loop() {
			rotatePage(m, 1.8, color.RGBA{255, 255, 255, 255})
		}
	})
	b.Run("gray", func(b *testing.B) {
		defer reportCPU(b, cpuTime())
		for b.Loop() {
			rotatePage(g, 1.8, color.RGBA{255, 255, 255, 255})
		}
	})
	lut := whitening(page200(b))
	ycc := toYCbCr(page200(b), &lut)
	b.Run("ycbcr-page", func(b *testing.B) {
		defer reportCPU(b, cpuTime())
		for b.Loop() {
			rotateYCbCr(ycc, 1.8, [3]uint8{255, 128, 128}, ycc.Rect)
		}
	})
	b.Run("down2", func(b *testing.B) {
		defer reportCPU(b, cpuTime())
		for b.Loop() {
			downRGBA(m, 2)
		}
	})
}

// page200 is the skewed A4 colour page of the pipeline benchmark.
func page200(b *testing.B) *image.RGBA {
	return makePage(b, benchCases[1].spec)
}
