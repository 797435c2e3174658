// The virtual training scanner: the Device that renders Vietnamese forms as pages.

package virtual

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"sohoa/scanner"
)

// DisplayName is the name List shows for the virtual device.
const DisplayName = "Máy quét ảo (đào tạo)"

// DefaultSheets is how many sheets the virtual feeder holds when the address does not say.
const DefaultSheets = 3

// Options configures a virtual device; the zero value is a working scanner with seed 0.
type Options struct {
	Seed      uint64        // pages are a pure function of Seed, page index, DPI and mode
	Sheets    int           // sheets in the feeder; 0 means DefaultSheets, or Settings.MaxPages' worth
	JamAfter  int           // > 0: the feeder jams after this many pages were handed over
	Empty     bool          // the feeder is empty
	CoverOpen bool          // the cover is open: every scan fails with ErrCoverOpen
	Busy      bool          // every scan fails with ErrBusy
	Delay     time.Duration // simulated mechanical time per page (training realism)
}

// Device is the virtual scanner. It is safe to use from one goroutine at a time.
type Device struct {
	addr string
	opt  Options
}

func init() {
	scanner.Register(scanner.Backend{
		Scheme: "virtual",
		Open: func(rest string) (scanner.Device, error) {
			opt, err := ParseOptions(rest)
			if err != nil {
				return nil, err
			}
			d := New(opt)
			d.addr = "virtual:" + rest
			return d, nil
		},
		List: func(context.Context) ([]scanner.Info, error) {
			return []scanner.Info{{Address: "virtual:", Name: DisplayName, Backend: "virtual"}}, nil
		},
	})
}

// New returns a virtual device with the given options.
func New(opt Options) *Device {
	return &Device{addr: "virtual:", opt: opt}
}

// ParseOptions reads the part of a "virtual:" address after the colon.
func ParseOptions(rest string) (Options, error) {
	opt := Options{Seed: 1}
	for _, p := range strings.FieldsFunc(rest, func(r rune) bool { return r == ',' || r == '&' || r == ';' }) {
		k, v, hasV := strings.Cut(strings.TrimSpace(p), "=")
		num := func() (int, error) {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || !hasV {
				return 0, fmt.Errorf("virtual scanner: address parameter %q needs a non-negative number", p)
			}
			return n, nil
		}
		var err error
		switch strings.ToLower(k) {
		case "seed":
			var n int
			n, err = num()
			opt.Seed = uint64(n)
		case "pages", "sheets":
			opt.Sheets, err = num()
		case "jam-after":
			opt.JamAfter, err = num()
		case "delay":
			var n int
			n, err = num()
			opt.Delay = time.Duration(n) * time.Millisecond
		case "empty":
			opt.Empty = true
		case "cover-open":
			opt.CoverOpen = true
		case "busy":
			opt.Busy = true
		default:
			err = fmt.Errorf("virtual scanner: unknown address parameter %q (known: seed, pages, jam-after, delay, empty, cover-open, busy)", p)
		}
		if err != nil {
			return Options{}, err
		}
	}
	return opt, nil
}

// Address returns the address the device was opened with.
func (d *Device) Address() string { return d.addr }

// Name returns DisplayName.
func (d *Device) Name() string { return DisplayName }

// Close does nothing; the virtual device holds no resources.
func (d *Device) Close() error { return nil }

// Capabilities describes an A4 duplex feeder scanner with a flatbed.
func (d *Device) Capabilities(context.Context) (scanner.Capabilities, error) {
	return scanner.Capabilities{
		Sources:     []scanner.Source{scanner.SourcePlaten, scanner.SourceFeeder, scanner.SourceDuplex},
		Resolutions: []int{100, 150, 200, 300, 400, 600},
		Modes:       []scanner.ColorMode{scanner.ModeColor, scanner.ModeGray, scanner.ModeBW},
		MaxWidthMM:  pageWidthMM,
		MaxHeightMM: pageHeightMM,
	}, nil
}

// Scan renders pages and hands each to h.OnPage. See scanner.Device.
func (d *Device) Scan(ctx context.Context, s scanner.Settings, h scanner.Handler) error {
	caps, _ := d.Capabilities(ctx)
	s = scanner.Normalize(s, caps)
	if s.DPI < 50 || s.DPI > 600 {
		return fmt.Errorf("virtual scanner: %d dpi is outside 50-600 dpi; choose 200 or 300 dpi: %w", s.DPI, scanner.ErrUnsupported)
	}
	switch s.Mode {
	case scanner.ModeColor, scanner.ModeGray, scanner.ModeBW:
	default:
		return fmt.Errorf("virtual scanner: colour mode %q unknown: %w", s.Mode, scanner.ErrUnsupported)
	}
	if h.OnPage == nil {
		return fmt.Errorf("virtual scanner: Handler.OnPage is nil")
	}
	if d.opt.Busy {
		return fmt.Errorf("virtual scanner: the device is in use by another program; wait and try again: %w", scanner.ErrBusy)
	}
	if d.opt.CoverOpen {
		return fmt.Errorf("virtual scanner: the scanner cover is open; close it and scan again: %w", scanner.ErrCoverOpen)
	}

	var sides []bool // one entry per page to produce: back side or not
	switch s.Source {
	case scanner.SourcePlaten:
		sides = []bool{false}
	case scanner.SourceFeeder, scanner.SourceDuplex:
		if d.opt.Empty {
			return fmt.Errorf("virtual scanner: the document feeder is empty; put the pages in the feeder and scan again: %w", scanner.ErrFeederEmpty)
		}
		n := d.opt.Sheets
		if n == 0 {
			n = DefaultSheets
			// The address does not say how many sheets the feeder holds: a scan asking for a
			// number of pages gets them (`sohoa scan --device virtual: --pages 200`).
			if s.MaxPages > 0 {
				n = s.MaxPages
				if s.Source == scanner.SourceDuplex {
					n = (s.MaxPages + 1) / 2
				}
			}
		}
		for range n {
			sides = append(sides, false)
			if s.Source == scanner.SourceDuplex {
				sides = append(sides, true)
			}
		}
		if s.MaxPages > 0 && s.MaxPages < len(sides) {
			sides = sides[:s.MaxPages]
		}
	default:
		return fmt.Errorf("virtual scanner: paper source %q unknown: %w", s.Source, scanner.ErrUnsupported)
	}

	front := 0
	for i, back := range sides {
		if err := ctx.Err(); err != nil {
			return err
		}
		if s.Source != scanner.SourcePlaten && d.opt.JamAfter > 0 && i >= d.opt.JamAfter {
			return fmt.Errorf("virtual scanner: paper jammed in the feeder after %d pages; open the feeder, remove the sheet and scan the remaining pages: %w", i, scanner.ErrJammed)
		}
		progress := func(f float64) {
			if h.OnProgress != nil {
				h.OnProgress(scanner.Progress{Page: i, Fraction: f})
			}
		}
		progress(0)
		if d.opt.Delay > 0 {
			t := time.NewTimer(d.opt.Delay)
			select {
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			case <-t.C:
			}
		}
		content := front
		if back {
			content = front - 1
		}
		img, err := renderPage(ctx, d.opt.Seed, content, back, s.DPI, s.Mode, progress)
		if err != nil {
			return err
		}
		if !back {
			front++
		}
		progress(1)
		if err := h.OnPage(scanner.Page{Image: img, DPI: s.DPI, Index: i, Back: back}); err != nil {
			return err
		}
	}
	return nil
}
