// Capabilities from driver answers of the three shapes WIA scanners take: a flatbed whose driver has
// no document-handling property and lists its resolutions, a duplex feeder that gives a resolution
// range, and a flatbed with a feeder that lists only some data types. (Shaped after wiadef.h and the
// WIA documentation; not captured from hardware, which this project does not have.)

package wia

import (
	"reflect"
	"testing"

	"sohoa/scanner"
)

func TestCapabilitiesFrom(t *testing.T) {
	for _, c := range []struct {
		name string
		a    Answers
		want scanner.Capabilities
	}{
		{"flatbed, listed resolutions", Answers{
			BedWidth: 8500, BedHeight: 11690,
			Resolution: Valid{List: []int{2400, 75, 150, 300, 600, 1200, 300}}, DataTypes: []int{0, 2, 3},
		}, scanner.Capabilities{
			Sources: []scanner.Source{scanner.SourcePlaten}, Resolutions: []int{75, 150, 300, 600, 1200},
			Modes: []scanner.ColorMode{scanner.ModeColor, scanner.ModeGray, scanner.ModeBW}, MaxWidthMM: 215.9, MaxHeightMM: 296.926,
		}},
		{"duplex feeder, resolution range", Answers{
			Handling: handlingFeeder | handlingDuplex, FeedWidth: 8500, FeedHeight: 14000,
			Resolution: Valid{Min: 50, Max: 600, Step: 1}, DataTypes: []int{3, 2, 0},
		}, scanner.Capabilities{
			Sources: []scanner.Source{scanner.SourceFeeder, scanner.SourceDuplex}, Resolutions: []int{75, 100, 150, 200, 240, 300, 400, 600},
			Modes: []scanner.ColorMode{scanner.ModeColor, scanner.ModeGray, scanner.ModeBW}, MaxWidthMM: 215.9, MaxHeightMM: 355.6,
		}},
		{"flatbed and feeder, range by 100, no black and white", Answers{
			Handling: handlingFeeder | handlingFlatbed, BedWidth: 8500, BedHeight: 11700, FeedWidth: 8500, FeedHeight: 14000,
			Resolution: Valid{Min: 100, Max: 1200, Step: 100}, DataTypes: []int{2, 3},
		}, scanner.Capabilities{
			Sources: []scanner.Source{scanner.SourceFeeder, scanner.SourcePlaten}, Resolutions: []int{100, 200, 300, 400, 600, 1200},
			Modes: []scanner.ColorMode{scanner.ModeColor, scanner.ModeGray}, MaxWidthMM: 215.9, MaxHeightMM: 355.6,
		}},
		{"a driver that answers nothing", Answers{}, scanner.Capabilities{
			Sources: []scanner.Source{scanner.SourcePlaten}, Resolutions: []int{200, 300},
			Modes: []scanner.ColorMode{scanner.ModeColor, scanner.ModeGray, scanner.ModeBW},
		}},
	} {
		got := CapabilitiesFrom(c.a)
		got.MaxWidthMM, got.MaxHeightMM = round3(got.MaxWidthMM), round3(got.MaxHeightMM)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", c.name, got, c.want)
		}
	}
}

func round3(f float64) float64 { return float64(int64(f*1000+0.5)) / 1000 }
