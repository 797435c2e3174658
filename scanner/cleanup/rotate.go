// Bilinear rotation by a small angle (deskew): incremental 32.32 fixed-point source coordinates,
// each output row's in-page span clipped analytically, packed-lane arithmetic on RGBA and grey.

package cleanup

import (
	"encoding/binary"
	"image"
	"image/color"
	"math"
)

// rotatePage turns page (an *image.RGBA or *image.Gray) counter-clockwise by deg degrees about
// its centre with bilinear interpolation, into a new image of the same size at the origin; pixels
// that come from outside the page get fill.
func rotatePage(page image.Image, deg float64, fill color.RGBA) image.Image {
	b := page.Bounds()
	return rotatePageRect(page, deg, fill, image.Rect(0, 0, b.Dx(), b.Dy()))
}

// rotatePageRect is rotatePage computing only the part out of the turned page (whose bounds are
// (0,0)-(w,h)): the result's bounds are out, its pixels those rotatePage would give there. Use it
// to turn only what a crop keeps.
func rotatePageRect(page image.Image, deg float64, fill color.RGBA, out image.Rectangle) image.Image {
	switch m := page.(type) {
	case *image.RGBA:
		w, h := m.Rect.Dx(), m.Rect.Dy()
		out = out.Intersect(image.Rect(0, 0, w, h))
		dst := &image.RGBA{Pix: make([]uint8, out.Dx()*out.Dy()*4), Stride: out.Dx() * 4, Rect: out}
		rotateRGBA(dst.Pix, dst.Stride, m.Pix[m.PixOffset(m.Rect.Min.X, m.Rect.Min.Y):], m.Stride,
			pageRotation(w, h, deg), [4]uint8{fill.R, fill.G, fill.B, 255}, out)
		return dst
	case *image.Gray:
		w, h := m.Rect.Dx(), m.Rect.Dy()
		out = out.Intersect(image.Rect(0, 0, w, h))
		dst := &image.Gray{Pix: make([]uint8, out.Dx()*out.Dy()), Stride: out.Dx(), Rect: out}
		rotatePlane(dst.Pix, dst.Stride, m.Pix[m.PixOffset(m.Rect.Min.X, m.Rect.Min.Y):], m.Stride,
			pageRotation(w, h, deg), uint8(luma(fill.R, fill.G, fill.B)>>16), out)
		return dst
	}
	return page
}

// rotateYCbCr is rotatePageRect for a 4:2:0 page m whose bounds start at the origin, as toYCbCr
// makes them: the luma plane turns about the page's centre and the chroma planes about the same
// point in their own coordinates (chroma sample k covers luma pixels 2k and 2k+1), so that the
// colour stays on its ink. fill is the (Y, Cb, Cr) of the uncovered corners. out should start
// at even coordinates, where a chroma sample starts.
func rotateYCbCr(m *image.YCbCr, deg float64, fill [3]uint8, out image.Rectangle) *image.YCbCr {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	out = out.Intersect(image.Rect(0, 0, w, h))
	dst := image.NewYCbCr(out, image.YCbCrSubsampleRatio420)
	rotatePlane(dst.Y, dst.YStride, m.Y, m.YStride, pageRotation(w, h, deg), fill[0], out)
	// Chroma sample k is centred on luma k·2+0.5: the page's centre (w-1)/2 is at (w-2)/4.
	rc := newRotation((w+1)/2, (h+1)/2, float64(w-2)/4, float64(h-2)/4, deg)
	cout := image.Rect(out.Min.X/2, out.Min.Y/2, (out.Max.X+1)/2, (out.Max.Y+1)/2)
	rotatePlane(dst.Cb, dst.CStride, m.Cb, m.CStride, rc, fill[1], cout)
	rotatePlane(dst.Cr, dst.CStride, m.Cr, m.CStride, rc, fill[2], cout)
	return dst
}

// rotation maps output pixels of a w×h plane turned by deg about (cx, cy) to source coordinates
// in 32.32 fixed point. Output pixel p (relative to the centre) samples the source at p turned
// clockwise: (c·x - s·y, s·x + c·y). The source point moves by (du, dv) per output pixel along a
// row.
type rotation struct {
	c, s, cx, cy float64
	du, dv       int64
	w, h         int
}

// fix is 1.0 in the 32.32 fixed point of rotation.
const fix = 1 << 32

func newRotation(w, h int, cx, cy, deg float64) rotation {
	th := deg * math.Pi / 180
	c, s := math.Cos(th), math.Sin(th)
	return rotation{c: c, s: s, cx: cx, cy: cy,
		du: int64(math.Round(c * fix)), dv: int64(math.Round(s * fix)), w: w, h: h}
}

// pageRotation is the rotation of a w×h page about its centre.
func pageRotation(w, h int, deg float64) rotation {
	return newRotation(w, h, float64(w-1)/2, float64(h-1)/2, deg)
}

