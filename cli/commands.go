// The desk subcommands: dossier, scan, import, sign, submit, queue, verify, receipt, devices, tokens, portal.

package cli

import (
	"bytes"
	"cmp"
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"sohoa/desk"
	"sohoa/dossier/applicant"
	"sohoa/errs"
	"sohoa/internal/atomicfile"
	"sohoa/portal"
	"sohoa/portal/refportal"
	"sohoa/scanner"
	"sohoa/signing"
	"sohoa/signing/certstore"
	"sohoa/signing/pkcs11"
)

// withDesk runs a command with the desk of the data folder open, closing it afterwards.
func withDesk(g *Globals, f func(ctx context.Context, d *desk.Desk, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		ctx := cmd.Context()
		d, err := g.OpenDesk(ctx)
		if err != nil {
			return err
		}
		defer d.Close()
		return f(ctx, d, args)
	}
}

func portalCmd(g *Globals) *cobra.Command {
	var addr string
	c := &cobra.Command{
		Use:   "portal",
		Short: "run the reference portal (OIDC login for citizens + the submission API) until interrupted",
		RunE: func(cmd *cobra.Command, _ []string) error {
			srv, err := refportal.New(refportal.Config{Addr: addr, DataDir: g.dataDir(), VerifyPDF: g.Program.VerifyForPortal(nil)})
			if err != nil {
				return err
			}
			defer srv.Close()
			url, err := srv.Start(cmd.Context())
			if err != nil {
				return err
			}
			if g.JSON {
				g.printJSON(map[string]string{"url": url})
			} else {
				g.printf("reference portal listening on %s (data: %s)\n", url, g.dataDir())
			}
			<-cmd.Context().Done()
			return nil
		},
	}
	c.Flags().StringVar(&addr, "addr", "127.0.0.1:8470", "listen address (loopback)")
	c.AddCommand(PortalTrainerCommands(g)...)
	c.AddCommand(&cobra.Command{
		Use:   "dossiers",
		Short: "list what the reference portal holds (code, idempotency key, applicant, files with SHA-256)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			list, err := refportal.ListDossiers(g.dataDir())
			if err != nil {
				return err
			}
			if g.JSON {
				return g.printJSON(list)
			}
			for _, d := range list {
				g.printf("%s\t%s\t%s\t%d file(s)\n", d.PortalCode, d.IdempotencyKey, d.ApplicantName, len(d.Files))
			}
			return nil
		},
	})
	return c
}

