// Tests of capabilities, status and ScanSettings parsing on real captures and hostile input.

package escl_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sohoa/scanner"
	"sohoa/scanner/escl"
	"sohoa/scanner/escl/escltest"
)

func TestParseEveryCapture(t *testing.T) {
	type want struct {
		model   string
		sources []scanner.Source
		dpi     []int // resolutions that must be offered (union)
		notDPI  []int // resolutions that must not be offered
		feeder  int   // FeederCapacity, 0: not checked
	}
	P, F, D := scanner.SourcePlaten, scanner.SourceFeeder, scanner.SourceDuplex
	known := map[string]want{
		"hp-laserjet-mfp-m426fdn-capabilities.xml":       {"HP LaserJet MFP M426fdn", []scanner.Source{P, F, D}, []int{75, 200, 300, 600, 1200}, nil, 0},
		"hp-scanjet-pro-4500-fn1-capabilities.xml":       {"HP ScanJet Pro 4500 fn1", []scanner.Source{P, F, D}, []int{75, 240, 500, 1200}, nil, 50},
		"hp-smart-tank-plus-570-capabilities.xml":        {"Smart Tank Plus 570 series", []scanner.Source{P, F}, []int{75, 1200}, nil, 0},
		"hp-color-laserjet-mfp-m283fdw-capabilities.xml": {"HP Color LaserJet MFP M283fdw", []scanner.Source{P, F}, []int{75, 1200}, nil, 0},
		"hp-color-laser-mfp-179fnw-capabilities.xml":     {"HP Color Laser MFP 179fnw", []scanner.Source{P, F}, []int{100, 200, 300}, []int{600}, 40},
		"hp-deskjet-2700-capabilities.xml":               {"DeskJet 2700 All-in-One Printer series", []scanner.Source{P}, []int{75, 1200}, nil, 0},
		"hp-photosmart-7525-capabilities.xml":            {"pst_p04f", []scanner.Source{P, F}, []int{75, 2400}, nil, 0},
		"brother-mfc-l8690cdw-capabilities.xml":          {"Brother MFC-L8690CDW series", []scanner.Source{P, F, D}, []int{100, 200, 300, 600}, nil, 0},
		"brother-ds-940dw-capabilities.xml":              {"DS-940DW", []scanner.Source{F, D}, []int{100, 600}, nil, 1},
		"brother-mfc-j497dw-capabilities.xml":            {"Brother MFC-J497DW", []scanner.Source{P, F}, []int{100, 600}, nil, 0},
		"brother-mfc-j480dw-capabilities.xml":            {"Brother MFC-J480DW", []scanner.Source{P, F}, []int{100, 600}, nil, 0},
		"canon-mf642c-capabilities.xml":                  {"MF642C/643C/644C", []scanner.Source{P, F}, []int{300}, []int{200, 600}, 0},
		"canon-mf628cw-mf620c-series-capabilities.xml":   {"MF620C Series", []scanner.Source{P, F}, []int{300}, []int{200}, 0},
		"canon-ts5300-capabilities.xml":                  {"Canon TS5300 series", []scanner.Source{P}, []int{75, 100, 150, 200, 300, 600, 1200}, nil, 0},
		"canon-ts7400-series-capabilities.xml":           {"Canon TS7400 series", []scanner.Source{P, F}, []int{75, 300, 1200}, nil, 35},
		"kyocera-ecosys-m2040dn-capabilities.xml":        {"Kyocera ECOSYS M2040dn", []scanner.Source{P, F, D}, []int{200, 300, 400, 600}, []int{75, 100}, 0},
		"kyocera-ecosys-m5521cdn-capabilities.xml":       {"Kyocera ECOSYS M5521cdn", []scanner.Source{P, F}, []int{200, 600}, nil, 0},
		"utax-p-c3567i-mfp-capabilities.xml":             {"TA_UTAX P-C3567i MFP", []scanner.Source{P, F, D}, []int{200, 600}, nil, 0},
		"xerox-b235-capabilities.xml":                    {"Xerox(R) B235 MFP", []scanner.Source{P, F}, []int{75, 600}, nil, 0},
	}
	files, err := filepath.Glob(filepath.Join(escltest.CaptureDir(t), "*-capabilities.xml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no captures: %v", err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			c, err := escl.ParseCapabilities(data)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			g := c.Generic()
			if len(g.Sources) == 0 || len(g.Resolutions) == 0 || !slices.Contains(g.Modes, scanner.ModeColor) {
				t.Fatalf("empty mapping: %+v", g)
			}
			if g.MaxWidthMM < 200 || g.MaxHeightMM < 250 {
				t.Errorf("scan area %.1f x %.1f mm is smaller than A4", g.MaxWidthMM, g.MaxHeightMM)
			}
			w, ok := known[name]
			if !ok {
				t.Fatalf("capture %s has no expectations in this test: add them", name)
			}
			if !strings.Contains(c.MakeAndModel, w.model) {
				t.Errorf("MakeAndModel %q, want it to contain %q", c.MakeAndModel, w.model)
			}
			if !slices.Equal(g.Sources, w.sources) {
				t.Errorf("sources %v, want %v", g.Sources, w.sources)
			}
			for _, r := range w.dpi {
				if !slices.Contains(g.Resolutions, r) {
					t.Errorf("resolution %d missing from %v", r, g.Resolutions)
				}
			}
			for _, r := range w.notDPI {
				if slices.Contains(g.Resolutions, r) {
					t.Errorf("resolution %d must not be in %v", r, g.Resolutions)
				}
			}
			if w.feeder != 0 && c.FeederCapacity != w.feeder {
				t.Errorf("FeederCapacity %d, want %d", c.FeederCapacity, w.feeder)
			}
			if _, err := json.Marshal(c.Describe()); err != nil {
				t.Errorf("description does not marshal: %v", err)
			}
		})
	}
}

