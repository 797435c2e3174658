// Home screen: today's and this week's figures for the desk, the queue at a glance, and "New dossier".

package app

import (
	"context"
	"fmt"
	"image/color"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"sohoa/assets/bands"
	"sohoa/desk"
	"sohoa/dossier/figures"
	"sohoa/dossier/report"
)

// Figures are the desk's counts over a period, as the home screen shows them.
type Figures struct {
	Received, Pages, Signed, Submitted, Waiting, Failed int
}

// figureRows names the rows of the figures table, in order.
var figureRows = []string{"home.fig.received", "home.fig.pages", "home.fig.signed", "home.fig.submitted", "home.fig.waiting", "home.fig.failed"}

func (f Figures) values() []int {
	return []int{f.Received, f.Pages, f.Signed, f.Submitted, f.Waiting, f.Failed}
}

// homeRates are the rates the home screen colours, from the directive's index.
var homeRates = []string{bands.Online, bands.Digitization, bands.VNeID, bands.Payment}

// computeFigures reads the desk's figures from the local database (the same figures the reports use).
func computeFigures(ctx context.Context, d *desk.Desk, from, to time.Time) (Figures, figures.Counts, error) {
	f, err := d.Reports.Figures(ctx, from, to)
	if err != nil {
		return Figures{}, figures.Counts{}, err
	}
	c := f.Total
	return Figures{Received: c.Received, Pages: c.Pages, Signed: c.Signed, Submitted: c.Submitted, Waiting: c.Waiting, Failed: c.Failed}, c, nil
}

// deskBands are the colour thresholds: the shipped defaults with the unit's own file laid over them.
func deskBands(d *desk.Desk) (*bands.Bands, error) {
	return d.Reports.Bands()
}

// bandText is a rate with its colour band, e.g. "55.6 % — Vàng".
func bandText(b *bands.Bands, rate string, v float64) (string, bands.Band) {
	if math.IsNaN(v) {
		return lang.L("home.rate.nodata"), ""
	}
	band := b.Band(rate, v)
	return fmt.Sprintf("%.1f %% — %s", v, lang.L("band."+string(band))), band
}

// startOfWeek is Monday 00:00 of t's week in the desk's time zone.
func startOfWeek(t time.Time) time.Time {
	t = t.In(desk.Location)
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, desk.Location)
	wd := (int(day.Weekday()) + 6) % 7 // Monday = 0
	return day.AddDate(0, 0, -wd)
}

func startOfDay(t time.Time) time.Time {
	t = t.In(desk.Location)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, desk.Location)
}

type homeScreen struct {
	u       *UI
	root    fyne.CanvasObject
	today   []*widget.Label
	week    []*widget.Label
	recent  []desk.Summary
	list    *widget.List
	newBtn  *widget.Button
	unitLbl *widget.Label
	rates   []*widget.Label
	swatch  []*canvas.Rectangle
}

