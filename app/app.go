// The application shell: the window, its screens' navigation and the hand-off for UI updates.

package app

import (
	"context"
	"crypto/x509"
	"errors"
	"image/color"
	"net/url"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"sohoa/app/vnkey"
	"sohoa/app/vnkey/vnentry"
	"sohoa/desk"
	"sohoa/portal"
	"sohoa/signing"
)

// Env is what main.go hands to the GUI: the open desk and the ways to reach the portal and the signing keys.
type Env struct {
	Desk *desk.Desk
	// Workers own the desk's background loops (uploader, status sync); the window starts them and
	// stops them when it closes. nil: nothing runs in the background (no portal).
	Workers   desk.Workers
	Training  bool
	PortalURL string // the portal (training: the reference portal started on loopback)
	// Authorize obtains the citizen's authorization: training logs the training citizen in without
	// a person; otherwise the browser loopback flow.
	Authorize func(ctx context.Context) (portal.Token, error)
	// OpenIdentity opens the officer's token with a PIN; nil in training (TrainingIdentity is used).
	OpenIdentity     func(ctx context.Context, pin []byte) (signing.Identity, error)
	TrainingIdentity func() (signing.Identity, error)
	OpenURL          func(u *url.URL) error // system viewer / browser
	Lang             string                 // "vi" (default) or "en"

	// Optional wiring; the GUI works without it.

	// ListTokens lists the certificates on the plugged-in tokens for the certificate picker
	// (main adapts signing/pkcs11.List over pkcs11.Candidates()). nil: one entry that opens with OpenIdentity.
	ListTokens func(ctx context.Context) ([]TokenCert, error)
	// OpenToken opens the certificate chosen in the picker; nil: OpenIdentity is used.
	OpenToken func(ctx context.Context, c TokenCert, pin []byte) (signing.Identity, error)
	// Roots are the trust anchors for signing checks and verification; nil: the shipped roots
	// (training: the training identity's chain is trusted as well).
	Roots *x509.CertPool
	// TSAURL is the RFC 3161 timestamp authority every signature carries a timestamp from ("" for
	// none; training: the reference portal's).
	TSAURL string
	// LogFile is shown in Settings ("" when logging goes to the terminal).
	LogFile string
	// SwitchToTraining restarts the program in training mode from the first-run screen; nil: the
	// screen explains how to start training mode.
	SwitchToTraining func() error
}

// TokenCert is one signing certificate on a token, as the certificate picker shows it.
type TokenCert = desk.TokenCert

// UI is the running desk window.
type UI struct {
	env    Env
	desk   *desk.Desk
	app    fyne.App
	win    fyne.Window
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup // background goroutines owned by the window

	// typing is the built-in Vietnamese typing (Telex/VNI, Alt+Z) shared by the name and address fields.
	typing *vnentry.Typing

	busyMu sync.Mutex
	busy   int // running tasks (scans, signing, renders...)

	body   *fyne.Container // the current screen
	status *widget.Label   // bottom status line
	nav    map[string]*widget.Button

	home     *homeScreen
	wiz      *wizardScreen
	ws       *workspace
	queue    *queueScreen
	settings *settingsScreen
	setup    *setupScreen
	screen   string
	closed   bool
}

// Screen names (also the keys of the navigation buttons).
const (
	screenSetup     = "setup"
	screenHome      = "home"
	screenWizard    = "wizard"
	screenWorkspace = "workspace"
	screenQueue     = "queue"
	screenSettings  = "settings"
)

// DefaultSize is the main window's size on first start; the layout stays usable down to 1366×768 screens.
var DefaultSize = fyne.NewSize(1280, 760)