func dossierCmd(g *Globals) *cobra.Command {
	c := &cobra.Command{Use: "dossier", Short: "create, show and list dossiers"}
	var proc, qr, name, id, phone, email, addr string
	newc := &cobra.Command{
		Use:   "new",
		Short: "open a dossier for a procedure and an applicant (from the CCCD QR code or typed)",
		RunE: withDesk(g, func(ctx context.Context, d *desk.Desk, args []string) error {
			var a applicant.Applicant
			var err error
			if qr != "" {
				if a, err = applicant.ParseCCCDQR(qr); err != nil {
					return err
				}
			} else {
				a = applicant.Applicant{Name: name, ID: id, Address: addr}
			}
			if phone != "" {
				a.Phone = phone
			}
			if email != "" {
				a.Email = email
			}
			v, err := d.Dossiers.NewDossier(ctx, proc, a)
			if err != nil {
				return err
			}
			return g.emit(v, "%s\n", v.ID)
		}),
	}
	f := newc.Flags()
	f.StringVar(&proc, "procedure", "", "procedure code, e.g. 1.001193")
	f.StringVar(&qr, "cccd-qr", "", "the text of the citizen ID card's QR code")
	f.StringVar(&name, "name", "", "applicant's full name (without --cccd-qr)")
	f.StringVar(&id, "id", "", "applicant's 12-digit ID number (without --cccd-qr)")
	f.StringVar(&addr, "address", "", "applicant's address")
	f.StringVar(&phone, "phone", "", "applicant's phone")
	f.StringVar(&email, "email", "", "applicant's email")
	newc.MarkFlagRequired("procedure")

	show := &cobra.Command{
		Use:   "show ID",
		Short: "show a dossier: components, pages, files with hashes, state",
		Args:  cobra.ExactArgs(1),
		RunE: withDesk(g, func(ctx context.Context, d *desk.Desk, args []string) error {
			v, err := d.Dossiers.Dossier(ctx, args[0])
			if err != nil {
				return err
			}
			if g.JSON {
				return g.printJSON(v)
			}
			g.printf("%s  %s  %s\n%s — %s (%s)\n", v.ID, v.State, v.ProcedureCode, v.Record.ProcedureName, v.Record.Applicant.Name, v.Record.Applicant.ID)
			for _, c := range v.Components {
				g.printf("  %s %s: %d page(s), confirmed=%v\n", c.Code, c.Name, len(c.Pages), c.Confirmed)
				for _, f := range c.Files {
					g.printf("    %s [%s] %d bytes sha256=%s\n", f.Name, f.Role, f.Size, f.Blob)
				}
			}
			if v.PortalCode != "" {
				g.printf("portal code: %s\n", v.PortalCode)
			}
			return nil
		}),
	}
	var state string
	list := &cobra.Command{
		Use:   "list",
		Short: "list dossiers, newest first",
		RunE: withDesk(g, func(ctx context.Context, d *desk.Desk, args []string) error {
			l, err := d.Dossiers.List(ctx, desk.DossierFilter{State: state})
			if err != nil {
				return err
			}
			if g.JSON {
				return g.printJSON(l)
			}
			tw := tabwriter.NewWriter(g.Out, 2, 4, 2, ' ', 0)
			for _, s := range l {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.ID, s.State, s.ProcedureCode, s.ApplicantName, s.PortalCode)
			}
			return tw.Flush()
		}),
	}
	list.Flags().StringVar(&state, "state", "", "only dossiers in this state")
	var out string
	export := &cobra.Command{
		Use:   "export ID",
		Short: "write the dossier package (manifest + signed PDFs + SHA256SUMS) as a zip for a manual upload",
		Args:  cobra.ExactArgs(1),
		RunE: withDesk(g, func(ctx context.Context, d *desk.Desk, args []string) error {
			if out == "" {
				out = args[0] + ".zip"
			}
			var buf bytes.Buffer
			if err := d.Dossiers.Export(ctx, args[0], &buf); err != nil {
				return err
			}
			if err := atomicfile.Write(out, buf.Bytes(), 0o644); err != nil {
				return err
			}
			return g.emit(map[string]any{"dossier": args[0], "file": out, "bytes": buf.Len()}, "%s\n", out)
		}),
	}
	export.Flags().StringVarP(&out, "output", "o", "", "zip file (default <code>.zip)")
	c.AddCommand(newc, show, list, export)
	return c
}

func scanCmd(g *Globals) *cobra.Command {
	var id, comp, device, source, mode string
	var dpi, pages int
	c := &cobra.Command{
		Use:   "scan",
		Short: "scan pages into a dossier component",
		RunE: withDesk(g, func(ctx context.Context, d *desk.Desk, args []string) error {
			if device == "" {
				device = "virtual:"
			}
			n, err := d.Capture.Scan(ctx, desk.ScanRequest{Dossier: id, Component: comp, Device: device,
				Settings: scanner.Settings{Source: scanner.Source(source), DPI: dpi, Mode: scanner.ColorMode(mode), MaxPages: pages}})
			if g.JSON {
				out := map[string]any{"dossier": id, "component": comp, "pages": n}
				if err != nil {
					out["error"] = err.Error()
				}
				g.printJSON(out)
			} else if err == nil {
				g.printf("%d page(s) scanned into %s/%s\n", n, id, comp)
			}
			return err
		}),
	}
	f := c.Flags()
	f.StringVar(&id, "dossier", "", "dossier code")
	f.StringVar(&comp, "component", "", "component code, e.g. TP1")
	f.StringVar(&device, "device", "", "device address: virtual:, sane:NAME, escl:URL, usb:BUS:ADDR, folder:PATH (default virtual:)")
	f.StringVar(&source, "source", "", "platen, feeder or duplex")
	f.IntVar(&dpi, "dpi", 200, "resolution in dpi")
	f.StringVar(&mode, "mode", "color", "color, gray or bw")
	f.IntVar(&pages, "pages", 0, "stop after this many pages (0: until the feeder is empty)")
	c.MarkFlagRequired("dossier")
	c.MarkFlagRequired("component")
	return c
}

