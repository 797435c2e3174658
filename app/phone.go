// The citizen authorizes on their own phone (OAuth device flow, RFC 8628): a QR code and a short code
// on screen, the desk polls the portal until the citizen approves, denies, or the code expires.

package app

import (
	"bytes"
	"context"
	"image"
	"image/png"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	qrcode "github.com/skip2/go-qrcode"

	"sohoa/portal"
)

// phoneAuth is a device authorization on screen.
type phoneAuth struct {
	grant  *portal.DeviceGrant
	dlg    dialog.Dialog
	code   *widget.Label
	cancel context.CancelFunc
}

// qrImage encodes s as a QR code image (ISO/IEC 18004, medium error correction).
func qrImage(s string, size int) (image.Image, error) {
	b, err := qrcode.Encode(s, qrcode.Medium, size)
	if err != nil {
		return nil, err
	}
	return png.Decode(bytes.NewReader(b))
}

// authorizePhone starts the device flow for this dossier: the consent the citizen sees names it.
func (t *submitTab) authorizePhone() {
	u := t.ws.u
	id := t.ws.id
	t.authBusy = true
	t.apply()
	t.authLbl.SetText(lang.L("auth.phone.starting"))
	u.goDo(func(ctx context.Context) {
		a := &portal.DeviceAuthorizer{Issuer: u.env.PortalURL,
			Scopes: append(append([]string{}, portal.DefaultScopes...), portal.DossierScope(id))}
		g, err := a.Start(ctx)
		var img image.Image
		if err == nil {
			img, err = qrImage(g.VerificationURIComplete, 320)
		}
		if err != nil {
			uiDo(func() { t.authorized(portal.Token{}, err) })
			return
		}
		wctx, cancel := context.WithDeadline(ctx, g.Expires)
		uiDo(func() { t.showPhone(g, img, cancel) })
		tok, err := g.Wait(wctx)
		cancel()
		uiDo(func() {
			if t.phone != nil {
				t.phone.dlg.Hide()
				t.phone = nil
			}
			t.authorized(tok, err)
		})
	})
}

// showPhone puts the QR code and the user code on screen; Cancel stops the polling.
func (t *submitTab) showPhone(g *portal.DeviceGrant, img image.Image, cancel context.CancelFunc) {
	u := t.ws.u
	qr := canvas.NewImageFromImage(img)
	qr.FillMode = canvas.ImageFillContain
	qr.SetMinSize(fyne.NewSize(260, 260))
	code := widget.NewLabelWithStyle(g.UserCode, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	how := widget.NewLabel(lang.L("auth.phone.how", map[string]any{"URL": g.VerificationURI}))
	how.Wrapping = fyne.TextWrapWord
	content := container.NewVBox(how, container.NewCenter(qr), code)
	d := dialog.NewCustom(lang.L("auth.phone.title"), lang.L("auth.phone.cancel"), content, u.win)
	d.SetOnClosed(cancel)
	d.Resize(fyne.NewSize(440, 480))
	t.phone = &phoneAuth{grant: g, dlg: d, code: code, cancel: cancel}
	t.authLbl.SetText(lang.L("auth.phone.waiting", map[string]any{"Code": g.UserCode}))
	d.Show()
}
