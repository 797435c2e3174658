// Tests for skew estimation and correction on generated, rotated text pages.

package cleanup

import (
	"fmt"
	"image"
	"math"
	"testing"
)

func TestDeskewRecoversKnownAngle(t *testing.T) {
	for i, deg := range []float64{-5, -3.3, -1.7, -0.6, 0.35, 1.2, 2.5, 4.1, 5} {
		t.Run(fmt.Sprint(deg), func(t *testing.T) {
			t.Parallel()
			page := makePage(t, pageSpec{DPI: 200, Paras: 3 + i%2, Table: i%2 == 0, Stamp: true, Noise: 6,
				Specks: 30, Skew: deg, Seed: uint64(i)})
			out, got := Deskew(page)
			t.Logf("skew %.2f° found %.3f°", deg, got)
			if math.Abs(got-deg) > 0.2 {
				t.Fatalf("Deskew found %.3f°, page skewed by %.3f°", got, deg)
			}
			if out.Bounds().Size() != page.Bounds().Size() {
				t.Fatalf("size changed: %v -> %v", page.Bounds(), out.Bounds())
			}
			// The corrected page must measure straight.
			if _, again := Deskew(out); math.Abs(again) > 0.2 {
				t.Fatalf("corrected page still skewed by %.3f°", again)
			}
		})
	}
}

func TestDeskewStraightAndEmptyPages(t *testing.T) {
	straight := makePage(t, pageSpec{DPI: 200, Paras: 3, Noise: 4})
	out, got := Deskew(straight)
	if math.Abs(got) >= minSkewDeg {
		t.Fatalf("straight page measured %.3f°", got)
	}
	if out != image.Image(straight) {
		t.Fatal("a straight page was resampled")
	}
	blank := makePage(t, pageSpec{DPI: 200, Noise: 6, Specks: 40})
	if _, got := Deskew(blank); got != 0 {
		t.Fatalf("blank page measured %.3f°, want 0", got)
	}
}

func TestDeskewQuarterTurnedPage(t *testing.T) {
	page := makePage(t, pageSpec{DPI: 150, Paras: 4, Skew: 2, Seed: 5})
	turned := rotateQuarter(page, 90)
	_, got := Deskew(turned)
	if math.Abs(got-2) > 0.2 {
		t.Fatalf("Deskew on a page turned a quarter found %.3f°, want 2°", got)
	}
}

func TestDeskewGrayAndSubImage(t *testing.T) {
	page := makePage(t, pageSpec{DPI: 200, Paras: 3, Skew: -2.2, Seed: 9})
	g := toGrayForTest(page)
	sub := g.SubImage(image.Rect(50, 80, g.Rect.Dx()-10, g.Rect.Dy()-30))
	out, got := Deskew(sub)
	if math.Abs(got+2.2) > 0.2 {
		t.Fatalf("grey sub-image: found %.3f°, want -2.2°", got)
	}
	if _, ok := out.(*image.Gray); !ok {
		t.Fatalf("grey page came back as %T", out)
	}
}

func toGrayForTest(m *image.RGBA) *image.Gray {
	g := image.NewGray(m.Rect)
	for i := 0; i < len(g.Pix); i++ {
		g.Pix[i] = uint8(luma(m.Pix[4*i], m.Pix[4*i+1], m.Pix[4*i+2]) >> 16)
	}
	return g
}
