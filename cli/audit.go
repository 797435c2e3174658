// `sohoa audit verify` walks the audit chain and names the first bad row; `sohoa audit export`
// writes the log of a period as CSV or as a signed PDF for an inspection (directive 3.1.c).

package cli

import (
	"context"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"sohoa/desk"
	"sohoa/errs"
	"sohoa/internal/atomicfile"
	"sohoa/signing"
)

// ErrAuditArgs reports a wrong argument of `sohoa audit`.
var ErrAuditArgs = errs.New("error.audit.args", errs.NeedsOfficer, "cli: wrong audit arguments; see sohoa audit --help")

func auditCmd(g *Globals) *cobra.Command {
	c := &cobra.Command{Use: "audit", Short: "check and export the desk's audit log"}
	c.AddCommand(auditVerifyCmd(g), auditExportCmd(g))
	return c
}

func auditVerifyCmd(g *Globals) *cobra.Command {
	var head string
	c := &cobra.Command{
		Use:   "verify",
		Short: "walk the audit chain (keyed MAC) and report the first row that was altered, removed or recomputed",
		RunE: withDesk(g, func(ctx context.Context, d *desk.Desk, _ []string) error {
			var kept *desk.AuditHead
			if head != "" {
				h, err := parseAuditHead(head)
				if err != nil {
					return err
				}
				kept = &h
			}
			check, err := d.Audit.VerifyAudit(ctx, kept)
			if err != nil && check.BadRow == 0 && check.Reason == "" {
				return err // not a verdict on the chain: the log could not be read
			}
			if check.OK {
				return g.emit(check, "audit log verified: %d rows, head %d:%s\n", check.Head.ID, check.Head.ID, check.Head.MAC)
			}
			if g.JSON {
				if perr := g.printJSON(check); perr != nil {
					return perr
				}
			}
			return err
		}),
	}
	c.Flags().StringVar(&head, "head", "", "also check a chain head kept by the portal: ID:MAC (the manifest's ChuoiNhatKy)")
	return c
}

// parseAuditHead reads ID:MAC.
func parseAuditHead(s string) (desk.AuditHead, error) {
	id, mac, ok := strings.Cut(s, ":")
	n, err := strconv.ParseInt(id, 10, 64)
	if !ok || err != nil || n <= 0 || len(mac) != 64 {
		return desk.AuditHead{}, fmt.Errorf("%w: --head %q is not ID:MAC (a row id, a colon, 64 hex digits)", ErrAuditArgs, s)
	}
	return desk.AuditHead{ID: n, MAC: strings.ToLower(mac)}, nil
}

func auditExportCmd(g *Globals) *cobra.Command {
	var from, to, out, module, label, p12, pinEnv, tsa string
	var training bool
	c := &cobra.Command{
		Use:   "export",
		Short: "write the audit log of the days --from to --to (both included, Vietnam time) as FILE.csv or as a signed FILE.pdf",
		RunE: withDesk(g, func(ctx context.Context, d *desk.Desk, _ []string) error {
			start, end, err := auditPeriod(from, to)
			if err != nil {
				return err
			}
			switch strings.ToLower(filepath.Ext(out)) {
			case ".csv":
				f, err := os.CreateTemp(filepath.Dir(out), ".audit-*.csv")
				if err != nil {
					return err
				}
				defer os.Remove(f.Name())
				n, err := d.Audit.AuditCSV(ctx, start, end, f)
				if err == nil {
					err = f.Sync()
				}
				if cerr := f.Close(); err == nil {
					err = cerr
				}
				if err == nil {
					err = os.Rename(f.Name(), out)
				}
				if err != nil {
					return err
				}
				return g.emit(map[string]any{"file": out, "rows": n}, "%d audit rows written to %s\n", n, out)
			case ".pdf":
				ident, pool, err := auditIdentity(ctx, g, d, training, module, label, p12, pinEnv)
				if err != nil {
					return err
				}
				defer ident.Close()
				pdf, err := d.Audit.AuditPDF(ctx, start, end, ident, desk.SignOptions{TSAURL: tsa, Roots: pool})
				if err != nil {
					return err
				}
				if err := atomicfile.Write(out, pdf, 0o600); err != nil {
					return err
				}
				return g.emit(map[string]any{"file": out, "bytes": len(pdf)}, "signed audit log written to %s\n", out)
			default:
				return fmt.Errorf("%w: -o must name a .csv or a .pdf file", ErrAuditArgs)
			}
		}),
	}
	f := c.Flags()
	f.StringVar(&from, "from", "", "first day, YYYY-MM-DD (default: the first row)")
	f.StringVar(&to, "to", "", "last day, YYYY-MM-DD (default: today)")
	f.StringVarP(&out, "output", "o", "", "FILE.csv or FILE.pdf")
	f.StringVar(&module, "pkcs11-module", "", "PKCS#11 module of the USB token that signs the PDF")
	f.StringVar(&label, "token-label", "", "token label")
	f.StringVar(&p12, "pkcs12", "", "a .p12/.pfx file that signs the PDF")
	f.BoolVar(&training, "training-identity", false, "sign with the training identity (the default on a training desk)")
	f.StringVar(&pinEnv, "pin-env", "SOHOA_PIN", "environment variable holding the PIN or .p12 password")
	f.StringVar(&tsa, "tsa", "", "RFC 3161 timestamp authority URL")
	c.MarkFlagRequired("output")
	return c
}

// auditPeriod turns the inclusive days into [start, end) in Vietnam time; empty is open.
func auditPeriod(from, to string) (time.Time, time.Time, error) {
	var start, end time.Time
	var err error
	if from != "" {
		if start, err = time.ParseInLocation(time.DateOnly, from, desk.Location); err != nil {
			return start, end, fmt.Errorf("%w: --from %q is not YYYY-MM-DD", ErrAuditArgs, from)
		}
	}
	if to != "" {
		if end, err = time.ParseInLocation(time.DateOnly, to, desk.Location); err != nil {
			return start, end, fmt.Errorf("%w: --to %q is not YYYY-MM-DD", ErrAuditArgs, to)
		}
		end = end.AddDate(0, 0, 1)
		if !start.IsZero() && !end.After(start) {
			return start, end, fmt.Errorf("%w: --to %s is before --from %s", ErrAuditArgs, to, from)
		}
	}
	return start, end, nil
}

// auditIdentity opens the identity that signs the exported PDF: the token, a .p12 file, or the
// training identity (on a training desk when nothing else is named).
func auditIdentity(ctx context.Context, g *Globals, d *desk.Desk, training bool, module, label, p12, pinEnv string) (signing.Identity, *x509.CertPool, error) {
	pin := []byte(os.Getenv(pinEnv))
	defer clear(pin)
	if u, err := d.Settings.Unit(ctx); err == nil && u.Training {
		training = training || (module == "" && p12 == "")
	}
	switch {
	case training || (module == "" && p12 == "" && d.Settings.Training()):
		return g.Program.TrainingIdentity(ctx, d)
	case module != "" || p12 != "":
		id, err := g.Program.OpenIdentity(ctx, desk.IdentitySpec{Module: module, TokenLabel: label, PKCS12: p12, PIN: pin})
		return id, nil, err
	}
	return nil, nil, fmt.Errorf("%w: a signed PDF needs a signing identity: --pkcs11-module PATH, --pkcs12 FILE or --training-identity", ErrAuditArgs)
}
