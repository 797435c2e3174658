// Capture and review: scan or import into a component, the page strip that fills as pages arrive,
// page edits (rotate, reorder, delete, re-scan, insert), imported PDF tiles and the zoomable preview.

package app

import (
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"sohoa/desk"
	"sohoa/scanner"
	_ "sohoa/scanner/virtual" // the training scanner is always available
)

// scanPrefs are the last device and settings, remembered across sessions.
type scanPrefs struct {
	Device string            `json:"device"`
	Source scanner.Source    `json:"source"`
	DPI    int               `json:"dpi"`
	Mode   scanner.ColorMode `json:"mode"`
}

const settingScan = desk.PrefScan

type cachedThumb struct {
	rotation int
	img      image.Image
}

// captureTab is the capture screen of a dossier: the scanner choice, the page strip, the preview
// and the page actions.
type captureTab struct {
	*scanChoice
	*pagePreview
	ws    *workspace
	root  fyne.CanvasObject
	title *widget.Label

	scanBtn, importBtn, cancelBtn *widget.Button
	progress                      *widget.ProgressBar
	strip                         *fyne.Container
	stripScroll                   *container.Scroll
	thumbs                        []*thumb
	selected                      int64
	cache                         map[int64]cachedThumb
	pending                       map[int64]bool
	files                         *fyne.Container
	confirm                       *widget.Check
	info                          *widget.Label

	rotL, rotR, moveL, moveR, del, rescan, insert *tipButton

	cancelScan    context.CancelFunc
	scanning      bool
	suppressCheck bool
}

// sourceKeys and modeKeys give the translation key of each scanner setting.
var sourceKeys = map[scanner.Source]string{scanner.SourcePlaten: "scan.source.platen", scanner.SourceFeeder: "scan.source.feeder", scanner.SourceDuplex: "scan.source.duplex"}
var modeKeys = map[scanner.ColorMode]string{scanner.ModeColor: "scan.mode.color", scanner.ModeGray: "scan.mode.gray", scanner.ModeBW: "scan.mode.bw"}

