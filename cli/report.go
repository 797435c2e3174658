// The report subcommands: the Friday (weekly), period and peak-month reports as XLSX or PDF, and the figures as text or JSON.

package cli

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"sohoa/assets/bands"
	"sohoa/desk"
	"sohoa/dossier/figures"
	"sohoa/dossier/report"
	"sohoa/errs"
)

// ErrReportArgs reports report flags that do not name a period; the message says which to give.
var ErrReportArgs = errs.New("error.report.args", errs.NeedsOfficer, "report: the period flags are incomplete or contradictory")

// BandsFile is the unit's colour-band file in the data folder; it overrides the shipped thresholds.
const BandsFile = bands.UnitFile

// ReportCmd builds `sohoa report weekly|period|peak`.
func ReportCmd(g *Globals) *cobra.Command {
	var out, bandsPath, nowFlag string
	c := &cobra.Command{
		Use:   "report",
		Short: "the desk's figures and the weekly (Friday), period and peak-month reports (.xlsx or .pdf)",
	}
	pf := c.PersistentFlags()
	pf.StringVarP(&out, "output", "o", "", "report file, .xlsx or .pdf (without it the figures are printed)")
	pf.StringVar(&bandsPath, "bands", "", "colour-band thresholds (default: bands.json in the data folder if present, else the national defaults)")
	pf.StringVar(&nowFlag, "now", "", "judge open dossiers at this time (RFC 3339; default: now)")
	_ = pf.MarkHidden("now")

	run := func(spec func() (report.Spec, error)) func(*cobra.Command, []string) error {
		return withDesk(g, func(ctx context.Context, d *desk.Desk, args []string) error {
			s, err := spec()
			if err != nil {
				return err
			}
			return runReport(ctx, g, d, s, out, bandsPath, nowFlag)
		})
	}

	var week string
	weekly := &cobra.Command{
		Use:   "weekly",
		Short: "the Friday report of an ISO week, Monday to Sunday (default: this week)",
		Args:  cobra.NoArgs,
		RunE: run(func() (report.Spec, error) {
			if week == "" {
				y, w := time.Now().In(figures.Location()).ISOWeek()
				return report.WeeklySpec(y, w), nil
			}
			y, w, err := figures.ParseWeek(week)
			if err != nil {
				return report.Spec{}, err
			}
			return report.WeeklySpec(y, w), nil
		}),
	}
	weekly.Flags().StringVar(&week, "week", "", "ISO week, e.g. 2026-W48")

	var from, to string
	period := &cobra.Command{
		Use:   "period",
		Short: "the report of the days --from to --to, both included",
		Args:  cobra.NoArgs,
		RunE: run(func() (report.Spec, error) {
			if from == "" || to == "" {
				return report.Spec{}, fmt.Errorf("%w: give --from and --to (YYYY-MM-DD)", ErrReportArgs)
			}
			a, err := figures.ParseDay(from)
			if err != nil {
				return report.Spec{}, err
			}
			b, err := figures.ParseDay(to)
			if err != nil {
				return report.Spec{}, err
			}
			if b.Before(a) {
				return report.Spec{}, fmt.Errorf("%w: --to %s is before --from %s", figures.ErrPeriod, to, from)
			}
			return report.PeriodSpec(a, b), nil
		}),
	}
	period.Flags().StringVar(&from, "from", "", "first day, YYYY-MM-DD")
	period.Flags().StringVar(&to, "to", "", "last day (included), YYYY-MM-DD")

	var year, quarter int
	var month string
	var monthOnly bool
	peak := &cobra.Command{
		Use:   "peak",
		Short: "the report at the end of a peak month (March, June, September, December): its quarter, or the month alone with --month-only",
		Args:  cobra.NoArgs,
		RunE: run(func() (report.Spec, error) {
			switch {
			case month != "" && quarter != 0:
				return report.Spec{}, fmt.Errorf("%w: give --month or --quarter, not both", ErrReportArgs)
			case month != "":
				y, m, err := figures.ParseMonth(month)
				if err != nil {
					return report.Spec{}, err
				}
				if !figures.IsPeakMonth(m) {
					return report.Spec{}, fmt.Errorf("%w: %s is not a peak month (03, 06, 09 or 12)", ErrReportArgs, month)
				}
				return report.PeakSpec(y, figures.QuarterOf(m), monthOnly), nil
			case quarter >= 1 && quarter <= 4:
				if year == 0 {
					year = time.Now().In(figures.Location()).Year()
				}
				return report.PeakSpec(year, quarter, monthOnly), nil
			}
			return report.Spec{}, fmt.Errorf("%w: give --quarter 1–4 (with --year) or --month YYYY-MM", ErrReportArgs)
		}),
	}
	peak.Flags().IntVar(&year, "year", 0, "year (default: this year)")
	peak.Flags().IntVar(&quarter, "quarter", 0, "quarter 1–4; its peak month is the last month")
	peak.Flags().StringVar(&month, "month", "", "peak month, e.g. 2026-12")
	peak.Flags().BoolVar(&monthOnly, "month-only", false, "cover the peak month alone instead of its quarter")

	c.AddCommand(weekly, period, peak)
	return c
}