func newHomeScreen(u *UI) *homeScreen {
	h := &homeScreen{u: u}
	h.newBtn = widget.NewButtonWithIcon(lang.L("home.new"), theme.ContentAddIcon(), func() { u.show(screenWizard) })
	h.newBtn.Importance = widget.HighImportance
	grid := container.NewGridWithColumns(3,
		widget.NewLabel(""),
		widget.NewLabelWithStyle(lang.L("home.today"), fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}),
		widget.NewLabelWithStyle(lang.L("home.week"), fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}))
	for _, k := range figureRows {
		t := widget.NewLabelWithStyle("–", fyne.TextAlignTrailing, fyne.TextStyle{})
		w := widget.NewLabelWithStyle("–", fyne.TextAlignTrailing, fyne.TextStyle{})
		h.today = append(h.today, t)
		h.week = append(h.week, w)
		grid.Add(widget.NewLabel(lang.L(k)))
		grid.Add(t)
		grid.Add(w)
	}
	h.list = widget.NewList(func() int { return len(h.recent) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(h.recent) {
				return
			}
			s := h.recent[i]
			line := fmt.Sprintf("%s · %s · %s", s.ID, s.ApplicantName, stateText(s.State))
			if s.PortalCode != "" {
				line += " · " + s.PortalCode
			}
			o.(*widget.Label).SetText(line)
		})
	h.list.OnSelected = func(i widget.ListItemID) {
		if i < len(h.recent) {
			id := h.recent[i].ID
			h.list.UnselectAll()
			u.openDossier(id)
		}
	}
	h.unitLbl = widget.NewLabel("")
	h.unitLbl.Wrapping = fyne.TextWrapWord
	rateGrid := container.NewGridWithColumns(2)
	for _, r := range homeRates {
		l := widget.NewLabel("–")
		sw := canvas.NewRectangle(bandColor(""))
		sw.SetMinSize(fyne.NewSize(14, 14))
		sw.CornerRadius = 3
		h.rates = append(h.rates, l)
		h.swatch = append(h.swatch, sw)
		rateGrid.Add(widget.NewLabel(lang.L("home.rate." + r)))
		rateGrid.Add(container.NewHBox(container.NewCenter(sw), l))
	}
	weekly := widget.NewButtonWithIcon(lang.L("home.report.weekly"), theme.DocumentIcon(), func() { h.report(false) })
	peak := widget.NewButtonWithIcon(lang.L("home.report.peak"), theme.DocumentIcon(), func() { h.report(true) })
	big := container.NewPadded(container.NewGridWrap(fyne.NewSize(320, 64), h.newBtn))
	left := container.NewVBox(
		widget.NewLabelWithStyle(lang.L("home.figures"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		grid, widget.NewSeparator(),
		widget.NewLabelWithStyle(lang.L("home.rates"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		rateGrid, container.NewHBox(weekly, peak), widget.NewSeparator(),
		h.unitLbl, big,
		widget.NewLabel(lang.L("home.shortcuts")))
	right := container.NewBorder(widget.NewLabelWithStyle(lang.L("home.queue"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nil, nil, nil, h.list)
	h.root = container.NewPadded(container.NewHSplit(container.NewVScroll(left), right))
	return h
}

// refresh recomputes the figures and the recent list in the background.
func (h *homeScreen) refresh() {
	u := h.u
	u.goDo(func(ctx context.Context) {
		now := time.Now()
		day, week0 := startOfDay(now), startOfWeek(now)
		today, _, err1 := computeFigures(ctx, u.desk, day, day.AddDate(0, 0, 1))
		week, weekCounts, err2 := computeFigures(ctx, u.desk, week0, week0.AddDate(0, 0, 7))
		recent, err3 := u.desk.Dossiers.List(ctx, desk.DossierFilter{Limit: 50})
		b, err4 := deskBands(u.desk)
		unit, _ := u.desk.Settings.Unit(ctx)
		uiDo(func() {
			if err := firstErr(err1, err2, err3, err4); err != nil {
				u.setStatus(ErrorText(err))
				return
			}
			for i, v := range today.values() {
				h.today[i].SetText(fmt.Sprint(v))
				h.week[i].SetText(fmt.Sprint(week.values()[i]))
			}
			for i, r := range homeRates {
				text, band := bandText(b, r, weekCounts.Rate(r))
				h.rates[i].SetText(text)
				h.swatch[i].FillColor = bandColor(band)
				h.swatch[i].Refresh()
			}
			h.recent = recent
			h.list.Refresh()
			h.unitLbl.SetText(lang.L("home.unit", map[string]any{"Name": unit.Name, "Code": unit.Code}))
		})
	})
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// stateText translates a dossier state.
func stateText(s desk.State) string {
	switch s {
	case desk.Draft:
		return lang.L("state.draft")
	case desk.Captured:
		return lang.L("state.captured")
	case desk.Signed:
		return lang.L("state.signed")
	case desk.Queued:
		return lang.L("state.queued")
	case desk.Submitted:
		return lang.L("state.submitted")
	case desk.Failed:
		return lang.L("state.failed")
	}
	return string(s)
}

// bandColor is the colour a band is drawn in on the home screen.
func bandColor(b bands.Band) color.Color {
	if b == "" {
		return theme.Color(theme.ColorNameDisabled)
	}
	r, g, bl := b.RGB()
	return color.NRGBA{R: uint8(r), G: uint8(g), B: uint8(bl), A: 255}
}

// report writes this week's (Friday) report, or the current quarter's peak-month report, as XLSX and
// PDF under <data>/reports/ and opens the PDF.
func (h *homeScreen) report(peak bool) {
	u := h.u
	u.setStatus(lang.L("home.report.running"))
	u.goDo(func(ctx context.Context) {
		now := time.Now().In(desk.Location)
		var spec report.Spec
		var name string
		if peak {
			q := figures.QuarterOf(now.Month())
			spec = report.PeakSpec(now.Year(), q, false)
			name = fmt.Sprintf("cao-diem-%d-Q%d", now.Year(), q)
		} else {
			y, w := now.ISOWeek()
			spec = report.WeeklySpec(y, w)
			name = fmt.Sprintf("tuan-%d-W%02d", y, w)
		}
		pdf, err := writeReport(ctx, u.desk, spec, name)
		uiDo(func() {
			if err != nil {
				u.showError(err)
				return
			}
			u.setStatus(lang.L("home.report.done", map[string]any{"File": pdf}))
			if u.env.OpenURL != nil {
				if err := u.env.OpenURL(&url.URL{Scheme: "file", Path: filepath.ToSlash(pdf)}); err != nil {
					u.setStatus(ErrorText(err))
				}
			}
		})
	})
}

// writeReport writes a report as XLSX and PDF under <data>/reports/<name>.* and returns the PDF's path.
func writeReport(ctx context.Context, d *desk.Desk, spec report.Spec, name string) (string, error) {
	r, err := d.Reports.Report(ctx, spec, nil, figures.Options{})
	if err != nil {
		return "", err
	}
	dir := d.Folder.ReportsDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	base := filepath.Join(dir, name)
	if err := r.WriteFile(base + ".xlsx"); err != nil {
		return "", err
	}
	if err := r.WriteFile(base + ".pdf"); err != nil {
		return "", err
	}
	return base + ".pdf", nil
}
