// ScanSettings: the body of POST /eSCL/ScanJobs, built from scanner.Settings and checked against the capabilities.

package escl

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"sohoa/scanner"
)

// ScanSettings is a scan request. Regions are in 1/300 inch.
type ScanSettings struct {
	XMLName           xml.Name     `xml:"ScanSettings"`
	Version           string       `xml:"Version"`
	Regions           []ScanRegion `xml:"ScanRegions>ScanRegion"`
	InputSource       string       `xml:"InputSource"` // Platen or Feeder
	ColorMode         string       `xml:"ColorMode"`
	DocumentFormat    string       `xml:"DocumentFormat"`
	DocumentFormatExt string       `xml:"DocumentFormatExt"`
	XResolution       int          `xml:"XResolution"`
	YResolution       int          `xml:"YResolution"`
	Duplex            bool         `xml:"Duplex"`
}

// ScanRegion is the area to scan.
type ScanRegion struct {
	Width   int    `xml:"Width"`
	Height  int    `xml:"Height"`
	XOffset int    `xml:"XOffset"`
	YOffset int    `xml:"YOffset"`
	Units   string `xml:"ContentRegionUnits"`
}

// MaxRegionHeight caps the requested height (1/300 inch) for feeders that advertise long
// paper (e.g. 36600 = 3 m): 17 inches holds A3 and ledger; the feeder stops at the sheet's end.
const MaxRegionHeight = 5100

// ParseScanSettings parses a ScanSettings document (what a device receives).
func ParseScanSettings(data []byte) (*ScanSettings, error) {
	var s ScanSettings
	if err := decodeXML(data, &s); err != nil {
		return nil, fmt.Errorf("escl: ScanSettings: %w: %w", ErrBadData, err)
	}
	s.InputSource = strings.TrimSpace(s.InputSource)
	s.ColorMode = strings.TrimSpace(s.ColorMode)
	return &s, nil
}

// Marshal writes the request with the scan:/pwg: prefixes devices expect.
func (s *ScanSettings) Marshal() []byte {
	var b bytes.Buffer
	el := func(name, v string) {
		b.WriteString("  <" + name + ">")
		_ = xml.EscapeText(&b, []byte(v))
		b.WriteString("</" + name + ">\n")
	}
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<scan:ScanSettings xmlns:scan="http://schemas.hp.com/imaging/escl/2011/05/03" xmlns:pwg="http://www.pwg.org/schemas/2010/12/sm">` + "\n")
	el("pwg:Version", s.Version)
	b.WriteString("  <pwg:ScanRegions>\n")
	for _, r := range s.Regions {
		b.WriteString("  <pwg:ScanRegion>\n")
		el("pwg:ContentRegionUnits", r.Units)
		el("pwg:XOffset", strconv.Itoa(r.XOffset))
		el("pwg:YOffset", strconv.Itoa(r.YOffset))
		el("pwg:Width", strconv.Itoa(r.Width))
		el("pwg:Height", strconv.Itoa(r.Height))
		b.WriteString("  </pwg:ScanRegion>\n")
	}
	b.WriteString("  </pwg:ScanRegions>\n")
	el("pwg:InputSource", s.InputSource)
	el("scan:ColorMode", s.ColorMode)
	el("pwg:DocumentFormat", s.DocumentFormat)
	if s.DocumentFormatExt != "" {
		el("scan:DocumentFormatExt", s.DocumentFormatExt)
	}
	el("scan:XResolution", strconv.Itoa(s.XResolution))
	el("scan:YResolution", strconv.Itoa(s.YResolution))
	if s.InputSource == "Feeder" {
		el("scan:Duplex", strconv.FormatBool(s.Duplex))
	}
	b.WriteString("</scan:ScanSettings>\n")
	return b.Bytes()
}

// Request builds the ScanSettings for s (already normalized) or explains, as an
// ErrUnsupported error, why the device cannot do it. Nothing is sent to the device.
//
// The resolution is the smallest one the source offers at or above s.DPI (a Canon that only
// offers 300 dpi scans a 200 dpi request at 300), else the largest it offers; Page.DPI then
// reports the resolution really used.
func (c *ScannerCapabilities) Request(s scanner.Settings) (*ScanSettings, error) {
	in := c.Input(s.Source)
	if in == nil {
		switch s.Source {
		case scanner.SourceDuplex:
			if c.AdfSimplex != nil {
				return nil, unsupported("ScanJobs", "this feeder scans one side only: choose the feeder without duplex, or turn the sheets over and scan again")
			}
			return nil, unsupported("ScanJobs", "this scanner has no document feeder")
		case scanner.SourceFeeder:
			return nil, unsupported("ScanJobs", "this scanner has no document feeder: use the glass")
		case scanner.SourcePlaten:
			return nil, unsupported("ScanJobs", "this scanner has no glass: use the feeder")
		}
		return nil, unsupported("ScanJobs", fmt.Sprintf("unknown paper source %q", s.Source))
	}
	mode := modeToESCL(s.Mode)
	if !slices.Contains(in.ColorModes(), mode) {
		return nil, unsupported("ScanJobs", fmt.Sprintf("colour mode %q is not offered by this source", s.Mode))
	}
	okJPEG, ext := in.formats("image/jpeg")
	if !okJPEG {
		return nil, unsupported("ScanJobs", "this source does not deliver JPEG images")
	}
	dpi, err := in.pickDPI(s.DPI)
	if err != nil {
		return nil, err
	}
	req := &ScanSettings{
		Version:        "2.0",
		InputSource:    "Platen",
		ColorMode:      mode,
		DocumentFormat: "image/jpeg",
		XResolution:    dpi,
		YResolution:    dpi,
		Regions: []ScanRegion{{
			Width:  in.MaxWidth,
			Height: min(in.MaxHeight, MaxRegionHeight),
			Units:  "escl:ThreeHundredthsOfInches",
		}},
	}
	if ext {
		req.DocumentFormatExt = "image/jpeg"
	}
	if s.Source != scanner.SourcePlaten {
		req.InputSource = "Feeder"
		req.Duplex = s.Source == scanner.SourceDuplex
	}
	if req.Regions[0].Width <= 0 || req.Regions[0].Height <= 0 {
		return nil, &Error{Kind: ErrBadData, Op: "ScanJobs", Detail: "the scanner did not give its scan area"}
	}
	return req, nil
}

func (in *InputCaps) pickDPI(want int) (int, error) {
	if in.supportsDPI(want) {
		return want, nil
	}
	best, largest := 0, 0
	consider := func(v int) {
		largest = max(largest, v)
		if v >= want && (best == 0 || v < best) {
			best = v
		}
	}
	for _, p := range in.Profiles {
		for _, r := range p.Discrete {
			if r.X > 0 && (r.Y == r.X || r.Y == 0) {
				consider(r.X)
			}
		}
		if r := p.Range; r != nil && r.X.Max > 0 {
			consider(r.X.Max)
			v := r.X.Min
			if want > v {
				step := max(r.X.Step, 1)
				v += (want - v + step - 1) / step * step
			}
			if v <= r.X.Max && r.allows(v) {
				consider(v)
			}
		}
	}
	switch {
	case best > 0:
		return best, nil
	case largest > 0:
		return largest, nil
	}
	return 0, unsupported("ScanJobs", "the scanner lists no resolution")
}
