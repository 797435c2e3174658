package virtual

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"testing"

	"golang.org/x/image/font/sfnt"

	"sohoa/scanner"
)

// collect scans with s and returns the pages handed over and the scan error.
func collect(t *testing.T, addr string, s scanner.Settings) ([]scanner.Page, error) {
	t.Helper()
	d, err := scanner.Open(addr)
	if err != nil {
		t.Fatalf("Open(%q): %v", addr, err)
	}
	defer d.Close()
	var pages []scanner.Page
	err = d.Scan(context.Background(), s, scanner.Handler{OnPage: func(p scanner.Page) error {
		pages = append(pages, p)
		return nil
	}})
	return pages, err
}

func pixelsOf(img image.Image) []byte {
	switch m := img.(type) {
	case *image.RGBA:
		return m.Pix
	case *image.Gray:
		return m.Pix
	}
	return nil
}

// inkStats counts dark pixels and bluish "pen" pixels.
func inkStats(img image.Image) (dark, blue int) {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r>>8 < 100 && g>>8 < 100 {
				dark++
			}
			if bl>>8 > 110 && r>>8 < 90 && g>>8 < 110 {
				blue++
			}
		}
	}
	return dark, blue
}

func TestListAndOpen(t *testing.T) {
	infos, err := scanner.List(context.Background())
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	found := false
	for _, in := range infos {
		if in.Address == "virtual:" && in.Name == DisplayName && in.Backend == "virtual" {
			found = true
		}
	}
	if !found {
		t.Fatalf("List = %+v, want the virtual device", infos)
	}
	d, err := scanner.Open("virtual:seed=42")
	if err != nil {
		t.Fatal(err)
	}
	if d.Address() != "virtual:seed=42" || d.Name() != DisplayName {
		t.Fatalf("Address/Name = %q/%q", d.Address(), d.Name())
	}
	for _, bad := range []string{"virtual:seed=x", "virtual:jam-after=-1", "virtual:frobnicate", "virtual:seed"} {
		if _, err := scanner.Open(bad); err == nil {
			t.Errorf("Open(%q) succeeded, want an error", bad)
		}
	}
}

func TestPlatenA4Colour200dpi(t *testing.T) {
	pages, err := collect(t, "virtual:seed=42", scanner.Settings{Source: scanner.SourcePlaten})
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 1 {
		t.Fatalf("platen gave %d pages, want 1", len(pages))
	}
	p := pages[0]
	if p.DPI != 200 || p.Index != 0 || p.Back {
		t.Fatalf("page = %+v", p)
	}
	if _, ok := p.Image.(*image.RGBA); !ok {
		t.Fatalf("colour page is %T, want *image.RGBA", p.Image)
	}
	// A4 at 200 dpi: 210 mm x 297 mm.
	if b := p.Image.Bounds(); b.Dx() != 1654 || b.Dy() != 2339 {
		t.Fatalf("size %v, want 1654x2339", b)
	}
	dark, blue := inkStats(p.Image)
	if dark < 2000 {
		t.Errorf("only %d dark pixels: the printed form is missing", dark)
	}
	if blue < 500 {
		t.Errorf("only %d blue pixels: the handwritten fill is missing", blue)
	}
	// Paper, not pure white: the corner area near the centre top is tinted and noisy.
	r, g, bl, _ := p.Image.At(827, 1300).RGBA()
	if r>>8 == 255 && g>>8 == 255 && bl>>8 == 255 {
		t.Errorf("paper is pure white at the centre; want tint and noise")
	}
}

func TestDeterministicBySeed(t *testing.T) {
	s := scanner.Settings{Source: scanner.SourceFeeder, DPI: 100, MaxPages: 2}
	a, err := collect(t, "virtual:seed=7", s)
	if err != nil {
		t.Fatal(err)
	}
	b, err := collect(t, "virtual:seed=7", s)
	if err != nil {
		t.Fatal(err)
	}
	c, err := collect(t, "virtual:seed=8", s)
	if err != nil {
		t.Fatal(err)
	}
	for i := range a {
		if !bytes.Equal(pixelsOf(a[i].Image), pixelsOf(b[i].Image)) {
			t.Errorf("page %d differs between two scans with the same seed", i)
		}
		if bytes.Equal(pixelsOf(a[i].Image), pixelsOf(c[i].Image)) {
			t.Errorf("page %d is identical for seeds 7 and 8", i)
		}
	}
	if bytes.Equal(pixelsOf(a[0].Image), pixelsOf(a[1].Image)) {
		t.Error("pages 1 and 2 have the same content")
	}
}