func importCmd(g *Globals) *cobra.Command {
	var id, comp string
	c := &cobra.Command{
		Use:   "import FILE...",
		Short: "import the citizen's own files (PDF, JPEG, PNG, TIFF) into a component",
		Args:  cobra.MinimumNArgs(1),
		RunE: withDesk(g, func(ctx context.Context, d *desk.Desk, args []string) error {
			if err := d.Capture.Import(ctx, id, comp, args...); err != nil {
				return err
			}
			return g.emit(map[string]any{"dossier": id, "component": comp, "files": args}, "%d file(s) imported into %s/%s\n", len(args), id, comp)
		}),
	}
	c.Flags().StringVar(&id, "dossier", "", "dossier code")
	c.Flags().StringVar(&comp, "component", "", "component code")
	c.MarkFlagRequired("dossier")
	c.MarkFlagRequired("component")
	return c
}

func signCmd(g *Globals) *cobra.Command {
	var id, module, label, p12, thumb, pinEnv, tsa, roots string
	var training, confirm, finalTry bool
	c := &cobra.Command{
		Use:   "sign",
		Short: "check the certificate, then sign every component of a dossier",
		RunE: withDesk(g, func(ctx context.Context, d *desk.Desk, args []string) error {
			var ident signing.Identity
			var pool *x509.CertPool
			var err error
			pin := []byte(os.Getenv(pinEnv))
			defer clear(pin)
			switch {
			case training || (module == "" && p12 == "" && thumb == "" && d.Settings.Training()):
				ident, pool, err = g.Program.TrainingIdentity(ctx, d)
			case module != "" || p12 != "" || thumb != "": // certificate store: the token's minidriver asks for the PIN
				ident, err = g.Program.OpenIdentity(ctx, desk.IdentitySpec{Module: module, TokenLabel: label, ConfirmFinalTry: finalTry, PKCS12: p12, CertStore: thumb, PIN: pin})
			default:
				return errors.New("choose a signing identity: --pkcs11-module PATH, --pkcs12 FILE, --certstore THUMBPRINT or --training")
			}
			if err != nil {
				return err
			}
			defer ident.Close()
			if roots != "" {
				base := pool
				if base == nil {
					base = signing.ShippedRoots()
				}
				if pool, err = withRoots(base, roots); err != nil {
					return err
				}
			}
			if confirm {
				v, err := d.Dossiers.Dossier(ctx, id)
				if err != nil {
					return err
				}
				for _, c := range v.Components {
					if len(c.Pages) > 0 || len(c.Files) > 0 {
						if err := d.Dossiers.Confirm(ctx, id, c.Code, true); err != nil {
							return err
						}
					}
				}
			}
			if err := d.Signing.Sign(ctx, id, ident, desk.SignOptions{TSAURL: tsa, Roots: pool}); err != nil {
				return err
			}
			v, err := d.Dossiers.Dossier(ctx, id)
			if err != nil {
				return err
			}
			return g.emit(v, "%s signed by %s\n", id, v.Record.Signer)
		}),
	}
	f := c.Flags()
	f.StringVar(&id, "dossier", "", "dossier code")
	f.StringVar(&module, "pkcs11-module", "", "PKCS#11 module of the USB token")
	f.StringVar(&label, "token-label", "", "token label (default: the first token with a certificate and key)")
	f.StringVar(&p12, "pkcs12", "", "a .p12/.pfx file")
	f.StringVar(&thumb, "certstore", "", "thumbprint of a certificate in the Windows certificate store (see `sohoa tokens`)")
	f.BoolVar(&training, "training", false, "sign with the training identity")
	f.StringVar(&pinEnv, "pin-env", "SOHOA_PIN", "environment variable holding the PIN or .p12 password (never a flag: flags show in the process list)")
	f.StringVar(&tsa, "tsa", "", "RFC 3161 timestamp authority URL")
	f.StringVar(&roots, "trust-roots", "", "extra trust roots (PEM or DER files, comma-separated)")
	f.BoolVar(&finalTry, "confirm-final-try", false, "try the PIN even though one more wrong PIN locks the token")
	f.BoolVar(&confirm, "confirm", false, "record that every captured component was checked against the original")
	c.MarkFlagRequired("dossier")
	return c
}

