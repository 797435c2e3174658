// The scanner choice of the capture screen: the devices found, the chosen one's capabilities, and
// the settings (source, resolution, colour) remembered between scans.

package app

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"sohoa/scanner"
)

// scanChoice holds the device and settings pickers of the capture screen.
type scanChoice struct {
	u       *UI
	devices []scanner.Info
	device  *widget.Select
	source  *widget.Select
	dpi     *widget.Select
	mode    *widget.Select
	caps    scanner.Capabilities
	prefs   scanPrefs
}

// discover lists the scanners in the background and selects the remembered one.
func (t *scanChoice) discover() {
	u := t.u
	u.goDo(func(ctx context.Context) {
		infos, err := scanner.List(ctx)
		var prefs scanPrefs
		if s, err := u.desk.Settings.Pref(ctx, settingScan); err == nil && s != "" {
			_ = json.Unmarshal([]byte(s), &prefs)
		}
		var keep []scanner.Info
		for _, in := range infos {
			if (in.Backend == "virtual") == u.env.Training {
				keep = append(keep, in)
			}
		}
		uiDo(func() {
			if err != nil && len(keep) == 0 {
				u.setStatus(ErrorText(err))
			}
			t.devices = keep
			t.prefs = prefs
			var names []string
			sel := ""
			for _, in := range keep {
				names = append(names, in.Name)
				if in.Address == prefs.Device || sel == "" {
					sel = in.Name
				}
			}
			t.device.SetOptions(names)
			if sel != "" {
				t.device.SetSelected(sel)
			}
		})
	})
}

// deviceAddress is the address of the selected device.
func (t *scanChoice) deviceAddress() string {
	for _, in := range t.devices {
		if in.Name == t.device.Selected {
			return in.Address
		}
	}
	return ""
}

// deviceChanged reads the device's capabilities and fills the settings with defaults that meet
// the digitization standard (colour, 200 dpi) or the remembered choice.
func (t *scanChoice) deviceChanged() {
	addr := t.deviceAddress()
	if addr == "" {
		return
	}
	u := t.u
	u.goDo(func(ctx context.Context) {
		dev, err := scanner.Open(addr)
		var caps scanner.Capabilities
		if err == nil {
			caps, err = dev.Capabilities(ctx)
			dev.Close()
		}
		uiDo(func() {
			if err != nil {
				u.setStatus(ErrorText(err))
				return
			}
			t.caps = caps
			p := t.prefs
			if p.Device != addr {
				p = scanPrefs{}
			}
			def := scanner.Normalize(scanner.Settings{Source: p.Source, DPI: p.DPI, Mode: p.Mode}, caps)
			var srcs, dpis, modes []string
			for _, s := range caps.Sources {
				srcs = append(srcs, lang.L(sourceKeys[s]))
			}
			for _, r := range caps.Resolutions {
				dpis = append(dpis, fmt.Sprintf("%d dpi", r))
			}
			for _, m := range caps.Modes {
				modes = append(modes, lang.L(modeKeys[m]))
			}
			t.source.SetOptions(srcs)
			t.dpi.SetOptions(dpis)
			t.mode.SetOptions(modes)
			t.source.SetSelected(lang.L(sourceKeys[def.Source]))
			dpi := def.DPI
			if len(caps.Resolutions) > 0 && !slices.Contains(caps.Resolutions, dpi) {
				dpi = caps.Resolutions[len(caps.Resolutions)-1]
				for _, r := range caps.Resolutions {
					if r >= def.DPI {
						dpi = r
						break
					}
				}
			}
			t.dpi.SetSelected(fmt.Sprintf("%d dpi", dpi))
			t.mode.SetSelected(lang.L(modeKeys[def.Mode]))
		})
	})
}

// settings reads the chosen scan settings.
func (t *scanChoice) settings() scanner.Settings {
	var s scanner.Settings
	for src, k := range sourceKeys {
		if lang.L(k) == t.source.Selected {
			s.Source = src
		}
	}
	for m, k := range modeKeys {
		if lang.L(k) == t.mode.Selected {
			s.Mode = m
		}
	}
	var dpi int
	if _, err := fmt.Sscanf(t.dpi.Selected, "%d", &dpi); err == nil {
		s.DPI = dpi
	}
	return s
}
