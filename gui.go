// The desktop window: creates the Fyne app and hands the window what the wiring (sohoa/wire) built.

package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"os"

	"sohoa/app"
	"sohoa/desk"
	"sohoa/portal"
	"sohoa/portal/refportal"
	"sohoa/signing"
	"sohoa/wire"
)

func runGUI(ctx context.Context, o desk.WindowOptions) error {
	prog := wire.Program{}
	a := newFyneApp()
	d, err := prog.Open(ctx, o.Desk)
	if err != nil {
		return err
	}
	defer d.Close()
	training := d.Settings.Training()
	env := app.Env{Desk: d, Training: training, Lang: o.Lang, OpenURL: func(u *url.URL) error { return a.OpenURL(u) }}
	// The window's log goes to a file in the data folder (shown in Settings); never PINs or tokens.
	logPath := d.Folder.LogPath()
	if f, err := os.OpenFile(logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600); err == nil {
		defer f.Close()
		slog.SetDefault(slog.New(slog.NewTextHandler(f, nil)))
		env.LogFile = logPath
	}
	slog.Info("desk window started", "version", o.Version, "training", training, "data", d.Folder.Dir())
	unit, _ := d.Settings.Unit(ctx)
	env.PortalURL = unit.PortalURL
	if training {
		tp, err := prog.StartTrainingPortal(ctx, d.Folder.Dir())
		if err != nil {
			return err
		}
		defer tp.Stop()
		portalURL := tp.URL
		env.PortalURL, env.TSAURL = portalURL, tp.TSAURL
		citizen := refportal.TrainingCitizens()[0]
		env.Authorize = func(ctx context.Context) (portal.Token, error) {
			return portal.TrainingLogin(ctx, portalURL, citizen.ID, citizen.Password)
		}
		env.TrainingIdentity = func() (signing.Identity, error) {
			id, _, err := prog.TrainingIdentity(ctx, d)
			return id, err
		}
		if id, pool, err := prog.TrainingIdentity(ctx, d); err == nil {
			id.Close()
			pool.AddCert(tp.TSARoot)
			env.Roots = pool
		}
	} else {
		env.Authorize = func(ctx context.Context) (portal.Token, error) {
			if env.PortalURL == "" {
				return portal.Token{}, fmt.Errorf("%w: no portal address in the unit profile", desk.ErrNoUnit)
			}
			au := &portal.Authorizer{Issuer: env.PortalURL, ClientID: "sohoa-desk", OpenBrowser: func(s string) error {
				u, err := url.Parse(s)
				if err != nil {
					return err
				}
				return a.OpenURL(u)
			}}
			return au.Authorize(ctx)
		}
	}
	env.ListTokens = prog.ListTokens
	env.OpenToken = prog.OpenToken
	// The uploader and the status sync belong to the workers; the window starts and stops them.
	env.Workers = prog.Workers(d, env.PortalURL, slog.Default())
	ui, w := app.Start(a, env)
	defer ui.Close()
	if o.Autopilot != "" {
		errc := make(chan error, 1)
		go func() {
			errc <- app.Autopilot(ctx, ui, o.Autopilot)
			a.Quit()
		}()
		w.ShowAndRun()
		return <-errc
	}
	w.ShowAndRun()
	return nil
}
