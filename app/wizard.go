// New dossier wizard: procedure picker with diacritic-insensitive search, applicant form (CCCD QR or typed), components.

package app

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"sohoa/app/vnkey/vnentry"
	"sohoa/dossier/applicant"
	"sohoa/dossier/catalog"
)

type wizardScreen struct {
	u       *UI
	root    fyne.CanvasObject
	search  *widget.Entry
	results []catalog.Procedure
	list    *widget.List
	chosen  *catalog.Procedure
	detail  *widget.Label
	comps   *widget.Label

	qr     *widget.Entry
	qrBtn  *widget.Button
	fields map[string]*widget.Entry
	// nameEntry is the applicant-name field, typed with the built-in Vietnamese typing.
	nameEntry *vnentry.Entry
	errs      map[string]*widget.Label
	sex       *widget.Select
	create    *widget.Button
	formErr   *widget.Label
}

// applicantFields are the typed applicant fields in form order.
var applicantFields = []string{"id", "name", "dob", "address", "phone", "email"}

const dateLayout = "02/01/2006"

func newWizardScreen(u *UI) *wizardScreen {
	w := &wizardScreen{u: u, fields: map[string]*widget.Entry{}, errs: map[string]*widget.Label{}}
	w.search = widget.NewEntry()
	w.search.SetPlaceHolder(lang.L("wizard.search.hint"))
	w.search.OnChanged = func(string) { w.filter() }
	w.list = widget.NewList(func() int { return len(w.results) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(w.results) {
				o.(*widget.Label).SetText(w.results[i].Code + "  " + w.results[i].Name)
			}
		})
	w.list.OnSelected = func(i widget.ListItemID) {
		if i < len(w.results) {
			p := w.results[i]
			w.choose(&p)
		}
	}
	w.detail = widget.NewLabel(lang.L("wizard.pick"))
	w.detail.Wrapping = fyne.TextWrapWord
	w.comps = widget.NewLabel("")
	w.comps.Wrapping = fyne.TextWrapWord

	w.qr = widget.NewEntry()
	w.qr.SetPlaceHolder(lang.L("wizard.qr.hint"))
	w.qr.OnSubmitted = func(string) { w.fillFromQR() }
	w.qrBtn = widget.NewButtonWithIcon(lang.L("wizard.qr.fill"), theme.ContentPasteIcon(), w.fillFromQR)
	form := container.NewVBox()
	inputs := map[string]fyne.CanvasObject{}
	for _, f := range applicantFields {
		e := widget.NewEntry()
		inputs[f] = e
		if f == "name" || f == "address" { // Vietnamese text: the built-in Telex/VNI typing applies
			ve := vnentry.New(u.typing)
			e, inputs[f] = &ve.Entry, ve
			if f == "name" {
				w.nameEntry = ve
			}
		}
		name := f
		e.OnChanged = func(string) { w.setErr(name, "") }
		w.fields[f] = e
		el := widget.NewLabel("")
		el.Importance = widget.DangerImportance
		el.Wrapping = fyne.TextWrapWord
		w.errs[f] = el
	}
	w.fields["dob"].SetPlaceHolder("dd/mm/yyyy")
	w.fields["id"].SetPlaceHolder(lang.L("wizard.id.hint"))
	w.sex = widget.NewSelect([]string{"Nam", "Nữ"}, nil)
	w.sex.PlaceHolder = lang.L("wizard.sex.pick")
	w.errs["sex"] = widget.NewLabel("")
	w.errs["sex"].Importance = widget.DangerImportance
	add := func(key string, obj fyne.CanvasObject) {
		lbl := widget.NewLabel(lang.L("applicant." + key))
		form.Add(container.NewBorder(nil, nil, container.NewGridWrap(fyne.NewSize(150, obj.MinSize().Height), lbl), nil, obj))
		form.Add(w.errs[key])
		w.errs[key].Hide()
	}
	add("id", w.fields["id"])
	add("name", inputs["name"])
	add("dob", w.fields["dob"])
	add("sex", w.sex)
	add("address", inputs["address"])
	add("phone", w.fields["phone"])
	add("email", w.fields["email"])
	w.formErr = widget.NewLabel("")
	w.formErr.Importance = widget.DangerImportance
	w.formErr.Wrapping = fyne.TextWrapWord
	w.create = widget.NewButtonWithIcon(lang.L("wizard.create"), theme.ConfirmIcon(), w.submit)
	w.create.Importance = widget.HighImportance
	w.create.Disable()

	lr := container.NewVSplit(w.list, container.NewVScroll(container.NewVBox(w.detail, w.comps)))
	lr.Offset = 0.45
	left := container.NewBorder(container.NewVBox(
		widget.NewLabelWithStyle(lang.L("wizard.step1"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), w.search),
		nil, nil, nil, lr)
	right := container.NewBorder(
		container.NewVBox(widget.NewLabelWithStyle(lang.L("wizard.step2"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
			container.NewBorder(nil, nil, nil, w.qrBtn, w.qr)),
		container.NewVBox(w.formErr, container.NewHBox(w.create)), nil, nil, container.NewVScroll(form))
	hs := container.NewHSplit(left, right)
	hs.Offset = 0.48
	w.root = container.NewPadded(hs)
	return w
}

// reset empties the wizard for a new dossier.
func (w *wizardScreen) reset() {
	w.search.SetText("")
	w.chosen = nil
	w.list.UnselectAll()
	w.detail.SetText(lang.L("wizard.pick"))
	w.comps.SetText("")
	w.qr.SetText("")
	for k, e := range w.fields {
		e.SetText("")
		w.setErr(k, "")
	}
	w.sex.ClearSelected()
	w.setErr("sex", "")
	w.formErr.SetText("")
	w.create.Disable()
	w.filter()
}

// filter runs the catalog search (by code or name, with or without diacritics).
func (w *wizardScreen) filter() {
	q := strings.TrimSpace(w.search.Text)
	cat := w.u.desk.Dossiers.Catalog()
	if q == "" {
		w.results = cat.All()
	} else {
		w.results = cat.Search(q)
	}
	w.list.UnselectAll()
	w.list.Refresh()
}

// choose shows a procedure's details and components.
func (w *wizardScreen) choose(p *catalog.Procedure) {
	w.chosen = p
	days := lang.L("wizard.days.same")
	if p.Days > 0 {
		days = lang.L("wizard.days", map[string]any{"N": p.Days})
	}
	fee := lang.L("wizard.fee.none")
	if len(p.Fees) > 0 {
		var parts []string
		for _, f := range p.Fees {
			parts = append(parts, fmt.Sprintf("%s: %s", f.Name, money(f.Amount)))
		}
		fee = strings.Join(parts, "; ")
	}
	w.detail.SetText(fmt.Sprintf("%s — %s\n%s: %s\n%s: %s\n%s: %s", p.Code, p.Name,
		lang.L("wizard.field"), p.Field, lang.L("wizard.time"), days, lang.L("wizard.fees"), fee))
	var lines []string
	for _, c := range p.Scanned() {
		req := lang.L("wizard.optional")
		if c.Required {
			req = lang.L("wizard.required")
		}
		lines = append(lines, fmt.Sprintf("• %s (%s) — %s", c.Name, c.Code, req))
	}
	w.comps.SetText(lang.L("wizard.components") + "\n" + strings.Join(lines, "\n"))
	w.create.Enable()
}

// money formats VND with dot thousands separators.
func money(v int64) string {
	if v == 0 {
		return lang.L("wizard.free")
	}
	s := fmt.Sprint(v)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	return b.String() + " ₫"
}

// fillFromQR parses the CCCD QR text into the form.
func (w *wizardScreen) fillFromQR() {
	a, err := applicant.ParseCCCDQR(w.qr.Text)
	if err != nil {
		w.formErr.SetText(ErrorText(err))
		w.markFieldError(err)
		return
	}
	w.formErr.SetText("")
	w.fields["id"].SetText(a.ID)
	w.fields["name"].SetText(a.Name)
	if !a.DOB.IsZero() {
		w.fields["dob"].SetText(a.DOB.Format(dateLayout))
	}
	w.sex.SetSelected(a.Sex)
	w.fields["address"].SetText(a.Address)
	w.u.setStatus(lang.L("wizard.qr.ok", map[string]any{"Name": a.Name}))
}

var digitsRE = regexp.MustCompile(`^\d+$`)

// applicant reads the form, checking each field and writing the problem next to it.
func (w *wizardScreen) applicant() (applicant.Applicant, bool) {
	ok := true
	bad := func(field, key string) {
		w.setErr(field, lang.L(key))
		ok = false
	}
	a := applicant.Applicant{
		ID: strings.TrimSpace(w.fields["id"].Text), Name: strings.TrimSpace(w.fields["name"].Text),
		Sex: w.sex.Selected, Address: strings.TrimSpace(w.fields["address"].Text),
		Phone: strings.TrimSpace(w.fields["phone"].Text), Email: strings.TrimSpace(w.fields["email"].Text),
	}
	if q, err := applicant.ParseCCCDQR(w.qr.Text); err == nil && q.ID == a.ID {
		a.OldID, a.IssueDate = q.OldID, q.IssueDate
	}
	if !digitsRE.MatchString(a.ID) || (len(a.ID) != 12 && len(a.ID) != 9) {
		bad("id", "wizard.err.id")
	}
	if a.Name == "" {
		bad("name", "wizard.err.name")
	}
	if s := strings.TrimSpace(w.fields["dob"].Text); s != "" {
		t, err := time.ParseInLocation(dateLayout, s, time.UTC)
		if err != nil || t.After(time.Now()) {
			bad("dob", "wizard.err.dob")
		}
		a.DOB = t
	}
	if a.Email != "" && !strings.Contains(a.Email, "@") {
		bad("email", "wizard.err.email")
	}
	if !ok {
		return a, false
	}
	if err := a.Validate(); err != nil {
		w.markFieldError(err)
		w.formErr.SetText(ErrorText(err))
		return a, false
	}
	return a, true
}

// markFieldError writes a typed applicant error next to its field.
func (w *wizardScreen) markFieldError(err error) {
	var fe *applicant.FieldError
	if !errors.As(err, &fe) {
		return
	}
	key := strings.ToLower(fe.Field)
	w.setErr(key, ErrorText(err))
}

// submit creates the dossier and opens it in the workspace.
func (w *wizardScreen) submit() {
	if w.chosen == nil {
		w.formErr.SetText(lang.L("wizard.pick"))
		return
	}
	a, ok := w.applicant()
	if !ok {
		return
	}
	code := w.chosen.Code
	w.create.Disable()
	u := w.u
	u.goDo(func(ctx context.Context) {
		v, err := u.desk.Dossiers.NewDossier(ctx, code, a)
		uiDo(func() {
			w.create.Enable()
			if err != nil {
				w.formErr.SetText(ErrorText(err))
				w.markFieldError(err)
				return
			}
			u.setStatus(lang.L("wizard.created", map[string]any{"ID": v.ID}))
			u.openDossier(v.ID)
		})
	})
}

// setErr writes (or clears) the message next to a field; empty messages take no room.
func (w *wizardScreen) setErr(field, msg string) {
	l, ok := w.errs[field]
	if !ok {
		return
	}
	l.SetText(msg)
	if msg == "" {
		l.Hide()
	} else {
		l.Show()
	}
}

// nameInput is the applicant-name field as laid out (the Telex-capable entry).
func (w *wizardScreen) nameInput() *vnentry.Entry { return w.nameEntry }
