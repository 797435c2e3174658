// Blank-page detection: flags pages with no text-like ink (never drops them).

package cleanup

import (
	"image"
)

// IsBlank reports whether a page looks blank, and the share of its area covered by ink.
//
// The dark scanner border is cropped off and a further 4 % margin ignored (edge shadows, punch
// holes). A pixel is ink when it is far darker than the paper (90 levels on the reduced raster):
// paper tint, sensor noise and show-through from the back side are lighter than that. Isolated
// dust is ignored (an ink pixel counts only with at least two ink neighbours), and the page is
// blank when no tile of about 8 mm square holds a text-like amount of ink: one short word is
// enough to make a page not blank. Blank pages are to be flagged for the officer, never dropped.
func IsBlank(img image.Image) (blank bool, inkRatio float64) {
	if img == nil || img.Bounds().Empty() {
		return true, 0
	}
	a := analyse(toPage(img))
	return blankTest(a, inset(pageRect(a), 0.04))
}

func blankTest(a *analysis, r image.Rectangle) (bool, float64) {
	g := a.g
	r = r.Intersect(g.Rect)
	if r.Dx() < 3 || r.Dy() < 3 {
		return true, 0
	}
	th := inkThreshold(a.paper)
	if th <= 0 {
		return false, 1 // no paper-bright level at all: a dark page is not blank
	}
	tile := max(8, max(g.Rect.Dx(), g.Rect.Dy())/40)
	tw := (r.Dx() + tile - 1) / tile
	tiles := make([]int, tw*((r.Dy()+tile-1)/tile))
	ink := func(x, y int) int {
		if int(g.Pix[y*g.Stride+x]) < th {
			return 1
		}
		return 0
	}
	total := 0
	for y := r.Min.Y + 1; y < r.Max.Y-1; y++ {
		for x := r.Min.X + 1; x < r.Max.X-1; x++ {
			if int(g.Pix[y*g.Stride+x]) >= th {
				continue
			}
			nb := ink(x-1, y-1) + ink(x, y-1) + ink(x+1, y-1) + ink(x-1, y) + ink(x+1, y) +
				ink(x-1, y+1) + ink(x, y+1) + ink(x+1, y+1)
			if nb < 2 {
				continue
			}
			total++
			tiles[(y-r.Min.Y)/tile*tw+(x-r.Min.X)/tile]++
		}
	}
	// About 1.2 % of a tile: a character or two of body text, far more than a dust speck.
	need := max(6, tile*tile/80)
	blank := true
	for _, n := range tiles {
		if n >= need {
			blank = false
			break
		}
	}
	return blank, float64(total) / float64(r.Dx()*r.Dy())
}
