//go:build cgo && !windows

package sane

import (
	"context"
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"testing"

	"sohoa/scanner"
)

// TestMain points libsane at a private configuration that enables only the "test" backend,
// without touching /etc/sane.d (where "test" is commented out by default).
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "sane-config-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	conf := "number_of_devices 2\nmode Gray\ndepth 8\nresolution 50.0\ntest-picture \"Solid black\"\n" +
		"geometry_min 0.0\ngeometry_max 200.0\ngeometry_quant 1.0\ntl_x 0.0\ntl_y 0.0\nbr_x 80.0\nbr_y 100.0\n"
	if err := os.WriteFile(filepath.Join(dir, "dll.conf"), []byte("test\n"), 0o644); err == nil {
		err = os.WriteFile(filepath.Join(dir, "test.conf"), []byte(conf), 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	os.Setenv("SANE_CONFIG_DIR", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func openTest(t *testing.T, opts ...string) *Device {
	t.Helper()
	d, err := Open("test:0")
	if err != nil {
		t.Fatalf("Open(test:0): %v", err)
	}
	t.Cleanup(func() { d.Close() })
	// The test backend keeps option values per device across sane_close: start from its defaults.
	defaults := []string{"mode", "Color", "three-pass", "no", "hand-scanner", "no", "ppl-loss", "0", "fuzzy-parameters", "no", "read-limit", "no",
		"read-delay", "no", "read-return-value", "Default", "test-picture", "Solid black", "mode", "Gray", "source", "Flatbed"}
	opts = append(defaults, opts...)
	for i := 0; i+1 < len(opts); i += 2 {
		if err := d.SetOption(context.Background(), opts[i], opts[i+1]); err != nil {
			t.Fatalf("SetOption(%s, %s): %v", opts[i], opts[i+1], err)
		}
	}
	return d
}

func scan(t *testing.T, d *Device, s scanner.Settings) ([]scanner.Page, error) {
	t.Helper()
	var pages []scanner.Page
	err := d.Scan(context.Background(), s, scanner.Handler{OnPage: func(p scanner.Page) error {
		pages = append(pages, p)
		return nil
	}})
	return pages, err
}

func TestListAndOpen(t *testing.T) {
	infos, err := scanner.List(context.Background())
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	var found bool
	for _, in := range infos {
		if in.Address == "sane:test:0" && in.Backend == "sane" && in.Name != "" {
			found = true
		}
	}
	if !found {
		t.Fatalf("List = %+v, want sane:test:0", infos)
	}
	dev, err := scanner.Open("sane:test:1")
	if err != nil {
		t.Fatal(err)
	}
	if dev.Address() != "sane:test:1" {
		t.Errorf("Address = %q", dev.Address())
	}
	dev.Close()
	if _, err := dev.Capabilities(context.Background()); !errors.Is(err, scanner.ErrGone) {
		t.Errorf("Capabilities after Close: %v, want ErrGone", err)
	}
	if _, err := Open("nosuchbackend:0"); !errors.Is(err, scanner.ErrGone) {
		t.Errorf("Open(unknown device): %v, want ErrGone", err)
	}
}

func TestCapabilities(t *testing.T) {
	d := openTest(t)
	c, err := d.Capabilities(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []scanner.Source{scanner.SourcePlaten, scanner.SourceFeeder}
	if fmt.Sprint(c.Sources) != fmt.Sprint(want) {
		t.Errorf("Sources = %v, want %v", c.Sources, want)
	}
	if fmt.Sprint(c.Modes) != fmt.Sprint([]scanner.ColorMode{scanner.ModeGray, scanner.ModeColor, scanner.ModeBW}) {
		t.Errorf("Modes = %v", c.Modes)
	}
	has200 := false
	for _, r := range c.Resolutions {
		has200 = has200 || r == 200
	}
	if !has200 || c.Resolutions[0] != 75 || c.Resolutions[len(c.Resolutions)-1] != 1200 {
		t.Errorf("Resolutions = %v", c.Resolutions)
	}
	if c.MaxWidthMM != 200 || c.MaxHeightMM != 200 {
		t.Errorf("max area %vx%v mm, want 200x200", c.MaxWidthMM, c.MaxHeightMM)
	}
}

func colours(img image.Image) int {
	seen := map[[3]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[[3]uint32{r >> 8, g >> 8, bl >> 8}] = true
		}
	}
	return len(seen)
}

func TestModesAndSize(t *testing.T) {
	d := openTest(t, "test-picture", "Color pattern")
	pages, err := scan(t, d, scanner.Settings{Source: scanner.SourcePlaten, DPI: 100, Mode: scanner.ModeColor})
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 1 {
		t.Fatalf("platen: %d pages", len(pages))
	}
	p := pages[0]
	m, ok := p.Image.(*image.RGBA)
	if !ok {
		t.Fatalf("colour page is %T", p.Image)
	}
	// A4 clipped to the test device's 200 mm: 200 mm at 100 dpi is 787 pixels.
	if b := m.Bounds(); b.Dx() < 780 || b.Dx() > 790 || b.Dy() < 780 || b.Dy() > 790 || p.DPI != 100 {
		t.Errorf("colour page %v at %d dpi, want about 787x787 at 100", b, p.DPI)
	}
	if n := colours(m); n < 8 {
		t.Errorf("colour pattern has %d colours", n)
	}
	if got, _ := d.Option(context.Background(), "resolution"); got != "100" {
		t.Errorf("resolution option = %q, want 100", got)
	}

	d.SetOption(context.Background(), "test-picture", "Grid")
	pages, err = scan(t, d, scanner.Settings{Source: scanner.SourcePlaten, DPI: 75, Mode: scanner.ModeGray})
	if err != nil {
		t.Fatal(err)
	}
	g, ok := pages[0].Image.(*image.Gray)
	if !ok {
		t.Fatalf("gray page is %T", pages[0].Image)
	}
	black, white := 0, 0
	for _, v := range g.Pix {
		switch v {
		case 0:
			black++
		case 255:
			white++
		}
	}
	if black == 0 || white == 0 {
		t.Errorf("grid in gray: %d black, %d white", black, white)
	}

	// Lineart: the test device has no Lineart mode, so Gray at depth 1. Solid black must come out black.
	d.SetOption(context.Background(), "test-picture", "Solid black")
	pages, err = scan(t, d, scanner.Settings{Source: scanner.SourcePlaten, DPI: 75, Mode: scanner.ModeBW})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range pages[0].Image.(*image.Gray).Pix {
		if v != 0 {
			t.Fatalf("solid black in lineart has a pixel of %d", v)
		}
	}
	if got, _ := d.Option(context.Background(), "depth"); got != "1" {
		t.Errorf("depth = %q, want 1 for black and white", got)
	}
	d.SetOption(context.Background(), "test-picture", "Solid white")
	pages, err = scan(t, d, scanner.Settings{Source: scanner.SourcePlaten, DPI: 75, Mode: scanner.ModeBW})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range pages[0].Image.(*image.Gray).Pix {
		if v != 255 {
			t.Fatalf("solid white in lineart has a pixel of %d", v)
		}
	}
}

func TestThreePassMatchesSinglePass(t *testing.T) {
	d := openTest(t, "test-picture", "Color pattern", "mode", "Color")
	s := scanner.Settings{Source: scanner.SourcePlaten, DPI: 50, Mode: scanner.ModeColor}
	one, err := scan(t, d, s)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.SetOption(context.Background(), "three-pass", "yes"); err != nil {
		t.Fatal(err)
	}
	three, err := scan(t, d, s)
	if err != nil {
		t.Fatal(err)
	}
	a, b := one[0].Image.(*image.RGBA), three[0].Image.(*image.RGBA)
	if a.Bounds() != b.Bounds() || string(a.Pix) != string(b.Pix) {
		t.Fatalf("three-pass image differs from single pass (%v vs %v)", a.Bounds(), b.Bounds())
	}
}

func TestOddFrames(t *testing.T) {
	// Hand scanner (unknown height), lost pixels per line, fuzzy parameters before start.
	d := openTest(t, "hand-scanner", "yes", "ppl-loss", "7", "fuzzy-parameters", "yes", "test-picture", "Grid")
	pages, err := scan(t, d, scanner.Settings{Source: scanner.SourcePlaten, DPI: 50, Mode: scanner.ModeGray})
	if err != nil {
		t.Fatal(err)
	}
	b := pages[0].Image.Bounds()
	// 11 cm wide hand scanner at 50 dpi = 216 pixels, minus the 7 lost ones.
	if b.Dx() < 205 || b.Dx() > 212 || b.Dy() <= 0 {
		t.Errorf("hand-scanner page %v", b)
	}
}

func TestFeederBatch(t *testing.T) {
	d := openTest(t, "test-picture", "Grid")
	var progress int
	var pages []scanner.Page
	err := d.Scan(context.Background(), scanner.Settings{Source: scanner.SourceFeeder, DPI: 25, Mode: scanner.ModeGray},
		scanner.Handler{
			OnPage:     func(p scanner.Page) error { pages = append(pages, p); return nil },
			OnProgress: func(scanner.Progress) { progress++ },
		})
	if err != nil {
		t.Fatal(err)
	}
	// The test backend's feeder holds 10 sheets.
	if len(pages) != 10 {
		t.Fatalf("feeder batch gave %d pages, want 10", len(pages))
	}
	for i, p := range pages {
		if p.Index != i || p.Back {
			t.Errorf("page %d: %+v", i, p)
		}
	}
	if progress < 10 {
		t.Errorf("only %d progress reports", progress)
	}
	// The 11th sane_start said NO_DOCS: the end of the batch, not an error. The test backend
	// refills its feeder after sane_cancel, so the next batch has 10 pages again.
	if pages, err := scan(t, d, scanner.Settings{Source: scanner.SourceFeeder, DPI: 25}); err != nil || len(pages) != 10 {
		t.Errorf("second batch: %d pages, %v; want 10", len(pages), err)
	}
	d.Close()
	d2 := openTest(t)
	pages, err = scan(t, d2, scanner.Settings{Source: scanner.SourceFeeder, DPI: 25, MaxPages: 3})
	if err != nil || len(pages) != 3 {
		t.Errorf("MaxPages 3: %d pages, %v", len(pages), err)
	}
	if _, err := scan(t, d2, scanner.Settings{Source: scanner.SourceDuplex, DPI: 25}); !errors.Is(err, scanner.ErrUnsupported) {
		t.Errorf("duplex on a simplex feeder: %v, want ErrUnsupported", err)
	}
}

func TestStatusErrors(t *testing.T) {
	cases := []struct {
		status string
		want   error
	}{
		{"SANE_STATUS_JAMMED", scanner.ErrJammed},
		{"SANE_STATUS_COVER_OPEN", scanner.ErrCoverOpen},
		{"SANE_STATUS_NO_DOCS", scanner.ErrFeederEmpty},
		{"SANE_STATUS_DEVICE_BUSY", scanner.ErrBusy},
		{"SANE_STATUS_IO_ERROR", scanner.ErrGone},
	}
	for _, c := range cases {
		d := openTest(t, "read-return-value", c.status)
		pages, err := scan(t, d, scanner.Settings{Source: scanner.SourceFeeder, DPI: 25})
		var se *StatusError
		if !errors.Is(err, c.want) || !errors.As(err, &se) || se.Text == "" || len(pages) != 0 {
			t.Errorf("%s: %d pages, err %v; want %v with the SANE text", c.status, len(pages), err, c.want)
		}
		// The device recovers once the fault is gone.
		d.SetOption(context.Background(), "read-return-value", "Default")
		if pages, err := scan(t, d, scanner.Settings{Source: scanner.SourcePlaten, DPI: 25}); err != nil || len(pages) != 1 {
			t.Errorf("%s: scan after the fault: %d pages, %v", c.status, len(pages), err)
		}
		d.Close()
	}
}

func TestCancelMidPage(t *testing.T) {
	// Slow reads: 1 KiB per sane_read, 1 ms apart.
	d := openTest(t, "read-limit", "yes", "read-limit-size", "1024", "read-delay", "yes", "read-delay-duration", "1000")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var pages int
	var last float64
	err := d.Scan(ctx, scanner.Settings{Source: scanner.SourceFeeder, DPI: 100, Mode: scanner.ModeGray}, scanner.Handler{
		OnPage: func(scanner.Page) error { pages++; return nil },
		OnProgress: func(p scanner.Progress) {
			last = p.Fraction
			if p.Fraction > 0.1 {
				cancel()
			}
		},
	})
	if !errors.Is(err, context.Canceled) || pages != 0 || last > 0.5 {
		t.Fatalf("cancel: err %v, %d pages, last progress %.2f", err, pages, last)
	}
	// The handle is usable afterwards.
	d.SetOption(context.Background(), "read-limit", "no")
	d.SetOption(context.Background(), "read-delay", "no")
	if ps, err := scan(t, d, scanner.Settings{Source: scanner.SourcePlaten, DPI: 25}); err != nil || len(ps) != 1 {
		t.Fatalf("scan after cancel: %d pages, %v", len(ps), err)
	}
}

func TestSetOptionErrors(t *testing.T) {
	d := openTest(t)
	ctx := context.Background()
	if err := d.SetOption(ctx, "no-such-option", "1"); !errors.Is(err, scanner.ErrUnsupported) {
		t.Errorf("unknown option: %v", err)
	}
	if err := d.SetOption(ctx, "three-pass", "yes"); !errors.Is(err, scanner.ErrUnsupported) {
		t.Errorf("inactive option: %v", err)
	}
	if err := d.SetOption(ctx, "resolution", "lots"); err == nil {
		t.Error("non-numeric resolution accepted")
	}
	if err := d.SetOption(ctx, "resolution", "5000"); err != nil {
		t.Errorf("out-of-range resolution should clamp: %v", err)
	}
	if got, _ := d.Option(ctx, "resolution"); got != "1200" {
		t.Errorf("clamped resolution = %s, want 1200", got)
	}
}
