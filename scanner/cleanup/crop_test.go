// Tests for cropping the dark scanner lid around the paper.

package cleanup

import (
	"image"
	"testing"
)

func TestCropToPageRemovesLid(t *testing.T) {
	for _, spec := range []pageSpec{
		{DPI: 200, Paras: 3, Border: 50, Noise: 6, Seed: 31},
		{DPI: 300, Paras: 2, Stamp: true, Border: 90, Noise: 4, Seed: 32},
		{DPI: 200, Border: 40, Noise: 6, Seed: 33}, // blank sheet on the lid
	} {
		page := makePage(t, spec)
		paper := image.Rect(spec.Border, spec.Border, page.Rect.Dx()-spec.Border, page.Rect.Dy()-spec.Border-spec.Border/2)
		got := CropToPage(page).Bounds()
		// Within 2 % of the paper's size on every side, and no lid left: its edge rows/columns are bright.
		tol := paper.Dx() / 50
		if abs(got.Min.X-paper.Min.X) > tol || abs(got.Min.Y-paper.Min.Y) > tol ||
			abs(got.Max.X-paper.Max.X) > tol || abs(got.Max.Y-paper.Max.Y) > tol {
			t.Fatalf("cropped to %v, paper is %v", got, paper)
		}
		if got.Min.X < paper.Min.X || got.Min.Y < paper.Min.Y || got.Max.X > paper.Max.X || got.Max.Y > paper.Max.Y {
			t.Fatalf("crop %v keeps some lid outside the paper %v", got, paper)
		}
	}
}

func TestCropToPageKeepsBorderlessPages(t *testing.T) {
	for _, spec := range []pageSpec{
		{DPI: 200, Paras: 4, Table: true, Noise: 6, Seed: 34},
		{DPI: 200, Noise: 6, Seed: 35},
	} {
		page := makePage(t, spec)
		if got := CropToPage(page).Bounds(); got != page.Rect {
			t.Fatalf("page without a lid cropped to %v (was %v)", got, page.Rect)
		}
	}
	black := image.NewGray(image.Rect(0, 0, 500, 700))
	if got := CropToPage(black).Bounds(); got != black.Rect {
		t.Fatalf("all-black page cropped to %v", got)
	}
	for _, r := range []image.Rectangle{image.Rect(0, 0, 0, 0), image.Rect(0, 0, 1, 1), image.Rect(5, 5, 6, 900)} {
		if got := CropToPage(image.NewRGBA(r)).Bounds(); got != r {
			t.Errorf("CropToPage(%v) = %v", r, got)
		}
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
