// `sohoa demo`: the whole training flow end to end, from paper (virtual scanner) to the printed receipt.

package cli

import (
	"context"
	"fmt"
	"image/jpeg"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"sohoa/desk"
	"sohoa/dossier/applicant"
	"sohoa/internal/atomicfile"
	"sohoa/portal"
	"sohoa/portal/refportal"
	"sohoa/scanner"
)

// DemoResult is what `sohoa demo --json` prints.
type DemoResult struct {
	Dossier    string   `json:"dossier"`
	PortalURL  string   `json:"portal_url"`
	PortalData string   `json:"portal_data"`
	PortalCode string   `json:"portal_code"`
	State      string   `json:"state"`
	Pages      int      `json:"pages"`
	Files      []string `json:"files"`
	Receipt    string   `json:"receipt"`
	TrainingCA string   `json:"training_ca"`
}

// CCCDQR builds the text of a CCCD QR code for a training citizen.
// The issue date is the card's: the citizen's 14th birthday or 01/01/2021, whichever is later.
func CCCDQR(c refportal.Citizen) string {
	dob, err := time.Parse("02/01/2006", c.DOB)
	if err != nil {
		return ""
	}
	issued := dob.AddDate(14, 0, 0)
	if first := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC); issued.Before(first) {
		issued = first
	}
	return fmt.Sprintf("%s||%s|%s|%s|%s|%s", c.ID, c.Name, dob.Format("02012006"), c.Sex, c.Address, issued.Format("02012006"))
}

func demoCmd(g *Globals) *cobra.Command {
	var receiptOut string
	var keep bool
	c := &cobra.Command{
		Use:   "demo",
		Short: "run a training dossier end to end: portal on loopback, scan, import, sign, queue, upload, receipt",
		RunE: func(cmd *cobra.Command, _ []string) error {
			g.Training = true
			res, err := RunDemo(cmd.Context(), g, receiptOut, func(step string) {
				if !g.JSON {
					g.printf("• %s\n", step)
				}
			})
			if err != nil {
				return err
			}
			if g.JSON {
				return g.printJSON(res)
			}
			g.printf("portal dossier code: %s\nreceipt: %s\n", res.PortalCode, res.Receipt)
			if keep {
				g.printf("reference portal still running at %s — Ctrl+C to stop\n", res.PortalURL)
				<-cmd.Context().Done()
			}
			return nil
		},
	}
	c.Flags().StringVarP(&receiptOut, "output", "o", "", "receipt file (default: <data>/receipt-<code>.pdf)")
	c.Flags().BoolVar(&keep, "keep", false, "keep the reference portal running after the demo")
	return c
}

