// Autopilot: walks the whole training flow through the window's own widgets and saves a screenshot of each screen.

package app

import (
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/software"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"sohoa/desk"
	"sohoa/errs"
	"sohoa/portal/refportal"
	"sohoa/scanner"
)

// AutopilotProcedure is the procedure the autopilot files (birth registration).
const AutopilotProcedure = "1.001193"

// TrainingQR is the CCCD QR text of a training citizen of the reference portal (issue date fixed).
func TrainingQR(c refportal.Citizen) string {
	return strings.Join([]string{c.ID, "", c.Name, strings.ReplaceAll(c.DOB, "/", ""), c.Sex, c.Address, "10052021"}, "|")
}

// ErrAutopilot means the autopilot found the window in a state it did not expect.
var ErrAutopilot = errs.New("error.autopilot", errs.Permanent, "app: autopilot")

// Autopilot walks the training flow through the UI, tapping the real widgets: New dossier →
// procedure 1.001193 → applicant from the training citizen's CCCD QR → scan (3 pages from the feeder
// into the declaration, 1 from the flatbed into the birth certificate) → confirm → sign → authorize →
// submit → wait for the portal code → receipt, then the queue and settings. It saves a PNG of each
// screen into shotsDir and returns the first problem. It must not run on the UI goroutine.
func Autopilot(ctx context.Context, u *UI, shotsDir string) error {
	if !u.env.Training {
		return fmt.Errorf("%w: runs in training mode only", ErrAutopilot)
	}
	if err := os.MkdirAll(shotsDir, 0o755); err != nil {
		return err
	}
	ap := &autopilot{u: u, dir: shotsDir}
	steps := []func(context.Context) error{ap.home, ap.wizard, ap.capture, ap.sign, ap.submit, ap.receipt, ap.others}
	for _, s := range steps {
		if err := s(ctx); err != nil {
			_ = ap.shot("zz-failure")
			return err
		}
	}
	return nil
}

type autopilot struct {
	u   *UI
	dir string
	n   int
}

// do runs f on the UI goroutine and waits.
func (ap *autopilot) do(f func()) { fyne.DoAndWait(f) }

// tap taps a button like the pointer would (nothing happens when it is disabled).
func (ap *autopilot) tap(b fyne.Tappable) {
	ap.do(func() { b.Tapped(&fyne.PointEvent{}) })
}

// settle waits for the background work the last action started, and for the work that work
// starts (a reload after a scan): three quiet polls in a row, with queued UI calls run meanwhile.
func (ap *autopilot) settle(ctx context.Context) error {
	for quiet := 0; quiet < 3; {
		if ran := drainUI(); ran == 0 && ap.u.busyCount() == 0 {
			quiet++
		} else {
			quiet = 0
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(30 * time.Millisecond):
		}
	}
	return nil
}

// shot saves a screenshot of the window.
func (ap *autopilot) shot(name string) error {
	ap.n++
	time.Sleep(150 * time.Millisecond) // let a real window paint the last change
	var err error
	ap.do(func() {
		img := ap.u.win.Canvas().Capture()
		if img != nil && uniform(img) {
			img = softwareCapture(ap.u.win)
		}
		if img == nil {
			err = fmt.Errorf("%w: no screenshot of %s", ErrAutopilot, name)
			return
		}
		var f *os.File
		f, err = os.Create(filepath.Join(ap.dir, fmt.Sprintf("%02d-%s.png", ap.n, name)))
		if err != nil {
			return
		}
		defer f.Close()
		err = png.Encode(f, img)
	})
	return err
}

// uniform reports whether an image is one flat colour (an OpenGL front buffer that cannot be read
// back, as under Xvfb), sampled on a grid.
func uniform(img image.Image) bool {
	b := img.Bounds()
	if b.Empty() {
		return true
	}
	first := img.At(b.Min.X, b.Min.Y)
	r0, g0, b0, a0 := first.RGBA()
	for y := b.Min.Y; y < b.Max.Y; y += 7 {
		for x := b.Min.X; x < b.Max.X; x += 7 {
			r, g, bb, a := img.At(x, y).RGBA()
			if r != r0 || g != g0 || bb != b0 || a != a0 {
				return false
			}
		}
	}
	return true
}

// softwareCapture paints the window's content with Fyne's software painter: the content moves to an
// off-screen canvas of the window's size for the capture and comes back. UI goroutine only.
func softwareCapture(w fyne.Window) image.Image {
	content := w.Content()
	size := w.Canvas().Size()
	sc := software.NewCanvas()
	sc.SetPadded(false)
	sc.SetContent(content)
	sc.Resize(size)
	img := sc.Capture()
	w.SetContent(content)
	return img
}

func (ap *autopilot) home(ctx context.Context) error {
	ap.do(func() { ap.u.show(screenHome) })
	if err := ap.settle(ctx); err != nil {
		return err
	}
	return ap.shot("home")
}

