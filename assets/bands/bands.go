// Loading the colour bands of the desk's rates from the embedded data file.

package bands

import (
	"bytes"
	_ "embed" // bands.json
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"sort"

	"sohoa/errs"
)

// Band is the colour a rate gets.
type Band string

// The four bands, best first. None is returned for a rate without thresholds or without a value.
const (
	Green  Band = "green"
	Yellow Band = "yellow"
	Orange Band = "orange"
	Red    Band = "red"
	None   Band = ""
)

// Label is the band's Vietnamese name, as printed in reports.
func (b Band) Label() string {
	switch b {
	case Green:
		return "Xanh"
	case Yellow:
		return "Vàng"
	case Orange:
		return "Cam"
	case Red:
		return "Đỏ"
	}
	return "—"
}

// RGB is the band's fill colour in reports (None is light grey).
func (b Band) RGB() (r, g, bl int) {
	switch b {
	case Green:
		return 0x63, 0xbe, 0x7b
	case Yellow:
		return 0xff, 0xeb, 0x84
	case Orange:
		return 0xf8, 0xa1, 0x5a
	case Red:
		return 0xf8, 0x69, 0x6b
	}
	return 0xe0, 0xe0, 0xe0
}

// Rate names known to the desk, in the order reports list them.
const (
	Online       = "online"       // submitted online through the citizen's account / received
	Digitization = "digitization" // dossiers with digitized components / received
	Reuse        = "reuse"        // reused digitized data (not computed locally yet)
	Payment      = "payment"      // paid online (not computed locally yet)
	Satisfaction = "satisfaction" // citizen satisfaction (not computed locally yet)
	OnTime       = "on_time"      // results returned on time / results due
	VNeID        = "vneid"        // submissions authenticated with VNeID / submitted
)

// Known lists the rate names in report order.
var Known = []string{Online, Digitization, Reuse, Payment, Satisfaction, OnTime, VNeID}

// UnitFile is the name of a unit's own thresholds file in the desk's data folder.
const UnitFile = "bands.json"

// ErrInvalid reports a bands file that cannot be used: not JSON, an unknown rate, or
// thresholds outside 0–100 or not in the order orange ≤ yellow ≤ green. Fix the unit's
// bands.json (or delete it to use the defaults).
var ErrInvalid = errs.New("error.bands.invalid", errs.Permanent, "bands: the colour-band file is invalid")

// Threshold is the lower bound of each band for one rate, in percent.
type Threshold struct {
	Name   string  `json:"name"`   // the rate's Vietnamese name
	Green  float64 `json:"green"`  // green from this value up
	Yellow float64 `json:"yellow"` // yellow from this value up to green
	Orange float64 `json:"orange"` // orange from this value up to yellow; red below
	Source string  `json:"source"` // where the numbers come from
}

// Bands maps rate names to thresholds.
type Bands struct {
	Notes []string             // the file's notes (Vietnamese)
	rates map[string]Threshold // by rate name
}

type file struct {
	Version int                  `json:"version"`
	Unit    string               `json:"unit"`
	Notes   []string             `json:"notes"`
	Rates   map[string]Threshold `json:"rates"`
}

//go:embed bands.json
var defaultJSON []byte

// DefaultJSON returns a copy of the embedded default file, a starting point for a unit's own.
func DefaultJSON() []byte { return bytes.Clone(defaultJSON) }

// maxFile bounds what LoadFile reads: a bands file is a few kilobytes.
const maxFile = 1 << 20

// Load returns the embedded default bands.
func Load() (*Bands, error) {
	f, err := parse(defaultJSON)
	if err != nil {
		return nil, fmt.Errorf("embedded bands.json: %w", err)
	}
	for _, k := range Known {
		if _, ok := f.Rates[k]; !ok {
			return nil, fmt.Errorf("embedded bands.json: %w: rate %q missing", ErrInvalid, k)
		}
	}
	return &Bands{Notes: f.Notes, rates: f.Rates}, nil
}

// LoadFile returns the defaults with the rates listed in the unit's file at path replacing
// theirs (a rate given replaces all three of its thresholds; rates not given keep the
// defaults). A missing file is not an error: the defaults are returned.
func LoadFile(path string) (*Bands, error) {
	b, err := Load()
	if err != nil {
		return nil, err
	}
	fh, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return b, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read colour bands %s: %w", path, err)
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, maxFile+1))
	if err != nil {
		return nil, fmt.Errorf("read colour bands %s: %w", path, err)
	}
	if len(data) > maxFile {
		return nil, fmt.Errorf("colour bands %s: %w: larger than %d bytes", path, ErrInvalid, maxFile)
	}
	if err := b.Override(data); err != nil {
		return nil, fmt.Errorf("colour bands %s: %w", path, err)
	}
	return b, nil
}

// Override replaces the thresholds of every rate listed in data (a bands.json document).
// Nothing changes when data is invalid.
func (b *Bands) Override(data []byte) error {
	f, err := parse(data)
	if err != nil {
		return err
	}
	for k := range f.Rates {
		if !slices.Contains(Known, k) {
			return fmt.Errorf("%w: unknown rate %q (known: %v)", ErrInvalid, k, Known)
		}
	}
	for k, t := range f.Rates {
		if t.Name == "" {
			t.Name = b.rates[k].Name
		}
		b.rates[k] = t
	}
	if len(f.Notes) > 0 {
		b.Notes = f.Notes
	}
	return nil
}

// parse decodes and validates one bands document.
func parse(data []byte) (file, error) {
	var f file
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return file{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if dec.More() {
		return file{}, fmt.Errorf("%w: trailing data after the JSON object", ErrInvalid)
	}
	if f.Version != 1 {
		return file{}, fmt.Errorf("%w: version %d, want 1", ErrInvalid, f.Version)
	}
	for k, t := range f.Rates {
		if err := t.check(); err != nil {
			return file{}, fmt.Errorf("%w: rate %q: %w", ErrInvalid, k, err)
		}
	}
	return f, nil
}

// check enforces 0 ≤ orange ≤ yellow ≤ green ≤ 100.
func (t Threshold) check() error {
	for _, v := range []float64{t.Green, t.Yellow, t.Orange} {
		if math.IsNaN(v) || v < 0 || v > 100 {
			return fmt.Errorf("threshold %v is not between 0 and 100", v)
		}
	}
	if t.Orange > t.Yellow || t.Yellow > t.Green {
		return fmt.Errorf("thresholds must satisfy orange (%v) ≤ yellow (%v) ≤ green (%v)", t.Orange, t.Yellow, t.Green)
	}
	return nil
}

// Band returns the band of value (a percentage) for rate; None for an unknown rate or a NaN
// value (no data).
func (b *Bands) Band(rate string, value float64) Band {
	t, ok := b.rates[rate]
	if !ok || math.IsNaN(value) {
		return None
	}
	switch {
	case value >= t.Green:
		return Green
	case value >= t.Yellow:
		return Yellow
	case value >= t.Orange:
		return Orange
	}
	return Red
}

// Threshold returns the thresholds of rate.
func (b *Bands) Threshold(rate string) (Threshold, bool) {
	t, ok := b.rates[rate]
	return t, ok
}

// Rates lists the rate names that have thresholds: the known ones in report order, then any other.
func (b *Bands) Rates() []string {
	var out, extra []string
	for _, k := range Known {
		if _, ok := b.rates[k]; ok {
			out = append(out, k)
		}
	}
	for k := range b.rates {
		if !slices.Contains(Known, k) {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	return append(out, extra...)
}
