// Receipt: make the "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", preview it, open it in the system viewer for printing.

package app

import (
	"context"
	"fmt"
	"image"
	"net/url"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"sohoa/desk"
	"sohoa/internal/atomicfile"
)

type receiptTab struct {
	ws      *workspace
	root    fyne.CanvasObject
	makeBtn *widget.Button
	openBtn *widget.Button
	info    *widget.Label
	preview *canvas.Image
	scroll  *container.Scroll
	path    string // the receipt file last written
	forID   string
	// After submission: the portal's status, a refresh action and the payment request.
	statusLbl  *widget.Label
	refreshBtn *widget.Button
	payBox     *fyne.Container
}

func newReceiptTab(ws *workspace) *receiptTab {
	t := &receiptTab{ws: ws}
	t.makeBtn = widget.NewButtonWithIcon(lang.L("receipt.make"), theme.DocumentIcon(), t.makeReceipt)
	t.makeBtn.Importance = widget.HighImportance
	t.openBtn = widget.NewButtonWithIcon(lang.L("receipt.open"), theme.DocumentPrintIcon(), t.open)
	t.openBtn.Disable()
	t.info = widget.NewLabel("")
	t.info.Wrapping = fyne.TextWrapWord
	t.preview = canvas.NewImageFromImage(nil)
	t.preview.FillMode = canvas.ImageFillContain
	t.scroll = container.NewScroll(container.NewCenter(t.preview))
	t.statusLbl = widget.NewLabel("")
	t.refreshBtn = widget.NewButtonWithIcon(lang.L("receipt.refresh"), theme.ViewRefreshIcon(), func() { ws.u.syncStatusNow(ws.id) })
	t.payBox = container.NewVBox()
	status := container.NewVBox(container.NewHBox(t.statusLbl, t.refreshBtn), t.payBox)
	t.root = container.NewBorder(container.NewVBox(container.NewHBox(t.makeBtn, t.openBtn), t.info, status), nil, nil, nil, t.scroll)
	return t
}

// apply resets the tab when another dossier is shown.
func (t *receiptTab) apply() {
	if t.forID != t.ws.id {
		t.forID = t.ws.id
		t.path = ""
		t.preview.Image = nil
		t.preview.Refresh()
		t.openBtn.Disable()
		t.info.SetText(lang.L("receipt.intro"))
	}
	v := t.ws.view
	if v.State == desk.Submitted {
		t.makeBtn.SetText(lang.L("receipt.reprint"))
		t.statusLbl.SetText(lang.L("receipt.portal_status", map[string]any{"Code": v.PortalCode, "Status": portalStatusText(v.PortalStatus)}))
		t.statusLbl.Show()
		t.refreshBtn.Show()
		t.showPayment(v.ID)
	} else {
		t.makeBtn.SetText(lang.L("receipt.make"))
		t.statusLbl.Hide()
		t.refreshBtn.Hide()
		t.payBox.RemoveAll()
	}
}

// portalStatusText names a national dossier status (TrangThaiHoSo 1–10).
func portalStatusText(s int) string {
	if s < 1 || s > 10 {
		return lang.L("portal.status.none")
	}
	return lang.L(fmt.Sprintf("portal.status.%d", s))
}

// showPayment loads the dossier's payment request (if the portal asked for one) and shows it.
func (t *receiptTab) showPayment(id string) {
	u := t.ws.u
	u.goDo(func(ctx context.Context) {
		p, ok, err := u.desk.FollowUp.Payment(ctx, id)
		uiDo(func() {
			t.payBox.RemoveAll()
			if err == nil && ok && t.ws.id == id {
				t.payBox.Add(paymentCard(p))
			}
		})
	})
}

// receiptPath is where a dossier's receipt is written: <data>/receipts/<id>.pdf.
func (u *UI) receiptPath(id string) string {
	return u.desk.Folder.ReceiptPath(id)
}

// makeReceipt renders the receipt, writes it, and previews page 1 in the background.
func (t *receiptTab) makeReceipt() {
	u := t.ws.u
	id := t.ws.id
	t.makeBtn.Disable()
	u.goDo(func(ctx context.Context) {
		path := u.receiptPath(id)
		pdf, err := u.desk.FollowUp.Receipt(ctx, id)
		if err == nil {
			err = atomicfile.Write(path, pdf, 0o644)
		}
		var img image.Image
		var renderErr error
		if err == nil {
			var imgs []image.Image
			imgs, renderErr = renderPDF(ctx, pdf, 90, 1, 1)
			if renderErr == nil && len(imgs) > 0 {
				img = imgs[0]
			}
		}
		uiDo(func() {
			t.makeBtn.Enable()
			if err != nil {
				u.showError(err)
				return
			}
			t.path = path
			t.openBtn.Enable()
			msg := lang.L("receipt.saved", map[string]any{"Path": path})
			if renderErr != nil {
				msg += "\n" + lang.L("receipt.no_preview")
			}
			t.info.SetText(msg)
			if img != nil {
				b := img.Bounds()
				t.preview.Image = img
				t.preview.SetMinSize(fyne.NewSize(float32(b.Dx())*0.8, float32(b.Dy())*0.8))
				t.preview.Refresh()
				t.scroll.Content.Refresh()
				t.scroll.Refresh()
			}
			u.setStatus(lang.L("receipt.ready", map[string]any{"ID": id}))
		})
	})
}

// open hands the receipt to the system viewer for printing.
func (t *receiptTab) open() {
	if t.path == "" {
		return
	}
	u := t.ws.u
	if u.env.OpenURL == nil {
		u.showError(fmt.Errorf("%s", lang.L("receipt.no_viewer")))
		return
	}
	if err := u.env.OpenURL(&url.URL{Scheme: "file", Path: filepath.ToSlash(t.path)}); err != nil {
		u.showError(err)
	}
}
