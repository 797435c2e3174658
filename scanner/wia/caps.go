// What a WIA driver says about its scanner (document handling, bed and feeder sizes, resolutions,
// data types) turned into the scanner package's capabilities. Pure, so it is tested on Linux with
// answers shaped as WIA drivers give them.

package wia

import (
	"sort"

	"sohoa/scanner"
)

// WIA device properties (wiadef.h) read by Capabilities.
const (
	propDocumentHandlingCapabilities = 3086 // FEED 0x01, FLAT 0x02, DUP 0x04
	propHorizontalBedSize            = 3074 // thousandths of an inch
	propVerticalBedSize              = 3075
	propHorizontalSheetFeedSize      = 3076
	propVerticalSheetFeedSize        = 3077
)

// Answers is what the driver answered about the device and its scan item.
type Answers struct {
	Handling              int // WIA_DPS_DOCUMENT_HANDLING_CAPABILITIES; 0 when the driver has no feeder property
	BedWidth, BedHeight   int // thousandths of an inch; 0 without a flatbed
	FeedWidth, FeedHeight int // thousandths of an inch; 0 without a feeder
	Resolution            Valid
	DataTypes             []int // valid values of WIA_IPA_DATATYPE (BW 0, GRAYSCALE 2, COLOR 3)
}

// Valid is a property's valid values: a list, or a range Min..Max by Step.
type Valid struct {
	List           []int
	Min, Max, Step int
}

// standardDPI are the resolutions offered to the officer when the driver gives a range.
var standardDPI = []int{75, 100, 150, 200, 240, 300, 400, 600, 1200}

// CapabilitiesFrom maps the driver's answers: feeder, duplex and flatbed from the handling bits (a
// driver without the property is a flatbed), the standard resolutions the range allows (or the
// driver's list), the colour modes from the data types, and the larger of bed and feeder sizes.
func CapabilitiesFrom(a Answers) scanner.Capabilities {
	var c scanner.Capabilities
	if a.Handling&handlingFeeder != 0 {
		c.Sources = append(c.Sources, scanner.SourceFeeder)
		if a.Handling&handlingDuplex != 0 {
			c.Sources = append(c.Sources, scanner.SourceDuplex)
		}
	}
	if a.Handling&handlingFlatbed != 0 || a.Handling == 0 {
		c.Sources = append(c.Sources, scanner.SourcePlaten)
	}
	if len(a.Resolution.List) > 0 {
		seen := map[int]bool{}
		for _, r := range a.Resolution.List {
			if r >= 50 && r <= 1200 && !seen[r] {
				seen[r] = true
				c.Resolutions = append(c.Resolutions, r)
			}
		}
		sort.Ints(c.Resolutions)
	} else if a.Resolution.Max > 0 {
		step := max(a.Resolution.Step, 1)
		for _, r := range standardDPI {
			if r >= a.Resolution.Min && r <= a.Resolution.Max && (r-a.Resolution.Min)%step == 0 {
				c.Resolutions = append(c.Resolutions, r)
			}
		}
	}
	if len(c.Resolutions) == 0 {
		c.Resolutions = []int{200, 300} // every WIA scanner driver accepts these
	}
	modes := map[int]scanner.ColorMode{3: scanner.ModeColor, 2: scanner.ModeGray, 0: scanner.ModeBW}
	for _, dt := range []int{3, 2, 0} {
		for _, v := range a.DataTypes {
			if v == dt {
				c.Modes = append(c.Modes, modes[dt])
				break
			}
		}
	}
	if len(c.Modes) == 0 {
		c.Modes = []scanner.ColorMode{scanner.ModeColor, scanner.ModeGray, scanner.ModeBW}
	}
	mm := func(thou int) float64 { return float64(thou) * 25.4 / 1000 }
	c.MaxWidthMM = mm(max(a.BedWidth, a.FeedWidth))
	c.MaxHeightMM = mm(max(a.BedHeight, a.FeedHeight))
	return c
}
