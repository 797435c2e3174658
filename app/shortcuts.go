// Window-wide habits: keyboard shortcuts, files dropped on the window, and the background uploader.

package app

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
)

// Shortcuts, also listed on the home screen:
//
//	Ctrl+N  new dossier          F5      scan into the current component
//	Ctrl+I  import files         F9      sign the dossier
//	Ctrl+Tab / Ctrl+PgDn  next component
//	Ctrl+↑ / Ctrl+↓ (or ← / →)  move the selected page    Ctrl+R  rotate it    Ctrl+Delete  delete it
func (u *UI) registerShortcuts() {
	c := u.win.Canvas()
	add := func(key fyne.KeyName, mod fyne.KeyModifier, f func()) {
		c.AddShortcut(&desktop.CustomShortcut{KeyName: key, Modifier: mod}, func(fyne.Shortcut) { f() })
	}
	inWorkspace := func(f func()) func() {
		return func() {
			if u.screen == screenWorkspace && u.ws.id != "" {
				f()
			}
		}
	}
	add(fyne.KeyN, fyne.KeyModifierShortcutDefault, func() { u.show(screenWizard) })
	add(fyne.KeyF5, 0, inWorkspace(func() {
		u.ws.tabs.SelectIndex(0)
		if !u.ws.cap.scanBtn.Disabled() {
			u.ws.cap.scanBtn.OnTapped()
		}
	}))
	add(fyne.KeyI, fyne.KeyModifierShortcutDefault, inWorkspace(func() {
		if !u.ws.cap.importBtn.Disabled() {
			u.ws.cap.importDialog()
		}
	}))
	add(fyne.KeyF9, 0, inWorkspace(func() {
		u.ws.tabs.SelectIndex(1)
		if !u.ws.sign.signBtn.Disabled() {
			u.ws.sign.sign()
		}
	}))
	add(fyne.KeyTab, fyne.KeyModifierControl, inWorkspace(u.ws.nextComponent))
	add(fyne.KeyPageDown, fyne.KeyModifierControl, inWorkspace(u.ws.nextComponent))
	add(fyne.KeyLeft, fyne.KeyModifierControl, inWorkspace(func() { u.ws.cap.moveSelected(-1) }))
	add(fyne.KeyRight, fyne.KeyModifierControl, inWorkspace(func() { u.ws.cap.moveSelected(1) }))
	add(fyne.KeyUp, fyne.KeyModifierControl, inWorkspace(func() { u.ws.cap.moveSelected(-1) }))
	add(fyne.KeyDown, fyne.KeyModifierControl, inWorkspace(func() { u.ws.cap.moveSelected(1) }))
	add(fyne.KeyR, fyne.KeyModifierControl, inWorkspace(func() { u.ws.cap.rotate(90) }))
	add(fyne.KeyDelete, fyne.KeyModifierControl, inWorkspace(u.ws.cap.deleteSelected))
}

// dropped imports files dropped on the window into the current component.
func (u *UI) dropped(_ fyne.Position, uris []fyne.URI) {
	if u.screen != screenWorkspace || u.ws.id == "" {
		u.setStatus(lang.L("import.open_first"))
		return
	}
	var paths []string
	for _, x := range uris {
		if x.Scheme() == "file" {
			paths = append(paths, x.Path())
		}
	}
	u.ws.tabs.SelectIndex(0)
	u.ws.cap.importPaths(paths)
}

// startWorkers has the desk's background workers (uploader, status sync; their owner is
// env.Workers) run while the window is open; what they change refreshes the screens.
func (u *UI) startWorkers() {
	if u.env.Workers == nil {
		return
	}
	u.env.Workers.Start(u.ctx, func(id string) {
		uiDo(func() { u.dossierChanged(id) })
	})
}

// kickUploader uploads what is due now instead of waiting for the next poll.
func (u *UI) kickUploader() {
	if u.env.Workers == nil {
		return
	}
	u.goDo(func(ctx context.Context) {
		if err := u.env.Workers.UploadNow(ctx); err != nil && ctx.Err() == nil {
			uiDo(func() { u.setStatus(ErrorText(err)) })
		}
	})
}