// withRoots returns base (nil: an empty pool) plus the certificates in the comma-separated files.
func withRoots(base *x509.CertPool, files string) (*x509.CertPool, error) {
	pool := x509.NewCertPool()
	if base != nil {
		pool = base.Clone()
	}
	for _, f := range strings.Split(files, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		certs, err := readCertificates(f)
		if err != nil {
			return nil, err
		}
		for _, c := range certs {
			pool.AddCert(c)
		}
	}
	return pool, nil
}

// readCertificates reads every certificate of a PEM or DER file.
func readCertificates(path string) ([]*x509.Certificate, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("trust roots: %w", err)
	}
	var out []*x509.Certificate
	rest := b
	for {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			break
		}
		if blk.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("trust roots: %s: %w", path, err)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		c, err := x509.ParseCertificate(b)
		if err != nil {
			return nil, fmt.Errorf("trust roots: %s holds no PEM or DER certificate: %w", path, err)
		}
		out = append(out, c)
	}
	return out, nil
}

func submitCmd(g *Globals) *cobra.Command {
	var id, portalURL, user, pass string
	var wait bool
	c := &cobra.Command{
		Use:   "submit",
		Short: "authorize with the citizen's portal account and queue the dossier for upload",
		RunE: withDesk(g, func(ctx context.Context, d *desk.Desk, args []string) error {
			portalURL, err := portalOf(ctx, d, portalURL)
			if err != nil {
				return err
			}
			var tok portal.Token
			if user != "" {
				tok, err = portal.TrainingLogin(ctx, portalURL, user, os.Getenv(pass))
			} else {
				a := &portal.Authorizer{Issuer: portalURL, ClientID: "sohoa-desk", OpenBrowser: openBrowser}
				tok, err = a.Authorize(ctx)
			}
			if err != nil {
				// Nothing is queued yet: say so, whatever the portal error says.
				return errs.Frame(desk.ErrNotQueued, err)
			}
			it, err := d.Outbox.Submit(ctx, id, tok)
			if err != nil {
				return err
			}
			if wait {
				if err := d.Outbox.Uploader(portal.NewClient(portalURL), desk.UploaderOptions{}).Drain(ctx); err != nil {
					return err
				}
			}
			v, err := d.Dossiers.Dossier(ctx, id)
			if err != nil {
				return err
			}
			return g.emit(map[string]any{"dossier": id, "state": v.State, "idempotency_key": it.IdemKey, "portal_code": v.PortalCode, "last_error": v.LastError}, "%s %s %s\n", id, v.State, v.PortalCode)
		}),
	}
	f := c.Flags()
	f.StringVar(&id, "dossier", "", "dossier code")
	f.StringVar(&portalURL, "portal", "", "portal base URL (default: the unit profile's)")
	f.StringVar(&user, "citizen", "", "training only: log this training citizen in without a browser")
	f.StringVar(&pass, "citizen-password-env", "SOHOA_CITIZEN_PASSWORD", "training only: variable holding the training citizen's password")
	f.BoolVar(&wait, "wait", true, "upload now and wait for the portal's answer")
	c.MarkFlagRequired("dossier")
	return c
}

// openBrowser opens the citizen's login page in the system browser, and prints it too in case the
// desk has no browser at hand.
func openBrowser(url string) error {
	fmt.Fprintf(os.Stderr, "Mở địa chỉ này trong trình duyệt để công dân đăng nhập / open this address for the citizen to log in:\n%s\n", url)
	if err := portal.SystemBrowser(url); err != nil {
		fmt.Fprintln(os.Stderr, "(no browser could be started:", err, ")")
	}
	return nil
}

func queueCmd(g *Globals) *cobra.Command {
	c := &cobra.Command{Use: "queue", Short: "the outbox: list, run, retry"}
	list := &cobra.Command{
		Use: "list", Short: "list the outbox",
		RunE: withDesk(g, func(ctx context.Context, d *desk.Desk, args []string) error {
			q, err := d.Outbox.Queue(ctx, 0)
			if err != nil {
				return err
			}
			items := []desk.OutboxItem{}
			for _, it := range q.Items {
				if it.Outbox != nil {
					items = append(items, *it.Outbox)
				}
			}
			slices.SortFunc(items, func(a, b desk.OutboxItem) int { return cmp.Compare(a.ID, b.ID) })
			if g.JSON {
				return g.printJSON(items)
			}
			tw := tabwriter.NewWriter(g.Out, 2, 4, 2, ' ', 0)
			for _, it := range items {
				fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", it.DossierID, it.State, it.Attempts, it.LastError)
			}
			return tw.Flush()
		}),
	}
	// `queue run` is `upload` under the queue: one implementation of draining the outbox.
	run := uploadCmd(g)
	run.Use, run.Short = "run", "upload everything that is due, then stop (the same as `sohoa upload`)"
	retry := &cobra.Command{
		Use: "retry ID", Short: "put a failed dossier back in the queue", Args: cobra.ExactArgs(1),
		RunE: withDesk(g, func(ctx context.Context, d *desk.Desk, args []string) error {
			if err := d.Outbox.Retry(ctx, args[0]); err != nil {
				return err
			}
			return g.emit(map[string]any{"dossier": args[0], "state": desk.Queued}, "%s %s\n", args[0], desk.Queued)
		}),
	}
	c.AddCommand(list, run, retry)
	return c
}