// runReport computes the report of s and writes it to out, or prints the figures.
func runReport(ctx context.Context, g *Globals, d *desk.Desk, s report.Spec, out, bandsPath, nowFlag string) error {
	opt := figures.Options{Training: d.Settings.Training()}
	if nowFlag != "" {
		t, err := time.Parse(time.RFC3339, nowFlag)
		if err != nil {
			return fmt.Errorf("%w: --now %q is not an RFC 3339 time", ErrReportArgs, nowFlag)
		}
		opt.Now = t
	}
	if bandsPath == "" {
		bandsPath = filepath.Join(d.Folder.Dir(), BandsFile)
	}
	b, err := bands.LoadFile(bandsPath)
	if err != nil {
		return err
	}
	r, err := d.Reports.Report(ctx, s, b, opt)
	if err != nil {
		return err
	}
	if out != "" {
		if err := r.WriteFile(out); err != nil {
			return err
		}
	}
	if g.JSON {
		return g.printJSON(reportJSON(r, out))
	}
	if out != "" {
		g.printf("%s: %s (%s, %d hồ sơ)\n", msg(g, "đã ghi báo cáo", "report written"), out, figures.PeriodLabel(s.From, s.To), r.Figures.Total.Received)
		return nil
	}
	t := r.Figures.Total
	g.printf("%s — %s\n", r.Title, figures.PeriodLabel(s.From, s.To))
	g.printf("tiếp nhận %d · số hóa %d trang · ký %d · nộp trực tuyến %d (VNeID %d) · chờ gửi %d · lỗi %d · quá hạn %d\n",
		t.Received, t.Pages, t.Signed, t.Submitted, t.VNeID, t.Waiting, t.Failed, t.Overdue)
	for _, k := range b.Rates() {
		th, _ := b.Threshold(k)
		v := t.Rate(k)
		if math.IsNaN(v) {
			g.printf("  %-36s %10s\n", th.Name, "—")
			continue
		}
		g.printf("  %-36s %9.1f%% %s\n", th.Name, v, b.Band(k, v).Label())
	}
	return nil
}

// reportJSON is what --json prints: the figures, the rates with their bands (null when there is no data).
func reportJSON(r *report.Report, out string) any {
	type rate struct {
		Name  string     `json:"name"`
		Value *float64   `json:"value"`
		Band  bands.Band `json:"band"`
	}
	var rates []rate
	for _, k := range r.Bands.Rates() {
		v := r.Figures.Total.Rate(k)
		rt := rate{Name: k, Band: r.Bands.Band(k, v)}
		if !math.IsNaN(v) {
			rt.Value = &v
		}
		rates = append(rates, rt)
	}
	return struct {
		Kind    string          `json:"kind"`
		Title   string          `json:"title"`
		File    string          `json:"file,omitempty"`
		Rates   []rate          `json:"rates"`
		Figures figures.Figures `json:"figures"`
	}{r.Kind, r.Title, out, rates, r.Figures}
}

// msg picks the Vietnamese or English text by --lang.
func msg(g *Globals, vi, en string) string {
	if g.Lang == "en" {
		return en
	}
	return vi
}
