// The Device interface, scan settings, typed errors and the address registry.

package scanner

import (
	"context"
	"errors"
	"fmt"
	"image"
	"sort"
	"strings"
	"sync"

	"sohoa/errs"
)

// Source is where the paper is taken from.
type Source string

// Paper sources.
const (
	SourcePlaten Source = "platen" // flatbed glass
	SourceFeeder Source = "feeder" // automatic document feeder, front sides only
	SourceDuplex Source = "duplex" // automatic document feeder, both sides
)

// ColorMode is the colour depth of scanned pages.
type ColorMode string

// Colour modes.
const (
	ModeColor ColorMode = "color"
	ModeGray  ColorMode = "gray"
	ModeBW    ColorMode = "bw"
)

// Settings asks a device for a scan. Zero values mean the digitization-standard defaults
// (colour, 200 dpi, feeder when present, otherwise platen).
type Settings struct {
	Source   Source
	DPI      int
	Mode     ColorMode
	MaxPages int // 0: until the feeder is empty (one page on the platen)
}

// Capabilities describes what a device can do.
type Capabilities struct {
	Sources     []Source    `json:"sources"`
	Resolutions []int       `json:"resolutions"`
	Modes       []ColorMode `json:"modes"`
	MaxWidthMM  float64     `json:"max_width_mm"`
	MaxHeightMM float64     `json:"max_height_mm"`
}

// Page is one scanned side of a sheet.
type Page struct {
	Image image.Image // decoded pixels, never nil
	DPI   int         // resolution of Image in dots per inch
	Index int         // 0-based order within this scan
	Back  bool        // the back side of a duplex sheet
}

// Progress reports how far a scan is.
type Progress struct {
	Page     int     // 0-based page being read
	Fraction float64 // 0..1 of the current page
}

// Handler receives pages as they arrive. OnPage may return an error to stop the scan;
// OnProgress may be nil.
type Handler struct {
	OnPage     func(Page) error
	OnProgress func(Progress)
}

// Device is one scanner.
type Device interface {
	// Address is the device address the CLI and settings use, e.g. "virtual:" or "sane:test:0".
	Address() string
	// Name is a human-readable model name.
	Name() string
	Capabilities(ctx context.Context) (Capabilities, error)
	// Scan reads pages and hands each to h.OnPage as soon as it is complete. It returns when
	// the feeder is empty, MaxPages were read, ctx is cancelled, or an error happens; pages
	// already handed over stay valid whatever the outcome.
	Scan(ctx context.Context, s Settings, h Handler) error
	Close() error
}

// Typed scanner errors; backends wrap them with %w so callers test with errors.Is.
var (
	ErrFeederEmpty = errs.New("error.scan.feeder_empty", errs.NeedsOfficer, "scanner: feeder empty")
	ErrJammed      = errs.New("error.scan.jammed", errs.NeedsOfficer, "scanner: paper jammed")
	ErrCoverOpen   = errs.New("error.scan.cover_open", errs.NeedsOfficer, "scanner: cover open")
	ErrBusy        = errs.New("error.scan.busy", errs.Transient, "scanner: device busy")
	ErrGone        = errs.New("error.scan.gone", errs.NeedsOfficer, "scanner: device disconnected")
	ErrUnsupported = errs.New("error.scan.unsupported", errs.NeedsOfficer, "scanner: setting not supported by the device")
)

// Info is a discovered device.
type Info struct {
	Address string `json:"address"`
	Name    string `json:"name"`
	Backend string `json:"backend"`
}

// Backend opens and lists devices of one address scheme.
type Backend struct {
	Scheme string                                    // "virtual", "sane", "escl", "usb", "folder"
	Open   func(rest string) (Device, error)         // rest is the address after "scheme:"
	List   func(ctx context.Context) ([]Info, error) // may be nil
}

var (
	mu       sync.Mutex
	backends = map[string]Backend{}
)

// Register makes a backend available to Open and List. Backends call it from init.
func Register(b Backend) {
	mu.Lock()
	defer mu.Unlock()
	backends[b.Scheme] = b
}

// Open opens the device at address "scheme:rest".
func Open(address string) (Device, error) {
	scheme, rest, ok := strings.Cut(address, ":")
	if !ok {
		return nil, fmt.Errorf("scanner: address %q has no scheme (want e.g. virtual: or sane:NAME)", address)
	}
	mu.Lock()
	b, found := backends[scheme]
	mu.Unlock()
	if !found {
		return nil, fmt.Errorf("scanner: no backend for %q in this build", scheme)
	}
	return b.Open(rest)
}

// List asks every registered backend for its devices. A backend that fails is skipped and its
// error returned alongside the devices the others found.
func List(ctx context.Context) ([]Info, error) {
	mu.Lock()
	bs := make([]Backend, 0, len(backends))
	for _, b := range backends {
		bs = append(bs, b)
	}
	mu.Unlock()
	sort.Slice(bs, func(i, j int) bool { return bs[i].Scheme < bs[j].Scheme })
	var out []Info
	var errs []error
	for _, b := range bs {
		if b.List == nil {
			continue
		}
		infos, err := b.List(ctx)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", b.Scheme, err))
		}
		out = append(out, infos...)
	}
	return out, errors.Join(errs...)
}

// Normalize fills zero fields of s with the digitization-standard defaults for caps.
func Normalize(s Settings, caps Capabilities) Settings {
	if s.DPI == 0 {
		s.DPI = 200
	}
	if s.Mode == "" {
		s.Mode = ModeColor
	}
	if s.Source == "" {
		s.Source = SourcePlaten
		for _, src := range caps.Sources {
			if src == SourceFeeder {
				s.Source = SourceFeeder
			}
		}
		if len(caps.Sources) > 0 && s.Source == SourcePlaten && !hasSource(caps, SourcePlaten) {
			s.Source = caps.Sources[0]
		}
	}
	return s
}

func hasSource(c Capabilities, s Source) bool {
	for _, x := range c.Sources {
		if x == s {
			return true
		}
	}
	return false
}
