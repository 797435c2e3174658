// Headless tests of the Vietnamese entry: Telex and VNI typing, Unikey's backspace-and-Unicode
// stream fed as key events, the Alt+Z toggle and its badge, and words cut by cursor moves.

package vnentry_test

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"sohoa/app/vnkey"
	"sohoa/app/vnkey/vnentry"
)

// feed sends keys to the entry as the window would: '\b' as a backspace key, the rest as runes.
func feed(e *vnentry.Entry, keys string) {
	for _, k := range keys {
		if k == '\b' {
			e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
		} else {
			e.TypedRune(k)
		}
	}
}

func newEntry(t *testing.T, m vnkey.Method) (*vnentry.Entry, *vnentry.Typing) {
	t.Helper()
	test.NewTempApp(t)
	typing := vnentry.NewTyping(m, vnkey.StyleOld)
	e := vnentry.New(typing)
	w := test.NewTempWindow(t, e)
	w.Canvas().Focus(e)
	return e, typing
}

func TestTelexAndVNIInEntry(t *testing.T) {
	e, typing := newEntry(t, vnkey.Telex)
	changes := 0
	e.OnChanged = func(string) { changes++ }
	feed(e, "Nguyeenx Thij Thuyr, 12 dduwowngf Hoaf Bình")
	if want := "Nguyễn Thị Thủy, 12 đường Hòa Bình"; e.Text != want {
		t.Errorf("Telex: entry shows %q, want %q", e.Text, want)
	}
	if changes == 0 {
		t.Error("OnChanged was never called")
	}
	if e.Badge() != "TELEX" {
		t.Errorf("badge shows %q, want TELEX", e.Badge())
	}
	typing.SetMethod(vnkey.VNI)
	typing.SetStyle(vnkey.StyleModern)
	e.SetText("")
	feed(e, "Thuy3 hoa2 d9uo7ng2")
	if want := "Thuỷ hoà đường"; e.Text != want {
		t.Errorf("VNI modern: entry shows %q, want %q", e.Text, want)
	}
	if e.Badge() != "VNI" {
		t.Errorf("badge shows %q, want VNI", e.Badge())
	}
}

// TestUnikeyStreamInEntry feeds what Unikey sends on Windows (backspace key events, then the
// changed tail as Unicode characters) into the entry, with the built-in method off and on.
func TestUnikeyStreamInEntry(t *testing.T) {
	streams := []struct{ stream, want string }{
		{"Nguye\bên\b\bễn Th\bhi\bị Thuy\b\bủy", "Nguyễn Thị Thủy"},
		{"ngu\bưo\b\bươi\b\b\bười", "người"},
		{"a\bá\bas", "as"},
		{"d\bđa\bâ\bấy", "đấy"},
		{"Vie\bêt\b\bệt Nam", "Việt Nam"},
	}
	for _, m := range []vnkey.Method{vnkey.Off, vnkey.Telex, vnkey.VNI} {
		for _, s := range streams {
			e, _ := newEntry(t, m)
			feed(e, s.stream)
			if e.Text != s.want {
				t.Errorf("%v: Unikey stream %q leaves %q, want %q", m, s.stream, e.Text, s.want)
			}
		}
	}
}

func TestToggle(t *testing.T) {
	e, typing := newEntry(t, vnkey.Off)
	if e.Badge() != "EN" {
		t.Fatalf("badge %q, want EN", e.Badge())
	}
	feed(e, "Vieetj ")
	e.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyZ, Modifier: fyne.KeyModifierAlt})
	if typing.Method() != vnkey.Telex || e.Badge() != "TELEX" {
		t.Fatalf("Alt+Z: method %v badge %q, want TELEX", typing.Method(), e.Badge())
	}
	feed(e, "Vieetj")
	if e.Text != "Vieetj Việt" {
		t.Errorf("entry shows %q, want %q", e.Text, "Vieetj Việt")
	}
	// A second entry of the same window shares the method.
	other := vnentry.New(typing)
	other.FocusGained()
	if other.Badge() != "TELEX" {
		t.Errorf("second entry's badge %q, want TELEX", other.Badge())
	}
	test.Tap(e.ActionItem.(fyne.Tappable))
	if typing.Method() != vnkey.VNI || e.Badge() != "VNI" {
		t.Errorf("tapping the badge: method %v badge %q, want VNI", typing.Method(), e.Badge())
	}
}

// TestCursorMoveEndsWord: after the cursor moves, keys start a new word instead of rewriting text
// the engine no longer knows.
func TestCursorMoveEndsWord(t *testing.T) {
	e, _ := newEntry(t, vnkey.Telex)
	feed(e, "hoa")
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyLeft})
	feed(e, "f")
	if e.Text != "hofa" {
		t.Errorf("after a cursor move, entry shows %q, want %q", e.Text, "hofa")
	}
	e.SetText("Thuy")
	e.CursorColumn = 4
	feed(e, "r")
	if e.Text != "Thuyr" {
		t.Errorf("after SetText, entry shows %q, want %q (a new word)", e.Text, "Thuyr")
	}
	e.SetText("")
	feed(e, "hoafn\b")
	if e.Text != "hòa" {
		t.Errorf("backspace through the engine: %q, want %q", e.Text, "hòa")
	}
}

func TestDisabledEntryIgnoresKeys(t *testing.T) {
	e, _ := newEntry(t, vnkey.Telex)
	e.Disable()
	feed(e, "aa\b")
	if e.Text != "" {
		t.Errorf("a disabled entry took keys: %q", e.Text)
	}
}
