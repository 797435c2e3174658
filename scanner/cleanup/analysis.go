// Analysis rasters: a downsampled 8-bit luma copy of a page, its paper level and ink points.

package cleanup

import (
	"image"
	"image/color"
	"image/draw"
)

// analysisLongSide is the long side, in pixels, that analysis rasters are reduced to (about
// 100 dpi for an A4 page): enough for text lines, cheap to scan many times.
const analysisLongSide = 1200

// analysis is a reduced luma copy of a page: pixel (x, y) of g covers the f×f block at
// (min.X+f*x, min.Y+f*y) of the page.
type analysis struct {
	g     *image.Gray
	f     int
	b     image.Rectangle // the page's bounds
	paper uint8           // brightness of the paper
}

// factorFor returns the downsampling factor for a page of w×h pixels.
func factorFor(w, h int) int {
	return max(1, (max(w, h)+analysisLongSide/2)/analysisLongSide)
}

// analyse builds the analysis raster of img, which must be *image.RGBA or *image.Gray.
func analyse(img image.Image) *analysis {
	b := img.Bounds()
	f := factorFor(b.Dx(), b.Dy())
	a := &analysis{f: f, b: b}
	switch m := img.(type) {
	case *image.RGBA:
		a.g = downRGBA(m, f)
	case *image.Gray:
		a.g = downGray(m, f)
	default:
		a.g = downRGBA(toRGBA(img), f)
	}
	a.paper = paperLevel(a.g, a.g.Rect)
	return a
}

// toPage returns img as *image.RGBA or *image.Gray, converting other types; it copies only
// when a conversion is needed.
func toPage(img image.Image) image.Image {
	switch m := img.(type) {
	case *image.RGBA, *image.Gray:
		return m
	case *image.YCbCr:
		return toRGBA(m) // draw has a fast path for YCbCr
	}
	if img.ColorModel() == color.GrayModel {
		g := image.NewGray(img.Bounds())
		draw.Draw(g, g.Rect, img, img.Bounds().Min, draw.Src)
		return g
	}
	return toRGBA(img)
}

func toRGBA(img image.Image) *image.RGBA {
	m := image.NewRGBA(img.Bounds())
	draw.Draw(m, m.Rect, img, img.Bounds().Min, draw.Src)
	return m
}

// luma is the BT.601 luma of an RGB triple in 16.16 fixed point (not yet shifted).
func luma(r, g, b uint8) uint32 {
	return 19595*uint32(r) + 38470*uint32(g) + 7471*uint32(b)
}

// downRGBA averages f×f blocks of m's luma; partial blocks at the right and bottom are dropped.
// Luma is linear, so the channels of a block are summed first and weighted once.
func downRGBA(m *image.RGBA, f int) *image.Gray {
	b := m.Rect
	ow, oh := b.Dx()/f, b.Dy()/f
	out := image.NewGray(image.Rect(0, 0, ow, oh))
	if ow == 0 || oh == 0 {
		return out
	}
	if f == 2 {
		down2RGBA(m, out)
		return out
	}
	sums := make([]uint32, 3*ow)
	div := uint64(f*f) << 16
	for oy := 0; oy < oh; oy++ {
		clear(sums)
		for k := 0; k < f; k++ {
			off := m.PixOffset(b.Min.X, b.Min.Y+oy*f+k)
			row := m.Pix[off : off+ow*f*4]
			for ox := 0; ox < ow; ox++ {
				s := row[ox*f*4 : (ox+1)*f*4]
				var sr, sg, sb uint32
				for i := 0; i+3 < len(s); i += 4 {
					sr += uint32(s[i])
					sg += uint32(s[i+1])
					sb += uint32(s[i+2])
				}
				t := sums[3*ox : 3*ox+3 : 3*ox+3]
				t[0] += sr
				t[1] += sg
				t[2] += sb
			}
		}
		d := out.Pix[oy*out.Stride : oy*out.Stride+ow]
		for ox := range d {
			t := sums[3*ox : 3*ox+3 : 3*ox+3]
			v := 19595*uint64(t[0]) + 38470*uint64(t[1]) + 7471*uint64(t[2])
			d[ox] = uint8((v + div/2) / div)
		}
	}
	return out
}