func (ap *autopilot) wizard(ctx context.Context) error {
	u := ap.u
	ap.tap(u.home.newBtn)
	if err := ap.settle(ctx); err != nil {
		return err
	}
	w := u.wiz
	found := -1
	ap.do(func() {
		w.search.SetText("khai sinh")
		for i, p := range w.results {
			if p.Code == AutopilotProcedure {
				found = i
			}
		}
		if found >= 0 {
			w.list.Select(found)
		}
	})
	if found < 0 {
		return fmt.Errorf("%w: procedure %s not found by searching \"khai sinh\"", ErrAutopilot, AutopilotProcedure)
	}
	cit := refportal.TrainingCitizens()[0]
	ap.do(func() { w.qr.SetText(TrainingQR(cit)) })
	ap.tap(w.qrBtn)
	if err := ap.shot("new-dossier"); err != nil {
		return err
	}
	var formErr string
	ap.do(func() { formErr = w.formErr.Text })
	if formErr != "" {
		return fmt.Errorf("%w: applicant form: %s", ErrAutopilot, formErr)
	}
	ap.tap(w.create)
	if err := ap.settle(ctx); err != nil {
		return err
	}
	var screen, id string
	ap.do(func() { screen, id, formErr = u.screen, u.ws.id, w.formErr.Text })
	if screen != screenWorkspace || id == "" {
		return fmt.Errorf("%w: the dossier did not open (%s)", ErrAutopilot, formErr)
	}
	return nil
}

// scanInto scans into a component with a source, after the device is ready.
func (ap *autopilot) scanInto(ctx context.Context, comp string, src scanner.Source) error {
	ws := ap.u.ws
	ap.do(func() {
		for i, c := range ws.view.Components {
			if c.Code == comp {
				ws.compList.Select(i)
			}
		}
	})
	if err := ap.settle(ctx); err != nil {
		return err
	}
	var ready bool
	ap.do(func() {
		ready = ws.cap.deviceAddress() != ""
		ws.cap.source.SetSelected(lang.L(sourceKeys[src]))
	})
	if !ready {
		return fmt.Errorf("%w: no scanner in the list", ErrAutopilot)
	}
	ap.tap(ws.cap.scanBtn)
	return ap.settle(ctx)
}

func (ap *autopilot) capture(ctx context.Context) error {
	ws := ap.u.ws
	if err := ap.settle(ctx); err != nil {
		return err
	}
	if err := ap.scanInto(ctx, "TP2", scanner.SourcePlaten); err != nil {
		return err
	}
	if err := ap.scanInto(ctx, "TP1", scanner.SourceFeeder); err != nil {
		return err
	}
	var pages int
	var thumbs int
	ap.do(func() {
		c, _ := ws.component()
		pages, thumbs = len(c.Pages), len(ws.cap.thumbs)
	})
	if pages != 3 || thumbs != 3 {
		return fmt.Errorf("%w: TP1 has %d pages and %d thumbnails after the scan, want 3", ErrAutopilot, pages, thumbs)
	}
	if err := ap.shot("capture"); err != nil {
		return err
	}
	return nil
}

func (ap *autopilot) sign(ctx context.Context) error {
	ws := ap.u.ws
	ap.do(func() { ws.tabs.SelectIndex(1) })
	if err := ap.settle(ctx); err != nil {
		return err
	}
	// Tick "matches the original" for each captured component.
	var checks []*widget.Check
	ap.do(func() {
		for _, o := range ws.sign.checks.Objects {
			if c, ok := o.(*widget.Check); ok && !c.Disabled() && !c.Checked {
				checks = append(checks, c)
			}
		}
	})
	for _, c := range checks {
		ap.tap(c)
		if err := ap.settle(ctx); err != nil {
			return err
		}
	}
	if err := ap.shot("check"); err != nil {
		return err
	}
	ap.tap(ws.sign.signBtn)
	if err := ap.settle(ctx); err != nil {
		return err
	}
	var state desk.State
	var report string
	ap.do(func() { state, report = ws.view.State, ws.sign.report.Text })
	if state != desk.Signed {
		return fmt.Errorf("%w: dossier is %s after signing: %s", ErrAutopilot, state, report)
	}
	return ap.shot("signed")
}

func (ap *autopilot) submit(ctx context.Context) error {
	ws := ap.u.ws
	ap.do(func() { ws.tabs.SelectIndex(2) })
	ap.tap(ws.sub.authBtn)
	if err := ap.settle(ctx); err != nil {
		return err
	}
	var authorized bool
	var msg string
	ap.do(func() { authorized, msg = ws.sub.token != nil, ws.sub.authLbl.Text })
	if !authorized {
		return fmt.Errorf("%w: citizen authorization failed: %s", ErrAutopilot, msg)
	}
	if err := ap.shot("authorized"); err != nil {
		return err
	}
	ap.tap(ws.sub.submitBtn)
	deadline := time.Now().Add(90 * time.Second)
	for {
		if err := ap.settle(ctx); err != nil {
			return err
		}
		var state desk.State
		ap.do(func() { state, msg = ws.view.State, ws.sub.state.Text })
		if state == desk.Submitted {
			break
		}
		if state == desk.Failed || time.Now().After(deadline) {
			return fmt.Errorf("%w: dossier is %s: %s", ErrAutopilot, state, msg)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(300 * time.Millisecond):
		}
		ap.do(func() { ws.reload(nil) })
	}
	return ap.shot("submitted")
}

func (ap *autopilot) receipt(ctx context.Context) error {
	ws := ap.u.ws
	ap.do(func() { ws.tabs.SelectIndex(3) })
	ap.tap(ws.rec.makeBtn)
	if err := ap.settle(ctx); err != nil {
		return err
	}
	var path string
	ap.do(func() { path = ws.rec.path })
	if path == "" {
		return fmt.Errorf("%w: no receipt was made", ErrAutopilot)
	}
	return ap.shot("receipt")
}

func (ap *autopilot) others(ctx context.Context) error {
	for _, s := range []string{screenQueue, screenHome, screenSettings} {
		ap.do(func() { ap.u.show(s) })
		if err := ap.settle(ctx); err != nil {
			return err
		}
		if err := ap.shot(s); err != nil {
			return err
		}
	}
	return nil
}
