// Tests of the colour bands: every boundary of every default rate, the unit's overrides and bad files.

package bands

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func mustLoad(t *testing.T) *Bands {
	t.Helper()
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestNationalDefaults pins the full-score thresholds of Decision 766/QĐ-TTg and sohoa's lower bands.
func TestNationalDefaults(t *testing.T) {
	b := mustLoad(t)
	want := map[string][3]float64{
		Online:       {50, 40, 25},
		Digitization: {80, 65, 50},
		Reuse:        {80, 65, 50},
		Payment:      {80, 65, 50},
		Satisfaction: {90, 80, 70},
		OnTime:       {95, 90, 80},
		VNeID:        {50, 40, 25},
	}
	for rate, w := range want {
		th, ok := b.Threshold(rate)
		if !ok {
			t.Fatalf("rate %s missing", rate)
		}
		if got := [3]float64{th.Green, th.Yellow, th.Orange}; got != w {
			t.Errorf("%s thresholds = %v, want %v", rate, got, w)
		}
		if th.Name == "" || th.Source == "" {
			t.Errorf("%s has no name or source: %+v", rate, th)
		}
	}
	if got := b.Rates(); strings.Join(got, ",") != strings.Join(Known, ",") {
		t.Errorf("Rates() = %v, want %v", got, Known)
	}
}

// TestEveryBoundary checks, for every rate, the value at each threshold and just below it.
func TestEveryBoundary(t *testing.T) {
	b := mustLoad(t)
	below := func(v float64) float64 { return math.Nextafter(v, math.Inf(-1)) }
	for _, rate := range Known {
		th, _ := b.Threshold(rate)
		cases := []struct {
			v    float64
			want Band
		}{
			{100, Green}, {th.Green, Green}, {below(th.Green), Yellow},
			{th.Yellow, Yellow}, {below(th.Yellow), Orange},
			{th.Orange, Orange}, {below(th.Orange), Red},
			{0, Red}, {-5, Red}, {150, Green},
		}
		for _, c := range cases {
			if got := b.Band(rate, c.v); got != c.want {
				t.Errorf("Band(%s, %v) = %q, want %q", rate, c.v, got, c.want)
			}
		}
		if got := b.Band(rate, math.NaN()); got != None {
			t.Errorf("Band(%s, NaN) = %q, want none", rate, got)
		}
	}
	if got := b.Band("no-such-rate", 99); got != None {
		t.Errorf("unknown rate gave %q", got)
	}
}

func TestLabelsAndColours(t *testing.T) {
	seen := map[[3]int]bool{}
	for _, bd := range []Band{Green, Yellow, Orange, Red, None} {
		r, g, bl := bd.RGB()
		if seen[[3]int{r, g, bl}] {
			t.Errorf("band %q shares a colour", bd)
		}
		seen[[3]int{r, g, bl}] = true
	}
	if Green.Label() != "Xanh" || Red.Label() != "Đỏ" || Orange.Label() != "Cam" || Yellow.Label() != "Vàng" {
		t.Error("Vietnamese band labels wrong")
	}
}

func TestUnitOverride(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bands.json")
	doc := `{"version": 1, "unit": "000.00.00.H47", "rates": {"online": {"green": 60, "yellow": 55, "orange": 30}}}`
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.Band(Online, 55); got != Yellow {
		t.Errorf("overridden online 55 = %q, want yellow", got)
	}
	if got := b.Band(Online, 50); got != Orange {
		t.Errorf("overridden online 50 = %q, want orange", got)
	}
	th, _ := b.Threshold(Online)
	if th.Name != "Tỷ lệ hồ sơ nộp trực tuyến" {
		t.Errorf("override lost the default name: %q", th.Name)
	}
	if got := b.Band(Digitization, 80); got != Green {
		t.Errorf("untouched digitization 80 = %q", got)
	}
	// A missing unit file means the defaults.
	d, err := LoadFile(filepath.Join(dir, "absent.json"))
	if err != nil || d.Band(Online, 50) != Green {
		t.Fatalf("missing file: %v", err)
	}
}

func TestBadFiles(t *testing.T) {
	cases := map[string]string{
		"not json":        `green: 50`,
		"truncated":       `{"version": 1, "rates": {"online": {"green": 5`,
		"wrong version":   `{"version": 2, "rates": {}}`,
		"unknown rate":    `{"version": 1, "rates": {"onlin": {"green": 50, "yellow": 40, "orange": 25}}}`,
		"unknown field":   `{"version": 1, "rates": {"online": {"green": 50, "yellow": 40, "orange": 25, "red": 3}}}`,
		"above 100":       `{"version": 1, "rates": {"online": {"green": 150, "yellow": 40, "orange": 25}}}`,
		"negative":        `{"version": 1, "rates": {"online": {"green": 50, "yellow": 40, "orange": -1}}}`,
		"out of order":    `{"version": 1, "rates": {"online": {"green": 40, "yellow": 50, "orange": 25}}}`,
		"trailing":        `{"version": 1, "rates": {}} {"version": 1}`,
		"string number":   `{"version": 1, "rates": {"online": {"green": "50", "yellow": 40, "orange": 25}}}`,
		"empty document":  ``,
		"array not thing": `[]`,
	}
	dir := t.TempDir()
	for name, doc := range cases {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".json")
		if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := LoadFile(path)
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", name, err)
		}
	}
	// A huge file is refused without being read whole.
	big := filepath.Join(dir, "big.json")
	if err := os.WriteFile(big, []byte(`{"version": 1, "notes": ["`+strings.Repeat("x", maxFile)+`"]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFile(big); !errors.Is(err, ErrInvalid) {
		t.Errorf("huge file: %v", err)
	}
	// A failed override leaves the bands unchanged.
	b := mustLoad(t)
	if err := b.Override([]byte(`{"version": 1, "rates": {"online": {"green": 10, "yellow": 5, "orange": 1}, "x": {"green": 1, "yellow": 1, "orange": 1}}}`)); !errors.Is(err, ErrInvalid) {
		t.Fatalf("override with unknown rate: %v", err)
	}
	if b.Band(Online, 20) != Red {
		t.Error("a refused override changed the bands")
	}
}

func TestDefaultJSONIsACopy(t *testing.T) {
	a := DefaultJSON()
	a[0] = 'X'
	if _, err := Load(); err != nil {
		t.Fatalf("DefaultJSON exposed the embedded bytes: %v", err)
	}
}
