// ScannerCapabilities: parsing the eSCL capabilities document and mapping it to scanner.Capabilities.

package escl

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strings"

	"sohoa/scanner"
)

// ScannerCapabilities is the answer to GET /eSCL/ScannerCapabilities. Elements are matched by
// local name, so the scan:/pwg: prefixes and default-namespace variants all parse.
type ScannerCapabilities struct {
	XMLName        xml.Name   `xml:"ScannerCapabilities"`
	Version        string     `xml:"Version"`
	MakeAndModel   string     `xml:"MakeAndModel"`
	SerialNumber   string     `xml:"SerialNumber"`
	UUID           string     `xml:"UUID"`
	AdminURI       string     `xml:"AdminURI"`
	Platen         *InputCaps `xml:"Platen>PlatenInputCaps"`
	AdfSimplex     *InputCaps `xml:"Adf>AdfSimplexInputCaps"`
	AdfDuplex      *InputCaps `xml:"Adf>AdfDuplexInputCaps"`
	FeederCapacity int        `xml:"Adf>FeederCapacity"`
	AdfOptions     []string   `xml:"Adf>AdfOptions>AdfOption"`
}

// InputCaps are the capabilities of one input source. Sizes are in 1/300 inch.
type InputCaps struct {
	MinWidth  int              `xml:"MinWidth"`
	MaxWidth  int              `xml:"MaxWidth"`
	MinHeight int              `xml:"MinHeight"`
	MaxHeight int              `xml:"MaxHeight"`
	Profiles  []SettingProfile `xml:"SettingProfiles>SettingProfile"`
}

// SettingProfile lists colour modes, formats and resolutions offered together.
type SettingProfile struct {
	ColorModes         []string         `xml:"ColorModes>ColorMode"`
	DocumentFormats    []string         `xml:"DocumentFormats>DocumentFormat"`
	DocumentFormatsExt []string         `xml:"DocumentFormats>DocumentFormatExt"`
	Discrete           []Resolution     `xml:"SupportedResolutions>DiscreteResolutions>DiscreteResolution"`
	Range              *ResolutionRange `xml:"SupportedResolutions>ResolutionRange"`
}

// Resolution is one discrete resolution in dpi.
type Resolution struct {
	X int `xml:"XResolution"`
	Y int `xml:"YResolution"`
}

// ResolutionRange is a continuous resolution range.
type ResolutionRange struct {
	X Range `xml:"XResolutionRange"`
	Y Range `xml:"YResolutionRange"`
}

// Range is Min..Max in Step increments (Step 0 or 1: any value).
type Range struct {
	Min    int `xml:"Min" json:"min"`
	Max    int `xml:"Max" json:"max"`
	Normal int `xml:"Normal" json:"normal,omitempty"`
	Step   int `xml:"Step" json:"step,omitempty"`
}

// eSCL colour mode names.
const (
	ColorRGB24          = "RGB24"
	ColorGrayscale8     = "Grayscale8"
	ColorBlackAndWhite1 = "BlackAndWhite1"
)

// commonDPI are the resolutions offered to the officer when a device gives only a range.
var commonDPI = []int{75, 100, 150, 200, 240, 300, 400, 600, 1200, 2400}

// maxXMLSize bounds any XML document read from a device.
const maxXMLSize = 4 << 20

// ParseCapabilities parses a ScannerCapabilities document. It fails on malformed XML and on a
// document with no input source at all.
func ParseCapabilities(data []byte) (*ScannerCapabilities, error) {
	var c ScannerCapabilities
	if err := decodeXML(data, &c); err != nil {
		return nil, fmt.Errorf("escl: ScannerCapabilities: %w: %w", ErrBadData, err)
	}
	if c.Platen == nil && c.AdfSimplex == nil && c.AdfDuplex == nil {
		return nil, fmt.Errorf("escl: ScannerCapabilities: %w: neither platen nor feeder described", ErrBadData)
	}
	for _, in := range []*InputCaps{c.Platen, c.AdfSimplex, c.AdfDuplex} {
		if in == nil {
			continue
		}
		for _, p := range in.Profiles {
			if r := p.Range; r != nil && (r.X.Min > r.X.Max || r.Y.Min > r.Y.Max || r.X.Min < 0 || r.Y.Min < 0) {
				return nil, fmt.Errorf("escl: ScannerCapabilities: %w: invalid ResolutionRange", ErrBadData)
			}
		}
	}
	return &c, nil
}

func decodeXML(data []byte, v any) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	d.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
		// eSCL devices send UTF-8; some label it in other cases or as ISO-8859-1 while
		// sending ASCII. Read as-is rather than refusing the document.
		return r, nil
	}
	return d.Decode(v)
}

// Duplex reports whether the feeder can scan both sides.
func (c *ScannerCapabilities) Duplex() bool {
	if c.AdfDuplex != nil {
		return true
	}
	return c.AdfSimplex != nil && slices.ContainsFunc(c.AdfOptions, func(o string) bool {
		return strings.EqualFold(strings.TrimSpace(o), "Duplex")
	})
}

