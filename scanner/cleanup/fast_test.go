// Tests that the fast paths (fused colour conversion, block sums; the rotation's are in rotate_test.go) give exactly
// what the straightforward code gives.
package cleanup

import (
	"image"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func randomRGBA(w, h int, seed uint64) *image.RGBA {
	r := rand.New(rand.NewPCG(seed, 2))
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range m.Pix {
		m.Pix[i] = uint8(r.IntN(256))
	}
	return m
}

// toYCbCrRef is the two-pass conversion toYCbCr replaced; it m to 4:2:0 YCbCr (the layout the JPEG encoder writes) through the tone curves.
func toYCbCrRef(m *image.RGBA, lut *[3][256]uint8) *image.YCbCr {
	b := m.Rect
	w, h := b.Dx(), b.Dy()
	out := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	for y := 0; y < h; y++ {
		off := m.PixOffset(b.Min.X, b.Min.Y+y)
		row := m.Pix[off : off+w*4]
		yr := out.Y[y*out.YStride : y*out.YStride+w]
		for x := range yr {
			r, g, bb := lut[0][row[4*x]], lut[1][row[4*x+1]], lut[2][row[4*x+2]]
			yr[x] = uint8((luma(r, g, bb) + 1<<15) >> 16)
		}
	}
	for cy := 0; cy < (h+1)/2; cy++ {
		r0 := m.PixOffset(b.Min.X, b.Min.Y+2*cy)
		r1 := m.PixOffset(b.Min.X, b.Min.Y+min(2*cy+1, h-1))
		cb := out.Cb[cy*out.CStride:]
		cr := out.Cr[cy*out.CStride:]
		for cx := 0; cx < (w+1)/2; cx++ {
			x0, x1 := 8*cx, 4*min(2*cx+1, w-1)
			var sr, sg, sb int32
			for _, i := range [4]int{r0 + x0, r0 + x1, r1 + x0, r1 + x1} {
				sr += int32(lut[0][m.Pix[i]])
				sg += int32(lut[1][m.Pix[i+1]])
				sb += int32(lut[2][m.Pix[i+2]])
			}
			// BT.601 full range as in image/color, on the 2×2 mean (sums are ×4).
			cb[cx] = clampC((-11056*sr - 21712*sg + 32768*sb + 4*(257<<15)) >> 18)
			cr[cx] = clampC((32768*sr - 27440*sg - 5328*sb + 4*(257<<15)) >> 18)
		}
	}
	return out
}

func TestFusedYCbCrMatchesTwoPass(t *testing.T) {
	for _, sz := range [][2]int{{1, 1}, {2, 3}, {5, 4}, {7, 9}, {130, 67}} {
		m := randomRGBA(sz[0]+3, sz[1]+2, uint64(sz[1]))
		sub := m.SubImage(image.Rect(3, 2, sz[0]+3, sz[1]+2)).(*image.RGBA)
		lut := whitening(sub)
		want := toYCbCrRef(sub, &lut)
		for range 2 { // the second time from a recycled buffer
			got := toYCbCr(sub, &lut)
			if !slices.Equal(got.Y, want.Y) || !slices.Equal(got.Cb, want.Cb) || !slices.Equal(got.Cr, want.Cr) ||
				got.Rect != want.Rect || got.YStride != want.YStride || got.CStride != want.CStride {
				t.Fatalf("%v: fused conversion differs", sz)
			}
			releaseYCbCr(got)
		}
	}
}

// downRGBARef is the per-pixel version downRGBA replaced; it averages f×f blocks of m's luma; partial blocks at the right and bottom are dropped.
func downRGBARef(m *image.RGBA, f int) *image.Gray {
	b := m.Rect
	ow, oh := b.Dx()/f, b.Dy()/f
	out := image.NewGray(image.Rect(0, 0, ow, oh))
	if ow == 0 || oh == 0 {
		return out
	}
	acc := make([]uint32, ow)
	div := uint32(f*f) << 16
	for oy := 0; oy < oh; oy++ {
		clear(acc)
		for k := 0; k < f; k++ {
			off := m.PixOffset(b.Min.X, b.Min.Y+oy*f+k)
			row := m.Pix[off : off+ow*f*4]
			for ox := range acc {
				s := row[ox*f*4 : (ox+1)*f*4]
				var sum uint32
				for i := 0; i+3 < len(s); i += 4 {
					sum += luma(s[i], s[i+1], s[i+2])
				}
				acc[ox] += sum
			}
		}
		d := out.Pix[oy*out.Stride : oy*out.Stride+ow]
		for ox, v := range acc {
			d[ox] = uint8((v + div/2) / div)
		}
	}
	return out
}

func TestDownRGBAMatchesPerPixelLuma(t *testing.T) {
	m := randomRGBA(301, 203, 9)
	sub := m.SubImage(image.Rect(5, 3, 301, 203)).(*image.RGBA)
	for f := 1; f <= 5; f++ {
		if got, want := downRGBA(sub, f), downRGBARef(sub, f); !slices.Equal(got.Pix, want.Pix) || got.Rect != want.Rect {
			t.Fatalf("factor %d: block sums differ", f)
		}
	}
}

// reportCPU adds the CPU time per operation since cpu0 (meaningful on a shared machine).
func reportCPU(b *testing.B, cpu0 time.Duration) {
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
}