func TestModes(t *testing.T) {
	pages, err := collect(t, "virtual:", scanner.Settings{Source: scanner.SourcePlaten, DPI: 100, Mode: scanner.ModeGray})
	if err != nil {
		t.Fatal(err)
	}
	g, ok := pages[0].Image.(*image.Gray)
	if !ok {
		t.Fatalf("gray page is %T", pages[0].Image)
	}
	levels := map[uint8]bool{}
	for _, v := range g.Pix {
		levels[v] = true
	}
	if len(levels) < 50 {
		t.Errorf("gray page has %d levels, want a continuous tone", len(levels))
	}
	pages, err = collect(t, "virtual:", scanner.Settings{Source: scanner.SourcePlaten, DPI: 100, Mode: scanner.ModeBW})
	if err != nil {
		t.Fatal(err)
	}
	bw := pages[0].Image.(*image.Gray)
	black := 0
	for _, v := range bw.Pix {
		if v != 0 && v != 255 {
			t.Fatalf("black-and-white page has level %d", v)
		}
		if v == 0 {
			black++
		}
	}
	if black < 1000 {
		t.Errorf("black-and-white page has only %d black pixels", black)
	}
}

func TestFeederBatchAndDuplex(t *testing.T) {
	pages, err := collect(t, "virtual:", scanner.Settings{Source: scanner.SourceFeeder, DPI: 75})
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != DefaultSheets {
		t.Fatalf("feeder gave %d pages, want %d", len(pages), DefaultSheets)
	}
	pages, err = collect(t, "virtual:pages=2", scanner.Settings{Source: scanner.SourceDuplex, DPI: 75})
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 4 {
		t.Fatalf("duplex of 2 sheets gave %d pages, want 4", len(pages))
	}
	for i, p := range pages {
		if p.Index != i || p.Back != (i%2 == 1) {
			t.Errorf("page %d: Index %d Back %v", i, p.Index, p.Back)
		}
		dark, _ := inkStats(p.Image)
		if p.Back && dark > 20 {
			t.Errorf("back side %d has %d dark pixels, want nearly blank", i, dark)
		}
		if !p.Back && dark < 500 {
			t.Errorf("front side %d has %d dark pixels, want printed content", i, dark)
		}
	}
	pages, err = collect(t, "virtual:pages=5", scanner.Settings{Source: scanner.SourceFeeder, DPI: 75, MaxPages: 2})
	if err != nil || len(pages) != 2 {
		t.Fatalf("MaxPages 2: %d pages, %v", len(pages), err)
	}
}

func TestFaults(t *testing.T) {
	pages, err := collect(t, "virtual:jam-after=2,pages=5", scanner.Settings{Source: scanner.SourceFeeder, DPI: 75})
	if !errors.Is(err, scanner.ErrJammed) || len(pages) != 2 {
		t.Errorf("jam-after=2: %d pages, err %v; want 2 pages and ErrJammed", len(pages), err)
	}
	pages, err = collect(t, "virtual:empty", scanner.Settings{Source: scanner.SourceFeeder, DPI: 75})
	if !errors.Is(err, scanner.ErrFeederEmpty) || len(pages) != 0 {
		t.Errorf("empty: %d pages, err %v", len(pages), err)
	}
	pages, err = collect(t, "virtual:empty", scanner.Settings{Source: scanner.SourcePlaten, DPI: 75})
	if err != nil || len(pages) != 1 {
		t.Errorf("empty feeder must not stop the platen: %d pages, err %v", len(pages), err)
	}
	_, err = collect(t, "virtual:cover-open", scanner.Settings{Source: scanner.SourcePlaten, DPI: 75})
	if !errors.Is(err, scanner.ErrCoverOpen) {
		t.Errorf("cover-open: err %v", err)
	}
	_, err = collect(t, "virtual:busy", scanner.Settings{DPI: 75})
	if !errors.Is(err, scanner.ErrBusy) {
		t.Errorf("busy: err %v", err)
	}
	_, err = collect(t, "virtual:", scanner.Settings{DPI: 4800})
	if !errors.Is(err, scanner.ErrUnsupported) {
		t.Errorf("4800 dpi: err %v", err)
	}
	_, err = collect(t, "virtual:", scanner.Settings{Source: "tray"})
	if !errors.Is(err, scanner.ErrUnsupported) {
		t.Errorf("unknown source: err %v", err)
	}
}

