// Skew estimation (projection profiles of text lines) and bilinear rotation back to straight.
package cleanup

import (
	"encoding/binary"
	"image"
	"image/color"
	"math"
	"slices"
)

// Skew search range and the smallest correction worth resampling a page for.
const (
	maxSkewDeg = 6.0
	minSkewDeg = 0.1 // below this a rotation moves the far edge of an A4 page by < 3 px
)

// Deskew estimates the skew of the text on img and rotates it back, filling the uncovered
// corners with the paper colour. angle is the skew found, in degrees, counter-clockwise positive
// (text lines rising to the right); out was turned by -angle. A page without enough text to
// measure, or skewed by less than 0.1°, is returned as is (angle 0 in the first case).
func Deskew(img image.Image) (out image.Image, angle float64) {
	if img == nil || img.Bounds().Empty() {
		return img, 0
	}
	page := toPage(img)
	a := analyse(page)
	angle = skewAngle(a, inset(pageRect(a), 0.03))
	if math.Abs(angle) < minSkewDeg {
		return page, angle
	}
	return rotatePage(page, -angle, paperColor(page, a.paper)), angle
}

// skewAngle measures the skew inside r of the analysis raster. It projects the ink onto rows
// (horizontal text) and onto columns (text turned a quarter), for each candidate shear, and
// keeps the angle whose profile is sharpest (largest sum of squares): text lines line up.
func skewAngle(a *analysis, r image.Rectangle) float64 {
	xs, ys := inkPoints(a, r, 120_000)
	if len(xs) < 200 {
		return 0
	}
	n := int(math.Ceil(math.Hypot(float64(r.Dx()), float64(r.Dy())))) + 4
	bins := make([]float32, 2*n+2)
	score := func(u, v []float32, t float64, step int) float64 {
		clear(bins)
		tt := float32(t)
		off := float32(n)
		for i := 0; i < len(u); i += step {
			p := v[i] + u[i]*tt + off
			k := int(p)
			fr := p - float32(k)
			bins[k] += 1 - fr
			bins[k+1] += fr
		}
		var s float64
		for _, b := range bins {
			s += float64(b) * float64(b)
		}
		return s
	}
	// Rows: a line rising to the right by θ satisfies y + x·tanθ = const. Columns (text turned
	// a quarter): x - y·tanθ = const, i.e. project u=-y onto v=x.
	negY := make([]float32, len(ys))
	for i, y := range ys {
		negY[i] = -y
	}
	coarse := func(u, v []float32) (best float64, ratio float64) {
		var scores []float64
		bestS := -1.0
		for d := -maxSkewDeg; d <= maxSkewDeg+1e-9; d += 0.25 {
			s := score(u, v, math.Tan(d*math.Pi/180), 3)
			scores = append(scores, s)
			if s > bestS {
				best, bestS = d, s
			}
		}
		slices.Sort(scores)
		return best, bestS / scores[len(scores)/2]
	}
	u, v := xs, ys
	best, ratio := coarse(xs, ys)
	if cb, cr := coarse(negY, xs); cr > ratio {
		u, v, best, ratio = negY, xs, cb, cr
	}
	if ratio < 1.05 {
		return 0 // no line structure: a photo, a drawing, noise
	}
	// Fine search around the coarse peak, then a parabola through the top three.
	const step = 0.02
	bestI, bestS := 0, -1.0
	var fine []float64
	for i := 0; i <= 30; i++ {
		s := score(u, v, math.Tan((best-0.3+float64(i)*step)*math.Pi/180), 1)
		fine = append(fine, s)
		if s > bestS {
			bestI, bestS = i, s
		}
	}
	deg := best - 0.3 + float64(bestI)*step
	if bestI > 0 && bestI < len(fine)-1 {
		l, c, r := fine[bestI-1], fine[bestI], fine[bestI+1]
		if den := l - 2*c + r; den < 0 {
			deg += step * 0.5 * (l - r) / den
		}
	}
	if math.Abs(deg) > maxSkewDeg {
		return 0
	}
	return deg
}

