// Buttons with a tooltip: icon-only buttons explain themselves in the status line when the pointer is over them.

package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// tipButton is a button whose tip shows in the status line on hover.
type tipButton struct {
	widget.Button
	u   *UI
	tip string
}

// iconButton makes an icon-only button with a translated tip.
func (u *UI) iconButton(icon fyne.Resource, tip string, tapped func()) *tipButton {
	b := &tipButton{u: u, tip: tip}
	b.Icon = icon
	b.OnTapped = tapped
	b.ExtendBaseWidget(b)
	return b
}

// MouseIn shows the tip.
func (b *tipButton) MouseIn(e *desktop.MouseEvent) {
	b.Button.MouseIn(e)
	b.u.setStatus(b.tip)
}

// MouseOut clears the tip.
func (b *tipButton) MouseOut() {
	b.Button.MouseOut()
	if b.u.status.Text == b.tip {
		b.u.setStatus("")
	}
}
