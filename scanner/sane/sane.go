//go:build cgo && !windows

// The SANE device over cgo: options, parameters and reading frames from libsane.

package sane

import (
	"context"
	"errors"
	"fmt"
	"image"
	"strings"
	"sync"

	"sohoa/scanner"
)

func init() {
	scanner.Register(scanner.Backend{
		Scheme: "sane",
		Open:   func(rest string) (scanner.Device, error) { return Open(rest) },
		List:   List,
	})
}

// List returns the devices libsane finds. Network backends may make this take a few seconds;
// it cannot be interrupted once libsane is asked, so ctx is checked only before.
func List(ctx context.Context) ([]scanner.Info, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	devs, err := getDevices()
	if err != nil {
		return nil, err
	}
	out := make([]scanner.Info, 0, len(devs))
	for _, d := range devs {
		name := strings.TrimSpace(d.Vendor + " " + d.Model)
		if name == "" {
			name = d.Name
		}
		out = append(out, scanner.Info{Address: "sane:" + d.Name, Name: name, Backend: "sane"})
	}
	return out, nil
}

// Device is one open SANE device. Its methods may be called from any goroutine; they run one at a time.
type Device struct {
	mu     sync.Mutex
	h      *handle
	name   string
	closed bool
}

// Open opens the SANE device called name (the address without "sane:").
func Open(name string) (*Device, error) {
	if name == "" {
		return nil, fmt.Errorf("sane: empty device name; use an address like sane:test:0 from the device list: %w", scanner.ErrGone)
	}
	h, err := openHandle(name)
	if err != nil {
		var se *StatusError
		if errors.As(err, &se) && se.Status == StatusInval {
			return nil, fmt.Errorf("sane: no scanner called %q is connected; check the cable and power, then refresh the device list: %w: %w", name, scanner.ErrGone, err)
		}
		return nil, err
	}
	return &Device{h: h, name: name}, nil
}

// Address returns "sane:" and the SANE device name.
func (d *Device) Address() string { return "sane:" + d.name }

// Name returns the SANE device name.
func (d *Device) Name() string { return d.name }

// Close closes the SANE handle; later calls fail with ErrGone.
func (d *Device) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.closed {
		d.closed = true
		d.h.close()
	}
	return nil
}

func (d *Device) checkOpen() error {
	if d.closed {
		return fmt.Errorf("sane %s: device already closed: %w", d.name, scanner.ErrGone)
	}
	return nil
}

// Capabilities reads the device's option descriptors.
func (d *Device) Capabilities(ctx context.Context) (scanner.Capabilities, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.checkOpen(); err != nil {
		return scanner.Capabilities{}, err
	}
	if err := ctx.Err(); err != nil {
		return scanner.Capabilities{}, err
	}
	opts, err := d.h.options()
	if err != nil {
		return scanner.Capabilities{}, err
	}
	return opts.capabilities(), nil
}

// apply sets the options planned for s, re-reading the descriptors after each change.
func (d *Device) apply(s scanner.Settings) error {
	opts, err := d.h.options()
	if err != nil {
		return err
	}
	plan, err := opts.plan(s)
	if err != nil {
		return err
	}
	for _, st := range plan {
		o, ok := opts.get(st.Name)
		if !ok || !o.settable() {
			continue // inactive after an earlier change, e.g. depth in some modes
		}
		// Only change what differs: some backends reset state (a feeder batch, calibration) on every set.
		var info int
		switch o.Type {
		case typeString:
			if cur, gerr := d.h.getString(o); gerr == nil && cur == st.Str {
				continue
			}
			info, err = d.h.setString(o, st.Str)
		case typeInt, typeFixed:
			w := o.nearest(st.Num)
			if cur, gerr := d.h.getWord(o); gerr == nil && cur == w {
				continue
			}
			info, err = d.h.setWord(o, w)
		default:
			continue
		}
		if err != nil {
			return fmt.Errorf("sane %s: cannot set %s: %w", d.name, o.Name, err)
		}
		if info&infoReloadOptions != 0 {
			if opts, err = d.h.options(); err != nil {
				return err
			}
		}
	}
	return nil
}

// Scan sets the options for s and reads pages until the feeder is empty, MaxPages were read,
// ctx is cancelled or an error happens. See scanner.Device.
func (d *Device) Scan(ctx context.Context, s scanner.Settings, h scanner.Handler) error {
	if h.OnPage == nil {
		return errors.New("sane: Handler.OnPage is nil")
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.checkOpen(); err != nil {
		return err
	}
	opts, err := d.h.options()
	if err != nil {
		return err
	}
	s = scanner.Normalize(s, opts.capabilities())
	if err := d.apply(s); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// Whatever happens, end the batch so the next scan starts clean.
	defer d.h.cancel()

	feeder := s.Source != scanner.SourcePlaten
	dpi := s.DPI
	if o, ok := opts.get("resolution"); ok {
		if w, err := d.h.getWord(o); err == nil && o.toFloat(w) > 0 {
			dpi = int(o.toFloat(w) + 0.5)
		}
	}
	for n := 0; ; n++ {
		if !feeder && n == 1 || s.MaxPages > 0 && n >= s.MaxPages {
			return nil
		}
		img, err := d.readPage(ctx, n, h.OnProgress)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			var se *StatusError
			if errors.As(err, &se) && se.Status == StatusNoDocs && se.Op == "sane_start" {
				if n > 0 {
					return nil // end of the batch
				}
				if !feeder {
					return fmt.Errorf("sane %s: no document on the glass: %w", d.name, err)
				}
			}
			return err
		}
		page := scanner.Page{Image: img, DPI: dpi, Index: n, Back: s.Source == scanner.SourceDuplex && n%2 == 1}
		if err := h.OnPage(page); err != nil {
			return err
		}
	}
}