// inkPoints lists the ink pixels inside r of a's raster as coordinates relative to r's centre,
// keeping at most limit of them (evenly thinned).
func inkPoints(a *analysis, r image.Rectangle, limit int) (xs, ys []float32) {
	g := a.g
	r = r.Intersect(g.Rect)
	if r.Empty() {
		return nil, nil
	}
	th := inkThreshold(a.paper)
	if th <= 0 {
		return nil, nil
	}
	total := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		off := g.PixOffset(r.Min.X, y)
		for _, v := range g.Pix[off : off+r.Dx()] {
			if int(v) < th {
				total++
			}
		}
	}
	keep := max(1, (total+limit-1)/limit)
	cx, cy := float32(r.Min.X+r.Max.X)/2, float32(r.Min.Y+r.Max.Y)/2
	xs = make([]float32, 0, total/keep+1)
	ys = make([]float32, 0, total/keep+1)
	i := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		off := g.PixOffset(r.Min.X, y)
		for x, v := range g.Pix[off : off+r.Dx()] {
			if int(v) < th {
				if i%keep == 0 {
					xs = append(xs, float32(r.Min.X+x)-cx)
					ys = append(ys, float32(y)-cy)
				}
				i++
			}
		}
	}
	return xs, ys
}

// paperColor is the average colour of the page's paper-bright pixels (a sparse sample).
func paperColor(page image.Image, paper uint8) color.RGBA {
	m, ok := page.(*image.RGBA)
	if !ok {
		return color.RGBA{paper, paper, paper, 255}
	}
	var sr, sg, sb, n uint64
	lo := uint32(max(0, int(paper)-12)) << 16
	b := m.Rect
	for y := b.Min.Y; y < b.Max.Y; y += 7 {
		off := m.PixOffset(b.Min.X, y)
		row := m.Pix[off : off+b.Dx()*4]
		for i := 0; i+3 < len(row); i += 4 * 7 {
			if luma(row[i], row[i+1], row[i+2]) >= lo {
				sr += uint64(row[i])
				sg += uint64(row[i+1])
				sb += uint64(row[i+2])
				n++
			}
		}
	}
	if n == 0 {
		return color.RGBA{paper, paper, paper, 255}
	}
	return color.RGBA{uint8(sr / n), uint8(sg / n), uint8(sb / n), 255}
}

// rotatePage turns page (an *image.RGBA or *image.Gray) counter-clockwise by deg degrees about
// its centre with bilinear interpolation, into a new image of the same size; pixels that come
// from outside the page get fill.
func rotatePage(page image.Image, deg float64, fill color.RGBA) image.Image {
	switch m := page.(type) {
	case *image.RGBA:
		out := image.NewRGBA(image.Rect(0, 0, m.Rect.Dx(), m.Rect.Dy()))
		rotateRGBA(out.Pix, out.Stride, m.Pix[m.PixOffset(m.Rect.Min.X, m.Rect.Min.Y):], m.Stride,
			m.Rect.Dx(), m.Rect.Dy(), deg, [4]uint8{fill.R, fill.G, fill.B, 255})
		return out
	case *image.Gray:
		out := image.NewGray(image.Rect(0, 0, m.Rect.Dx(), m.Rect.Dy()))
		y := uint8(luma(fill.R, fill.G, fill.B) >> 16)
		rotateBytes(out.Pix, out.Stride, m.Pix[m.PixOffset(m.Rect.Min.X, m.Rect.Min.Y):], m.Stride,
			m.Rect.Dx(), m.Rect.Dy(), 1, deg, []uint8{y})
		return out
	}
	return page
}

