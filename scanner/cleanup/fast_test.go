// Tests that the fast paths (fused colour conversion, block sums; the rotation's are in rotate_test.go) give exactly
// what the straightforward code gives.

package cleanup

import (
	"image"
	"math/rand/v2"
	"slices"
	"sohoa/scanner/cleanup/internal/jpegenc"
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

// downGrayRef is the per-block version downGray replaced: it averages f×f blocks of m; partial
// blocks at the right and bottom are dropped.
func downGrayRef(m *image.Gray, f int) *image.Gray {
	b := m.Rect
	ow, oh := b.Dx()/f, b.Dy()/f
	out := image.NewGray(image.Rect(0, 0, ow, oh))
	for oy := 0; oy < oh; oy++ {
		for ox := 0; ox < ow; ox++ {
			var sum uint32
			for y := 0; y < f; y++ {
				for x := 0; x < f; x++ {
					sum += uint32(m.GrayAt(b.Min.X+ox*f+x, b.Min.Y+oy*f+y).Y)
				}
			}
			out.Pix[oy*out.Stride+ox] = uint8((sum + uint32(f*f)/2) / uint32(f*f))
		}
	}
	return out
}

func TestDownGrayMatchesPerBlock(t *testing.T) {
	c := randomRGBA(301, 203, 11)
	m := &image.Gray{Pix: c.Pix, Stride: c.Stride, Rect: image.Rect(0, 0, 4*301, 203)}
	sub := m.SubImage(image.Rect(7, 3, 4*301-2, 203)).(*image.Gray)
	for f := 1; f <= 6; f++ {
		if got, want := downGray(sub, f), downGrayRef(sub, f); !slices.Equal(got.Pix, want.Pix) || got.Rect != want.Rect {
			t.Fatalf("factor %d: block sums differ", f)
		}
	}
}

// chooseQualityRef is the bisection chooseQuality replaced: the highest quality in [lo, hi] whose
// estimated size is within target, lo when none is; it also counts the sizes it encoded.
func chooseQualityRef(size func(int) int, target, lo, hi int) (q, probes int) {
	fits := func(q int) bool { probes++; return size(q) <= target }
	if fits(hi) {
		return hi, probes
	}
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if fits(mid) {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo, probes
}

// The guided quality search finds what bisection finds, for targets across the whole range,
// on a colour and a grey page, and for other quality ranges.
func TestChooseQualityMatchesBisection(t *testing.T) {
	colour := makePage(t, benchCases[0].spec)
	grey := toGrayForTest(makePage(t, pageSpec{DPI: 150, Paras: 3, Table: true, Noise: 6, Seed: 5}))
	lut := whitening(colour)
	ycc := toYCbCr(colour, &lut)
	pc, err := jpegenc.FromYCbCr(ycc.Y, ycc.YStride, ycc.Cb, ycc.Cr, ycc.CStride, colour.Rect.Dx(), colour.Rect.Dy())
	releaseYCbCr(ycc)
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Release()
	pg, err := jpegenc.FromGray(grey.Pix, grey.Stride, grey.Rect.Dx(), grey.Rect.Dy())
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Release()
	for _, c := range []struct {
		name string
		p    *jpegenc.Page
		h    int
	}{{"colour", pc, colour.Rect.Dy()}, {"grey", pg, grey.Rect.Dy()}} {
		bands, scale := sampleBands(c.h)
		sizes := map[int]int{}
		size := func(q int) int {
			if s, ok := sizes[q]; ok {
				return s
			}
			n := len(c.p.Append(nil, q, bands))
			if bands != nil {
				n = int(float64(n-620)*scale) + 620
			}
			sizes[q] = n
			return n
		}
		for _, r := range [][2]int{{60, 90}, {1, 100}, {70, 71}, {85, 85}} {
			first, last := size(r[0])*9/10, size(r[1])*11/10
			for target := first; target <= last; target += max(1, (last-first)/17) {
				want, _ := chooseQualityRef(size, target, r[0], r[1])
				if got := chooseQuality(c.p, c.h, target, r[0], r[1]); got != want {
					t.Fatalf("%s [%d, %d] target %d: quality %d, bisection %d", c.name, r[0], r[1], target, got, want)
				}
			}
		}
	}
}

// BenchmarkChooseQuality times the quality search on the A4 200 dpi colour benchmark page at the
// default target, the guided search (guided) against the bisection it replaced (bisection).
func BenchmarkChooseQuality(b *testing.B) {
	page := makePage(b, benchCases[0].spec)
	lut := whitening(page)
	ycc := toYCbCr(page, &lut)
	pg, err := jpegenc.FromYCbCr(ycc.Y, ycc.YStride, ycc.Cb, ycc.Cr, ycc.CStride, page.Rect.Dx(), page.Rect.Dy())
	releaseYCbCr(ycc)
	if err != nil {
		b.Fatal(err)
	}
	defer pg.Release()
	h := page.Rect.Dy()
	target := int(float64(DefaultTargetKB*1024) * float64(page.Rect.Dx()*h) / (200 * 200) / a4Inch2)
	bands, scale := sampleBands(h)
	var buf []byte
	probes := 0
	size := func(q int) int {
		probes++
		buf = pg.Append(buf[:0], q, bands)
		return int(float64(len(buf)-620)*scale) + 620
	}
	b.Run("guided", func(b *testing.B) {
		probes = 0
		for b.Loop() {
			searchQuality(size, target, DefaultMinQuality, DefaultMaxQuality)
		}
		b.ReportMetric(float64(probes)/float64(b.N), "probes/op")
	})
	b.Run("bisection", func(b *testing.B) {
		probes = 0
		for b.Loop() {
			chooseQualityRef(size, target, DefaultMinQuality, DefaultMaxQuality)
		}
		b.ReportMetric(float64(probes)/float64(b.N), "probes/op")
	})
}
