// Authorize and submit: the citizen's authorization (browser loopback login, or the training citizen),
// then a submit that only queues; the portal's code appears when the upload completes.

package app

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"sohoa/app/vnkey/vnentry"
	"sohoa/desk"
	"sohoa/errs"
	"sohoa/portal"
)

type submitTab struct {
	ws        *workspace
	root      fyne.CanvasObject
	token     *portal.Token
	authLbl   *widget.Label
	authBtn   *widget.Button
	phoneBtn  *widget.Button
	phone     *phoneAuth // the device flow on screen, while it waits
	byPost    *widget.Check
	postAddr  *vnentry.Entry
	submitBtn *widget.Button
	code      *canvas.Text
	state     *widget.Label
	authBusy  bool
}

func newSubmitTab(ws *workspace) *submitTab {
	t := &submitTab{ws: ws}
	t.authLbl = widget.NewLabel(lang.L("auth.none"))
	t.authLbl.Wrapping = fyne.TextWrapWord
	label := lang.L("auth.browser")
	if ws.u.env.Training {
		label = lang.L("auth.training")
	}
	t.authBtn = widget.NewButtonWithIcon(label, theme.LoginIcon(), t.authorize)
	t.phoneBtn = widget.NewButtonWithIcon(lang.L("auth.phone"), theme.ComputerIcon(), t.authorizePhone)
	t.postAddr = vnentry.New(ws.u.typing)
	t.postAddr.SetPlaceHolder(lang.L("submit.post.address"))
	t.postAddr.Hide()
	t.byPost = widget.NewCheck(lang.L("submit.post"), func(on bool) {
		if on {
			t.postAddr.Show()
		} else {
			t.postAddr.Hide()
		}
	})
	t.submitBtn = widget.NewButtonWithIcon(lang.L("submit.submit"), theme.UploadIcon(), t.submit)
	t.submitBtn.Importance = widget.HighImportance
	t.code = canvas.NewText("", theme.Color(theme.ColorNameForeground))
	t.code.TextSize = theme.TextSize() * 2
	t.code.TextStyle = fyne.TextStyle{Bold: true}
	t.state = widget.NewLabel("")
	t.state.Wrapping = fyne.TextWrapWord
	intro := widget.NewLabel(lang.L("auth.intro"))
	intro.Wrapping = fyne.TextWrapWord
	t.root = container.NewVScroll(container.NewPadded(container.NewVBox(
		widget.NewLabelWithStyle(lang.L("auth.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		intro, container.NewHBox(t.authBtn, t.phoneBtn), t.authLbl, widget.NewSeparator(),
		widget.NewLabelWithStyle(lang.L("submit.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		t.byPost, t.postAddr, container.NewHBox(t.submitBtn), t.state, t.code)))
	return t
}

// apply shows the authorization and the queue state of the dossier.
func (t *submitTab) apply() {
	v := t.ws.view
	setEnabled(t.authBtn, !t.authBusy && (v.State == desk.Signed || v.State == desk.Failed))
	setEnabled(t.phoneBtn, !t.authBusy && t.ws.u.env.PortalURL != "" && (v.State == desk.Signed || v.State == desk.Failed))
	setEnabled(t.submitBtn, t.token != nil && (v.State == desk.Signed || v.State == desk.Failed))
	t.code.Text = ""
	switch v.State {
	case desk.Draft, desk.Captured:
		t.state.SetText(lang.L("submit.sign_first"))
	case desk.Signed:
		t.state.SetText(lang.L("submit.ready"))
	case desk.Queued:
		t.state.SetText(queueLine(v))
	case desk.Failed:
		t.state.SetText(lang.L("submit.failed", map[string]any{"Reason": outboxReason(v)}))
	case desk.Submitted:
		t.state.SetText(lang.L("submit.done"))
		t.code.Text = v.PortalCode
	}
	t.code.Refresh()
}

// queueLine describes a queued dossier: attempts and the next try.
func queueLine(v desk.View) string {
	if v.Outbox == nil {
		return lang.L("submit.queued")
	}
	s := lang.L("submit.queued_attempts", map[string]any{"N": v.Outbox.Attempts})
	if v.Outbox.LastError != "" {
		s += "\n" + outboxErrorText(v.Outbox.ErrorClass, v.Outbox.LastError)
	}
	return s
}

func outboxReason(v desk.View) string {
	if v.Outbox != nil && v.Outbox.LastError != "" {
		return outboxErrorText(v.Outbox.ErrorClass, v.Outbox.LastError)
	}
	return v.LastError
}

// authorize runs the citizen's authorization (Env.Authorize) in the background.
func (t *submitTab) authorize() {
	u := t.ws.u
	if u.env.Authorize == nil {
		u.showError(desk.ErrNoAuthorization)
		return
	}
	t.authBusy = true
	t.authBtn.Disable()
	t.authLbl.SetText(lang.L("auth.waiting"))
	u.goDo(func(ctx context.Context) {
		actx, cancel := context.WithTimeout(ctx, 5*time.Minute)
		defer cancel()
		tok, err := u.env.Authorize(actx)
		uiDo(func() {
			t.authorized(tok, err)
		})
	})
}

// authorized shows the outcome of an authorization (either flow); on the UI goroutine.
func (t *submitTab) authorized(tok portal.Token, err error) {
	u := t.ws.u
	t.authBusy = false
	if err != nil {
		err = errs.Frame(desk.ErrNotQueued, err) // nothing is queued before the authorization
		t.authLbl.SetText(ErrorText(err))
		u.showError(err)
	} else {
		t.token = &tok
		vneid := ""
		if tok.VNeID {
			vneid = " · VNeID"
		}
		t.authLbl.SetText(lang.L("auth.ok", map[string]any{"Name": tok.Name, "ID": tok.Subject}) + vneid)
		u.setStatus(lang.L("auth.ok", map[string]any{"Name": tok.Name, "ID": tok.Subject}))
	}
	t.apply()
}

// submit queues the dossier; the uploader does the rest in the background.
func (t *submitTab) submit() {
	if t.token == nil {
		return
	}
	u := t.ws.u
	id := t.ws.id
	tok := *t.token
	byPost, addr := t.byPost.Checked, t.postAddr.Text
	t.submitBtn.Disable()
	u.goDo(func(ctx context.Context) {
		var it desk.OutboxItem
		var err error
		if byPost { // delivery by post adds its fee before the manifest is built
			err = u.desk.Dossiers.SetDelivery(ctx, id, true, addr)
		}
		if err == nil {
			it, err = u.desk.Outbox.Submit(ctx, id, tok)
		}
		uiDo(func() {
			if err != nil {
				u.showError(err)
			} else {
				t.token = nil // held by the desk, encrypted, until the upload finishes
				u.setStatus(lang.L("submit.queued_id", map[string]any{"ID": it.DossierID}))
				u.kickUploader()
			}
			t.ws.reload(nil)
		})
	})
}

// codeText is the portal code label's text (tests and autopilot read it).
func (t *submitTab) codeText() string { return t.code.Text }
