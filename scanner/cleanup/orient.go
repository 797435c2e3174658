// Page orientation: quarter-turn detection from text-line structure, and quarter-turn rotation.

package cleanup

import (
	"image"
	"image/color"
)

func grayColor(v uint8) color.RGBA { return color.RGBA{v, v, v, 255} }

// Orientation returns the clockwise turn (0, 90, 180 or 270 degrees) that makes the text on img
// upright, so that dossier.Rotate(img, Orientation(img)) reads normally. Quarter turns are found
// from the projection profiles (runs of inked rows, or columns, shaped like text lines); upside-down
// text from the ascender/descender asymmetry of Latin script (ascenders, capitals and
// Vietnamese tone marks above the x-height outweigh descenders).
// Pages with fewer than minOrientLines text lines return 0: a sparse page is never turned.
func Orientation(img image.Image) int {
	if img == nil || img.Bounds().Empty() {
		return 0
	}
	a := analyse(toPage(img))
	r := inset(pageRect(a), 0.03)
	if ang := skewAngle(a, r); ang <= -minSkewDeg || ang >= minSkewDeg {
		a.g = rotatePage(a.g, -ang, grayColor(a.paper)).(*image.Gray)
	}
	return orientation(a, r)
}

// minOrientLines is the number of text lines a page needs before its orientation is changed: a
// sparse page (a greeting, a signature block, a letterhead) gives too little evidence, and a
// wrong turn is worse than none (the officer can still turn a page by hand).
const minOrientLines = 6

func orientation(a *analysis, r image.Rectangle) int {
	rows, cols := profiles(a, r)
	h, v := textLines(rows), textLines(cols)
	switch {
	case len(v) >= minOrientLines && len(v) > 3*len(h):
		// Lines run top to bottom. Turning the page 90° clockwise makes column x row x, with the
		// left side on top.
		if upsideDown(cols.n, v) {
			return 270
		}
		return 90
	case len(h) >= minOrientLines:
		if upsideDown(rows.n, h) {
			return 180
		}
	}
	return 0
}

// profile is the ink count of each row (or column) and the extent of that ink along it.
type profile struct {
	n, lo, hi []int
}

func newProfile(n int) profile {
	p := profile{n: make([]int, n), lo: make([]int, n), hi: make([]int, n)}
	for i := range p.lo {
		p.lo[i] = 1 << 30
		p.hi[i] = -1
	}
	return p
}

func (p profile) add(i, along int) {
	p.n[i]++
	p.lo[i] = min(p.lo[i], along)
	p.hi[i] = max(p.hi[i], along)
}

// profiles projects the ink inside r onto rows and onto columns. Isolated dust (an ink pixel
// with fewer than two ink neighbours) is left out.
func profiles(a *analysis, r image.Rectangle) (rows, cols profile) {
	g := a.g
	r = r.Intersect(g.Rect).Inset(1)
	rows, cols = newProfile(max(0, r.Dy())), newProfile(max(0, r.Dx()))
	th := inkThreshold(a.paper)
	if th <= 0 || r.Empty() {
		return rows, cols
	}
	ink := func(i int) int {
		if int(g.Pix[i]) < th {
			return 1
		}
		return 0
	}
	s := g.Stride
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			i := y*s + x
			if int(g.Pix[i]) >= th {
				continue
			}
			if ink(i-s-1)+ink(i-s)+ink(i-s+1)+ink(i-1)+ink(i+1)+ink(i+s-1)+ink(i+s)+ink(i+s+1) < 2 {
				continue
			}
			rows.add(y-r.Min.Y, x)
			cols.add(x-r.Min.X, y)
		}
	}
	return rows, cols
}

// textLines splits a profile into runs of inked rows (columns) and keeps those shaped like a
// line of text: at least 4 px thick and at least 8 times longer than thick.
func textLines(p profile) [][2]int {
	var lines [][2]int
	for i := 0; i < len(p.n); {
		if p.n[i] == 0 {
			i++
			continue
		}
		j := i
		lo, hi := 1<<30, -1
		for j < len(p.n) && p.n[j] > 0 {
			lo, hi = min(lo, p.lo[j]), max(hi, p.hi[j])
			j++
		}
		if j-i >= 4 && hi-lo >= 8*(j-i) {
			lines = append(lines, [2]int{i, j})
		}
		i = j
	}
	return lines
}

// upsideDown compares, over the text lines of a profile, the ink above each line's core
// (x-height band) with the ink below it. Upright Latin text has more above.
func upsideDown(p []int, lines [][2]int) bool {
	var above, below int
	for _, l := range lines {
		i, j := l[0], l[1]
		peak := 0
		for _, v := range p[i:j] {
			peak = max(peak, v)
		}
		ct, cb := i, j-1
		for p[ct]*2 < peak {
			ct++
		}
		for p[cb]*2 < peak {
			cb--
		}
		for k := i; k < ct; k++ {
			above += p[k]
		}
		for k := cb + 1; k < j; k++ {
			below += p[k]
		}
	}
	return float64(below) > 1.25*float64(above)
}

// rotateQuarter turns page (an *image.RGBA, *image.Gray or 4:2:0 *image.YCbCr) clockwise by 90,
// 180 or 270 degrees into a new image; other angles return page itself. A YCbCr page's planes
// turn one by one (with an odd side, its colour may shift by up to one pixel).
func rotateQuarter(page image.Image, deg int) image.Image {
	deg = ((deg % 360) + 360) % 360
	if deg == 0 {
		return page
	}
	b := page.Bounds()
	w, h := b.Dx(), b.Dy()
	ow, oh := h, w
	if deg == 180 {
		ow, oh = w, h
	}
	switch m := page.(type) {
	case *image.RGBA:
		o := image.NewRGBA(image.Rect(0, 0, ow, oh))
		quarterPlane(o.Pix, o.Stride, m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, w, h, 4, deg)
		return o
	case *image.Gray:
		o := image.NewGray(image.Rect(0, 0, ow, oh))
		quarterPlane(o.Pix, o.Stride, m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride, w, h, 1, deg)
		return o
	case *image.YCbCr:
		if m.SubsampleRatio != image.YCbCrSubsampleRatio420 {
			return page
		}
		o := image.NewYCbCr(image.Rect(0, 0, ow, oh), image.YCbCrSubsampleRatio420)
		quarterPlane(o.Y, o.YStride, m.Y[m.YOffset(b.Min.X, b.Min.Y):], m.YStride, w, h, 1, deg)
		c := m.COffset(b.Min.X, b.Min.Y)
		cw, ch := (w+1)/2, (h+1)/2
		quarterPlane(o.Cb, o.CStride, m.Cb[c:], m.CStride, cw, ch, 1, deg)
		quarterPlane(o.Cr, o.CStride, m.Cr[c:], m.CStride, cw, ch, 1, deg)
		return o
	}
	return page
}

// quarterPlane turns a w×h raster of bpp-byte pixels clockwise by deg (90, 180 or 270) into dst.
func quarterPlane(dst []uint8, dstStride int, src []uint8, stride, w, h, bpp, deg int) {
	for y := 0; y < h; y++ {
		row := src[y*stride : y*stride+w*bpp]
		for x := 0; x < w; x++ {
			var dx, dy int
			switch deg {
			case 90:
				dx, dy = h-1-y, x
			case 180:
				dx, dy = w-1-x, h-1-y
			case 270:
				dx, dy = y, w-1-x
			}
			copy(dst[dy*dstStride+dx*bpp:dy*dstStride+dx*bpp+bpp], row[x*bpp:x*bpp+bpp])
		}
	}
}