func receiptCmd(g *Globals) *cobra.Command {
	var id, out string
	c := &cobra.Command{
		Use: "receipt", Short: "write the dossier's receipt (Giấy tiếp nhận hồ sơ và hẹn trả kết quả) as PDF",
		RunE: withDesk(g, func(ctx context.Context, d *desk.Desk, args []string) error {
			pdf, err := d.FollowUp.Receipt(ctx, id)
			if err != nil {
				return err
			}
			if out == "" {
				out = "receipt-" + id + ".pdf"
			}
			if err := atomicfile.Write(out, pdf, 0o644); err != nil {
				return err
			}
			return g.emit(map[string]any{"dossier": id, "file": out, "bytes": len(pdf)}, "%s\n", out)
		}),
	}
	c.Flags().StringVar(&id, "dossier", "", "dossier code")
	c.Flags().StringVarP(&out, "output", "o", "", "output file (default receipt-<code>.pdf)")
	c.MarkFlagRequired("dossier")
	return c
}

func devicesCmd(g *Globals) *cobra.Command {
	return &cobra.Command{
		Use: "devices", Short: "list scanners with their capabilities",
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, cancel := context.WithTimeout(cmd.Context(), 10*time.Second)
			defer cancel()
			infos, lerr := scanner.List(ctx)
			type entry struct {
				scanner.Info
				Capabilities *scanner.Capabilities `json:"capabilities,omitempty"`
				Error        string                `json:"error,omitempty"`
			}
			var out []entry
			for _, in := range infos {
				e := entry{Info: in}
				if dev, err := scanner.Open(in.Address); err != nil {
					e.Error = err.Error()
				} else {
					if caps, err := dev.Capabilities(ctx); err != nil {
						e.Error = err.Error()
					} else {
						e.Capabilities = &caps
					}
					dev.Close()
				}
				out = append(out, e)
			}
			if g.JSON {
				return g.printJSON(map[string]any{"devices": out, "warnings": errString(lerr)})
			}
			for _, e := range out {
				g.printf("%s\t%s\n", e.Address, e.Name)
			}
			if lerr != nil {
				fmt.Fprintln(os.Stderr, "warning:", lerr)
			}
			return nil
		},
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func tokensCmd(g *Globals) *cobra.Command {
	var module string
	c := &cobra.Command{
		Use: "tokens", Short: "list USB tokens (PKCS#11) and their certificates",
		RunE: func(cmd *cobra.Command, _ []string) error {
			mods := []string{module}
			if module == "" {
				mods = pkcs11.Candidates()
			}
			var all []pkcs11.TokenInfo
			var errs []error
			for _, m := range mods {
				if _, err := os.Stat(m); module == "" && err != nil {
					continue
				}
				ts, err := pkcs11.List(m)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				all = append(all, ts...)
			}
			if cs, err := certstore.List(cmd.Context()); err == nil && len(cs) > 0 { // Windows: beside the tokens
				all = append(all, certstore.AsToken(cs))
			} else if err != nil && !errors.Is(err, certstore.ErrUnsupported) {
				errs = append(errs, err)
			}
			if g.JSON {
				return g.printJSON(all)
			}
			for _, t := range all {
				g.printf("%s (%s)\n", t.Label, t.Module)
				for _, c := range t.Certificates {
					g.printf("  %s — %s\n", c.SubjectCN, c.Issuer)
				}
			}
			return errors.Join(errs...)
		},
	}
	c.Flags().StringVar(&module, "pkcs11-module", "", "PKCS#11 module (default: the known module locations)")
	return c
}
