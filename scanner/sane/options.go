// Option model for the SANE backend: descriptors as plain Go values and the rules that map
// sohoa's Settings onto a device's own "source", "mode", "depth", "resolution" and geometry options.

package sane

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"sohoa/scanner"
)

// Value types, units, capabilities and constraints, with the numbers of sane.h.
const (
	typeBool   = 0
	typeInt    = 1
	typeFixed  = 2
	typeString = 3
	typeButton = 4
	typeGroup  = 5

	unitMM = 3

	capSoftSelect = 1 << 0
	capAutomatic  = 1 << 4
	capInactive   = 1 << 5

	constraintNone   = 0
	constraintRange  = 1
	constraintWords  = 2
	constraintString = 3

	infoReloadOptions = 1 << 1
)

// fixedScale is SANE_FIX's 1 << SANE_FIXED_SCALE_SHIFT.
const fixedScale = 1 << 16

// option is one SANE option descriptor, copied out of C memory.
type option struct {
	Index      int
	Name       string
	Title      string
	Type       int
	Unit       int
	Size       int
	Cap        int
	Constraint int
	Strings    []string // constraintString
	Words      []int32  // constraintWords (list only, without the length word)
	Min, Max   int32    // constraintRange
	Quant      int32
}

// settable reports whether the frontend may set the option now.
func (o option) settable() bool { return o.Cap&capSoftSelect != 0 && o.Cap&capInactive == 0 }

// toFloat converts a word of this option's type to a number.
func (o option) toFloat(w int32) float64 {
	if o.Type == typeFixed {
		return float64(w) / fixedScale
	}
	return float64(w)
}

// fromFloat converts a number to a word of this option's type.
func (o option) fromFloat(v float64) int32 {
	if o.Type == typeFixed {
		return int32(math.Round(v * fixedScale))
	}
	return int32(math.Round(v))
}

// nearest returns the allowed word closest to v, honouring a word list or a range with quantisation.
func (o option) nearest(v float64) int32 {
	switch o.Constraint {
	case constraintWords:
		best, bestD := int32(0), math.Inf(1)
		for _, w := range o.Words {
			if d := math.Abs(o.toFloat(w) - v); d < bestD {
				best, bestD = w, d
			}
		}
		return best
	case constraintRange:
		w := o.fromFloat(v)
		w = min(max(w, o.Min), o.Max)
		if o.Quant > 0 {
			steps := math.Round(float64(w-o.Min) / float64(o.Quant))
			w = o.Min + int32(steps)*o.Quant
			if w > o.Max {
				w -= o.Quant
			}
		}
		return w
	}
	return o.fromFloat(v)
}

