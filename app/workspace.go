// The dossier workspace: header, the component list with states, and the step tabs (capture, sign, submit, receipt).

package app

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"sohoa/desk"
)

type workspace struct {
	u        *UI
	root     fyne.CanvasObject
	id       string
	view     desk.View
	loaded   bool
	header   *widget.Label
	compList *widget.List
	comp     string // selected component code
	tabs     *container.AppTabs
	cap      *captureTab
	sign     *signTab
	sub      *submitTab
	rec      *receiptTab
	next     *widget.Button
}

func newWorkspace(u *UI) *workspace {
	ws := &workspace{u: u}
	ws.header = widget.NewLabelWithStyle(lang.L("ws.none"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	ws.header.Wrapping = fyne.TextWrapWord
	ws.compList = widget.NewList(func() int { return len(ws.view.Components) },
		func() fyne.CanvasObject {
			icon := widget.NewIcon(theme.RadioButtonIcon())
			name := widget.NewLabel("")
			name.Truncation = fyne.TextTruncateEllipsis
			st := widget.NewLabel("")
			st.Truncation = fyne.TextTruncateEllipsis
			st.Importance = widget.LowImportance
			return container.NewBorder(nil, nil, icon, nil, container.NewVBox(name, st))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(ws.view.Components) {
				return
			}
			c := ws.view.Components[i]
			box := o.(*fyne.Container)
			icon := box.Objects[1].(*widget.Icon)
			v := box.Objects[0].(*fyne.Container)
			v.Objects[0].(*widget.Label).SetText(c.Name)
			v.Objects[1].(*widget.Label).SetText(componentState(c))
			switch {
			case c.Confirmed:
				icon.SetResource(theme.ConfirmIcon())
			case len(c.Pages) > 0 || len(c.Files) > 0:
				icon.SetResource(theme.DocumentIcon())
			case c.Required:
				icon.SetResource(theme.WarningIcon())
			default:
				icon.SetResource(theme.RadioButtonIcon())
			}
		})
	ws.compList.OnSelected = func(i widget.ListItemID) {
		if i < len(ws.view.Components) && ws.view.Components[i].Code != ws.comp {
			ws.comp = ws.view.Components[i].Code
			ws.cap.showComponent()
		}
	}
	ws.next = widget.NewButtonWithIcon(lang.L("ws.next"), theme.NavigateNextIcon(), ws.nextComponent)
	ws.cap = newCaptureTab(ws)
	ws.sign = newSignTab(ws)
	ws.sub = newSubmitTab(ws)
	ws.rec = newReceiptTab(ws)
	ws.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon(lang.L("ws.tab.capture"), theme.DocumentCreateIcon(), ws.cap.root),
		container.NewTabItemWithIcon(lang.L("ws.tab.sign"), theme.ConfirmIcon(), ws.sign.root),
		container.NewTabItemWithIcon(lang.L("ws.tab.submit"), theme.UploadIcon(), ws.sub.root),
		container.NewTabItemWithIcon(lang.L("ws.tab.receipt"), theme.DocumentPrintIcon(), ws.rec.root),
	)
	ws.tabs.OnSelected = func(*container.TabItem) { ws.applyView() }
	left := container.NewBorder(widget.NewLabelWithStyle(lang.L("ws.components"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		ws.next, nil, nil, ws.compList)
	split := container.NewHSplit(left, ws.tabs)
	split.Offset = 0.2
	ws.root = container.NewBorder(container.NewPadded(ws.header), nil, nil, nil, split)
	return ws
}

// componentState is the one-line state of a component for the list.
func componentState(c desk.ComponentView) string {
	pages := len(c.Pages)
	for _, f := range c.Files {
		if f.Role == desk.RoleImported {
			pages += f.Pages
		}
	}
	switch {
	case pages == 0 && c.Required:
		return lang.L("comp.missing")
	case pages == 0:
		return lang.L("comp.optional_empty")
	case c.Confirmed:
		return lang.L("comp.confirmed", map[string]any{"N": pages})
	default:
		return lang.L("comp.pages", map[string]any{"N": pages})
	}
}

// open shows a dossier, starting on the step its state calls for.
func (ws *workspace) open(id string) {
	ws.id = id
	ws.comp = ""
	ws.loaded = false
	ws.cap.clear()
	ws.sub.token = nil
	ws.reload(func(v desk.View) {
		switch v.State {
		case desk.Draft, desk.Captured:
			ws.tabs.SelectIndex(0)
		case desk.Signed:
			ws.tabs.SelectIndex(2)
		case desk.Queued, desk.Failed:
			ws.tabs.SelectIndex(2)
		case desk.Submitted:
			ws.tabs.SelectIndex(3)
		}
	})
}

// reload reads the dossier in the background and refreshes every tab; then runs after (may be nil).
func (ws *workspace) reload(after func(desk.View)) {
	id := ws.id
	if id == "" {
		return
	}
	u := ws.u
	u.goDo(func(ctx context.Context) {
		v, err := u.desk.Dossiers.Dossier(ctx, id)
		uiDo(func() {
			if err != nil {
				u.showError(err)
				return
			}
			if id != ws.id {
				return
			}
			ws.view = v
			ws.loaded = true
			if ws.comp == "" && len(v.Components) > 0 {
				ws.comp = v.Components[0].Code
			}
			ws.applyView()
			if after != nil {
				after(v)
			}
		})
	})
}

// applyView refreshes the header, the component list and the visible tab from ws.view.
func (ws *workspace) applyView() {
	if !ws.loaded {
		return
	}
	v := ws.view
	a := v.Record.Applicant
	h := fmt.Sprintf("%s · %s %s · %s (%s) · %s", v.ID, v.ProcedureCode, v.Record.ProcedureName, a.Name, a.ID, stateText(v.State))
	if v.PortalCode != "" {
		h += " · " + lang.L("ws.portal_code", map[string]any{"Code": v.PortalCode})
	}
	ws.header.SetText(h)
	ws.compList.Refresh()
	for i, c := range v.Components {
		if c.Code == ws.comp {
			ws.compList.Select(i)
		}
	}
	ws.cap.apply()
	ws.sign.apply()
	ws.sub.apply()
	ws.rec.apply()
}

// component is the selected component's view.
func (ws *workspace) component() (desk.ComponentView, bool) {
	return ws.view.Component(ws.comp)
}

// nextComponent selects the next component (wrapping around).
func (ws *workspace) nextComponent() {
	n := len(ws.view.Components)
	if n == 0 {
		return
	}
	for i, c := range ws.view.Components {
		if c.Code == ws.comp {
			ws.compList.Select((i + 1) % n)
			return
		}
	}
	ws.compList.Select(0)
}

// changed is called when the uploader changed a dossier.
func (ws *workspace) changed(id string) {
	if id == ws.id {
		ws.reload(nil)
	}
}
