// Size-tuned encoding: JPEG (colour 4:2:0 or 8-bit grey) at a per-page quality, or bilevel PNG.

package cleanup

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"sync"

	"sohoa/scanner"
	"sohoa/scanner/cleanup/internal/jpegenc"
)

// Output formats of Encode.
const (
	FormatJPEG = "jpeg" // baseline JPEG: colour with 4:2:0 chroma subsampling, or 8-bit grey
	FormatPNG  = "png"  // 1-bit paletted PNG (black and white), lossless
)

// Encoding defaults.
const (
	DefaultTargetKB   = 360 // per A4 page at 200 dpi: about quality 75–80 on a dense text page
	DefaultMinQuality = 60  // legibility floor
	DefaultMaxQuality = 90
)

// a4Inch2 is the area of an A4 page in square inches.
const a4Inch2 = (210 / 25.4) * (297 / 25.4)

// Options tunes Process and Encode. The zero value means colour JPEG of about 360 KB per A4 page
// at 200 dpi, quality between 60 and 90, paper background whitened.
type Options struct {
	// Mode is the colour mode the unit allows for this component: ModeColor (default), ModeGray
	// (8-bit grey JPEG) or ModeBW (bilevel, lossless 1-bit PNG).
	Mode scanner.ColorMode
	// TargetKB is the JPEG size aimed at for an A4 page at 200 dpi; other sizes scale with the
	// page area and linearly with the resolution. 0 means DefaultTargetKB.
	TargetKB int
	// MinQuality and MaxQuality bound the JPEG quality (0: 60 and 90). The floor wins over the
	// target: a busy page may come out larger than TargetKB.
	MinQuality, MaxQuality int
	// KeepBackground leaves the paper as scanned; by default paper tint and noise brighter than
	// the text are pushed to white, which makes files much smaller without touching the ink.
	KeepBackground bool
}

func (o Options) withDefaults() Options {
	if o.Mode == "" {
		o.Mode = scanner.ModeColor
	}
	if o.TargetKB <= 0 {
		o.TargetKB = DefaultTargetKB
	}
	if o.MinQuality <= 0 {
		o.MinQuality = DefaultMinQuality
	}
	if o.MaxQuality <= 0 {
		o.MaxQuality = DefaultMaxQuality
	}
	o.MinQuality = min(max(o.MinQuality, 1), 100)
	o.MaxQuality = min(max(o.MaxQuality, o.MinQuality), 100)
	return o
}

// Encode encodes a cleaned page for the dossier PDF. dpi is the page's resolution (0: 200).
// Colour pages become JPEG with 4:2:0 chroma subsampling and grey pages 8-bit grey JPEG, at the
// highest quality within [MinQuality, MaxQuality] whose size meets the target. The page's DCT is
// computed once (internal/jpegenc, forked from image/jpeg); the quality is searched by
// re-quantising a sample of one band of 16 rows in 8, then the whole page is entropy-coded once.
// The bytes are those image/jpeg.Encode would write at that quality. ModeBW gives a 1-bit PNG,
// which pdfcpu's ImportImages embeds losslessly (as an indexed Flate image). format is
// FormatJPEG or FormatPNG.
func Encode(img image.Image, dpi int, opts Options) (data []byte, format string, err error) {
	if err := checkImage(img); err != nil {
		return nil, "", err
	}
	data, format, _, err = encode(toPage(img), dpi, opts.withDefaults())
	return data, format, err
}