func TestHPScanJetDetails(t *testing.T) {
	c, err := escl.ParseCapabilities(escltest.Capture(t, "hp-scanjet-pro-4500-fn1-capabilities.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Duplex() || c.AdfDuplex == nil {
		t.Fatal("the ScanJet Pro 4500 has a duplex feeder")
	}
	if c.AdfSimplex.MaxHeight != 36600 || c.AdfDuplex.MaxHeight != 4200 || c.Platen.MaxWidth != 2550 {
		t.Errorf("sizes: simplex %d duplex %d platen width %d", c.AdfSimplex.MaxHeight, c.AdfDuplex.MaxHeight, c.Platen.MaxWidth)
	}
	if got := c.Platen.ColorModes(); !slices.Equal(got, []string{"Grayscale8", "RGB24", "BlackAndWhite1"}) {
		t.Errorf("colour modes %v (vendor modes must be dropped)", got)
	}
	if got := c.Platen.DocumentFormats(); !slices.Contains(got, "application/pdf") || !slices.Contains(got, "image/jpeg") {
		t.Errorf("formats %v", got)
	}
	d := c.Describe()
	if len(d.Sources) != 3 || d.Sources[0].MaxWidthMM != 215.9 || !d.Duplex || d.FeederCapacity != 50 {
		t.Errorf("description %+v", d)
	}
	smart, err := escl.ParseCapabilities(escltest.Capture(t, "hp-smart-tank-plus-570-capabilities.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if smart.Duplex() || smart.Input(scanner.SourceDuplex) != nil {
		t.Error("the Smart Tank 570 feeder is simplex")
	}
}

// rangeCaps is a synthetic capabilities document with a ResolutionRange: no real capture has one.
const rangeCaps = `<?xml version="1.0" encoding="UTF-8"?>
<scan:ScannerCapabilities xmlns:scan="http://schemas.hp.com/imaging/escl/2011/05/03" xmlns:pwg="http://www.pwg.org/schemas/2010/12/sm">
  <pwg:Version>2.63</pwg:Version>
  <pwg:MakeAndModel>Synthetic Range Scanner</pwg:MakeAndModel>
  <scan:Platen><scan:PlatenInputCaps>
    <scan:MinWidth>16</scan:MinWidth><scan:MaxWidth>2550</scan:MaxWidth>
    <scan:MinHeight>16</scan:MinHeight><scan:MaxHeight>3508</scan:MaxHeight>
    <scan:SettingProfiles><scan:SettingProfile>
      <scan:ColorModes><scan:ColorMode>RGB24</scan:ColorMode><scan:ColorMode>Grayscale8</scan:ColorMode></scan:ColorModes>
      <scan:DocumentFormats><pwg:DocumentFormat>image/jpeg</pwg:DocumentFormat></scan:DocumentFormats>
      <scan:SupportedResolutions><scan:ResolutionRange>
        <scan:XResolutionRange><scan:Min>75</scan:Min><scan:Max>600</scan:Max><scan:Normal>300</scan:Normal><scan:Step>25</scan:Step></scan:XResolutionRange>
        <scan:YResolutionRange><scan:Min>75</scan:Min><scan:Max>600</scan:Max><scan:Normal>300</scan:Normal><scan:Step>25</scan:Step></scan:YResolutionRange>
      </scan:ResolutionRange></scan:SupportedResolutions>
    </scan:SettingProfile></scan:SettingProfiles>
  </scan:PlatenInputCaps></scan:Platen>
</scan:ScannerCapabilities>`

func TestResolutionRange(t *testing.T) {
	c, err := escl.ParseCapabilities([]byte(rangeCaps))
	if err != nil {
		t.Fatal(err)
	}
	g := c.Generic()
	if !slices.Equal(g.Resolutions, []int{75, 100, 150, 200, 300, 400, 600}) {
		t.Errorf("resolutions from range: %v (240 is off the 25-dpi step)", g.Resolutions)
	}
	for _, tc := range []struct{ ask, want int }{{200, 200}, {275, 275}, {240, 250}, {50, 75}, {1200, 600}} {
		req, err := c.Request(scanner.Settings{Source: scanner.SourcePlaten, DPI: tc.ask, Mode: scanner.ModeGray})
		if err != nil {
			t.Fatal(err)
		}
		if req.XResolution != tc.want || req.YResolution != tc.want {
			t.Errorf("ask %d dpi: request %d, want %d", tc.ask, req.XResolution, tc.want)
		}
	}
	if d := c.Describe(); d.Sources[0].ResolutionRange == nil || d.Sources[0].ResolutionRange.Step != 25 {
		t.Errorf("description range: %+v", d.Sources[0].ResolutionRange)
	}
	if _, err := c.Request(scanner.Settings{Source: scanner.SourcePlaten, DPI: 200, Mode: scanner.ModeBW}); !errors.Is(err, scanner.ErrUnsupported) {
		t.Errorf("black and white on a device without it: %v", err)
	}
	if _, err := c.Request(scanner.Settings{Source: scanner.SourceFeeder, DPI: 200, Mode: scanner.ModeColor}); !errors.Is(err, scanner.ErrUnsupported) {
		t.Errorf("feeder on a flatbed: %v", err)
	}
}

func TestHostileCapabilities(t *testing.T) {
	good := escltest.Capture(t, "hp-laserjet-mfp-m426fdn-capabilities.xml")
	cases := map[string][]byte{
		"empty":        nil,
		"not xml":      []byte("HTTP/1.1 500 oops"),
		"truncated":    good[:len(good)/2],
		"no sources":   []byte(`<scan:ScannerCapabilities xmlns:scan="x"><pwg:Version xmlns:pwg="y">2.6</pwg:Version></scan:ScannerCapabilities>`),
		"other root":   []byte(`<scan:ScannerStatus xmlns:scan="x"/>`),
		"bad number":   []byte(strings.Replace(string(good), "<scan:MaxWidth>", "<scan:MaxWidth>12x", 1)),
		"range upside": []byte(strings.Replace(strings.Replace(rangeCaps, "<scan:Min>75</scan:Min>", "<scan:Min>900</scan:Min>", 1), "", "", 0)),
		"entity bomb":  []byte(`<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]><scan:ScannerCapabilities xmlns:scan="x"><pwg:MakeAndModel xmlns:pwg="y">&b;</pwg:MakeAndModel></scan:ScannerCapabilities>`),
	}
	for name, data := range cases {
		if _, err := escl.ParseCapabilities(data); !errors.Is(err, escl.ErrBadData) {
			t.Errorf("%s: err %v, want ErrBadData", name, err)
		}
	}
}

func TestStatusCaptures(t *testing.T) {
	P, F := scanner.SourcePlaten, scanner.SourceFeeder
	cases := []struct {
		file         string
		state, adf   string
		platen, feed error
	}{
		{"hp-laserjet-mfp-m426fdn-status.xml", "Idle", "ScannerAdfEmpty", nil, scanner.ErrFeederEmpty},
		// Kyocera between ADF pages: busy, never "feeder empty" (sane-airscan #385).
		{"kyocera-ecosys-m2040dn-status-adfprocessing.xml", "Processing", "ScannerAdfProcessing", scanner.ErrBusy, scanner.ErrBusy},
		// Processing while the feeder is empty: for the feeder the AdfState decides.
		{"hp-color-laserjet-mfp-m283fdw-status-processing.xml", "Processing", "ScannerAdfEmpty", scanner.ErrBusy, scanner.ErrFeederEmpty},
		{"hp-smart-tank-plus-570-status-idle-jobs.xml", "Idle", "ScannerAdfEmpty", nil, scanner.ErrFeederEmpty},
		{"hp-ledm-mfp-status-adfloaded.xml", "Idle", "ScannerAdfLoaded", nil, nil},
		{"hp-ledm-mfp-status-processing.xml", "Processing", "ScannerAdfEmpty", scanner.ErrBusy, scanner.ErrFeederEmpty},
		{"hp-ledm-mfp-status-completed.xml", "", "", nil, nil},
		{"unknown-device-status-idle-stapelberg.xml", "Idle", "ScannerAdfEmpty", nil, scanner.ErrFeederEmpty},
	}
	for _, tc := range cases {
		st, err := escl.ParseStatus(escltest.Capture(t, tc.file))
		if err != nil {
			t.Errorf("%s: %v", tc.file, err)
			continue
		}
		if tc.state != "" && (st.State != tc.state || st.AdfState != tc.adf) {
			t.Errorf("%s: state %q adf %q", tc.file, st.State, st.AdfState)
		}
		if tc.state == "" {
			continue
		}
		if got := st.Condition(P); got != tc.platen {
			t.Errorf("%s platen: %v, want %v", tc.file, got, tc.platen)
		}
		if got := st.Condition(F); got != tc.feed {
			t.Errorf("%s feeder: %v, want %v", tc.file, got, tc.feed)
		}
	}
	st, _ := escl.ParseStatus(escltest.Capture(t, "hp-color-laserjet-mfp-m283fdw-status-processing.xml"))
	if len(st.Jobs) != 2 || st.Jobs[0].JobState != "Processing" || st.Jobs[0].ImagesToTransfer != "1" {
		t.Errorf("jobs %+v", st.Jobs)
	}
	for _, adf := range []struct {
		v    string
		want error
	}{{"ScannerAdfJam", scanner.ErrJammed}, {"ScannerAdfMispick", scanner.ErrJammed}, {"ScannerAdfDoorOpen", scanner.ErrCoverOpen}, {"ScannerAdfHatchOpen", scanner.ErrCoverOpen}} {
		st := &escl.ScannerStatus{State: "Processing", AdfState: adf.v}
		if got := st.Condition(F); got != adf.want {
			t.Errorf("%s: %v", adf.v, got)
		}
	}
	if got := (&escl.ScannerStatus{State: "Stopped"}).Condition(P); got != escl.ErrStopped {
		t.Errorf("Stopped: %v", got)
	}
	for _, bad := range []string{"", "<x", "<scan:ScannerCapabilities/>"} {
		if _, err := escl.ParseStatus([]byte(bad)); !errors.Is(err, escl.ErrBadData) {
			t.Errorf("status %q: %v", bad, err)
		}
	}
}

func TestScanSettingsCaptures(t *testing.T) {
	s, err := escl.ParseScanSettings(escltest.Capture(t, "hp-client-scansettings-adf-duplex.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if s.InputSource != "Feeder" || !s.Duplex || s.XResolution != 200 || s.ColorMode != "RGB24" ||
		len(s.Regions) != 1 || s.Regions[0].Width != 2550 || s.Regions[0].Height != 4200 || s.DocumentFormatExt != "image/jpeg" {
		t.Errorf("adf duplex settings: %+v", s)
	}
	p, err := escl.ParseScanSettings(escltest.Capture(t, "hp-client-scansettings-platen.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if p.InputSource != "Platen" || p.XResolution != 600 || p.Regions[0].Width != 2481 || p.Regions[0].Height != 3507 {
		t.Errorf("platen settings: %+v", p)
	}
	// Our own request survives a round trip.
	again, err := escl.ParseScanSettings(s.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	if again.InputSource != s.InputSource || again.Duplex != s.Duplex || again.Regions[0] != s.Regions[0] || again.XResolution != 200 {
		t.Errorf("round trip: %+v", again)
	}
}
