// End to end through `sohoa report` (cli.ReportCmd) on a data folder holding the known history.

package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"sohoa/assets/bands"
	"sohoa/cli"
	"sohoa/dossier/figures"
	ft "sohoa/dossier/figures/figurestest"
	"sohoa/dossier/report"
	"sohoa/storage"
	"sohoa/wire"
)

// dataDir builds the history in a data folder with a unit profile, and closes it.
func dataDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	db, err := storage.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ft.Build(t, db, ft.History())
	ctx := context.Background()
	u := storage.Unit{Code: "000.00.00.H47", Name: "UBND xã Hòa Tiến", Address: "Hòa Vang", Province: "Đà Nẵng", CounterType: "commune"}
	if err := db.Update(ctx, "unit", func(tx *storage.Tx) error { return tx.Settings().SaveUnit(u) }); err != nil {
		t.Fatal(err)
	}
	if err := db.SetSetting(ctx, "unit.current", u.Code); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

func run(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	g := &cli.Globals{Program: wire.Program{}, DataDir: dir, Out: &out, Lang: "vi"}
	c := cli.ReportCmd(g)
	c.SetArgs(append(args, "--now", "2026-12-10T12:00:00+07:00"))
	c.SetOut(&out)
	c.SetErr(&out)
	c.SilenceUsage = true
	err := c.ExecuteContext(context.Background())
	return out.String(), err
}

func TestCommands(t *testing.T) {
	dir := dataDir(t)
	x := filepath.Join(t.TempDir(), "tuan49.xlsx")
	if _, err := run(t, dir, "weekly", "--week", "2026-W49", "-o", x); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(x)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := f.GetCellValue(report.SheetSummary, "A4")
	f.Close()
	if v != "BÁO CÁO SỐ LIỆU TUẦN 49/2026" {
		t.Errorf("title %q", v)
	}

	p := filepath.Join(t.TempDir(), "quy4.pdf")
	if _, err := run(t, dir, "peak", "--month", "2026-12", "-o", p); err != nil {
		t.Fatal(err)
	}
	txt, err := exec.Command("pdftotext", p, "-").Output()
	if err != nil || !strings.Contains(string(txt), "THÁNG CAO ĐIỂM 12/2026 (QUÝ IV)") {
		t.Errorf("peak PDF: %v", err)
	}
	if _, err := run(t, dir, "peak", "--year", "2026", "--quarter", "4", "--month-only", "-o", p); err != nil {
		t.Fatal(err)
	}

	out, err := run(t, dir, "period", "--from", "2026-11-30", "--to", "2026-12-06")
	if err != nil || !strings.Contains(out, "tiếp nhận 9 ") || !strings.Contains(out, "Đỏ") {
		t.Errorf("period text %q %v", out, err)
	}

	// --json: the figures and the bands, no NaN.
	var buf bytes.Buffer
	g := &cli.Globals{Program: wire.Program{}, DataDir: dir, Out: &buf, JSON: true}
	c := cli.ReportCmd(g)
	c.SetArgs([]string{"weekly", "--week", "2026-W49", "--now", "2026-12-10T12:00:00+07:00"})
	if err := c.ExecuteContext(context.Background()); err != nil {
		t.Fatal(err)
	}
	var j struct {
		Rates []struct {
			Name  string   `json:"name"`
			Value *float64 `json:"value"`
			Band  string   `json:"band"`
		} `json:"rates"`
		Figures figures.Figures `json:"figures"`
	}
	if err := json.Unmarshal(buf.Bytes(), &j); err != nil {
		t.Fatal(err)
	}
	if j.Figures.Total.Received != 9 || j.Rates[0].Name != "online" || j.Rates[0].Band != "green" || j.Rates[2].Value != nil {
		t.Errorf("json %+v", j.Rates)
	}

	for _, bad := range [][]string{
		{"weekly", "--week", "2026-W60"},
		{"period", "--from", "2026-12-06"},
		{"period", "--from", "2026-12-06", "--to", "2026-12-01"},
		{"peak", "--month", "2026-11"},
		{"peak", "--month", "2026-12", "--quarter", "4"},
		{"peak"},
	} {
		_, err := run(t, dir, bad...)
		if !errors.Is(err, cli.ErrReportArgs) && !errors.Is(err, figures.ErrPeriod) {
			t.Errorf("%v: %v", bad, err)
		}
	}
	// The unit's own thresholds in the data folder: online 55.6 % is yellow under a 60 % green.
	if err := os.WriteFile(filepath.Join(dir, cli.BandsFile), []byte(`{"version": 1, "rates": {"online": {"green": 60, "yellow": 50, "orange": 30}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := run(t, dir, "weekly", "--week", "2026-W49"); err != nil || !strings.Contains(out, "55.6% Vàng") {
		t.Errorf("unit bands: %q %v", out, err)
	}
	if err := os.WriteFile(filepath.Join(dir, cli.BandsFile), []byte(`{"version": 1, "rates": {"online": {"green": 10, "yellow": 50, "orange": 30}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := run(t, dir, "weekly", "--week", "2026-W49"); !errors.Is(err, bands.ErrInvalid) {
		t.Errorf("bad unit bands: %v", err)
	}
	if _, err := run(t, dir, "weekly", "--week", "2026-W49", "-o", filepath.Join(t.TempDir(), "x.csv"), "--bands", filepath.Join(dir, "none.json")); !errors.Is(err, report.ErrFormat) {
		t.Errorf(".csv: %v", err)
	}
}
