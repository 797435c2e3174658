// Skew estimation (projection profiles of text lines); the rotation back to straight is in rotate.go.

package cleanup

import (
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
