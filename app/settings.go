// Settings: scanners (discover, test scan), tokens (list, test signature), portal, language, unit profile, folders.

package app

import (
	"context"
	"fmt"
	"image"
	"net/http"
	"net/url"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"sohoa/scanner"
	"sohoa/signing"
)

type settingsScreen struct {
	u         *UI
	root      fyne.CanvasObject
	scanners  *widget.Label
	scanImg   *canvas.Image
	tokens    *widget.Label
	portal    *widget.Label
	language  *widget.Select
	unit      *widget.Label
	langNames map[string]string
}

func newSettingsScreen(u *UI) *settingsScreen {
	s := &settingsScreen{u: u, langNames: map[string]string{"vi": "Tiếng Việt", "en": "English"}}
	s.scanners = widget.NewLabel("")
	s.scanners.Wrapping = fyne.TextWrapWord
	s.scanImg = canvas.NewImageFromImage(nil)
	s.scanImg.FillMode = canvas.ImageFillContain
	s.tokens = widget.NewLabel("")
	s.tokens.Wrapping = fyne.TextWrapWord
	s.portal = widget.NewLabel(u.env.PortalURL)
	s.portal.Wrapping = fyne.TextWrapBreak
	s.unit = widget.NewLabel("")
	s.unit.Wrapping = fyne.TextWrapWord
	s.language = widget.NewSelect([]string{"Tiếng Việt", "English"}, func(name string) {
		for code, n := range s.langNames {
			if n == name && code != Language() {
				u.changeLanguage(code)
			}
		}
	})
	s.language.SetSelected(s.langNames[Language()])
	dataDir := u.desk.Folder.Dir()
	logFile := u.env.LogFile
	if logFile == "" {
		logFile = lang.L("settings.log.stderr")
	}
	openFolder := widget.NewButtonWithIcon(lang.L("settings.open_folder"), theme.FolderOpenIcon(), func() {
		if u.env.OpenURL != nil {
			_ = u.env.OpenURL(&url.URL{Scheme: "file", Path: dataDir})
		}
	})
	section := func(key string) fyne.CanvasObject {
		return widget.NewLabelWithStyle(lang.L(key), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	mode := lang.L("settings.mode.real")
	if u.env.Training {
		mode = lang.L("settings.mode.training")
	}
	left := container.NewVBox(
		section("settings.scanners"),
		container.NewHBox(
			widget.NewButtonWithIcon(lang.L("settings.discover"), theme.SearchIcon(), s.discover),
			widget.NewButtonWithIcon(lang.L("settings.test_scan"), theme.MediaPlayIcon(), s.testScan)),
		s.scanners, container.NewGridWrap(fyne.NewSize(160, 220), s.scanImg),
		section("settings.tokens"),
		container.NewHBox(
			widget.NewButtonWithIcon(lang.L("settings.list_tokens"), theme.SearchIcon(), s.listTokens),
			widget.NewButtonWithIcon(lang.L("settings.test_sign"), theme.ConfirmIcon(), s.testSign)),
		s.tokens)
	right := container.NewVBox(
		section("settings.mode"), widget.NewLabel(mode),
		section("settings.language"), s.language,
		section("settings.portal"), s.portal,
		widget.NewButtonWithIcon(lang.L("settings.test_portal"), theme.ComputerIcon(), s.testPortal),
		section("settings.unit"), s.unit,
		widget.NewButtonWithIcon(lang.L("settings.edit_unit"), theme.DocumentCreateIcon(), s.editUnit),
		section("settings.data"), widget.NewLabel(dataDir), openFolder,
		section("settings.log"), widget.NewLabel(logFile))
	s.root = container.NewPadded(container.NewGridWithColumns(2, container.NewVScroll(left), container.NewVScroll(right)))
	return s
}

// refresh shows the unit profile.
func (s *settingsScreen) refresh() {
	u := s.u
	u.goDo(func(ctx context.Context) {
		unit, err := u.desk.Settings.Unit(ctx)
		uiDo(func() {
			if err != nil {
				s.unit.SetText(ErrorText(err))
				return
			}
			var hl []string
			for _, h := range unit.Hotlines {
				hl = append(hl, strings.TrimSpace(h.Label+" "+h.Phone+" "+h.Email))
			}
			s.unit.SetText(fmt.Sprintf("%s — %s\n%s\n%s", unit.Code, unit.Name, unit.Address, strings.Join(hl, "\n")))
		})
	})
}

func (s *settingsScreen) editUnit() {
	u := s.u
	u.goDo(func(ctx context.Context) {
		unit, err := u.desk.Settings.Unit(ctx)
		uiDo(func() {
			if err == nil {
				u.setup.load(unit)
			}
			u.show(screenSetup)
		})
	})
}

// discover lists every scanner the backends find.
func (s *settingsScreen) discover() {
	u := s.u
	s.scanners.SetText(lang.L("settings.searching"))
	u.goDo(func(ctx context.Context) {
		infos, err := scanner.List(ctx)
		uiDo(func() {
			var lines []string
			for _, in := range infos {
				lines = append(lines, fmt.Sprintf("%s — %s", in.Name, in.Address))
			}
			if len(lines) == 0 {
				lines = append(lines, lang.L("settings.no_scanner"))
			}
			if err != nil {
				lines = append(lines, ErrorText(err))
			}
			s.scanners.SetText(strings.Join(lines, "\n"))
			u.ws.cap.devices = nil // the workspace lists again next time
		})
	})
}

// testScan scans one page from the first usable device and shows it.
func (s *settingsScreen) testScan() {
	u := s.u
	s.scanners.SetText(lang.L("scan.running"))
	u.goDo(func(ctx context.Context) {
		infos, err := scanner.List(ctx)
		addr := ""
		for _, in := range infos {
			if (in.Backend == "virtual") == u.env.Training && addr == "" {
				addr = in.Address
			}
		}
		var img image.Image
		if addr == "" && err == nil {
			err = fmt.Errorf("%w: %s", scanner.ErrGone, lang.L("settings.no_scanner"))
		}
		if addr != "" {
			err = testScan(ctx, addr, func(i image.Image) { img = scaleToHeight(i, 400) })
		}
		uiDo(func() {
			if err != nil {
				s.scanners.SetText(ErrorText(err))
				return
			}
			s.scanners.SetText(lang.L("settings.test_scan.ok", map[string]any{"Device": addr}))
			s.scanImg.Image = img
			s.scanImg.Refresh()
		})
	})
}

// testScan reads one page from a device without storing it.
func testScan(ctx context.Context, addr string, got func(image.Image)) error {
	dev, err := scanner.Open(addr)
	if err != nil {
		return err
	}
	defer dev.Close()
	caps, err := dev.Capabilities(ctx)
	if err != nil {
		return err
	}
	st := scanner.Normalize(scanner.Settings{MaxPages: 1}, caps)
	return dev.Scan(ctx, st, scanner.Handler{OnPage: func(p scanner.Page) error {
		got(p.Image)
		return nil
	}})
}

// listTokens shows the certificates the tokens hold.
func (s *settingsScreen) listTokens() {
	u := s.u
	u.goDo(func(ctx context.Context) {
		var lines []string
		var err error
		switch {
		case u.env.Training && u.env.TrainingIdentity != nil:
			var id signing.Identity
			if id, err = u.env.TrainingIdentity(); err == nil {
				c := certOf(id, lang.L("sign.training_token"))
				id.Close()
				lines = append(lines, certLine(c))
			}
		case u.env.ListTokens != nil:
			var certs []TokenCert
			certs, err = u.env.ListTokens(ctx)
			for _, c := range certs {
				lines = append(lines, certLine(c))
			}
		}
		uiDo(func() {
			if err != nil {
				lines = append(lines, ErrorText(err))
			}
			if len(lines) == 0 {
				lines = append(lines, lang.L("sign.no_token"))
			}
			s.tokens.SetText(strings.Join(lines, "\n"))
		})
	})
}

func certLine(c TokenCert) string {
	return fmt.Sprintf("%s · %s · %s → %s · %s", c.Holder, c.Issuer, c.NotBefore.Format(dateLayout), c.NotAfter.Format(dateLayout), c.Token)
}

// testSign signs a one-page test PDF with the training identity (or the token, after the PIN) and verifies it.
func (s *settingsScreen) testSign() {
	u := s.u
	run := func(open func(ctx context.Context) (signing.Identity, error)) {
		s.tokens.SetText(lang.L("sign.running"))
		u.goDo(func(ctx context.Context) {
			text, err := testSignature(ctx, u, open)
			uiDo(func() {
				if err != nil {
					s.tokens.SetText(ErrorText(err))
					return
				}
				s.tokens.SetText(text)
			})
		})
	}
	if u.env.Training && u.env.TrainingIdentity != nil {
		run(func(context.Context) (signing.Identity, error) { return u.env.TrainingIdentity() })
		return
	}
	if u.env.OpenIdentity == nil {
		s.tokens.SetText(lang.L("sign.no_token"))
		return
	}
	u.ws.sign.askPIN(TokenCert{Token: lang.L("sign.token"), Holder: lang.L("sign.token_unknown")}, func(pin []byte) {
		run(func(ctx context.Context) (signing.Identity, error) {
			defer clear(pin)
			return u.env.OpenIdentity(ctx, pin)
		})
	})
}

// testSignature signs a blank one-page PDF in memory and returns the verification report.
func testSignature(ctx context.Context, u *UI, open func(ctx context.Context) (signing.Identity, error)) (string, error) {
	id, err := open(ctx)
	if err != nil {
		return "", err
	}
	defer id.Close()
	pdf, err := u.desk.Signing.TestPage()
	if err != nil {
		return "", err
	}
	roots := u.roots(id)
	app := signing.Appearance{SignerName: id.Certificate().Subject.CommonName, Unit: lang.L("settings.test_sign"), ScanTime: time.Now(), Training: u.env.Training}
	signed, err := signing.Sign(ctx, pdf, id, app, signing.Options{Reason: lang.L("settings.test_sign"), Roots: roots})
	if err != nil {
		return "", err
	}
	rep, err := signing.Verify(signed, roots)
	if err != nil {
		return "", err
	}
	return rep.Text(Language()), nil
}

// testPortal checks that the portal answers its OpenID discovery.
func (s *settingsScreen) testPortal() {
	u := s.u
	base := u.env.PortalURL
	u.goDo(func(ctx context.Context) {
		ctx, cancel := context.WithTimeout(ctx, 8*time.Second)
		defer cancel()
		err := pingPortal(ctx, base)
		uiDo(func() {
			if err != nil {
				s.portal.SetText(base + "\n" + lang.L("settings.portal.down", map[string]any{"Detail": err.Error()}))
				return
			}
			s.portal.SetText(base + "\n" + lang.L("settings.portal.ok"))
		})
	})
}

func pingPortal(ctx context.Context, base string) error {
	if base == "" {
		return fmt.Errorf("%s", lang.L("settings.portal.none"))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(base, "/")+"/.well-known/openid-configuration", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return nil
}

// changeLanguage switches the UI language, remembers it, and rebuilds the window's screens.
func (u *UI) changeLanguage(code string) {
	if err := SetLanguage(code); err != nil {
		u.showError(err)
		return
	}
	u.goDo(func(ctx context.Context) { _ = u.desk.Settings.SetPref(ctx, settingLang, code) })
	id := u.ws.id
	screen := u.screen
	u.win.SetTitle(lang.L("app.title"))
	u.nav = map[string]*widget.Button{}
	u.build()
	u.registerShortcuts()
	if id != "" {
		u.openDossier(id)
	}
	u.show(screen)
}
