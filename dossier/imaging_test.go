// Tests of page rotation and blank-page flagging on generated pages.
package dossier

import (
	"image"
	"image/color"
	"image/draw"
	"math/rand/v2"
	"testing"
)

// paper makes an A4 page at dpi with paper tint and speckle noise.
func paper(dpi int, seed uint64) *image.RGBA {
	w, h := 827*dpi/100, 1169*dpi/100
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), &image.Uniform{color.RGBA{246, 243, 236, 255}}, image.Point{}, draw.Src)
	r := rand.New(rand.NewPCG(seed, 1))
	for i := 0; i < w*h/200; i++ { // mild noise: ±25 levels on 0.5 % of pixels
		x, y := r.IntN(w), r.IntN(h)
		v := uint8(220 + r.IntN(36))
		img.Set(x, y, color.RGBA{v, v, v, 255})
	}
	return img
}

// textLine draws a line of "glyphs" 10 pt high across 60 % of the width at height y.
func textLine(img *image.RGBA, y, dpi int) {
	h := 10 * dpi / 72 * 7 / 10
	x0, x1 := img.Bounds().Dx()/5, img.Bounds().Dx()*4/5
	for x := x0; x < x1; x += h * 3 / 4 {
		// a glyph: a vertical stem and a bar, 15 % ink
		for dy := 0; dy < h; dy++ {
			img.Set(x, y+dy, color.Black)
			img.Set(x+1, y+dy, color.Black)
		}
		for dx := 0; dx < h/2; dx++ {
			img.Set(x+dx, y+h/2, color.Black)
			img.Set(x+dx, y+h/2+1, color.Black)
		}
	}
}

func TestIsBlank(t *testing.T) {
	for _, dpi := range []int{150, 200, 300} {
		if !IsBlank(paper(dpi, 1)) {
			t.Errorf("%d dpi: blank page with noise not flagged", dpi)
		}
		p := paper(dpi, 2)
		textLine(p, p.Bounds().Dy()/2, dpi)
		if IsBlank(p) {
			t.Errorf("%d dpi: a page with a single line of text was flagged blank", dpi)
		}
		// A dark scanner edge only (inside the 4 % margin) is still blank.
		e := paper(dpi, 3)
		draw.Draw(e, image.Rect(0, 0, e.Bounds().Dx()/40, e.Bounds().Dy()), &image.Uniform{color.Black}, image.Point{}, draw.Src)
		if !IsBlank(e) {
			t.Errorf("%d dpi: a blank page with a dark edge was not flagged", dpi)
		}
	}
}

func TestRotate(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 3, 2))
	img.Set(0, 0, color.RGBA{255, 0, 0, 255}) // red top-left
	r90 := Rotate(img, 90)
	if b := r90.Bounds(); b.Dx() != 2 || b.Dy() != 3 {
		t.Fatalf("90°: bounds %v", b)
	}
	if c := color.RGBAModel.Convert(r90.At(1, 0)).(color.RGBA); c.R != 255 {
		t.Errorf("90°: red pixel should be top-right, got %v", c)
	}
	r180 := Rotate(img, 180)
	if c := color.RGBAModel.Convert(r180.At(2, 1)).(color.RGBA); c.R != 255 {
		t.Errorf("180°: red pixel should be bottom-right")
	}
	r270 := Rotate(img, -90)
	if c := color.RGBAModel.Convert(r270.At(0, 2)).(color.RGBA); c.R != 255 {
		t.Errorf("270°: red pixel should be bottom-left")
	}
	if Rotate(img, 360) != image.Image(img) {
		t.Errorf("360° should return the same image")
	}
}