func newCaptureTab(ws *workspace) *captureTab {
	t := &captureTab{scanChoice: &scanChoice{u: ws.u}, pagePreview: &pagePreview{zoom: 1}, ws: ws, cache: map[int64]cachedThumb{}, pending: map[int64]bool{}}
	t.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	t.device = widget.NewSelect(nil, func(string) { t.deviceChanged() })
	t.device.PlaceHolder = lang.L("scan.device.none")
	t.source = widget.NewSelect(nil, nil)
	t.dpi = widget.NewSelect(nil, nil)
	t.mode = widget.NewSelect(nil, nil)
	t.scanBtn = widget.NewButtonWithIcon(lang.L("scan.scan"), theme.MediaPlayIcon(), func() { t.scan(-1, 0) })
	t.scanBtn.Importance = widget.HighImportance
	t.importBtn = widget.NewButtonWithIcon(lang.L("scan.import"), theme.FolderOpenIcon(), t.importDialog)
	t.cancelBtn = widget.NewButtonWithIcon(lang.L("scan.cancel"), theme.CancelIcon(), t.cancel)
	t.cancelBtn.Disable()
	t.progress = widget.NewProgressBar()
	t.strip = container.NewVBox()
	t.stripScroll = container.NewVScroll(t.strip)
	t.stripScroll.SetMinSize(fyne.NewSize(thumbSize.Width+theme.Padding()*2+8, 200))
	t.files = container.NewHBox()
	t.confirm = widget.NewCheck(lang.L("scan.confirm"), t.confirmChanged)
	t.info = widget.NewLabel("")
	t.info.Wrapping = fyne.TextWrapWord

	u := ws.u
	t.rotL = u.iconButton(theme.MediaReplayIcon(), lang.L("page.rotate_left"), func() { t.rotate(-90) })
	t.rotR = u.iconButton(theme.ViewRefreshIcon(), lang.L("page.rotate_right"), func() { t.rotate(90) })
	t.moveL = u.iconButton(theme.MoveUpIcon(), lang.L("page.move_left"), func() { t.moveSelected(-1) })
	t.moveR = u.iconButton(theme.MoveDownIcon(), lang.L("page.move_right"), func() { t.moveSelected(1) })
	t.del = u.iconButton(theme.DeleteIcon(), lang.L("page.delete"), t.deleteSelected)
	t.rescan = u.iconButton(theme.ViewRefreshIcon(), lang.L("page.rescan"), t.rescanSelected)
	t.rescan.SetText(lang.L("page.rescan"))
	t.insert = u.iconButton(theme.ContentAddIcon(), lang.L("page.insert"), t.insertAfterSelected)
	t.insert.SetText(lang.L("page.insert"))

	t.preview = canvas.NewImageFromImage(nil)
	t.preview.FillMode = canvas.ImageFillContain
	t.preview.ScaleMode = canvas.ImageScaleSmooth
	t.previewScroll = container.NewScroll(container.NewCenter(t.preview))
	t.previewScroll.SetMinSize(fyne.NewSize(300, 200))
	t.zoomLbl = widget.NewLabel("100 %")
	zoomOut := u.iconButton(theme.ZoomOutIcon(), lang.L("preview.zoom_out"), func() { t.setZoom(t.zoom / 1.25) })
	zoomIn := u.iconButton(theme.ZoomInIcon(), lang.L("preview.zoom_in"), func() { t.setZoom(t.zoom * 1.25) })
	zoomFit := u.iconButton(theme.ZoomFitIcon(), lang.L("preview.zoom_fit"), func() { t.setZoom(1) })

	settings := container.NewHBox(
		widget.NewLabel(lang.L("scan.device")), container.NewGridWrap(fyne.NewSize(220, 36), t.device),
		container.NewGridWrap(fyne.NewSize(150, 36), t.source),
		container.NewGridWrap(fyne.NewSize(100, 36), t.dpi),
		container.NewGridWrap(fyne.NewSize(110, 36), t.mode))
	actions := container.NewHBox(t.scanBtn, t.importBtn, t.cancelBtn)
	pageBar := container.NewHBox(t.rotL, t.rotR, t.moveL, t.moveR, t.del, t.rescan, t.insert, widget.NewSeparator(), zoomOut, t.zoomLbl, zoomIn, zoomFit)
	top := container.NewVBox(t.title, settings, container.NewBorder(nil, nil, actions, nil, t.progress))
	bottom := container.NewVBox(container.NewHScroll(t.files), pageBar, container.NewBorder(nil, nil, t.confirm, nil, t.info))
	t.root = container.NewBorder(top, bottom, t.stripScroll, nil, t.previewScroll)
	t.updatePageButtons()
	return t
}

// clear forgets the pages of the previous dossier.
func (t *captureTab) clear() {
	t.thumbs = nil
	t.strip.Objects = nil
	t.strip.Refresh()
	t.files.Objects = nil
	t.files.Refresh()
	t.selected = 0
	t.preview.Image = nil
	t.preview.Refresh()
	t.progress.SetValue(0)
	if len(t.devices) == 0 {
		t.discover()
	}
}

// showComponent switches the strip and preview to the selected component.
func (t *captureTab) showComponent() {
	t.thumbs = nil
	t.selected = 0
	t.preview.Image = nil
	t.preview.Refresh()
	t.apply()
}

