// First run and unit profile: choose training mode or fill the unit profile (code, name, counter type, hotlines, portal).

package app

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"sohoa/desk"
)

type setupScreen struct {
	u        *UI
	root     fyne.CanvasObject
	code     *widget.Entry
	name     *widget.Entry
	address  *widget.Entry
	province *widget.Entry
	counter  *widget.RadioGroup
	hotlines *widget.Entry
	portal   *widget.Entry
	errLbl   *widget.Label
	save     *widget.Button
	training *widget.Button
}

func newSetupScreen(u *UI) *setupScreen {
	s := &setupScreen{u: u}
	s.code = widget.NewEntry()
	s.code.SetPlaceHolder("000.00.00.H47")
	s.code.Validator = func(v string) error { return desk.ValidUnitCode(strings.TrimSpace(v)) }
	s.name = widget.NewEntry()
	s.name.SetPlaceHolder(lang.L("setup.name.hint"))
	s.address = widget.NewEntry()
	s.province = widget.NewEntry()
	s.counter = widget.NewRadioGroup([]string{lang.L("setup.counter.commune"), lang.L("setup.counter.postal")}, nil)
	s.counter.Horizontal = true
	s.counter.SetSelected(lang.L("setup.counter.commune"))
	s.hotlines = widget.NewMultiLineEntry()
	s.hotlines.SetPlaceHolder(lang.L("setup.hotlines.hint"))
	s.hotlines.SetMinRowsVisible(3)
	s.portal = widget.NewEntry()
	s.portal.SetPlaceHolder("https://dichvucong.example.gov.vn")
	s.errLbl = widget.NewLabel("")
	s.errLbl.Wrapping = fyne.TextWrapWord
	s.errLbl.Importance = widget.DangerImportance
	s.save = widget.NewButton(lang.L("setup.save"), s.submit)
	s.save.Importance = widget.HighImportance
	s.training = widget.NewButton(lang.L("setup.training"), s.startTraining)
	form := widget.NewForm(
		widget.NewFormItem(lang.L("setup.code"), s.code),
		widget.NewFormItem(lang.L("setup.name"), s.name),
		widget.NewFormItem(lang.L("setup.address"), s.address),
		widget.NewFormItem(lang.L("setup.province"), s.province),
		widget.NewFormItem(lang.L("setup.counter"), s.counter),
		widget.NewFormItem(lang.L("setup.hotlines"), s.hotlines),
		widget.NewFormItem(lang.L("setup.portal"), s.portal),
	)
	intro := widget.NewLabel(lang.L("setup.intro"))
	intro.Wrapping = fyne.TextWrapWord
	s.root = container.NewPadded(container.NewVScroll(container.NewVBox(
		widget.NewLabelWithStyle(lang.L("setup.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		intro, s.training, widget.NewSeparator(), form, s.errLbl, container.NewHBox(s.save))))
	return s
}

// load fills the form from the current unit profile (Settings re-uses the form).
func (s *setupScreen) load(unit desk.Unit) {
	s.code.SetText(unit.Code)
	s.name.SetText(unit.Name)
	s.address.SetText(unit.Address)
	s.province.SetText(unit.Province)
	if unit.CounterType == "postal" {
		s.counter.SetSelected(lang.L("setup.counter.postal"))
	}
	var lines []string
	for _, h := range unit.Hotlines {
		lines = append(lines, strings.Join([]string{h.Label, h.Phone, h.Email}, " | "))
	}
	s.hotlines.SetText(strings.Join(lines, "\n"))
	s.portal.SetText(unit.PortalURL)
}

// unit reads the form; hotline lines are "label | phone | email".
func (s *setupScreen) unit() desk.Unit {
	u := desk.Unit{
		Code: strings.TrimSpace(s.code.Text), Name: strings.TrimSpace(s.name.Text),
		Address: strings.TrimSpace(s.address.Text), Province: strings.TrimSpace(s.province.Text),
		CounterType: "commune", PortalURL: strings.TrimSpace(s.portal.Text), Training: s.u.env.Training,
	}
	if s.counter.Selected == lang.L("setup.counter.postal") {
		u.CounterType = "postal"
	}
	for _, line := range strings.Split(s.hotlines.Text, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		parts := strings.Split(line, "|")
		for len(parts) < 3 {
			parts = append(parts, "")
		}
		u.Hotlines = append(u.Hotlines, desk.Hotline{Label: strings.TrimSpace(parts[0]), Phone: strings.TrimSpace(parts[1]), Email: strings.TrimSpace(parts[2])})
	}
	return u
}

func (s *setupScreen) submit() {
	unit := s.unit()
	if err := desk.ValidUnitCode(unit.Code); err != nil {
		s.errLbl.SetText(lang.L("setup.err.code"))
		return
	}
	if unit.Name == "" {
		s.errLbl.SetText(lang.L("setup.err.name"))
		return
	}
	s.errLbl.SetText("")
	u := s.u
	u.goDo(func(ctx context.Context) {
		err := u.desk.Settings.SaveUnit(ctx, unit)
		uiDo(func() {
			if err != nil {
				s.errLbl.SetText(ErrorText(err))
				return
			}
			u.setStatus(lang.L("setup.saved"))
			u.show(screenHome)
		})
	})
}

func (s *setupScreen) startTraining() {
	if s.u.env.SwitchToTraining != nil {
		if err := s.u.env.SwitchToTraining(); err != nil {
			s.u.showError(err)
		}
		return
	}
	showMessage(s.u.win, lang.L("setup.training"), lang.L("setup.training.how"))
}