// readPage reads all frames of one page: one frame for grey and RGB, three for three-pass colour.
func (d *Device) readPage(ctx context.Context, page int, onProgress func(scanner.Progress)) (image.Image, error) {
	var rgb *image.RGBA
	buf := make([]byte, 64<<10)
	for frame := 0; ; frame++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if frame > 3 {
			return nil, fmt.Errorf("sane %s: more than three frames for one page", d.name)
		}
		if err := d.h.start(); err != nil {
			return nil, err
		}
		p, err := d.h.parameters()
		if err != nil {
			return nil, err
		}
		frames := 1
		if p.Format >= frameRed {
			frames = 3
		}
		expected := p.BytesPerLine * p.Lines
		var data []byte
		if expected > 0 && expected <= maxPixels*3 {
			data = make([]byte, 0, expected)
		}
		for {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			n, eof, err := d.h.read(buf)
			if err != nil {
				return nil, err
			}
			if eof {
				break
			}
			if len(data)+n > maxPixels*6 {
				return nil, fmt.Errorf("sane %s: the scanner sent more than %d bytes for one page", d.name, maxPixels*6)
			}
			data = append(data, buf[:n]...)
			if onProgress != nil && expected > 0 {
				f := (float64(frame) + min(float64(len(data))/float64(expected), 1)) / float64(frames)
				onProgress(scanner.Progress{Page: page, Fraction: f})
			}
		}
		switch p.Format {
		case frameGray, frameRGB:
			return decodeFrame(p, data)
		default:
			if rgb, err = mergeBand(rgb, p, data); err != nil {
				return nil, err
			}
			if p.LastFrame {
				return rgb, nil
			}
		}
	}
}

// SetOption sets a device-specific SANE option by name, e.g. SetOption(ctx, "batch-scan", "yes")
// or SetOption(ctx, "test-picture", "Grid"). value is parsed by the option's type: "yes"/"no"
// (or true/false) for booleans, a number for int and fixed options, "auto" for automatic.
// The value stays set for later scans unless Scan's own settings override it.
func (d *Device) SetOption(ctx context.Context, name, value string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.checkOpen(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	opts, err := d.h.options()
	if err != nil {
		return err
	}
	o, ok := opts.get(name)
	if !ok {
		return fmt.Errorf("sane %s: no option %q: %w", d.name, name, scanner.ErrUnsupported)
	}
	if !o.settable() {
		return fmt.Errorf("sane %s: option %q cannot be set now (inactive or read-only): %w", d.name, name, scanner.ErrUnsupported)
	}
	if strings.EqualFold(value, "auto") && o.Cap&capAutomatic != 0 {
		return d.h.setAuto(o)
	}
	switch o.Type {
	case typeString:
		_, err = d.h.setString(o, value)
	case typeBool:
		var v int32
		switch strings.ToLower(value) {
		case "yes", "true", "1", "on":
			v = 1
		case "no", "false", "0", "off":
		default:
			return fmt.Errorf("sane %s: option %q wants yes or no, not %q", d.name, name, value)
		}
		_, err = d.h.setWord(o, v)
	case typeInt, typeFixed:
		var f float64
		if _, perr := fmt.Sscan(value, &f); perr != nil {
			return fmt.Errorf("sane %s: option %q wants a number, not %q", d.name, name, value)
		}
		_, err = d.h.setWord(o, o.nearest(f))
	case typeButton:
		_, err = d.h.setWord(o, 0)
	default:
		return fmt.Errorf("sane %s: option %q is a group, not a value", d.name, name)
	}
	return err
}

// Option reads the current value of a device option as text (see SetOption for the forms).
func (d *Device) Option(ctx context.Context, name string) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.checkOpen(); err != nil {
		return "", err
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	opts, err := d.h.options()
	if err != nil {
		return "", err
	}
	o, ok := opts.get(name)
	if !ok {
		return "", fmt.Errorf("sane %s: no option %q: %w", d.name, name, scanner.ErrUnsupported)
	}
	switch o.Type {
	case typeString:
		return d.h.getString(o)
	case typeBool:
		w, err := d.h.getWord(o)
		if w != 0 {
			return "yes", err
		}
		return "no", err
	case typeInt, typeFixed:
		w, err := d.h.getWord(o)
		return fmt.Sprint(o.toFloat(w)), err
	}
	return "", fmt.Errorf("sane %s: option %q has no value", d.name, name)
}