// apply rebuilds the tab from the workspace's view of the dossier.
func (t *captureTab) apply() {
	c, ok := t.ws.component()
	if !ok {
		t.title.SetText("")
		return
	}
	t.title.SetText(fmt.Sprintf("%s (%s)", c.Name, c.Code))
	t.suppressCheck = true
	t.confirm.SetChecked(c.Confirmed)
	t.suppressCheck = false
	editable := t.ws.view.State == desk.Draft || t.ws.view.State == desk.Captured
	if editable && !t.scanning {
		t.scanBtn.Enable()
		t.importBtn.Enable()
	} else {
		t.scanBtn.Disable()
		t.importBtn.Disable()
	}
	if editable {
		t.confirm.Enable()
	} else {
		t.confirm.Disable()
	}
	if t.scanning {
		return // the strip fills from the scan's events; it is rebuilt when the scan ends
	}
	t.thumbs = t.thumbs[:0]
	t.strip.Objects = nil
	blank := 0
	for i, p := range c.Pages {
		th := newThumb(t, p, i)
		if ct, ok := t.cache[p.ID]; ok {
			th.setImage(t.rotated(ct, p))
		} else {
			t.loadThumb(p)
		}
		if p.Blank {
			blank++
		}
		t.thumbs = append(t.thumbs, th)
		t.strip.Add(th)
	}
	t.strip.Refresh()
	t.applyFiles(c)
	if !slices.ContainsFunc(c.Pages, func(p desk.Page) bool { return p.ID == t.selected }) {
		t.selected = 0
		if len(c.Pages) > 0 {
			t.selectPage(c.Pages[0].ID)
		}
	} else {
		t.highlight()
		if t.preview.Image == nil {
			t.selectPage(t.selected)
		}
	}
	info := componentState(c)
	if blank > 0 {
		info += " · " + lang.L("scan.blank_count", map[string]any{"N": blank})
	}
	t.info.SetText(info)
	t.updatePageButtons()
}

// rotated turns a cached thumbnail to the page's current rotation.
func (t *captureTab) rotated(ct cachedThumb, p desk.Page) image.Image {
	if ct.rotation == p.Rotation {
		return ct.img
	}
	img := desk.Rotate(ct.img, p.Rotation-ct.rotation)
	t.cache[p.ID] = cachedThumb{rotation: p.Rotation, img: img}
	return img
}

// loadThumb decodes a stored page and makes its thumbnail in the background.
func (t *captureTab) loadThumb(p desk.Page) {
	if t.pending[p.ID] {
		return
	}
	t.pending[p.ID] = true
	u := t.ws.u
	u.goDo(func(ctx context.Context) {
		img, err := u.desk.Capture.PageImage(ctx, p)
		var th image.Image
		if err == nil {
			th = scaleToHeight(img, ThumbHeight)
		}
		uiDo(func() {
			delete(t.pending, p.ID)
			if err != nil {
				u.setStatus(ErrorText(err))
				return
			}
			t.cache[p.ID] = cachedThumb{rotation: p.Rotation, img: th}
			for _, x := range t.thumbs {
				if x.page.ID == p.ID {
					x.setImage(t.rotated(t.cache[p.ID], x.page))
				}
			}
		})
	})
}

// applyFiles shows the imported PDFs as tiles, page by page when poppler can draw them.
func (t *captureTab) applyFiles(c desk.ComponentView) {
	t.files.Objects = nil
	for _, f := range c.Files {
		if f.Role != desk.RoleImported {
			continue
		}
		signed := ""
		if f.Signed {
			signed = " · " + lang.L("file.signed", map[string]any{"Signer": f.Signer})
		}
		lbl := widget.NewLabel(fmt.Sprintf("%s\n%s%s", f.Name, lang.L("file.pages", map[string]any{"N": f.Pages}), signed))
		pages := container.NewHBox()
		tile := container.NewBorder(nil, nil, widget.NewIcon(theme.FileApplicationIcon()), nil, container.NewVBox(lbl, pages))
		t.files.Add(tile)
		t.renderFilePages(f, pages)
	}
	t.files.Refresh()
}

// renderFilePages draws the first pages of an imported PDF into box, in the background.
func (t *captureTab) renderFilePages(f desk.File, box *fyne.Container) {
	u := t.ws.u
	u.goDo(func(ctx context.Context) {
		data, err := u.desk.Capture.FileData(ctx, f)
		var imgs []image.Image
		if err == nil {
			imgs, err = renderPDF(ctx, data, 24, 1, 12)
		}
		uiDo(func() {
			if err != nil {
				box.Add(widget.NewLabel(lang.L("file.no_render")))
				return
			}
			for i, img := range imgs {
				ci := canvas.NewImageFromImage(img)
				ci.FillMode = canvas.ImageFillContain
				ci.SetMinSize(fyne.NewSize(60, 85))
				n := i
				btn := widget.NewButton("", func() { t.showImage(imgs[n]) })
				box.Add(container.NewStack(btn, ci))
			}
			box.Refresh()
		})
	})
}

