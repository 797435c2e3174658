// Cropping to the paper: removes the dark lid or scanner background around a page.

package cleanup

import (
	"image"
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
	// Step one more pixel in on each trimmed side: the paper edge casts a grey shadow.
	if r.Min.X > full.Min.X {
		r.Min.X++
	}
	if r.Min.Y > full.Min.Y {
		r.Min.Y++
	}
	if r.Max.X < full.Max.X {
		r.Max.X--
	}
	if r.Max.Y < full.Max.Y {
		r.Max.Y--
	}
	if r.Dx() < full.Dx()/5 || r.Dy() < full.Dy()/5 {
		return full
	}
	return r
}
