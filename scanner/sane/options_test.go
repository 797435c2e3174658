package sane

import (
	"errors"
	"image"
	"testing"

	"sohoa/scanner"
)

func TestNearest(t *testing.T) {
	words := option{Type: typeInt, Constraint: constraintWords, Words: []int32{75, 150, 300, 600}}
	if got := words.nearest(200); got != 150 {
		t.Errorf("word list nearest 200 = %d, want 150", got)
	}
	if got := words.nearest(260); got != 300 {
		t.Errorf("word list nearest 260 = %d, want 300", got)
	}
	fixed := option{Type: typeFixed, Constraint: constraintRange, Min: 50 * fixedScale, Max: 1200 * fixedScale, Quant: 25 * fixedScale}
	if got := fixed.toFloat(fixed.nearest(212)); got != 200 {
		t.Errorf("fixed range nearest 212 = %v, want 200", got)
	}
	if got := fixed.toFloat(fixed.nearest(5000)); got != 1200 {
		t.Errorf("fixed range clamps to %v, want 1200", got)
	}
	if got := fixed.allowedNumbers(usualResolutions); len(got) != 8 || got[0] != 75 || got[7] != 1200 {
		t.Errorf("allowed = %v", got) // 240 is not a multiple of 25 from 50
	}
}

func TestPlanAndCapabilities(t *testing.T) {
	str := func(name string, vals ...string) option {
		return option{Name: name, Type: typeString, Cap: capSoftSelect, Constraint: constraintString, Strings: vals, Size: 64}
	}
	opts := options{
		str("source", "Flatbed", "ADF Front", "ADF Back", "ADF Duplex"),
		str("mode", "Lineart", "Halftone", "Gray", "Color"),
		{Name: "resolution", Type: typeInt, Cap: capSoftSelect, Constraint: constraintWords, Words: []int32{100, 200, 300}},
		{Name: "tl-x", Type: typeFixed, Unit: unitMM, Cap: capSoftSelect, Constraint: constraintRange, Max: 215 << 16},
		{Name: "br-x", Type: typeFixed, Unit: unitMM, Cap: capSoftSelect, Constraint: constraintRange, Max: 215 << 16},
		{Name: "tl-y", Type: typeFixed, Unit: unitMM, Cap: capSoftSelect, Constraint: constraintRange, Max: 355 << 16},
		{Name: "br-y", Type: typeFixed, Unit: unitMM, Cap: capSoftSelect, Constraint: constraintRange, Max: 355 << 16},
	}
	c := opts.capabilities()
	if len(c.Sources) != 3 || c.Sources[0] != scanner.SourcePlaten || c.Sources[1] != scanner.SourceFeeder || c.Sources[2] != scanner.SourceDuplex {
		t.Errorf("Sources = %v", c.Sources)
	}
	if len(c.Modes) != 3 || c.MaxWidthMM != 215 || c.MaxHeightMM != 355 || len(c.Resolutions) != 3 {
		t.Errorf("caps = %+v", c)
	}
	plan, err := opts.plan(scanner.Settings{Source: scanner.SourceDuplex, Mode: scanner.ModeBW, DPI: 200})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"source": "ADF Duplex", "mode": "Lineart", "resolution": 200.0, "br-x": 210.0, "br-y": 297.0}
	for _, s := range plan {
		w, ok := want[s.Name]
		if !ok {
			continue
		}
		if (s.Str != "" && s.Str != w) || (s.Str == "" && s.Num != w) {
			t.Errorf("%s = %q/%v, want %v", s.Name, s.Str, s.Num, w)
		}
		delete(want, s.Name)
	}
	if len(want) != 0 {
		t.Errorf("plan %v lacks %v", plan, want)
	}
	noFeeder := options{str("mode", "Color")}
	if _, err := noFeeder.plan(scanner.Settings{Source: scanner.SourceFeeder, Mode: scanner.ModeColor}); !errors.Is(err, scanner.ErrUnsupported) {
		t.Errorf("feeder on a flatbed: %v", err)
	}
	if _, err := noFeeder.plan(scanner.Settings{Source: scanner.SourcePlaten, Mode: scanner.ModeGray}); !errors.Is(err, scanner.ErrUnsupported) {
		t.Errorf("gray on a colour-only device: %v", err)
	}
}

func TestDecodeFrameHostile(t *testing.T) {
	ok := params{Format: frameGray, BytesPerLine: 4, PixelsPerLine: 4, Lines: 2, Depth: 8}
	if _, err := decodeFrame(ok, make([]byte, 8)); err != nil {
		t.Fatal(err)
	}
	bad := []params{
		{Format: frameGray, BytesPerLine: 4, PixelsPerLine: 4, Lines: 3, Depth: 8},                   // short data
		{Format: frameRGB, BytesPerLine: 4, PixelsPerLine: 4, Lines: 2, Depth: 8},                    // line too short for RGB
		{Format: frameGray, BytesPerLine: 4, PixelsPerLine: 4, Lines: 2, Depth: 12},                  // odd depth
		{Format: 9, BytesPerLine: 4, PixelsPerLine: 4, Lines: 2, Depth: 8},                           // JPEG frame etc.
		{Format: frameGray, BytesPerLine: 0, PixelsPerLine: 0, Lines: 2, Depth: 8},                   // empty lines
		{Format: frameGray, BytesPerLine: 1 << 20, PixelsPerLine: 1 << 20, Lines: 1 << 12, Depth: 1}, // huge
	}
	for _, p := range bad {
		if _, err := decodeFrame(p, make([]byte, 8)); err == nil {
			t.Errorf("decodeFrame(%+v) accepted", p)
		}
	}
	// 1-bit grey: set bits are black; 16-bit keeps the high byte; ppl-loss padding is skipped.
	g, err := decodeFrame(params{Format: frameGray, BytesPerLine: 2, PixelsPerLine: 3, Lines: 1, Depth: 1}, []byte{0b10100000, 0xff})
	if err != nil {
		t.Fatal(err)
	}
	if p := g.(*image.Gray).Pix; p[0] != 0 || p[1] != 255 || p[2] != 0 {
		t.Errorf("lineart = %v", p)
	}
	c, err := decodeFrame(params{Format: frameRGB, BytesPerLine: 8, PixelsPerLine: 1, Lines: 1, Depth: 16}, []byte{0, 0x12, 0, 0x34, 0, 0x56, 9, 9})
	if err != nil {
		t.Fatal(err)
	}
	if p := c.(*image.RGBA).Pix; p[0] != 0x12 || p[1] != 0x34 || p[2] != 0x56 || p[3] != 255 {
		t.Errorf("rgb16 = %v", p)
	}
	// Three-pass bands of different sizes are refused.
	r, err := mergeBand(nil, params{Format: frameRed, BytesPerLine: 2, PixelsPerLine: 2, Lines: 1, Depth: 8}, []byte{1, 2})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mergeBand(r, params{Format: frameGreen, BytesPerLine: 3, PixelsPerLine: 3, Lines: 1, Depth: 8}, []byte{1, 2, 3}); err == nil {
		t.Error("mismatched bands accepted")
	}
}

func TestStatusErrorMapping(t *testing.T) {
	e := &StatusError{Op: "sane_read", Device: "x:0", Status: StatusJammed, Text: "Document feeder jammed"}
	if !errors.Is(e, scanner.ErrJammed) || errors.Is(e, scanner.ErrBusy) {
		t.Errorf("mapping wrong for %v", e)
	}
	if (&StatusError{Status: StatusInval}).Unwrap() != nil {
		t.Error("INVAL should not map to a scanner sentinel")
	}
}