// rotateBytes is the bilinear rotation on raw interleaved samples (bpp bytes per pixel, all of
// them interpolated; 8-bit fractions in 16.16 fixed point).
func rotateBytes(dst []uint8, dstStride int, src []uint8, srcStride, w, h, bpp int, deg float64, fill []uint8) {
	th := deg * math.Pi / 180
	c, s := math.Cos(th), math.Sin(th)
	cx, cy := float64(w-1)/2, float64(h-1)/2
	const one = 1 << 16
	// Output p (relative to the centre) samples the source at p turned clockwise by th:
	// (c·x - s·y, s·x + c·y).
	dux, dvx := int64(math.Round(c*one)), int64(math.Round(s*one))
	for y := 0; y < h; y++ {
		dy := float64(y) - cy
		u := int64(math.Round((c*(-cx) - s*dy + cx) * one))
		v := int64(math.Round((s*(-cx) + c*dy + cy) * one))
		row := dst[y*dstStride : y*dstStride+w*bpp]
		for x := 0; x < w; x, u, v = x+1, u+dux, v+dvx {
			x0, y0 := int(u>>16), int(v>>16)
			d := row[x*bpp : x*bpp+bpp]
			if x0 < 0 || y0 < 0 || x0 >= w-1 || y0 >= h-1 {
				copy(d, fill)
				continue
			}
			fx, fy := uint32(u>>8)&0xff, uint32(v>>8)&0xff
			w00, w01 := (256-fx)*(256-fy), fx*(256-fy)
			w10, w11 := (256-fx)*fy, fx*fy
			p0 := y0*srcStride + x0*bpp
			p1 := p0 + srcStride
			for k := range d {
				d[k] = uint8((uint32(src[p0+k])*w00 + uint32(src[p0+bpp+k])*w01 +
					uint32(src[p1+k])*w10 + uint32(src[p1+bpp+k])*w11 + 1<<15) >> 16)
			}
		}
	}
}

// rotateRGBA is rotateBytes for 4-byte pixels, with the same arithmetic: the four channels of a
// pixel are interpolated two at a time in the 32-bit lanes of a uint64 (R and B, G and A).
func rotateRGBA(dst []uint8, dstStride int, src []uint8, srcStride, w, h int, deg float64, fill [4]uint8) {
	th := deg * math.Pi / 180
	c, s := math.Cos(th), math.Sin(th)
	cx, cy := float64(w-1)/2, float64(h-1)/2
	const one = 1 << 16
	const lanes = 0x000000ff000000ff
	const half = 0x0000800000008000
	fillPx := binary.LittleEndian.Uint32(fill[:])
	dux, dvx := int64(math.Round(c*one)), int64(math.Round(s*one))
	for y := 0; y < h; y++ {
		dy := float64(y) - cy
		u := int64(math.Round((c*(-cx) - s*dy + cx) * one))
		v := int64(math.Round((s*(-cx) + c*dy + cy) * one))
		row := dst[y*dstStride : y*dstStride+w*4]
		for x := 0; x < w; x, u, v = x+1, u+dux, v+dvx {
			x0, y0 := int(u>>16), int(v>>16)
			d := row[x*4 : x*4+4 : x*4+4]
			if x0 < 0 || y0 < 0 || x0 >= w-1 || y0 >= h-1 {
				binary.LittleEndian.PutUint32(d, fillPx)
				continue
			}
			fx, fy := uint64(u>>8)&0xff, uint64(v>>8)&0xff
			w00, w01 := (256-fx)*(256-fy), fx*(256-fy)
			w10, w11 := (256-fx)*fy, fx*fy
			p0 := y0*srcStride + x0*4
			p1 := p0 + srcStride
			a := binary.LittleEndian.Uint64(src[p0 : p0+8])
			b := binary.LittleEndian.Uint64(src[p1 : p1+8])
			// a: pixel (x0, y0) in its low 32 bits, (x0+1, y0) in its high 32 bits; b the row below.
			rb := (spreadRB(a)*w00 + spreadRB(a>>32)*w01 + spreadRB(b)*w10 + spreadRB(b>>32)*w11 + half) >> 16 & lanes
			ga := (spreadRB(a>>8)*w00 + spreadRB(a>>40)*w01 + spreadRB(b>>8)*w10 + spreadRB(b>>40)*w11 + half) >> 16 & lanes
			binary.LittleEndian.PutUint32(d, uint32(rb|rb>>16|ga<<8|ga>>8))
		}
	}
}

// spreadRB puts byte 0 of p in bits 0–7 and byte 2 in bits 32–39.
func spreadRB(p uint64) uint64 {
	return p&0xff | (p&0xff0000)<<16
}