// selectPage selects a page and loads its preview.
func (t *captureTab) selectPage(id int64) {
	t.selected = id
	t.highlight()
	t.updatePageButtons()
	c, _ := t.ws.component()
	for _, p := range c.Pages {
		if p.ID == id {
			t.loadPreview(p)
		}
	}
}

func (t *captureTab) highlight() {
	for _, th := range t.thumbs {
		th.setSelected(th.page.ID == t.selected)
	}
}

// selectedIndex is the position of the selected page, -1 if none.
func (t *captureTab) selectedIndex() int {
	for i, th := range t.thumbs {
		if th.page.ID == t.selected {
			return i
		}
	}
	return -1
}

func (t *captureTab) updatePageButtons() {
	i := t.selectedIndex()
	editable := t.ws.loaded && (t.ws.view.State == desk.Draft || t.ws.view.State == desk.Captured) && !t.scanning
	for _, b := range []*tipButton{t.rotL, t.rotR, t.del, t.rescan, t.insert} {
		setEnabled(b, i >= 0 && editable)
	}
	setEnabled(t.moveL, editable && i > 0)
	setEnabled(t.moveR, editable && i >= 0 && i < len(t.thumbs)-1)
}

func setEnabled(b fyne.Disableable, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

// loadPreview decodes the page at preview size in the background.
func (t *captureTab) loadPreview(p desk.Page) {
	u := t.ws.u
	u.goDo(func(ctx context.Context) {
		img, err := u.desk.Capture.PageImage(ctx, p)
		if err == nil {
			img = scaleToHeight(img, PreviewHeight)
		}
		uiDo(func() {
			if err != nil {
				u.setStatus(ErrorText(err))
				return
			}
			if t.selected == p.ID {
				t.showImage(img)
			}
		})
	})
}

// scan scans into the component. at >= 0 puts the new pages at that position; replace != 0 puts them
// in the place of that page (re-scan of one page), both through the desk's ScanInto in one step.
// Pages appear in the strip as they arrive.
func (t *captureTab) scan(at int, replace int64) {
	addr := t.deviceAddress()
	if addr == "" {
		t.ws.u.showError(fmt.Errorf("%w: %s", scanner.ErrGone, lang.L("scan.device.none")))
		return
	}
	s := t.settings()
	if at >= 0 {
		s.MaxPages = 1
		if slices.Contains(t.caps.Sources, scanner.SourcePlaten) {
			s.Source = scanner.SourcePlaten
		}
	}
	id, comp := t.ws.id, t.ws.comp
	u := t.ws.u
	u.goDo(func(ctx context.Context) {
		p := scanPrefs{Device: addr, Source: s.Source, DPI: s.DPI, Mode: s.Mode}
		if b, err := json.Marshal(p); err == nil {
			_ = u.desk.Settings.SetPref(ctx, settingScan, string(b))
		}
	})
	t.prefs = scanPrefs{Device: addr, Source: s.Source, DPI: s.DPI, Mode: s.Mode}
	ctx, cancel := context.WithCancel(u.ctx)
	t.cancelScan = cancel
	t.scanning = true
	t.scanBtn.Disable()
	t.importBtn.Disable()
	t.cancelBtn.Enable()
	t.progress.SetValue(0)
	t.updatePageButtons()
	u.setStatus(lang.L("scan.running"))
	var newIDs []int64
	u.goDo(func(context.Context) {
		defer cancel()
		req := desk.ScanRequest{
			Dossier: id, Component: comp, Device: addr, Settings: s,
			OnPage: func(ev desk.CaptureEvent) {
				th := scaleToHeight(ev.Image, ThumbHeight)
				uiDo(func() {
					newIDs = append(newIDs, ev.Page.ID)
					t.cache[ev.Page.ID] = cachedThumb{rotation: ev.Page.Rotation, img: th}
					if t.ws.id == id && t.ws.comp == comp {
						x := newThumb(t, ev.Page, len(t.thumbs))
						x.setImage(th)
						t.thumbs = append(t.thumbs, x)
						t.strip.Add(x)
						t.stripScroll.ScrollToBottom()
					}
				})
			},
			OnProgress: func(p scanner.Progress) {
				uiDo(func() {
					t.progress.SetValue(min(1, (float64(p.Page)+p.Fraction)/float64(max(1, expectedPages(s)))))
				})
			},
		}
		var n int
		var err error
		if at >= 0 || replace != 0 {
			// Insert or re-scan: the desk places the new pages (and drops the replaced one) in one step.
			n, err = u.desk.Capture.ScanInto(ctx, req, desk.Placement{At: max(at, 0), Replace: replace})
		} else {
			n, err = u.desk.Capture.Scan(ctx, req)
		}
		uiDo(func() {
			t.scanning = false
			t.cancelScan = nil
			t.cancelBtn.Disable()
			t.progress.SetValue(1)
			if err != nil {
				u.showError(err)
			} else {
				u.setStatus(lang.L("scan.done", map[string]any{"N": n}))
			}
			if len(newIDs) > 0 {
				t.selected = newIDs[0]
			}
			t.ws.reload(nil)
		})
	})
}

// expectedPages is how many pages a scan is likely to give, for the progress bar.
func expectedPages(s scanner.Settings) int {
	switch {
	case s.MaxPages > 0:
		return s.MaxPages
	case s.Source == scanner.SourceDuplex:
		return 6
	case s.Source == scanner.SourceFeeder:
		return 3
	}
	return 1
}

func (t *captureTab) cancel() {
	if t.cancelScan != nil {
		t.cancelScan()
		t.ws.u.setStatus(lang.L("scan.cancelled"))
	}
}

// importDialog asks for files to import into the component.
func (t *captureTab) importDialog() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			t.ws.u.showError(err)
			return
		}
		if r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		t.importPaths([]string{path})
	}, t.ws.u.win)
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// importPaths imports files (from the dialog or dropped on the window) in the background.
func (t *captureTab) importPaths(paths []string) {
	if len(paths) == 0 || t.ws.id == "" || t.ws.comp == "" {
		return
	}
	id, comp := t.ws.id, t.ws.comp
	u := t.ws.u
	u.setStatus(lang.L("import.running"))
	u.goDo(func(ctx context.Context) {
		err := u.desk.Capture.Import(ctx, id, comp, paths...)
		uiDo(func() {
			if err != nil {
				u.showError(err)
			} else {
				u.setStatus(lang.L("import.done", map[string]any{"N": len(paths)}))
			}
			t.ws.reload(nil)
		})
	})
}