func TestCancelAndStop(t *testing.T) {
	d := New(Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var got int
	var fracs []float64
	err := d.Scan(ctx, scanner.Settings{Source: scanner.SourceFeeder, DPI: 100}, scanner.Handler{
		OnPage: func(scanner.Page) error { got++; return nil },
		OnProgress: func(p scanner.Progress) {
			fracs = append(fracs, p.Fraction)
			if p.Page == 1 && p.Fraction > 0.3 {
				cancel() // mid-page
			}
		},
	})
	if !errors.Is(err, context.Canceled) || got != 1 {
		t.Fatalf("cancel mid page 2: %d pages, err %v; want 1 page and context.Canceled", got, err)
	}
	for i := 1; i < len(fracs) && fracs[i] != 0; i++ {
		if fracs[i] < fracs[i-1] {
			t.Errorf("progress went backwards: %v", fracs)
		}
	}
	stop := errors.New("enough")
	got = 0
	err = d.Scan(context.Background(), scanner.Settings{Source: scanner.SourceFeeder, DPI: 75}, scanner.Handler{
		OnPage: func(scanner.Page) error { got++; return stop },
	})
	if !errors.Is(err, stop) || got != 1 {
		t.Fatalf("OnPage error: %d pages, err %v", got, err)
	}
	// Cancelled while waiting for the simulated mechanics.
	ctx2, cancel2 := context.WithCancel(context.Background())
	cancel2()
	err = New(Options{Delay: 1e9}).Scan(ctx2, scanner.Settings{DPI: 75}, scanner.Handler{OnPage: func(scanner.Page) error { return nil }})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancel before start: %v", err)
	}
}

func TestFontCoversVietnamese(t *testing.T) {
	if err := loadFonts(); err != nil {
		t.Fatal(err)
	}
	var buf sfnt.Buffer
	const letters = "ĂÂĐÊÔƠƯăâđêôơư" + "ÀẢÃÁẠẰẲẴẮẶẦẨẪẤẬÈẺẼÉẸỀỂỄẾỆÌỈĨÍỊÒỎÕÓỌỒỔỖỐỘỜỞỠỚỢÙỦŨÚỤỪỬỮỨỰỲỶỸÝỴ" +
		"àảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
	for _, f := range fonts {
		for _, r := range letters {
			if i, err := f.GlyphIndex(&buf, r); err != nil || i == 0 {
				t.Errorf("font lacks %q", r)
			}
		}
	}
	// A diacritic changes the drawn glyph.
	fc, err := getFace(false, 12, 200)
	if err != nil {
		t.Fatal(err)
	}
	fc.mu.Lock()
	e, ee := fc.glyph('e'), fc.glyph('ễ')
	fc.mu.Unlock()
	if e.mask.Bounds() == ee.mask.Bounds() {
		t.Error("'ễ' is drawn like 'e'")
	}
}

func TestSkewKeepsContent(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 400, 400))
	fillBytes(img.Pix, color.RGBA{255, 255, 255, 255})
	fillRect(img, image.Rect(190, 190, 210, 210), color.RGBA{0, 0, 0, 255})
	out := skew(img, 1.5*3.14159/180, color.RGBA{200, 200, 200, 255})
	if c := out.RGBAAt(200, 200); c.R != 0 {
		t.Errorf("centre pixel moved under a small rotation: %v", c)
	}
	// The corner is uncovered by a 1.5° rotation and shows the lid.
	if c := out.RGBAAt(0, 0); c.R != 200 {
		t.Errorf("corner = %v, want lid colour", c)
	}
}

// BenchmarkRenderA4Colour200 measures one A4 colour page at 200 dpi (target: well under 100 ms).
func BenchmarkRenderA4Colour200(b *testing.B) {
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		if _, err := renderPage(ctx, 1, i%3, false, 200, scanner.ModeColor, func(float64) {}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderA4Gray300 measures one A4 grey page at 300 dpi.
func BenchmarkRenderA4Gray300(b *testing.B) {
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		if _, err := renderPage(ctx, 1, i%3, false, 300, scanner.ModeGray, func(float64) {}); err != nil {
			b.Fatal(err)
		}
	}
}

// `--device virtual: --pages N` scans N pages: an address without a sheet count fills the feeder
// with what the scan asks for; one with a count keeps it.
func TestPagesSettingFillsTheFeeder(t *testing.T) {
	for _, c := range []struct {
		addr   string
		source scanner.Source
		max    int
		want   int
	}{
		{"virtual:", scanner.SourceFeeder, 7, 7},
		{"virtual:", scanner.SourceDuplex, 5, 5},
		{"virtual:", scanner.SourceFeeder, 0, DefaultSheets},
		{"virtual:pages=2", scanner.SourceFeeder, 7, 2},
		{"virtual:pages=9", scanner.SourceFeeder, 4, 4},
	} {
		pages, err := collect(t, c.addr, scanner.Settings{Source: c.source, DPI: 50, Mode: scanner.ModeGray, MaxPages: c.max})
		if err != nil {
			t.Fatalf("%s max %d: %v", c.addr, c.max, err)
		}
		if len(pages) != c.want {
			t.Errorf("%s %s max %d: %d pages, want %d", c.addr, c.source, c.max, len(pages), c.want)
		}
	}
}