// Input returns the capabilities used for a source, or nil when the device lacks it. A duplex
// feeder without its own AdfDuplexInputCaps uses the simplex ones.
func (c *ScannerCapabilities) Input(src scanner.Source) *InputCaps {
	switch src {
	case scanner.SourcePlaten:
		return c.Platen
	case scanner.SourceFeeder:
		if c.AdfSimplex != nil {
			return c.AdfSimplex
		}
		return c.AdfDuplex
	case scanner.SourceDuplex:
		if !c.Duplex() {
			return nil
		}
		if c.AdfDuplex != nil {
			return c.AdfDuplex
		}
		return c.AdfSimplex
	}
	return nil
}

// Sources lists the sources this device offers, platen first.
func (c *ScannerCapabilities) Sources() []scanner.Source {
	var out []scanner.Source
	for _, s := range []scanner.Source{scanner.SourcePlaten, scanner.SourceFeeder, scanner.SourceDuplex} {
		if c.Input(s) != nil {
			out = append(out, s)
		}
	}
	return out
}

// ColorModes lists the eSCL colour modes the source offers (unknown vendor modes dropped).
func (in *InputCaps) ColorModes() []string {
	var out []string
	for _, p := range in.Profiles {
		for _, m := range p.ColorModes {
			m = strings.TrimSpace(m)
			switch m {
			case ColorRGB24, ColorGrayscale8, ColorBlackAndWhite1:
				if !slices.Contains(out, m) {
					out = append(out, m)
				}
			}
		}
	}
	return out
}

// Resolutions lists the discrete resolutions (X = Y) of the source, sorted; for a range,
// the common resolutions inside it.
func (in *InputCaps) Resolutions() []int {
	var out []int
	add := func(v int) {
		if v > 0 && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	for _, p := range in.Profiles {
		for _, r := range p.Discrete {
			if r.X == r.Y || r.Y == 0 {
				add(r.X)
			}
		}
		if p.Range != nil {
			for _, v := range commonDPI {
				if p.Range.allows(v) {
					add(v)
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

// allows reports whether v dpi is inside both axes of the range, on a step.
func (r *ResolutionRange) allows(v int) bool {
	return r.X.allows(v) && (r.Y.Max == 0 || r.Y.allows(v))
}

func (r Range) allows(v int) bool {
	if v < r.Min || v > r.Max {
		return false
	}
	return r.Step <= 1 || (v-r.Min)%r.Step == 0
}

// supportsDPI reports whether v is a resolution the source accepts exactly.
func (in *InputCaps) supportsDPI(v int) bool {
	for _, p := range in.Profiles {
		for _, r := range p.Discrete {
			if r.X == v && (r.Y == v || r.Y == 0) {
				return true
			}
		}
		if p.Range != nil && p.Range.allows(v) {
			return true
		}
	}
	return false
}

// formats returns whether the source offers format f, and whether it lists it as DocumentFormatExt.
func (in *InputCaps) formats(f string) (ok, ext bool) {
	for _, p := range in.Profiles {
		for _, x := range p.DocumentFormats {
			if strings.EqualFold(strings.TrimSpace(x), f) {
				ok = true
			}
		}
		for _, x := range p.DocumentFormatsExt {
			if strings.EqualFold(strings.TrimSpace(x), f) {
				ok, ext = true, true
			}
		}
	}
	return ok, ext
}

// DocumentFormats lists every format the source offers (DocumentFormat and DocumentFormatExt).
func (in *InputCaps) DocumentFormats() []string {
	var out []string
	for _, p := range in.Profiles {
		for _, x := range slices.Concat(p.DocumentFormats, p.DocumentFormatsExt) {
			x = strings.TrimSpace(x)
			if x != "" && !slices.Contains(out, x) {
				out = append(out, x)
			}
		}
	}
	return out
}

// Generic maps the eSCL capabilities to scanner.Capabilities: sources, the union of the
// resolutions and colour modes of all sources, and the largest scan area of any source.
func (c *ScannerCapabilities) Generic() scanner.Capabilities {
	var g scanner.Capabilities
	g.Sources = c.Sources()
	for _, s := range g.Sources {
		in := c.Input(s)
		for _, r := range in.Resolutions() {
			if !slices.Contains(g.Resolutions, r) {
				g.Resolutions = append(g.Resolutions, r)
			}
		}
		for _, m := range in.ColorModes() {
			gm := modeFromESCL(m)
			if !slices.Contains(g.Modes, gm) {
				g.Modes = append(g.Modes, gm)
			}
		}
		g.MaxWidthMM = max(g.MaxWidthMM, units300ToMM(in.MaxWidth))
		g.MaxHeightMM = max(g.MaxHeightMM, units300ToMM(in.MaxHeight))
	}
	slices.Sort(g.Resolutions)
	return g
}

func units300ToMM(v int) float64 { return float64(v) * 25.4 / 300 }

func modeFromESCL(m string) scanner.ColorMode {
	switch m {
	case ColorGrayscale8:
		return scanner.ModeGray
	case ColorBlackAndWhite1:
		return scanner.ModeBW
	}
	return scanner.ModeColor
}

func modeToESCL(m scanner.ColorMode) string {
	switch m {
	case scanner.ModeGray:
		return ColorGrayscale8
	case scanner.ModeBW:
		return ColorBlackAndWhite1
	}
	return ColorRGB24
}