// row returns the source coordinates of output pixel (0, y), and the span [lo, hi) of x within
// [x0, x1) whose four source neighbours all lie inside the page (0 ≤ u>>32 ≤ w-2, same for v);
// the pixels of [x0, x1) outside the span get the fill.
func (r rotation) row(y, x0, x1 int) (u, v int64, lo, hi int) {
	dy := float64(y) - r.cy
	u = int64(math.Round((r.c*(-r.cx) - r.s*dy + r.cx) * fix))
	v = int64(math.Round((r.s*(-r.cx) + r.c*dy + r.cy) * fix))
	lo, hi = x0, x1
	for _, k := range [2]struct {
		s, d int64
		n    int
	}{{u, r.du, r.w}, {v, r.dv, r.h}} {
		l, h := within(k.s, k.d, int64(k.n-1)*fix)
		lo, hi = max(lo, l), min(hi, h)
	}
	if lo >= hi {
		return u, v, x1, x1 // the whole row is fill
	}
	return u, v, lo, hi
}

// within returns the range [lo, hi) of x (clamped to ±1<<20) for which 0 ≤ s + x·d < limit.
func within(s, d, limit int64) (lo, hi int) {
	const far = 1 << 20 // beyond any page side
	switch {
	case limit <= 0:
		return 0, 0
	case d > 0:
		return clampFar(-floorDiv(s, d)), clampFar(-floorDiv(s-limit, d))
	case d < 0:
		return clampFar(floorDiv(s-limit, -d) + 1), clampFar(floorDiv(s, -d) + 1)
	case s >= 0 && s < limit:
		return -far, far
	}
	return 0, 0
}

func clampFar(x int64) int {
	return int(min(max(x, -1<<20), 1<<20))
}

// floorDiv is ⌊a/b⌋ for b > 0.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// weights returns the bilinear weights of a 32.32 coordinate pair, each rounded to 1/256 (0–256):
// rounding, not truncating, keeps the result within one level of the exact bilinear value.
func weights(u, v int64) (fx, fy uint64) {
	return (uint64(u)&(fix-1) + 1<<23) >> 24, (uint64(v)&(fix-1) + 1<<23) >> 24
}

// rotateRGBA writes the part out of src (RGBA pixels, r.w×r.h) turned by r into dst
// (out.Dx()×out.Dy() pixels). Per pixel, the two source rows' 8 bytes (two pixels each) are blended vertically in
// 16-bit lanes (R B R B and G A G A), then each channel's pair horizontally in one multiply of
// 32-bit lanes; the arithmetic is exact up to the final rounding, so every channel is the exact
// bilinear value of rounded weights (see weights), rounded to the nearest level.
func rotateRGBA(dst []uint8, dstStride int, src []uint8, srcStride int, r rotation, fill [4]uint8, out image.Rectangle) {
	fillPx := binary.LittleEndian.Uint32(fill[:])
	for y := out.Min.Y; y < out.Max.Y; y++ {
		u, v, lo, hi := r.row(y, out.Min.X, out.Max.X)
		d := dst[(y-out.Min.Y)*dstStride : (y-out.Min.Y)*dstStride+out.Dx()*4]
		for x := out.Min.X; x < lo; x++ {
			binary.LittleEndian.PutUint32(d[(x-out.Min.X)*4:], fillPx)
		}
		u += int64(lo) * r.du
		v += int64(lo) * r.dv
		rowRGBA(d[(lo-out.Min.X)*4:(hi-out.Min.X)*4], src, srcStride, u, v, r.du, r.dv)
		for x := hi; x < out.Max.X; x++ {
			binary.LittleEndian.PutUint32(d[(x-out.Min.X)*4:], fillPx)
		}
	}
}

// rotatePlane is rotateRGBA for one 8-bit plane (grey, or a plane of YCbCr): the two source rows
// are blended vertically in the 32-bit lanes of a uint64 (left and right sample), then
// horizontally in one multiply. Where all the source samples a run of output samples reads
// equal the fill (blank paper once the tone curves made it white), the run is the fill, exactly
// what blending would give, and is written without blending.
func rotatePlane(dst []uint8, dstStride int, src []uint8, srcStride int, r rotation, fill uint8, out image.Rectangle) {
	flat := newFlatMap(src, srcStride, r.w, r.h, fill)
	var fills [flatBlock]uint8
	for i := range fills {
		fills[i] = fill
	}
	fill8 := uint64(fill) * 0x0101010101010101
	for y := out.Min.Y; y < out.Max.Y; y++ {
		u, v, lo, hi := r.row(y, out.Min.X, out.Max.X)
		d := dst[(y-out.Min.Y)*dstStride : (y-out.Min.Y)*dstStride+out.Dx()]
		for x := out.Min.X; x < lo; x++ {
			d[x-out.Min.X] = fill
		}
		u += int64(lo) * r.du
		v += int64(lo) * r.dv
		// Blocks of output samples: a block whose source rectangle is all fill is the fill.
		for x := lo; x < hi; {
			n := min(flatBlock, hi-x)
			ue, ve := u+int64(n-1)*r.du, v+int64(n-1)*r.dv
			run := d[x-out.Min.X : x-out.Min.X+n]
			if flat.all(int(min(v, ve)>>32), int(max(v, ve)>>32)+1, int(min(u, ue)>>32), int(max(u, ue)>>32)+1) {
				if n == flatBlock {
					// Four word stores: a copy of 32 bytes costs a call to memmove.
					for k := 0; k < flatBlock; k += 8 {
						binary.LittleEndian.PutUint64(run[k:k+8], fill8)
					}
				} else {
					copy(run, fills[:n])
				}
			} else {
				rowGray(run, src, srcStride, u, v, r.du, r.dv)
			}
			u, v = ue+r.du, ve+r.dv
			x += n
		}
		for x := hi; x < out.Max.X; x++ {
			d[x-out.Min.X] = fill
		}
	}
}

