// Check and sign: per-component "matches the original", the certificate picker, the PIN dialog with
// tries left, signing in the background and the verification report afterwards.

package app

import (
	"context"
	"crypto/x509"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"sohoa/desk"
	"sohoa/signing"
)

type signTab struct {
	ws       *workspace
	root     fyne.CanvasObject
	checks   *fyne.Container
	certs    []TokenCert
	picker   *widget.Select
	certInfo *widget.Label
	refresh  *widget.Button
	signBtn  *widget.Button
	progress *widget.ProgressBarInfinite
	report   *widget.Label
	reopen   *widget.Button
	buttons  *fyne.Container
	busy     bool
}

func newSignTab(ws *workspace) *signTab {
	t := &signTab{ws: ws}
	t.checks = container.NewVBox()
	t.picker = widget.NewSelect(nil, func(string) { t.showCert() })
	t.picker.PlaceHolder = lang.L("sign.pick")
	t.certInfo = widget.NewLabel("")
	t.certInfo.Wrapping = fyne.TextWrapWord
	t.refresh = widget.NewButtonWithIcon(lang.L("sign.refresh"), theme.ViewRefreshIcon(), t.loadCerts)
	t.signBtn = widget.NewButtonWithIcon(lang.L("sign.sign"), theme.ConfirmIcon(), t.sign)
	t.signBtn.Importance = widget.HighImportance
	t.progress = widget.NewProgressBarInfinite()
	t.progress.Stop()
	t.progress.Hide()
	t.report = widget.NewLabel("")
	t.report.Wrapping = fyne.TextWrapWord
	t.reopen = widget.NewButton(lang.L("sign.reopen"), t.reopenCapture)
	t.reopen.Hide()
	t.buttons = container.NewHBox(t.signBtn, t.reopen)
	intro := widget.NewLabel(lang.L("sign.intro"))
	intro.Wrapping = fyne.TextWrapWord
	t.root = container.NewVScroll(container.NewPadded(container.NewVBox(
		widget.NewLabelWithStyle(lang.L("sign.check_title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		intro, t.checks, widget.NewSeparator(),
		widget.NewLabelWithStyle(lang.L("sign.cert_title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewBorder(nil, nil, nil, t.refresh, t.picker), t.certInfo,
		t.buttons, t.progress,
		widget.NewLabelWithStyle(lang.L("sign.report_title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), t.report)))
	return t
}

// apply rebuilds the checks from the view and enables signing when it is allowed.
func (t *signTab) apply() {
	v := t.ws.view
	t.checks.Objects = nil
	editable := v.State == desk.Draft || v.State == desk.Captured
	for _, c := range v.Components {
		comp := c
		chk := widget.NewCheck(fmt.Sprintf("%s — %s", c.Name, componentState(c)), nil)
		chk.SetChecked(c.Confirmed)
		chk.OnChanged = func(ok bool) { t.ws.setConfirmed(comp.Code, ok) }
		if !editable || (len(c.Pages) == 0 && len(c.Files) == 0) {
			chk.Disable()
		}
		t.checks.Add(chk)
	}
	t.checks.Refresh()
	setEnabled(t.signBtn, v.State == desk.Captured && !t.busy)
	if v.State == desk.Signed || v.State == desk.Failed {
		t.reopen.Show()
	} else {
		t.reopen.Hide()
	}
	t.buttons.Refresh()
	if len(t.certs) == 0 && t.picker.Options == nil {
		t.loadCerts()
	}
}

// loadCerts fills the certificate picker: the training identity, or the tokens' certificates.
func (t *signTab) loadCerts() {
	u := t.ws.u
	t.picker.SetOptions([]string{})
	u.goDo(func(ctx context.Context) {
		var certs []TokenCert
		var err error
		switch {
		case u.env.Training && u.env.TrainingIdentity != nil:
			var id signing.Identity
			id, err = u.env.TrainingIdentity()
			if err == nil {
				certs = []TokenCert{certOf(id, lang.L("sign.training_token"))}
				id.Close()
			}
		case u.env.ListTokens != nil:
			certs, err = u.env.ListTokens(ctx)
		case u.env.OpenIdentity != nil:
			certs = []TokenCert{{Token: lang.L("sign.token"), Holder: lang.L("sign.token_unknown")}}
		}
		uiDo(func() {
			if err != nil {
				t.certInfo.SetText(ErrorText(err))
			}
			t.certs = certs
			var names []string
			for _, c := range certs {
				names = append(names, certLabel(c))
			}
			t.picker.SetOptions(names)
			if len(names) > 0 {
				t.picker.SetSelectedIndex(0)
			} else if err == nil {
				t.certInfo.SetText(lang.L("sign.no_token"))
			}
		})
	})
}

// certOf describes an open identity for the picker.
func certOf(id signing.Identity, token string) TokenCert {
	c := id.Certificate()
	tc := TokenCert{Token: token}
	if c != nil {
		tc.Holder, tc.Issuer, tc.NotBefore, tc.NotAfter = c.Subject.CommonName, c.Issuer.CommonName, c.NotBefore, c.NotAfter
	}
	return tc
}

func certLabel(c TokenCert) string {
	return fmt.Sprintf("%s — %s", c.Holder, c.Token)
}

func (t *signTab) chosen() (TokenCert, bool) {
	i := t.picker.SelectedIndex()
	if i < 0 || i >= len(t.certs) {
		return TokenCert{}, false
	}
	return t.certs[i], true
}

// showCert shows holder, issuer, validity and the PIN state of the chosen certificate.
func (t *signTab) showCert() {
	c, ok := t.chosen()
	if !ok {
		return
	}
	lines := []string{
		lang.L("sign.holder", map[string]any{"Name": c.Holder}),
		lang.L("sign.issuer", map[string]any{"Name": c.Issuer}),
	}
	if !c.NotAfter.IsZero() {
		lines = append(lines, lang.L("sign.validity", map[string]any{"From": c.NotBefore.Format(dateLayout), "To": c.NotAfter.Format(dateLayout)}))
		if time.Now().After(c.NotAfter) {
			lines = append(lines, lang.L("sign.expired"))
		}
	}
	switch {
	case c.PINLocked:
		lines = append(lines, lang.L("pin.locked"))
	case c.PINFinalTry:
		lines = append(lines, lang.L("pin.final_try"))
	case c.PINCountLow:
		lines = append(lines, lang.L("pin.count_low"))
	}
	t.certInfo.SetText(strings.Join(lines, "\n"))
}

// sign asks for the PIN when a token is used, then signs in the background.
func (t *signTab) sign() {
	u := t.ws.u
	if u.env.Training && u.env.TrainingIdentity != nil {
		t.run(func(context.Context) (signing.Identity, error) { return u.env.TrainingIdentity() })
		return
	}
	c, ok := t.chosen()
	if !ok {
		u.showError(fmt.Errorf("%w", signing.ErrNoCertificate))
		return
	}
	t.askPIN(c, func(pin []byte) {
		t.run(func(ctx context.Context) (signing.Identity, error) {
			defer clear(pin)
			if u.env.OpenToken != nil && c.Ref != nil {
				return u.env.OpenToken(ctx, c, pin)
			}
			if u.env.OpenIdentity == nil {
				return nil, signing.ErrNoCertificate
			}
			return u.env.OpenIdentity(ctx, pin)
		})
	})
}

// askPIN shows the PIN dialog with the tries the token reports, warning before the last try.
func (t *signTab) askPIN(c TokenCert, done func(pin []byte)) {
	u := t.ws.u
	if c.PINLocked {
		u.showError(fmt.Errorf("%s", lang.L("pin.locked")))
		return
	}
	pin := widget.NewPasswordEntry()
	note := widget.NewLabel(lang.L("pin.hint"))
	note.Wrapping = fyne.TextWrapWord
	switch {
	case c.PINFinalTry:
		note.SetText(lang.L("pin.final_try"))
		note.Importance = widget.DangerImportance
	case c.PINCountLow:
		note.SetText(lang.L("pin.count_low"))
		note.Importance = widget.WarningImportance
	}
	content := container.NewVBox(widget.NewLabel(certLabel(c)), pin, note)
	d := dialog.NewCustomConfirm(lang.L("pin.title"), lang.L("pin.ok"), lang.L("pin.cancel"), content, func(ok bool) {
		p := []byte(pin.Text)
		pin.SetText("")
		if ok && len(p) > 0 {
			done(p)
		}
	}, u.win)
	d.Resize(fyne.NewSize(460, 240))
	d.Show()
	u.win.Canvas().Focus(pin)
}

// run opens the identity and signs the dossier in the background, then verifies what was signed.
func (t *signTab) run(open func(ctx context.Context) (signing.Identity, error)) {
	u := t.ws.u
	id := t.ws.id
	t.busy = true
	t.signBtn.Disable()
	t.progress.Show()
	t.progress.Start()
	t.report.SetText("")
	u.setStatus(lang.L("sign.running"))
	u.goDo(func(ctx context.Context) {
		var report string
		ident, err := open(ctx)
		if err == nil {
			roots := u.roots(ident)
			err = u.desk.Signing.Sign(ctx, id, ident, desk.SignOptions{Roots: roots, TSAURL: u.env.TSAURL})
			ident.Close()
			if err == nil {
				report, err = u.verifyDossier(ctx, id, roots)
			}
		}
		uiDo(func() {
			t.busy = false
			t.progress.Stop()
			t.progress.Hide()
			if err != nil {
				t.report.SetText(ErrorText(err))
				u.showError(err)
			} else {
				t.report.SetText(report)
				u.setStatus(lang.L("sign.done"))
			}
			t.ws.reload(nil)
		})
	})
}

// roots are the trust anchors for the pre-sign check and verification: Env.Roots or the shipped
// roots, plus in training the root of the training identity's chain.
func (u *UI) roots(ident signing.Identity) *x509.CertPool {
	pool := u.env.Roots
	if pool == nil {
		pool = signing.ShippedRoots()
	}
	if !u.env.Training || ident == nil {
		return pool
	}
	pool = pool.Clone()
	for _, c := range ident.Chain() {
		if c.IsCA {
			pool.AddCert(c)
		}
	}
	return pool
}

// verifyDossier verifies every signed file of the dossier and returns the reports as text.
func (u *UI) verifyDossier(ctx context.Context, id string, roots *x509.CertPool) (string, error) {
	checks, err := u.desk.Signing.VerifySigned(ctx, id, roots, Language())
	if err != nil {
		return "", err
	}
	var out []string
	for _, c := range checks {
		if c.Err != nil {
			return "", c.Err
		}
		out = append(out, c.File.Name+"\n"+c.Report)
	}
	return strings.Join(out, "\n\n"), nil
}

// reopenCapture drops the signatures so pages can be edited again (after a confirmation).
func (t *signTab) reopenCapture() {
	u := t.ws.u
	id := t.ws.id
	dialog.ShowConfirm(lang.L("sign.reopen"), lang.L("sign.reopen.confirm"), func(ok bool) {
		if !ok {
			return
		}
		u.goDo(func(ctx context.Context) {
			err := u.desk.Capture.ReopenCapture(ctx, id)
			uiDo(func() {
				if err != nil {
					u.showError(err)
				}
				t.report.SetText("")
				t.ws.reload(nil)
			})
		})
	}, u.win)
}
