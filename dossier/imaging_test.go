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