// allowedNumbers lists the values a numeric option takes; for a range it lists the usual
// scanner resolutions inside it.
func (o option) allowedNumbers(usual []int) []int {
	var out []int
	switch o.Constraint {
	case constraintWords:
		for _, w := range o.Words {
			out = append(out, int(math.Round(o.toFloat(w))))
		}
	case constraintRange:
		lo, hi := o.toFloat(o.Min), o.toFloat(o.Max)
		for _, u := range usual {
			if float64(u) >= lo && float64(u) <= hi && int(math.Round(o.toFloat(o.nearest(float64(u))))) == u {
				out = append(out, u)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// options is a device's option list, addressed by name.
type options []option

func (os options) get(name string) (option, bool) {
	for _, o := range os {
		if o.Name == name && o.Type != typeGroup {
			return o, true
		}
	}
	return option{}, false
}

// usualResolutions are offered when a device accepts a whole range.
var usualResolutions = []int{75, 100, 150, 200, 240, 300, 400, 600, 1200}

// classifySource maps a backend's source name to ours; ok is false for names we do not use
// (e.g. "Transparency Adapter").
func classifySource(v string) (scanner.Source, bool) {
	l := strings.ToLower(v)
	switch {
	case strings.Contains(l, "duplex"):
		return scanner.SourceDuplex, true
	case strings.Contains(l, "back") || strings.Contains(l, "rear"):
		return "", false // back-only feeder paths
	case strings.Contains(l, "adf") || strings.Contains(l, "feeder") || strings.Contains(l, "automatic document") || strings.Contains(l, "front"):
		return scanner.SourceFeeder, true
	case strings.Contains(l, "flatbed") || strings.Contains(l, "platen") || strings.Contains(l, "normal") || strings.Contains(l, "glass") || strings.Contains(l, "document table"):
		return scanner.SourcePlaten, true
	}
	return "", false
}

// classifyMode maps a backend's mode name to ours.
func classifyMode(v string) (scanner.ColorMode, bool) {
	l := strings.ToLower(v)
	switch {
	case strings.Contains(l, "color") || strings.Contains(l, "colour"):
		return scanner.ModeColor, true
	case strings.Contains(l, "gray") || strings.Contains(l, "grey"):
		return scanner.ModeGray, true
	case strings.Contains(l, "lineart") || strings.Contains(l, "binary") || strings.Contains(l, "black") || strings.Contains(l, "bw") || strings.Contains(l, "mono"):
		return scanner.ModeBW, true
	}
	return "", false
}

// hasDepth reports whether a "depth" option can be set to d.
func (os options) hasDepth(d int) bool {
	o, ok := os.get("depth")
	if !ok || !o.settable() {
		return false
	}
	switch o.Constraint {
	case constraintWords:
		return slices.Contains(o.Words, int32(d))
	case constraintRange:
		return int32(d) >= o.Min && int32(d) <= o.Max
	}
	return true
}

// capabilities derives scanner.Capabilities from the descriptors.
func (os options) capabilities() scanner.Capabilities {
	var c scanner.Capabilities
	if o, ok := os.get("source"); ok && o.Constraint == constraintString {
		for _, v := range o.Strings {
			if s, ok := classifySource(v); ok && !slices.Contains(c.Sources, s) {
				c.Sources = append(c.Sources, s)
			}
		}
	}
	if len(c.Sources) == 0 {
		c.Sources = []scanner.Source{scanner.SourcePlaten}
	}
	if o, ok := os.get("resolution"); ok {
		c.Resolutions = o.allowedNumbers(usualResolutions)
	}
	if o, ok := os.get("mode"); ok && o.Constraint == constraintString {
		for _, v := range o.Strings {
			if m, ok := classifyMode(v); ok && !slices.Contains(c.Modes, m) {
				c.Modes = append(c.Modes, m)
			}
		}
	}
	if slices.Contains(c.Modes, scanner.ModeGray) && !slices.Contains(c.Modes, scanner.ModeBW) && os.hasDepth(1) {
		c.Modes = append(c.Modes, scanner.ModeBW)
	}
	c.MaxWidthMM = os.extent("tl-x", "br-x")
	c.MaxHeightMM = os.extent("tl-y", "br-y")
	return c
}

// extent is the largest scan length along one axis in millimetres, 0 when unknown.
func (os options) extent(tl, br string) float64 {
	b, ok := os.get(br)
	if !ok || b.Unit != unitMM || b.Constraint != constraintRange {
		return 0
	}
	lo := b.toFloat(b.Min)
	if t, ok := os.get(tl); ok && t.Constraint == constraintRange {
		lo = t.toFloat(t.Min)
	}
	return b.toFloat(b.Max) - lo
}

// setting is one option value to apply; exactly one of Str and Num is used, by option type.
type setting struct {
	Name string
	Str  string
	Num  float64
}

// plan chooses the option values for s, in the order they must be applied (source and mode
// first: they change which other options are active). Options the device lacks are skipped,
// except that a source or mode the device cannot do is ErrUnsupported.
func (os options) plan(s scanner.Settings) ([]setting, error) {
	var out []setting
	if o, ok := os.get("source"); ok && o.Constraint == constraintString {
		v := ""
		for _, cand := range o.Strings {
			if src, ok := classifySource(cand); ok && src == s.Source {
				v = cand
				break
			}
		}
		if v == "" {
			return nil, fmt.Errorf("sane: the scanner has no %s source (it offers %s): %w", s.Source, strings.Join(o.Strings, ", "), scanner.ErrUnsupported)
		}
		out = append(out, setting{Name: "source", Str: v})
	} else if s.Source != scanner.SourcePlaten {
		return nil, fmt.Errorf("sane: the scanner has no document feeder; use the flatbed: %w", scanner.ErrUnsupported)
	}

	depth := 8
	if o, ok := os.get("mode"); ok && o.Constraint == constraintString {
		v := ""
		for _, cand := range o.Strings {
			if m, ok := classifyMode(cand); ok && m == s.Mode {
				v = cand
				break
			}
		}
		if v == "" && s.Mode == scanner.ModeBW && os.hasDepth(1) {
			for _, cand := range o.Strings {
				if m, _ := classifyMode(cand); m == scanner.ModeGray {
					v, depth = cand, 1
					break
				}
			}
		}
		if v == "" {
			return nil, fmt.Errorf("sane: the scanner cannot scan in %s mode (it offers %s): %w", s.Mode, strings.Join(o.Strings, ", "), scanner.ErrUnsupported)
		}
		out = append(out, setting{Name: "mode", Str: v})
	}
	if os.hasDepth(depth) {
		out = append(out, setting{Name: "depth", Num: float64(depth)})
	}
	if _, ok := os.get("resolution"); ok {
		out = append(out, setting{Name: "resolution", Num: float64(s.DPI)})
	}
	// A4 from the top-left corner, clipped to what the device allows.
	for _, g := range []struct {
		tl, br string
		size   float64
	}{{"tl-x", "br-x", 210}, {"tl-y", "br-y", 297}} {
		t, tok := os.get(g.tl)
		b, bok := os.get(g.br)
		if !tok || !bok || t.Unit != unitMM || b.Unit != unitMM {
			continue
		}
		lo := 0.0
		if t.Constraint == constraintRange {
			lo = t.toFloat(t.Min)
		}
		out = append(out, setting{Name: g.tl, Num: lo}, setting{Name: g.br, Num: lo + g.size})
	}
	return out, nil
}
