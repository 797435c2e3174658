// Tests for orientation detection on generated pages turned by quarter turns.

package cleanup

import (
	"fmt"
	"image"
	"testing"
)

func TestOrientationQuarterTurns(t *testing.T) {
	specs := []pageSpec{
		{DPI: 200, Paras: 4, Table: true, Stamp: true, Noise: 6, Seed: 21},
		{DPI: 200, Paras: 2, Noise: 4, Skew: 1.5, Seed: 22},
		{DPI: 150, Paras: 3, Stamp: true, Noise: 4, Seed: 23},
	}
	for i, spec := range specs {
		for _, turn := range []int{0, 90, 180, 270} {
			t.Run(fmt.Sprintf("page%d/turned%d", i, turn), func(t *testing.T) {
				t.Parallel()
				page := image.Image(makePage(t, spec))
				// Turning the page clockwise by turn needs (360-turn) more to come back upright.
				turned := rotateQuarter(page, turn)
				want := (360 - turn) % 360
				if got := Orientation(turned); got != want {
					t.Fatalf("Orientation of a page turned %d° clockwise = %d, want %d", turn, got, want)
				}
			})
		}
	}
}

// A page with one line of text cannot be read cheaply: the answer is "upright" (0) or right, never wrong.
func TestOrientationSingleLineNeverWrong(t *testing.T) {
	page := makePage(t, pageSpec{DPI: 200, Lines: []string{"Xác nhận của Ủy ban nhân dân xã"}, Noise: 8, Specks: 30, Seed: 7})
	for _, turn := range []int{0, 90, 180, 270} {
		want := (360 - turn) % 360
		if got := Orientation(rotateQuarter(page, turn)); got != 0 && got != want {
			t.Errorf("single line turned %d°: Orientation = %d, want 0 or %d", turn, got, want)
		}
	}
}

func TestOrientationBlankAndTiny(t *testing.T) {
	if got := Orientation(makePage(t, pageSpec{DPI: 200, Noise: 8, Specks: 50, Seed: 24})); got != 0 {
		t.Fatalf("blank page orientation %d, want 0", got)
	}
	for _, r := range []image.Rectangle{image.Rect(0, 0, 0, 0), image.Rect(0, 0, 2, 2), image.Rect(0, 0, 4000, 1)} {
		if got := Orientation(image.NewGray(r)); got != 0 {
			t.Errorf("Orientation(%v) = %d, want 0", r, got)
		}
	}
}

func TestRotateQuarterRoundTrip(t *testing.T) {
	page := makePage(t, pageSpec{DPI: 100, Lines: []string{"Tờ khai"}, Seed: 25})
	sub := page.SubImage(image.Rect(10, 20, 300, 400)).(*image.RGBA)
	r := rotateQuarter(rotateQuarter(rotateQuarter(rotateQuarter(sub, 90), 90), 180), 0).(*image.RGBA)
	if r.Rect.Dx() != 290 || r.Rect.Dy() != 380 {
		t.Fatalf("round trip size %v", r.Rect)
	}
	for y := 0; y < 380; y++ {
		for x := 0; x < 290; x++ {
			if r.RGBAAt(x, y) != sub.RGBAAt(10+x, 20+y) {
				t.Fatalf("pixel (%d,%d) differs after four quarter turns", x, y)
			}
		}
	}
	q := rotateQuarter(sub, 90).(*image.RGBA)
	// Clockwise: the top-left corner goes to the top-right.
	if q.RGBAAt(q.Rect.Dx()-1, 0) != sub.RGBAAt(10, 20) {
		t.Fatal("90° turn is not clockwise")
	}
}