// encode is Encode on an *image.RGBA or *image.Gray page, or on a 4:2:0 *image.YCbCr page in
// colour mode that already went through toneCurves (see Process); it also returns the JPEG
// quality used.
func encode(page image.Image, dpi int, o Options) ([]byte, string, int, error) {
	if dpi <= 0 {
		dpi = 200
	}
	b := page.Bounds()
	if ycc, ok := page.(*image.YCbCr); ok {
		if o.Mode != scanner.ModeColor || ycc.SubsampleRatio != image.YCbCrSubsampleRatio420 || b.Min.X%2 != 0 || b.Min.Y%2 != 0 {
			page = toRGBA(ycc)
		} else {
			c := ycc.COffset(b.Min.X, b.Min.Y)
			pg, err := jpegenc.FromYCbCr(ycc.Y[ycc.YOffset(b.Min.X, b.Min.Y):], ycc.YStride, ycc.Cb[c:], ycc.Cr[c:], ycc.CStride, b.Dx(), b.Dy())
			if err != nil {
				return nil, "", 0, fmt.Errorf("%w: JPEG: %v", ErrEncode, err)
			}
			return encodeJPEG(pg, b, dpi, o)
		}
	}
	lut := toneCurves(page, o)
	if o.Mode == scanner.ModeBW {
		var buf bytes.Buffer
		if err := png.Encode(&buf, bilevel(page, lut[0])); err != nil {
			return nil, "", 0, fmt.Errorf("%w: PNG: %v", ErrEncode, err)
		}
		return buf.Bytes(), FormatPNG, 0, nil
	}
	var pg *jpegenc.Page
	var err error
	if rgba, ok := page.(*image.RGBA); ok && o.Mode == scanner.ModeColor {
		ycc := toYCbCr(rgba, &lut)
		pg, err = jpegenc.FromYCbCr(ycc.Y, ycc.YStride, ycc.Cb, ycc.Cr, ycc.CStride, b.Dx(), b.Dy())
		releaseYCbCr(ycc)
	} else if g, ok := page.(*image.Gray); ok {
		// The encoder applies the levels as it reads the blocks: no copy of the page.
		var levels *[256]uint8
		if lut[0] != identityLUT() {
			levels = &lut[0]
		}
		pg, err = jpegenc.FromGrayLevels(g.Pix[g.PixOffset(b.Min.X, b.Min.Y):], g.Stride, b.Dx(), b.Dy(), levels)
	} else {
		g := toGray(page, &lut[0])
		pg, err = jpegenc.FromGray(g.Pix, g.Stride, b.Dx(), b.Dy())
	}
	if err != nil {
		return nil, "", 0, fmt.Errorf("%w: JPEG: %v", ErrEncode, err)
	}
	return encodeJPEG(pg, b, dpi, o)
}

// encodeJPEG writes the transformed page pg (of bounds b) at the quality that meets the size
// target, and releases pg.
func encodeJPEG(pg *jpegenc.Page, b image.Rectangle, dpi int, o Options) ([]byte, string, int, error) {
	defer pg.Release()
	area := float64(b.Dx()) * float64(b.Dy()) / float64(dpi*dpi)
	target := int(float64(o.TargetKB*1024) * area / a4Inch2 * float64(dpi) / 200)
	q := chooseQuality(pg, b.Dy(), target, o.MinQuality, o.MaxQuality)
	return pg.Append(make([]byte, 0, target+target/4), q, nil), FormatJPEG, q, nil
}

// chooseQuality finds the highest quality in [lo, hi] whose estimated size is within target
// (lo when none is): the size of one band of 16 rows in 8 is encoded (from the DCT computed
// once) and scaled up. Sizes fall as the quality falls, so the answer is bracketed between a
// quality known to fit (or lo) and one known not to; each probe is guessed from the last two sizes
// seen (size goes about as a power of the quantiser scale), which usually takes three or four
// probes where a bisection of [60, 90] takes six; after four guesses it bisects, to bound the
// worst case.
func chooseQuality(pg *jpegenc.Page, h, target, lo, hi int) int {
	bands, scale := sampleBands(h)
	var buf []byte
	size := func(q int) int {
		buf = pg.Append(buf[:0], q, bands)
		if bands == nil {
			return len(buf)
		}
		const header = 620 // markers and tables, paid once per file
		return int(float64(len(buf)-header)*scale) + header
	}
	return searchQuality(size, target, lo, hi)
}

// searchQuality is chooseQuality's search, given the size at each quality.
func searchQuality(size func(q int) int, target, lo, hi int) int {
	bad, s := hi, size(hi)
	if s <= target {
		return hi
	}
	last, prev := probe{hi, s}, probe{}
	for step := 0; bad-lo > 1; step++ {
		q := (lo + bad) / 2 // bisection once guesses have had their chance
		if step < 4 {
			q = guessQuality(last, prev, target)
		}
		q = min(max(q, lo+1), bad-1)
		s := size(q)
		if s <= target {
			lo = q
		} else {
			bad = q
		}
		last, prev = probe{q, s}, last
	}
	return lo
}

// probe is a quality and the size it gives (size 0: no probe).
type probe struct{ q, size int }

// guessQuality guesses the highest quality whose size is within target from the last two
// probes: log size is taken as linear in the log of the quantiser scale, through both when they
// differ and slope the right way, else with the slope of a typical text page (-0.35).
func guessQuality(last, prev probe, target int) int {
	ls := math.Log(quantScale(last.q))
	slope := -0.35
	if prev.size > 0 && prev.q != last.q {
		d := (math.Log(float64(last.size)) - math.Log(float64(prev.size))) / (ls - math.Log(quantScale(prev.q)))
		if d < -0.05 {
			slope = d
		}
	}
	want := math.Exp(ls + (math.Log(float64(target))-math.Log(float64(last.size)))/slope)
	if math.IsNaN(want) || math.IsInf(want, 0) || want <= 0 {
		return last.q
	}
	// The highest quality whose scale is at least want: scale = 200 - 2q from quality 50 up,
	// 5000/q below.
	if want > 100 {
		return int(math.Floor(5000 / want))
	}
	return int(math.Floor((200 - want) / 2))
}