// RunDemo performs the training flow and reports each step through say.
func RunDemo(ctx context.Context, g *Globals, receiptOut string, say func(string)) (DemoResult, error) {
	var res DemoResult
	d, err := g.Program.Open(ctx, desk.OpenOptions{DataDir: g.dataDir(), Training: true, Officer: g.Officer})
	if err != nil {
		return res, err
	}
	defer d.Close()

	tp, err := g.Program.StartTrainingPortal(ctx, g.dataDir())
	if err != nil {
		return res, err
	}
	defer tp.Stop()
	portalURL := tp.URL
	res.PortalURL, res.PortalData = portalURL, filepath.Join(g.dataDir(), "refportal")
	say("reference portal on " + portalURL)

	citizen := refportal.TrainingCitizens()[0]
	a, err := applicant.ParseCCCDQR(CCCDQR(citizen))
	if err != nil {
		return res, err
	}
	v, err := d.Dossiers.NewDossier(ctx, "1.001193", a)
	if err != nil {
		return res, err
	}
	res.Dossier = v.ID
	say(fmt.Sprintf("dossier %s: %s — %s", v.ID, v.Record.ProcedureName, a.Name))
	if len(v.Components) < 2 {
		return res, fmt.Errorf("procedure 1.001193 has %d scanned components in the catalog, the demo needs 2", len(v.Components))
	}
	first, second := v.Components[0].Code, v.Components[1].Code

	n, err := d.Capture.Scan(ctx, desk.ScanRequest{Dossier: v.ID, Component: first, Device: "virtual:",
		Settings: scanner.Settings{Source: scanner.SourceFeeder, DPI: 200, Mode: scanner.ModeColor, MaxPages: 3}})
	if err != nil {
		return res, err
	}
	say(fmt.Sprintf("scanned %d pages into %s", n, first))

	photo, err := demoPhoto(ctx, g.dataDir())
	if err != nil {
		return res, err
	}
	defer os.Remove(photo)
	if err := d.Capture.Import(ctx, v.ID, second, photo); err != nil {
		return res, err
	}
	say("imported the citizen's photo of the birth certificate into " + second)

	for _, comp := range []string{first, second} {
		if err := d.Dossiers.Confirm(ctx, v.ID, comp, true); err != nil {
			return res, err
		}
	}
	ident, pool, err := g.Program.TrainingIdentity(ctx, d)
	if err != nil {
		return res, err
	}
	defer ident.Close()
	if err := d.Signing.Sign(ctx, v.ID, ident, desk.SignOptions{Roots: pool, TSAURL: tp.TSAURL}); err != nil {
		return res, err
	}
	res.TrainingCA = d.Folder.TrainingIdentityDir()
	say("signed with the training identity " + ident.Label() + ", timestamped by " + tp.TSAURL)

	tok, err := portal.TrainingLogin(ctx, portalURL, citizen.ID, citizen.Password)
	if err != nil {
		return res, err
	}
	say("citizen " + citizen.Name + " authorized the submission")
	if _, err := d.Outbox.Submit(ctx, v.ID, tok); err != nil {
		return res, err
	}
	up := d.Outbox.Uploader(portal.NewClient(portalURL), desk.UploaderOptions{})
	uctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := up.Drain(uctx); err != nil {
		return res, err
	}
	v, err = d.Dossiers.Dossier(ctx, v.ID)
	if err != nil {
		return res, err
	}
	res.State, res.PortalCode, res.Pages = string(v.State), v.PortalCode, v.PageCount()
	if v.State != desk.Submitted {
		return res, fmt.Errorf("dossier %s was not submitted: %s", v.ID, v.LastError)
	}
	for _, c := range v.Components {
		for _, f := range c.Files {
			if f.Role == desk.RoleSigned {
				res.Files = append(res.Files, f.Name)
			}
		}
	}
	say("uploaded: portal dossier code " + v.PortalCode)

	pdf, err := d.FollowUp.Receipt(ctx, v.ID)
	if err != nil {
		return res, err
	}
	if receiptOut == "" {
		receiptOut = filepath.Join(g.dataDir(), "receipt-"+v.ID+".pdf")
	}
	if err := atomicfile.Write(receiptOut, pdf, 0o644); err != nil {
		return res, err
	}
	res.Receipt = receiptOut
	say("receipt written to " + receiptOut)
	return res, nil
}

// demoPhoto writes the "phone photo" the citizen brings: one page from the virtual scanner as JPEG.
func demoPhoto(ctx context.Context, dir string) (string, error) {
	dev, err := scanner.Open("virtual:seed=7")
	if err != nil {
		return "", err
	}
	defer dev.Close()
	path := filepath.Join(dir, "giay-chung-sinh.jpg")
	err = dev.Scan(ctx, scanner.Settings{Source: scanner.SourcePlaten, DPI: 150, Mode: scanner.ModeColor, MaxPages: 1}, scanner.Handler{
		OnPage: func(p scanner.Page) error {
			f, err := os.Create(path)
			if err != nil {
				return err
			}
			if err := jpeg.Encode(f, p.Image, &jpeg.Options{Quality: 80}); err != nil {
				f.Close()
				return err
			}
			return f.Close()
		},
	})
	return path, err
}
