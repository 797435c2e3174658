// The desktop window: creates the Fyne app and wires the desk, the portal and the identities into app.Env.

package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"

	fyneapp "fyne.io/fyne/v2/app"

	"sohoa/app"
	"sohoa/cli"
	"sohoa/dossier"
	"sohoa/portal"
	"sohoa/portal/refportal"
	"sohoa/signing"
	"sohoa/signing/pkcs11"
)

func runGUI(ctx context.Context, g *cli.Globals, autopilot string) error {
	a := fyneapp.NewWithID("vn.sohoa.desk")
	d, err := g.OpenDesk(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	env := app.Env{Desk: d, Training: d.Training(), Lang: g.Lang, OpenURL: func(u *url.URL) error { return a.OpenURL(u) }}
	// The window's log goes to a file in the data folder (shown in Settings); never PINs or tokens.
	logPath := filepath.Join(d.DB().Dir(), "sohoa.log")
	if f, err := os.OpenFile(logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600); err == nil {
		defer f.Close()
		slog.SetDefault(slog.New(slog.NewTextHandler(f, nil)))
		env.LogFile = logPath
	}
	slog.Info("desk window started", "version", cli.Version, "training", d.Training(), "data", d.DB().Dir())
	unit, _ := d.Unit(ctx)
	env.PortalURL = unit.PortalURL
	if d.Training() {
		tp, err := cli.StartTrainingPortal(ctx, d.DB().Dir())
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
			id, _, err := cli.TrainingIdentity(ctx, d)
			return id, err
		}
		if id, pool, err := cli.TrainingIdentity(ctx, d); err == nil {
			id.Close()
			pool.AddCert(tp.TSARoot)
			env.Roots = pool
		}
	} else {
		env.Authorize = func(ctx context.Context) (portal.Token, error) {
			if env.PortalURL == "" {
				return portal.Token{}, fmt.Errorf("%w: no portal address in the unit profile", dossier.ErrNoUnit)
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
	env.ListTokens = listTokens
	env.OpenToken = func(ctx context.Context, c app.TokenCert, pin []byte) (signing.Identity, error) {
		sel, _ := c.Ref.(pkcs11.Selector)
		// The PIN dialog showed the final-try warning before the officer pressed OK: that is the confirmation.
		return pkcs11.OpenWith(c.Module, sel, pin, pkcs11.Options{ConfirmFinalTry: c.PINFinalTry})
	}
	ui, w := app.Start(a, env)
	defer ui.Close()
	if autopilot != "" {
		errc := make(chan error, 1)
		go func() {
			errc <- app.Autopilot(ctx, ui, autopilot)
			a.Quit()
		}()
		w.ShowAndRun()
		return <-errc
	}
	w.ShowAndRun()
	return nil
}

// listTokens lists every signing certificate on the tokens of the known PKCS#11 modules.
func listTokens(ctx context.Context) ([]app.TokenCert, error) {
	var out []app.TokenCert
	var errs []error
	for _, m := range pkcs11.Candidates() {
		if _, err := os.Stat(m); err != nil {
			continue
		}
		tokens, err := pkcs11.List(m)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, t := range tokens {
			for _, c := range t.Certificates {
				if !c.HasPrivateKey {
					continue
				}
				out = append(out, app.TokenCert{Module: m, Token: t.Label, Serial: t.Serial, Holder: c.SubjectCN, Issuer: c.Issuer,
					NotBefore: c.NotBefore, NotAfter: c.NotAfter, PINCountLow: t.PINCountLow, PINFinalTry: t.PINFinalTry, PINLocked: t.PINLocked,
					Ref: pkcs11.Selector{TokenLabel: t.Label, TokenSerial: t.Serial, CertLabel: c.Label}})
			}
		}
	}
	if len(out) == 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}
