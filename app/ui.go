// The window's UI-goroutine hand-off, replaceable by the headless tests.

package app

import "fyne.io/fyne/v2"

// uiDo and uiDoAndWait run fn on Fyne's UI goroutine; every update from background work goes
// through them. Fyne's headless test driver runs fyne.Do at once on the calling goroutine, so in
// tests background work would touch widgets while the test goroutine does; the tests replace these
// with a queue that the test goroutine drains when it settles (harness_test.go).
var (
	uiDo        = fyne.Do
	uiDoAndWait = fyne.DoAndWait
	// drainUI runs the queued UI calls on the calling goroutine and reports how many ran; outside
	// the tests nothing is queued.
	drainUI = func() int { return 0 }
)

// busyCount is how much background work of the window is running.
func (u *UI) busyCount() int {
	u.busyMu.Lock()
	defer u.busyMu.Unlock()
	return u.busy
}