// quantScale is the factor (in per cent) image/jpeg applies to its quantisation tables at
// quality q.
func quantScale(q int) float64 {
	if q < 50 {
		return 5000 / float64(q)
	}
	return float64(max(200-2*q, 1)) // quality 100: every table entry is 1
}

// sampleBands picks one in 8 bands of 16 rows (JPEG MCU rows) of a page h rows high, and returns
// the factor from the sample's size to the page's. Small pages (nil) are encoded whole.
func sampleBands(h int) ([]int, float64) {
	const band, every = 16, 8
	n := h / band
	if n < every*4 {
		return nil, 1
	}
	// One band from each group of 8 at a varying position, so that the sample does not beat
	// with the text's line pitch.
	var picks []int
	seed := uint32(12345)
	for g := 0; g+every <= n; g += every {
		seed = seed*1103515245 + 12345
		picks = append(picks, g+int(seed>>16)%every)
	}
	return picks, float64(h) / float64(len(picks)*band)
}

// toneCurves returns the per-channel levels the encoder applies to page: whitening, or the
// identity with KeepBackground.
func toneCurves(page image.Image, o Options) [3][256]uint8 {
	if !o.KeepBackground {
		return whitening(page)
	}
	var lut [3][256]uint8
	for c := range lut {
		for v := range lut[c] {
			lut[c][v] = uint8(v)
		}
	}
	return lut
}

// whitening builds per-channel levels that map the paper (and noise a few levels around it) to
// white: v → v·255/white, where white is just below the paper's level. Ink keeps its darkness
// (scaled by a few per cent) and paper tint is removed (a white balance).
func whitening(page image.Image) [3][256]uint8 {
	var hist [3][256]int
	b := page.Bounds()
	switch m := page.(type) {
	case *image.RGBA:
		for y := b.Min.Y; y < b.Max.Y; y += 3 {
			off := m.PixOffset(b.Min.X, y)
			row := m.Pix[off : off+b.Dx()*4]
			for i := 0; i+3 < len(row); i += 12 {
				hist[0][row[i]]++
				hist[1][row[i+1]]++
				hist[2][row[i+2]]++
			}
		}
	case *image.Gray:
		for y := b.Min.Y; y < b.Max.Y; y += 3 {
			off := m.PixOffset(b.Min.X, y)
			for _, v := range m.Pix[off : off+b.Dx() : off+b.Dx()] {
				hist[0][v]++
			}
		}
		hist[1], hist[2] = hist[0], hist[0]
	}
	var lut [3][256]uint8
	for c := range lut {
		paper := histMode(&hist[c])
		white := paper - 8 // noise around the paper level becomes white
		for v := range lut[c] {
			if paper < 120 {
				lut[c][v] = uint8(v)
			} else {
				lut[c][v] = uint8(min(255, v*255/white))
			}
		}
	}
	return lut
}

// histMode is the most common level at or above 96 (smoothed over ±2 levels); 0 when none.
func histMode(h *[256]int) int {
	best, bestN := 0, 0
	for v := 255; v >= 96; v-- {
		n := 0
		for d := -2; d <= 2; d++ {
			if v+d <= 255 {
				n += h[v+d]
			}
		}
		if n > bestN {
			best, bestN = v, n
		}
	}
	return best
}

// planePool recycles the pixel buffers of toYCbCr's images.
var planePool sync.Pool

