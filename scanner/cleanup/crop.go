// Cropping to the paper: removes the dark lid or scanner background around a page.

package cleanup

import (
	"image"
	"math"
)

// CropToPage crops the dark scanner background (lid, bed) around the paper. A page without a
// dark border is returned unchanged. The result shares pixels with img when img is *image.RGBA
// or *image.Gray.
func CropToPage(img image.Image) image.Image {
	if img == nil || img.Bounds().Empty() {
		return img
	}
	page := toPage(img)
	a := analyse(page)
	return subImage(page, a.toPageRect(pageRect(a)))
}

// subImage returns the part r of page (an *image.RGBA or *image.Gray) without copying.
func subImage(page image.Image, r image.Rectangle) image.Image {
	switch m := page.(type) {
	case *image.RGBA:
		return m.SubImage(r)
	case *image.Gray:
		return m.SubImage(r)
	}
	return page
}

// pageRect finds the paper in a's raster: rows and columns that are mostly dark (much darker
// than the paper) are trimmed from each side. It returns the whole raster when there is no
// dark border, or when what remains would be implausibly small (a dark page, a photo).
func pageRect(a *analysis) image.Rectangle {
	g := a.g
	full := g.Rect
	if full.Dx() < 8 || full.Dy() < 8 || a.paper < 100 {
		return full
	}
	bright := uint8(int(a.paper) - 60)
	r := full
	rows := make([]int, full.Dy())
	cols := make([]int, full.Dx())
	// Two rounds: the second counts only inside the first guess, so a small sheet on a large
	// bed is found too.
	for round := 0; round < 2; round++ {
		clear(rows)
		clear(cols)
		for y := r.Min.Y; y < r.Max.Y; y++ {
			off := g.PixOffset(r.Min.X, y)
			n := 0
			for i, v := range g.Pix[off : off+r.Dx()] {
				if v >= bright {
					n++
					cols[r.Min.X+i]++
				}
			}
			rows[y] = n
		}
		next := r
		needR, needC := r.Dx()/4, r.Dy()/4
		for next.Min.Y < next.Max.Y && rows[next.Min.Y] < needR {
			next.Min.Y++
		}
		for next.Max.Y > next.Min.Y && rows[next.Max.Y-1] < needR {
			next.Max.Y--
		}
		for next.Min.X < next.Max.X && cols[next.Min.X] < needC {
			next.Min.X++
		}
		for next.Max.X > next.Min.X && cols[next.Max.X-1] < needC {
			next.Max.X--
		}
		if next == r {
			break
		}
		r = next
	}
	if r.Dx() < full.Dx()/5 || r.Dy() < full.Dy()/5 {
		return full
	}
	// A side is trimmed only where the dark strip ends at the paper's edge: a straight line
	// (any skew up to maxEdgeSkew) along which the paper starts, in front of a featureless
	// backing. A dark band printed on the paper (a header, a photo, a stamp, an edge-to-edge
	// form) has letters or pictures in it and ends in a ragged line: that side is kept whole.
	out := full
	for side := range 4 {
		d, ok := edgeAt(g, bright, r, full, side)
		if !ok {
			// A dark band at the paper's edge hides the edge from the brightness test: look
			// for a straight step up from the backing's level instead.
			d, ok = edgeAt(g, 0, r, full, side)
		}
		if !ok {
			continue
		}
		switch side {
		case sideTop:
			out.Min.Y = full.Min.Y + d
		case sideBottom:
			out.Max.Y = full.Max.Y - d
		case sideLeft:
			out.Min.X = full.Min.X + d
		case sideRight:
			out.Max.X = full.Max.X - d
		}
	}
	if out.Dx() < full.Dx()/5 || out.Dy() < full.Dy()/5 {
		return full
	}
	// Step one more pixel in on each trimmed side: the paper edge casts a grey shadow.
	if out.Min.X > full.Min.X {
		out.Min.X++
	}
	if out.Min.Y > full.Min.Y {
		out.Min.Y++
	}
	if out.Max.X < full.Max.X {
		out.Max.X--
	}
	if out.Max.Y < full.Max.Y {
		out.Max.Y--
	}
	return out
}

const (
	sideTop = iota
	sideBottom
	sideLeft
	sideRight
)

// Limits of the paper-edge test.
const (
	maxEdgeSkew    = 0.09 // tan of the largest skew the edge may have (about 5°)
	edgeInliers    = 0.85 // share of the positions along the side that must lie on the edge line
	edgeTolerance  = 2    // pixels of the analysis raster an edge point may stray from the line
	backingSpread  = 48   // largest spread (5th to 95th percentile) of the backing's grey levels
	backingMinArea = 16   // fewer backing pixels than this: nothing to test
	backingStep    = 24   // grey levels above the backing that mark the paper's edge
)

