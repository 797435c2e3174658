// Home screen: today's and this week's figures for the desk, the queue at a glance, and "New dossier".
package app

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"sohoa/dossier"
	"sohoa/storage"
)

// Figures are the desk's counts over a period.
type Figures struct {
	Received, Pages, Signed, Submitted, Waiting, Failed int
}

// figureRows names the rows of the figures table, in order.
var figureRows = []string{"home.fig.received", "home.fig.pages", "home.fig.signed", "home.fig.submitted", "home.fig.waiting", "home.fig.failed"}

func (f Figures) values() []int {
	return []int{f.Received, f.Pages, f.Signed, f.Submitted, f.Waiting, f.Failed}
}

// computeFigures counts the desk's dossiers created since a time.
func computeFigures(ctx context.Context, d *dossier.Desk, since time.Time) (Figures, error) {
	list, err := d.List(ctx, storage.DossierFilter{Since: since})
	if err != nil {
		return Figures{}, err
	}
	var f Figures
	for _, s := range list {
		f.Received++
		switch s.State {
		case dossier.Signed:
			f.Signed++
		case dossier.Queued:
			f.Signed++
			f.Waiting++
		case dossier.Submitted:
			f.Signed++
			f.Submitted++
		case dossier.Failed:
			f.Signed++
			f.Failed++
		}
		v, err := d.Dossier(ctx, s.ID)
		if err != nil {
			return Figures{}, err
		}
		f.Pages += v.PageCount()
	}
	return f, nil
}

// startOfWeek is Monday 00:00 of t's week in the desk's time zone.
func startOfWeek(t time.Time) time.Time {
	t = t.In(dossier.Location)
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, dossier.Location)
	wd := (int(day.Weekday()) + 6) % 7 // Monday = 0
	return day.AddDate(0, 0, -wd)
}

func startOfDay(t time.Time) time.Time {
	t = t.In(dossier.Location)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, dossier.Location)
}

type homeScreen struct {
	u       *UI
	root    fyne.CanvasObject
	today   []*widget.Label
	week    []*widget.Label
	recent  []dossier.Summary
	list    *widget.List
	newBtn  *widget.Button
	unitLbl *widget.Label
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
	big := container.NewPadded(container.NewGridWrap(fyne.NewSize(320, 64), h.newBtn))
	left := container.NewVBox(
		widget.NewLabelWithStyle(lang.L("home.figures"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		grid, widget.NewSeparator(), h.unitLbl, big,
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
		today, err1 := computeFigures(ctx, u.desk, startOfDay(now))
		week, err2 := computeFigures(ctx, u.desk, startOfWeek(now))
		recent, err3 := u.desk.List(ctx, storage.DossierFilter{Limit: 50})
		unit, _ := u.desk.Unit(ctx)
		fyne.Do(func() {
			if err := firstErr(err1, err2, err3); err != nil {
				u.setStatus(ErrorText(err))
				return
			}
			for i, v := range today.values() {
				h.today[i].SetText(fmt.Sprint(v))
				h.week[i].SetText(fmt.Sprint(week.values()[i]))
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
func stateText(s dossier.State) string {
	switch s {
	case dossier.Draft:
		return lang.L("state.draft")
	case dossier.Captured:
		return lang.L("state.captured")
	case dossier.Signed:
		return lang.L("state.signed")
	case dossier.Queued:
		return lang.L("state.queued")
	case dossier.Submitted:
		return lang.L("state.submitted")
	case dossier.Failed:
		return lang.L("state.failed")
	}
	return string(s)
}
