// The Fyne entry widget that feeds its keys through the Telex/VNI engine (Alt+Z toggles).

package vnentry

import (
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"sohoa/app/vnkey"
)

// ToggleShortcut switches the typing method of the focused entry (Unikey's Alt+Z).
var ToggleShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyZ, Modifier: fyne.KeyModifierAlt}

// Typing is the typing method and tone style shared by a window's entries. Safe for concurrent use.
type Typing struct {
	mu     sync.Mutex
	method vnkey.Method
	style  vnkey.Style
}

// NewTyping returns a shared typing setting.
func NewTyping(m vnkey.Method, s vnkey.Style) *Typing { return &Typing{method: m, style: s} }

// Method returns the current typing method.
func (t *Typing) Method() vnkey.Method {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.method
}

// SetMethod sets the typing method; entries pick it up on their next key or focus.
func (t *Typing) SetMethod(m vnkey.Method) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.method = m
}

// Toggle switches to the next method (EN → TELEX → VNI → EN) and returns it.
func (t *Typing) Toggle() vnkey.Method {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.method = t.method.Next()
	return t.method
}

// Style returns the tone placement style.
func (t *Typing) Style() vnkey.Style {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.style
}

// SetStyle sets the tone placement style (hòa or hoà).
func (t *Typing) SetStyle(s vnkey.Style) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.style = s
}

// Entry is a widget.Entry that types Vietnamese with the shared Typing method.
type Entry struct {
	widget.Entry
	typing *Typing
	eng    *vnkey.Engine
	badge  *widget.Button
	// where the engine's word ends: a key elsewhere (the cursor moved, the text was replaced)
	// starts a new word
	row, col int
	text     string
}

// New returns a single-line entry using t (shared by the window's entries).
func New(t *Typing) *Entry {
	e := &Entry{typing: t, eng: vnkey.New(t.Method(), t.Style())}
	e.badge = widget.NewButton(t.Method().String(), func() { e.toggle() })
	e.badge.Importance = widget.LowImportance
	e.ActionItem = e.badge
	e.ExtendBaseWidget(e)
	return e
}

// NewMultiLine returns a multi-line entry using t.
func NewMultiLine(t *Typing) *Entry {
	e := New(t)
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapWord
	return e
}

// Badge returns the text the method badge shows now ("EN", "TELEX", "VNI").
func (e *Entry) Badge() string { return e.badge.Text }

// sync takes the shared method and style, and forgets the word when the field changed under it.
func (e *Entry) sync() {
	m := e.typing.Method()
	if m != e.eng.Method() {
		e.eng.SetMethod(m)
	}
	e.eng.SetStyle(e.typing.Style())
	if e.badge.Text != m.String() {
		e.badge.SetText(m.String())
	}
	if e.row != e.CursorRow || e.col != e.CursorColumn || e.text != e.Text || e.SelectedText() != "" {
		e.eng.Reset()
	}
}

func (e *Entry) mark() { e.row, e.col, e.text = e.CursorRow, e.CursorColumn, e.Text }

func (e *Entry) toggle() {
	e.typing.Toggle()
	e.sync()
}

// apply makes the engine's edit through the entry's own key handling, so undo and OnChanged work.
func (e *Entry) apply(ed vnkey.Edit) {
	for range ed.Delete {
		e.Entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
	}
	for _, r := range ed.Insert {
		e.Entry.TypedRune(r)
	}
	e.mark()
}

// FocusGained shows the current method when the officer comes to the field.
func (e *Entry) FocusGained() {
	e.sync()
	e.Entry.FocusGained()
}

// TypedRune types r through the engine.
func (e *Entry) TypedRune(r rune) {
	if e.Disabled() {
		return
	}
	e.sync()
	e.apply(e.eng.Key(r))
}

// TypedKey handles backspace through the engine; any other key ends the word.
func (e *Entry) TypedKey(k *fyne.KeyEvent) {
	if e.Disabled() {
		return
	}
	e.sync()
	if k.Name == fyne.KeyBackspace && e.SelectedText() == "" {
		ed := e.eng.Backspace()
		e.apply(ed)
		return
	}
	e.eng.Reset()
	e.Entry.TypedKey(k)
	e.mark()
}

// TypedShortcut toggles the method on Alt+Z; other shortcuts (paste, undo...) end the word.
func (e *Entry) TypedShortcut(s fyne.Shortcut) {
	if cs, ok := s.(*desktop.CustomShortcut); ok && cs.KeyName == ToggleShortcut.KeyName && cs.Modifier == ToggleShortcut.Modifier {
		e.toggle()
		return
	}
	e.eng.Reset()
	e.Entry.TypedShortcut(s)
	e.mark()
}