// Start builds the main window and starts the background workers; both stop when the window closes.
func Start(a fyne.App, env Env) (*UI, fyne.Window) {
	if env.Lang == "" {
		env.Lang = savedLanguage(env.Desk)
	}
	if err := SetLanguage(env.Lang); err != nil {
		fyne.LogError("translations", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	u := &UI{env: env, desk: env.Desk, app: a, ctx: ctx, cancel: cancel, nav: map[string]*widget.Button{},
		typing: vnentry.NewTyping(vnkey.Off, vnkey.StyleOld)}
	u.win = a.NewWindow(lang.L("app.title"))
	u.win.Resize(DefaultSize)
	u.win.SetOnClosed(u.Close)
	u.win.SetOnDropped(u.dropped)
	u.build()
	u.registerShortcuts()
	u.startWorkers()
	return u, u.win
}

// build lays out the window: training banner, navigation, the current screen and the status line.
func (u *UI) build() {
	u.status = widget.NewLabel("")
	u.status.Truncation = fyne.TextTruncateEllipsis
	u.body = container.NewStack()
	u.home = newHomeScreen(u)
	u.wiz = newWizardScreen(u)
	u.ws = newWorkspace(u)
	u.queue = newQueueScreen(u)
	u.settings = newSettingsScreen(u)
	u.setup = newSetupScreen(u)

	navItems := []struct {
		name, key string
		icon      fyne.Resource
	}{
		{screenHome, "nav.home", theme.HomeIcon()},
		{screenWizard, "nav.new", theme.ContentAddIcon()},
		{screenWorkspace, "nav.dossier", theme.DocumentIcon()},
		{screenQueue, "nav.queue", theme.ListIcon()},
		{screenSettings, "nav.settings", theme.SettingsIcon()},
	}
	navBox := container.NewVBox()
	for _, it := range navItems {
		name := it.name
		b := widget.NewButtonWithIcon(lang.L(it.key), it.icon, func() { u.show(name) })
		b.Alignment = widget.ButtonAlignLeading
		u.nav[name] = b
		navBox.Add(b)
	}
	u.nav[screenWorkspace].Disable()
	var top fyne.CanvasObject
	if u.env.Training {
		top = trainingBanner()
	}
	main := container.NewBorder(top, container.NewPadded(u.status), container.NewPadded(navBox), nil, u.body)
	u.win.SetContent(main)
	if _, err := u.desk.Settings.Unit(u.ctx); errors.Is(err, desk.ErrNoUnit) {
		u.show(screenSetup)
		return
	}
	u.show(screenHome)
}

// trainingBanner is the permanent TRAINING mark at the top of the window.
func trainingBanner() fyne.CanvasObject {
	bg := canvas.NewRectangle(color.NRGBA{R: 0xC6, G: 0x28, B: 0x28, A: 0xFF})
	txt := canvas.NewText(lang.L("banner.training"), color.White)
	txt.TextStyle = fyne.TextStyle{Bold: true}
	txt.Alignment = fyne.TextAlignCenter
	txt.TextSize = theme.TextSize() * 1.1
	return container.NewStack(bg, container.NewPadded(txt))
}

// show switches the main area to a screen.
func (u *UI) show(name string) {
	var obj fyne.CanvasObject
	switch name {
	case screenSetup:
		obj = u.setup.root
	case screenHome:
		u.home.refresh()
		obj = u.home.root
	case screenWizard:
		u.wiz.reset()
		obj = u.wiz.root
	case screenWorkspace:
		obj = u.ws.root
	case screenQueue:
		u.queue.refresh()
		obj = u.queue.root
	case screenSettings:
		u.settings.refresh()
		obj = u.settings.root
	default:
		return
	}
	u.screen = name
	for n, b := range u.nav {
		if n == name {
			b.Importance = widget.HighImportance
		} else {
			b.Importance = widget.MediumImportance
		}
		b.Refresh()
	}
	u.body.Objects = []fyne.CanvasObject{obj}
	u.body.Refresh()
}

// Window is the main window.
func (u *UI) Window() fyne.Window { return u.win }

// Close stops the background work of the window (uploader, scans, renders) and waits for it.
// It is safe to call more than once.
func (u *UI) Close() {
	if u.closed {
		return
	}
	u.closed = true
	u.cancel()
	if u.env.Workers != nil {
		u.env.Workers.Stop()
	}
	u.wg.Wait()
}

// setStatus writes the status line (UI goroutine only).
func (u *UI) setStatus(s string) {
	u.status.SetText(s)
}

// goDo runs work in a goroutine owned by the window, counted as busy until done; work must
// report back through uiDo.
func (u *UI) goDo(work func(ctx context.Context)) {
	u.busyMu.Lock()
	u.busy++
	u.busyMu.Unlock()
	u.wg.Add(1)
	go func() {
		defer u.wg.Done()
		defer func() {
			u.busyMu.Lock()
			u.busy--
			u.busyMu.Unlock()
		}()
		work(u.ctx)
	}()
}

// showError shows an error as a translated sentence in a dialog and in the status line.
func (u *UI) showError(err error) {
	if err == nil || errors.Is(err, context.Canceled) {
		return
	}
	msg := ErrorText(err)
	u.setStatus(msg)
	showMessage(u.win, lang.L("dialog.error"), msg)
}

// openDossier opens a dossier in the workspace.
func (u *UI) openDossier(id string) {
	u.nav[screenWorkspace].Enable()
	u.ws.open(id)
	u.show(screenWorkspace)
}