// edit runs a page edit in the background and reloads.
func (t *captureTab) edit(f func(ctx context.Context) error) {
	u := t.ws.u
	u.goDo(func(ctx context.Context) {
		err := f(ctx)
		uiDo(func() {
			if err != nil {
				u.showError(err)
			}
			t.ws.reload(nil)
		})
	})
}

func (t *captureTab) rotate(deg int) {
	if t.selected == 0 {
		return
	}
	id, comp, pid := t.ws.id, t.ws.comp, t.selected
	u := t.ws.u
	u.goDo(func(ctx context.Context) {
		err := u.desk.Capture.RotatePage(ctx, id, comp, pid, deg)
		uiDo(func() {
			if err != nil {
				u.showError(err)
			}
			t.ws.reload(func(desk.View) {
				c, _ := t.ws.component()
				for _, p := range c.Pages {
					if p.ID == pid {
						t.loadPreview(p)
					}
				}
			})
		})
	})
}

// moveSelected moves the selected page by delta places.
func (t *captureTab) moveSelected(delta int) {
	i := t.selectedIndex()
	if i < 0 {
		return
	}
	t.movePage(t.selected, i+delta)
}

// movePage moves a page to a 0-based position (drag and keyboard both end here).
func (t *captureTab) movePage(pid int64, to int) {
	to = min(max(to, 0), len(t.thumbs)-1)
	id, comp := t.ws.id, t.ws.comp
	t.edit(func(ctx context.Context) error { return t.ws.u.desk.Capture.MovePage(ctx, id, comp, pid, to) })
}

func (t *captureTab) deleteSelected() {
	if t.selected == 0 {
		return
	}
	id, comp, pid := t.ws.id, t.ws.comp, t.selected
	dialog.ShowConfirm(lang.L("page.delete"), lang.L("page.delete.confirm"), func(ok bool) {
		if ok {
			t.edit(func(ctx context.Context) error { return t.ws.u.desk.Capture.DeletePage(ctx, id, comp, pid) })
		}
	}, t.ws.u.win)
}

