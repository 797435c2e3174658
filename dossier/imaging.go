// Small image helpers for pages: rotation by quarter turns and a cheap blank-page test.
package dossier

import (
	"image"
	"image/color"
	"image/draw"
)

// Rotate turns img clockwise by 0, 90, 180 or 270 degrees.
func Rotate(img image.Image, degrees int) image.Image {
	degrees = ((degrees % 360) + 360) % 360
	if degrees == 0 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	var out draw.Image
	if degrees == 180 {
		out = image.NewRGBA(image.Rect(0, 0, w, h))
	} else {
		out = image.NewRGBA(image.Rect(0, 0, h, w))
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := img.At(b.Min.X+x, b.Min.Y+y)
			switch degrees {
			case 90:
				out.Set(h-1-y, x, c)
			case 180:
				out.Set(w-1-x, h-1-y, c)
			case 270:
				out.Set(y, w-1-x, c)
			}
		}
	}
	return out
}

// IsBlank reports whether a page looks blank. After ignoring a 4 % margin (scanner edges,
// shadows), it looks for runs of at least three sampled rows (about 0.75 mm at 200 dpi) in which
// 1 % or more of the pixels are clearly darker than the paper: a single line of text makes such a
// run, speckle noise and paper tint do not. Blank pages are flagged for the officer, never dropped.
func IsBlank(img image.Image) bool {
	b := img.Bounds()
	mx, my := b.Dx()*4/100, b.Dy()*4/100
	inner := image.Rect(b.Min.X+mx, b.Min.Y+my, b.Max.X-mx, b.Max.Y-my)
	if inner.Empty() {
		return true
	}
	const step = 2
	var hist [256]int
	total := 0
	for y := inner.Min.Y; y < inner.Max.Y; y += step * 4 {
		for x := inner.Min.X; x < inner.Max.X; x += step * 4 {
			hist[luma(img.At(x, y))]++
			total++
		}
	}
	// The paper's brightness is the 90th percentile of a coarse sample; ink is 80 levels darker.
	paper, acc := 255, 0
	for v := 255; v >= 0; v-- {
		acc += hist[v]
		if acc >= total/10 {
			paper = v
			break
		}
	}
	ink := paper - 80
	if ink <= 0 {
		return false // a dark page is not blank
	}
	run := 0
	for y := inner.Min.Y; y < inner.Max.Y; y += step {
		dark, n := 0, 0
		for x := inner.Min.X; x < inner.Max.X; x += step {
			if int(luma(img.At(x, y))) < ink {
				dark++
			}
			n++
		}
		if dark*100 >= n {
			run++
			if run >= 3 {
				return false
			}
		} else {
			run = 0
		}
	}
	return true
}

func luma(c color.Color) uint8 {
	return color.GrayModel.Convert(c).(color.Gray).Y
}