// down2RGBA is downRGBA for 2×2 blocks (A4 at 200 dpi) into out.
func down2RGBA(m *image.RGBA, out *image.Gray) {
	b := m.Rect
	ow := out.Rect.Dx()
	const div = 4 << 16
	for oy := 0; oy < out.Rect.Dy(); oy++ {
		o0 := m.PixOffset(b.Min.X, b.Min.Y+2*oy)
		r0 := m.Pix[o0 : o0+ow*8]
		r1 := m.Pix[o0+m.Stride : o0+m.Stride+ow*8]
		d := out.Pix[oy*out.Stride : oy*out.Stride+ow]
		for ox := range d {
			p := r0[8*ox : 8*ox+8 : 8*ox+8]
			q := r1[8*ox : 8*ox+8 : 8*ox+8]
			sr := uint32(p[0]) + uint32(p[4]) + uint32(q[0]) + uint32(q[4])
			sg := uint32(p[1]) + uint32(p[5]) + uint32(q[1]) + uint32(q[5])
			sb := uint32(p[2]) + uint32(p[6]) + uint32(q[2]) + uint32(q[6])
			d[ox] = uint8((19595*sr + 38470*sg + 7471*sb + div/2) / div)
		}
	}
}

// downGray averages f×f blocks of m.
func downGray(m *image.Gray, f int) *image.Gray {
	b := m.Rect
	ow, oh := b.Dx()/f, b.Dy()/f
	out := image.NewGray(image.Rect(0, 0, ow, oh))
	if ow == 0 || oh == 0 {
		return out
	}
	if f == 1 {
		for y := 0; y < oh; y++ {
			off := m.PixOffset(b.Min.X, b.Min.Y+y)
			copy(out.Pix[y*out.Stride:], m.Pix[off:off+ow])
		}
		return out
	}
	// Sum each block's f rows column by column (a plain loop over whole rows), then the f
	// columns of each block.
	col := make([]uint32, ow*f)
	div := uint32(f * f)
	for oy := 0; oy < oh; oy++ {
		clear(col)
		for k := 0; k < f; k++ {
			off := m.PixOffset(b.Min.X, b.Min.Y+oy*f+k)
			row := m.Pix[off : off+len(col)]
			for x, v := range row {
				col[x] += uint32(v)
			}
		}
		d := out.Pix[oy*out.Stride : oy*out.Stride+ow]
		if f == 3 {
			for ox := range d {
				c := col[3*ox : 3*ox+3 : 3*ox+3]
				d[ox] = uint8((c[0] + c[1] + c[2] + div/2) / div)
			}
			continue
		}
		for ox := range d {
			var sum uint32
			for _, v := range col[ox*f : (ox+1)*f] {
				sum += v
			}
			d[ox] = uint8((sum + div/2) / div)
		}
	}
	return out
}

// paperLevel is the most common brightness at or above 96 within r of g (smoothed over ±2
// levels): the paper. A page with nothing that bright returns the brightest common level.
func paperLevel(g *image.Gray, r image.Rectangle) uint8 {
	var hist [256]int
	r = r.Intersect(g.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		off := g.PixOffset(r.Min.X, y)
		for _, v := range g.Pix[off : off+r.Dx()] {
			hist[v]++
		}
	}
	best, bestN := 0, -1
	for lo := 96; lo >= 0; lo -= 48 {
		for v := 255; v >= lo; v-- {
			n := 0
			for d := -2; d <= 2; d++ {
				if v+d >= 0 && v+d <= 255 {
					n += hist[v+d]
				}
			}
			if n > bestN {
				best, bestN = v, n
			}
		}
		if bestN > 0 {
			break
		}
	}
	return uint8(best)
}

// toPageRect maps a rectangle of the analysis raster to page coordinates.
// A side that reaches the raster's edge maps to the page's edge (the raster drops partial blocks).
func (a *analysis) toPageRect(r image.Rectangle) image.Rectangle {
	out := image.Rectangle{Min: r.Min.Mul(a.f).Add(a.b.Min), Max: r.Max.Mul(a.f).Add(a.b.Min)}
	if r.Max.X >= a.g.Rect.Max.X {
		out.Max.X = a.b.Max.X
	}
	if r.Max.Y >= a.g.Rect.Max.Y {
		out.Max.Y = a.b.Max.Y
	}
	return out.Intersect(a.b)
}

// inset shrinks r by frac of its size on every side.
func inset(r image.Rectangle, frac float64) image.Rectangle {
	dx, dy := int(float64(r.Dx())*frac), int(float64(r.Dy())*frac)
	return image.Rect(r.Min.X+dx, r.Min.Y+dy, r.Max.X-dx, r.Max.Y-dy)
}

// inkThreshold is the level below which an analysis pixel counts as ink: well darker than the
// paper, so that paper tint, noise and show-through from the back side stay out.
func inkThreshold(paper uint8) int {
	return int(paper) - 90
}