// toYCbCr converts m to 4:2:0 YCbCr (the layout the JPEG encoder writes) through the tone curves,
// in one pass over pairs of rows. The image's buffer comes from a pool: release it with
// releaseYCbCr once encoded.
func toYCbCr(m *image.RGBA, lut *[3][256]uint8) *image.YCbCr {
	b := m.Rect
	w, h := b.Dx(), b.Dy()
	cw, ch := (w+1)/2, (h+1)/2
	n := w*h + 2*cw*ch
	var buf []uint8
	if p, ok := planePool.Get().(*[]uint8); ok && cap(*p) >= n {
		buf = (*p)[:n]
	} else {
		buf = make([]uint8, n)
	}
	out := &image.YCbCr{
		Y: buf[:w*h], Cb: buf[w*h : w*h+cw*ch : w*h+cw*ch], Cr: buf[w*h+cw*ch:],
		YStride: w, CStride: cw, SubsampleRatio: image.YCbCrSubsampleRatio420, Rect: image.Rect(0, 0, w, h),
	}
	lr, lg, lb := &lut[0], &lut[1], &lut[2]
	for cy := 0; cy < ch; cy++ {
		y0, y1 := 2*cy, min(2*cy+1, h-1)
		p0 := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y0):]
		p1 := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y1):]
		o0 := out.Y[y0*w : y0*w+w]
		o1 := out.Y[y1*w : y1*w+w]
		cb := out.Cb[cy*cw : cy*cw+cw]
		cr := out.Cr[cy*cw : cy*cw+cw]
		for cx := range cb {
			xa, xb := 2*cx, min(2*cx+1, w-1)
			q := p0[4*xa : 4*xa+3 : 4*xa+3]
			r00, g00, b00 := lr[q[0]], lg[q[1]], lb[q[2]]
			q = p0[4*xb : 4*xb+3 : 4*xb+3]
			r01, g01, b01 := lr[q[0]], lg[q[1]], lb[q[2]]
			q = p1[4*xa : 4*xa+3 : 4*xa+3]
			r10, g10, b10 := lr[q[0]], lg[q[1]], lb[q[2]]
			q = p1[4*xb : 4*xb+3 : 4*xb+3]
			r11, g11, b11 := lr[q[0]], lg[q[1]], lb[q[2]]
			// Write the right column and lower row first: at the edges they are the same pixel.
			o1[xb] = uint8((luma(r11, g11, b11) + 1<<15) >> 16)
			o1[xa] = uint8((luma(r10, g10, b10) + 1<<15) >> 16)
			o0[xb] = uint8((luma(r01, g01, b01) + 1<<15) >> 16)
			o0[xa] = uint8((luma(r00, g00, b00) + 1<<15) >> 16)
			sr := int32(r00) + int32(r01) + int32(r10) + int32(r11)
			sg := int32(g00) + int32(g01) + int32(g10) + int32(g11)
			sb := int32(b00) + int32(b01) + int32(b10) + int32(b11)
			// BT.601 full range as in image/color, on the 2×2 mean (sums are ×4).
			cb[cx] = clampC((-11056*sr - 21712*sg + 32768*sb + 4*(257<<15)) >> 18)
			cr[cx] = clampC((32768*sr - 27440*sg - 5328*sb + 4*(257<<15)) >> 18)
		}
	}
	return out
}

// releaseYCbCr gives the buffer of an image from toYCbCr back to the pool.
func releaseYCbCr(m *image.YCbCr) {
	buf := m.Y[:len(m.Y)+len(m.Cb)+len(m.Cr)] // Y starts the buffer and keeps its capacity
	planePool.Put(&buf)
}

// yccOf is the (Y, Cb, Cr) toYCbCr gives a plain area of colour c after the tone curves.
func yccOf(c color.RGBA, lut *[3][256]uint8) [3]uint8 {
	r, g, b := lut[0][c.R], lut[1][c.G], lut[2][c.B]
	sr, sg, sb := 4*int32(r), 4*int32(g), 4*int32(b)
	return [3]uint8{uint8((luma(r, g, b) + 1<<15) >> 16),
		clampC((-11056*sr - 21712*sg + 32768*sb + 4*(257<<15)) >> 18),
		clampC((32768*sr - 27440*sg - 5328*sb + 4*(257<<15)) >> 18)}
}

func clampC(v int32) uint8 {
	return uint8(min(255, max(0, v)))
}

// toGray converts page to a new 8-bit grey image through the tone curve.
func toGray(page image.Image, lut *[256]uint8) *image.Gray {
	b := page.Bounds()
	w, h := b.Dx(), b.Dy()
	out := image.NewGray(image.Rect(0, 0, w, h))
	switch m := page.(type) {
	case *image.RGBA:
		for y := 0; y < h; y++ {
			off := m.PixOffset(b.Min.X, b.Min.Y+y)
			row := m.Pix[off : off+w*4]
			d := out.Pix[y*out.Stride : y*out.Stride+w]
			for x := range d {
				d[x] = lut[uint8((luma(row[4*x], row[4*x+1], row[4*x+2])+1<<15)>>16)]
			}
		}
	case *image.Gray:
		for y := 0; y < h; y++ {
			off := m.PixOffset(b.Min.X, b.Min.Y+y)
			d := out.Pix[y*out.Stride : y*out.Stride+w]
			for x, v := range m.Pix[off : off+w] {
				d[x] = lut[v]
			}
		}
	}
	return out
}

// bilevel thresholds page (after the tone curve) at 5/8 of the paper level into a two-colour
// paletted image, which png writes at 1 bit per pixel.
func bilevel(page image.Image, lut [256]uint8) *image.Paletted {
	g := toGray(page, &lut)
	var hist [256]int
	for _, v := range g.Pix {
		hist[v]++
	}
	th := uint8(160)
	if p := histMode(&hist); p > 0 {
		th = uint8(p * 5 / 8)
	}
	out := image.NewPaletted(g.Rect, color.Palette{color.Gray{0}, color.Gray{255}})
	for i, v := range g.Pix {
		if v >= th {
			out.Pix[i] = 1
		}
	}
	return out
}