// edgeAt tells whether the strip between full's side and r's side is the scanner's backing
// ending at the paper's edge, and returns the depth from full's side of the paper's outermost
// point. For each position along the side it finds the first pixel at least bright coming in
// from full's edge (bright 0: at least backingStep above the backing's own level, read on the
// outermost pixels); those points must lie on one straight line (within edgeTolerance, for
// edgeInliers of the positions), no further in than r's side plus the skew allowance, and the
// strip outside them must be featureless (its grey levels within backingSpread).
func edgeAt(g *image.Gray, bright uint8, r, full image.Rectangle, side int) (int, bool) {
	// Walk coordinates: "along" runs parallel to the side, "depth" inwards from full's edge.
	var along0, along1, depth0, trimmed int
	switch side {
	case sideTop:
		along0, along1, depth0, trimmed = r.Min.X, r.Max.X, full.Min.Y, r.Min.Y-full.Min.Y
	case sideBottom:
		along0, along1, depth0, trimmed = r.Min.X, r.Max.X, full.Max.Y-1, full.Max.Y-r.Max.Y
	case sideLeft:
		along0, along1, depth0, trimmed = r.Min.Y, r.Max.Y, full.Min.X, r.Min.X-full.Min.X
	case sideRight:
		along0, along1, depth0, trimmed = r.Min.Y, r.Max.Y, full.Max.X-1, full.Max.X-r.Max.X
	}
	if trimmed <= 0 || along1-along0 < 8 {
		return 0, false
	}
	n := along1 - along0
	limit := trimmed + int(maxEdgeSkew*float64(n)) + edgeTolerance + 1
	at := func(a, d int) uint8 {
		switch side {
		case sideTop:
			return g.Pix[g.PixOffset(a, depth0+d)]
		case sideBottom:
			return g.Pix[g.PixOffset(a, depth0-d)]
		case sideLeft:
			return g.Pix[g.PixOffset(depth0+d, a)]
		}
		return g.Pix[g.PixOffset(depth0-d, a)]
	}
	maxDepth := full.Dy()
	if side == sideLeft || side == sideRight {
		maxDepth = full.Dx()
	}
	limit = min(limit, maxDepth)
	if bright == 0 {
		var h [256]int
		for i := along0; i < along1; i++ {
			h[at(i, 0)]++
			h[at(i, 1)]++
		}
		level := percentile(&h, 2*(along1-along0), 0.5)
		if level+backingStep > 255 {
			return 0, false
		}
		bright = uint8(level + backingStep)
	}
	edge := make([]int, n) // depth of the first bright pixel, -1 when none within limit
	var hist [256]int
	backing := 0
	for i := range edge {
		edge[i] = -1
		for d := 0; d < limit; d++ {
			v := at(along0+i, d)
			if v >= bright {
				edge[i] = d
				break
			}
		}
		// The backing is what lies outside the edge, less the edge's own shadow.
		end := edge[i] - edgeTolerance - 1
		if edge[i] < 0 {
			end = limit
		}
		for d := 0; d < end; d++ {
			hist[at(along0+i, d)]++
			backing++
		}
	}
	use, ok := onLine(edge)
	if !ok {
		return 0, false
	}
	if backing >= backingMinArea {
		lo, hi := percentile(&hist, backing, 0.05), percentile(&hist, backing, 0.95)
		if hi-lo > backingSpread {
			return 0, false
		}
	}
	// Keep the paper's outermost point (a skewed sheet's corner): straightening crops again.
	depth := limit
	for i, e := range edge {
		if use[i] {
			depth = min(depth, e)
		}
	}
	return depth, true
}

// onLine tells whether edgeInliers of the edge points lie within edgeTolerance of one straight
// line, or of two lines meeting at a corner (a skewed sheet whose corner runs off the scan, or
// meets the end of the scan area), each with a slope of at most maxEdgeSkew. It returns which
// points lie on the line(s).
func onLine(edge []int) ([]bool, bool) {
	n := len(edge)
	best, bestIn := fitLine(edge)
	for k := n / 8; k < n; k += n / 8 {
		u1, in1 := fitLine(edge[:k])
		u2, in2 := fitLine(edge[k:])
		if u1 != nil && u2 != nil && in1+in2 > bestIn {
			best, bestIn = append(u1[:k:k], u2...), in1+in2
		}
	}
	return best, best != nil && float64(bestIn) >= edgeInliers*float64(n)
}

// fitLine fits a straight line to the edge points (least squares, refitted twice on the points
// near the line) and returns which points lie within edgeTolerance of it, and how many; nil when
// no line with a slope of at most maxEdgeSkew fits.
func fitLine(edge []int) ([]bool, int) {
	use := make([]bool, len(edge))
	for i, e := range edge {
		use[i] = e >= 0
	}
	var a, b float64 // depth = a + b·i
	for round := 0; round < 3; round++ {
		var sn, si, sd, sii, sid float64
		for i, e := range edge {
			if !use[i] {
				continue
			}
			x, y := float64(i), float64(e)
			sn++
			si += x
			sd += y
			sii += x * x
			sid += x * y
		}
		if sn < 2 {
			return nil, 0
		}
		den := sn*sii - si*si
		if den == 0 {
			return nil, 0
		}
		b = (sn*sid - si*sd) / den
		a = (sd - b*si) / sn
		tol := float64(edgeTolerance) * float64(3-round)
		for i, e := range edge {
			use[i] = e >= 0 && math.Abs(float64(e)-(a+b*float64(i))) <= tol
		}
	}
	if math.Abs(b) > maxEdgeSkew {
		return nil, 0
	}
	in := 0
	for _, u := range use {
		if u {
			in++
		}
	}
	return use, in
}

// percentile returns the grey level below which share p of the n counted pixels lie.
func percentile(hist *[256]int, n int, p float64) int {
	want := int(p * float64(n))
	acc := 0
	for v, c := range hist {
		acc += c
		if acc > want {
			return v
		}
	}
	return 255
}

// rimLevel is the median grey level of the outermost ring of g's pixels.
func rimLevel(g *image.Gray) uint8 {
	var h [256]int
	r := g.Rect
	n := 0
	for x := r.Min.X; x < r.Max.X; x++ {
		h[g.Pix[g.PixOffset(x, r.Min.Y)]]++
		h[g.Pix[g.PixOffset(x, r.Max.Y-1)]]++
		n += 2
	}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		h[g.Pix[g.PixOffset(r.Min.X, y)]]++
		h[g.Pix[g.PixOffset(r.Max.X-1, y)]]++
		n += 2
	}
	return uint8(percentile(&h, n, 0.5))
}