// rescanSelected scans one page to replace the selected one.
func (t *captureTab) rescanSelected() {
	if i := t.selectedIndex(); i >= 0 {
		t.scan(i, t.selected)
	}
}

// insertAfterSelected scans one page and puts it after the selected one.
func (t *captureTab) insertAfterSelected() {
	if i := t.selectedIndex(); i >= 0 {
		t.scan(i+1, 0)
	}
}

// confirmChanged records the "matches the original" check.
func (t *captureTab) confirmChanged(ok bool) {
	if t.suppressCheck {
		return
	}
	t.ws.setConfirmed(t.ws.comp, ok)
}

// setConfirmed records a component's "matches the original" check in the background.
func (ws *workspace) setConfirmed(comp string, ok bool) {
	id := ws.id
	u := ws.u
	u.goDo(func(ctx context.Context) {
		err := u.desk.Dossiers.Confirm(ctx, id, comp, ok)
		uiDo(func() {
			if err != nil {
				u.showError(err)
			}
			ws.reload(nil)
		})
	})
}

// thumbSize is the size of one page-strip tile.
var thumbSize = fyne.NewSize(118, ThumbHeight+44)

// thumb is one page in the strip: tap to select, drag up or down to reorder.
type thumb struct {
	widget.BaseWidget
	tab   *captureTab
	page  desk.Page
	index int
	img   *canvas.Image
	label *widget.Label
	bg    *canvas.Rectangle
	dragY float32
}

func newThumb(t *captureTab, p desk.Page, index int) *thumb {
	th := &thumb{tab: t, page: p, index: index}
	th.img = canvas.NewImageFromImage(nil)
	th.img.FillMode = canvas.ImageFillContain
	th.img.SetMinSize(fyne.NewSize(thumbSize.Width-12, ThumbHeight*0.9))
	text := lang.L("page.n", map[string]any{"N": index + 1})
	if p.Blank {
		text += " · " + lang.L("page.blank")
	}
	th.label = widget.NewLabelWithStyle(text, fyne.TextAlignCenter, fyne.TextStyle{})
	if p.Blank {
		th.label.Importance = widget.WarningImportance
	}
	th.label.Truncation = fyne.TextTruncateEllipsis
	th.bg = canvas.NewRectangle(color.Transparent)
	th.bg.StrokeWidth = 3
	th.ExtendBaseWidget(th)
	return th
}

func (th *thumb) setImage(img image.Image) {
	th.img.Image = img
	th.img.Refresh()
}

func (th *thumb) setSelected(on bool) {
	if on {
		th.bg.StrokeColor = theme.Color(theme.ColorNamePrimary)
		th.bg.FillColor = theme.Color(theme.ColorNameSelection)
	} else {
		th.bg.StrokeColor = color.Transparent
		th.bg.FillColor = color.Transparent
	}
	th.bg.Refresh()
}

// CreateRenderer lays out the tile.
func (th *thumb) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack(th.bg, container.NewBorder(nil, th.label, nil, nil, th.img)))
}

// MinSize keeps tiles the same size.
func (th *thumb) MinSize() fyne.Size { return thumbSize }

// Tapped selects the page.
func (th *thumb) Tapped(*fyne.PointEvent) {
	th.tab.selectPage(th.page.ID)
}

// Dragged accumulates a vertical drag.
func (th *thumb) Dragged(e *fyne.DragEvent) {
	th.dragY += e.Dragged.DY
}

// DragEnd moves the page by the number of tiles it was dragged across.
func (th *thumb) DragEnd() {
	steps := int((th.dragY + thumbSize.Height/2*sign(th.dragY)) / (thumbSize.Height + theme.Padding()))
	th.dragY = 0
	if steps != 0 {
		th.tab.selected = th.page.ID
		th.tab.movePage(th.page.ID, th.index+steps)
	}
}

func sign(x float32) float32 {
	if x < 0 {
		return -1
	}
	return 1
}
