// Tests for blank-page detection: blank pages with scan artefacts, and pages with little text.

package cleanup

import (
	"image"
	"image/color"
	"testing"
)

func TestIsBlankFlagsBlankPages(t *testing.T) {
	cases := map[string]pageSpec{
		"white":          {DPI: 200},
		"noise":          {DPI: 200, Noise: 12, Specks: 80, Seed: 1},
		"tint":           {DPI: 200, Tint: color.RGBA{242, 232, 205, 255}, Noise: 5, Seed: 2},
		"show-through":   {DPI: 200, ShowThrough: true, Noise: 6, Seed: 3},
		"dark edge":      {DPI: 200, Border: 45, Noise: 6, Specks: 20, Seed: 4},
		"skewed on lid":  {DPI: 200, Border: 30, Skew: 3, Noise: 4, Seed: 5},
		"grey paper 300": {DPI: 300, Tint: color.RGBA{215, 215, 215, 255}, Noise: 8, Specks: 60, ShowThrough: true, Seed: 6},
	}
	for name, spec := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			page := makePage(t, spec)
			blank, ink := IsBlank(page)
			if !blank {
				t.Fatalf("blank page (%s) not flagged; ink ratio %.5f", name, ink)
			}
			if ink > 0.001 {
				t.Errorf("ink ratio %.5f on a blank page, want < 0.001", ink)
			}
		})
	}
}

func TestIsBlankKeepsPagesWithText(t *testing.T) {
	cases := map[string]pageSpec{
		"one line":        {DPI: 200, Lines: []string{"Xác nhận của Ủy ban nhân dân xã"}, Noise: 8, Specks: 30, Seed: 7},
		"one word":        {DPI: 200, Lines: []string{"Ký tên"}, Noise: 6, Seed: 8},
		"line on tint":    {DPI: 200, Lines: []string{"Người làm đơn"}, Tint: color.RGBA{240, 228, 200, 255}, Noise: 6, ShowThrough: true, Seed: 9},
		"line on lid 300": {DPI: 300, Lines: []string{"Số: 123/UBND"}, Border: 60, Skew: -2, Noise: 5, Seed: 10},
		"line at 150 dpi": {DPI: 150, Lines: []string{"Hà Nội, ngày 05 tháng 3 năm 2025"}, Noise: 5, Seed: 11},
		"full page":       {DPI: 200, Paras: 4, Table: true, Stamp: true, Noise: 6, Seed: 12},
	}
	for name, spec := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			page := makePage(t, spec)
			if blank, ink := IsBlank(page); blank {
				t.Fatalf("page with text (%s) flagged blank; ink ratio %.5f", name, ink)
			}
		})
	}
}

func TestIsBlankGrayAndDegenerate(t *testing.T) {
	g := toGrayForTest(makePage(t, pageSpec{DPI: 200, Lines: []string{"Ký tên"}, Noise: 4, Seed: 13}))
	if blank, _ := IsBlank(g); blank {
		t.Fatal("grey page with a word flagged blank")
	}
	black := image.NewGray(image.Rect(0, 0, 800, 1100))
	if blank, _ := IsBlank(black); blank {
		t.Fatal("an all-black page is not blank")
	}
	for _, r := range []image.Rectangle{image.Rect(0, 0, 0, 0), image.Rect(0, 0, 1, 1), image.Rect(0, 0, 1, 5000), image.Rect(3, 3, 9, 4)} {
		if blank, _ := IsBlank(image.NewRGBA(r)); !blank {
			t.Errorf("degenerate %v image not reported blank", r)
		}
	}
	if blank, _ := IsBlank(nil); !blank {
		t.Error("nil image not reported blank")
	}
}