// flatMap marks the chunks of 16 samples of each row of a plane whose samples all equal one
// value.
type flatMap struct {
	bits  []uint64
	words int // per row
}

// Sizes of the flat map's chunks, and of the blocks of output samples tested against it.
const (
	flatChunk = 16
	flatBlock = 32
)

func newFlatMap(pix []uint8, stride, w, h int, v uint8) flatMap {
	chunks := (w + flatChunk - 1) / flatChunk
	f := flatMap{words: (chunks + 63) / 64}
	f.bits = make([]uint64, f.words*h)
	vv := uint64(v) * 0x0101010101010101
	for y := 0; y < h; y++ {
		row := pix[y*stride : y*stride+w]
		bits := f.bits[y*f.words : (y+1)*f.words]
		for c := 0; c < chunks; c++ {
			s := row[c*flatChunk : min(w, (c+1)*flatChunk)]
			same := true
			if len(s) == flatChunk {
				same = binary.LittleEndian.Uint64(s) == vv && binary.LittleEndian.Uint64(s[8:]) == vv
			} else {
				for _, x := range s {
					same = same && x == v
				}
			}
			if same {
				bits[c/64] |= 1 << (c % 64)
			}
		}
	}
	return f
}

// all reports whether the samples [x0, x1] of rows [y0, y1] are all flat.
func (f flatMap) all(y0, y1, x0, x1 int) bool {
	c0, c1 := x0/flatChunk, x1/flatChunk
	if c0/64 == c1/64 {
		// The chunks lie in one word of each row: test them with one mask.
		w := c0 / 64
		mask := (uint64(2)<<(c1%64) - 1) &^ (uint64(1)<<(c0%64) - 1)
		for y := y0; y <= y1; y++ {
			if f.bits[y*f.words+w]&mask != mask {
				return false
			}
		}
		return true
	}
	for y := y0; y <= y1; y++ {
		bits := f.bits[y*f.words : (y+1)*f.words]
		for c := x0 / flatChunk; c <= x1/flatChunk; c++ {
			if bits[c/64]&(1<<(c%64)) == 0 {
				return false
			}
		}
	}
	return true
}

// rowRGBA fills row (RGBA pixels, all inside the source's span) from the source point (u, v),
// stepping (du, dv) per pixel. It is a function of its own so that the loop keeps its state in
// registers.
func rowRGBA(row, src []uint8, stride int, u, v, du, dv int64) {
	const m16 = 0x00ff00ff00ff00ff
	const m32 = 0x0000ffff0000ffff
	const half = 1 << 47
	for i := 0; i+4 <= len(row); i += 4 {
		fx, fy := weights(u, v)
		p := int(v>>32)*stride + int(u>>32)*4
		a := binary.LittleEndian.Uint64(src[p : p+8])
		b := binary.LittleEndian.Uint64(src[p+stride : p+stride+8])
		gy := 256 - fy
		e := (a&m16)*gy + (b&m16)*fy       // R0 B0 R1 B1, ×256
		o := (a>>8&m16)*gy + (b>>8&m16)*fy // G0 A0 G1 A1, ×256
		wx := fx | (256-fx)<<32            // bits 32–63 of lane pair × wx: left·(256-fx) + right·fx
		cr := ((e&m32)*wx + half) >> 48
		cb := ((e>>16&m32)*wx + half) >> 48
		cg := ((o&m32)*wx + half) >> 48
		ca := ((o>>16&m32)*wx + half) >> 48
		binary.LittleEndian.PutUint32(row[i:i+4], uint32(cr|cg<<8|cb<<16|ca<<24))
		u += du
		v += dv
	}
}

// rowGray is rowRGBA for one 8-bit plane.
func rowGray(row, src []uint8, stride int, u, v, du, dv int64) {
	const half = 1 << 47
	for i := range row {
		fx, fy := weights(u, v)
		p := int(v>>32)*stride + int(u>>32)
		t := src[p : p+2]
		b := src[p+stride : p+stride+2]
		e := (uint64(t[0])|uint64(t[1])<<32)*(256-fy) + (uint64(b[0])|uint64(b[1])<<32)*fy
		row[i] = uint8((e*(fx|(256-fx)<<32) + half) >> 48)
		u += du
		v += dv
	}
}
