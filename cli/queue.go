// `sohoa upload`: drain the outbox with tuning for slow links (chunk size, backoff, lease), and `sohoa authorize`:
// the citizen approves on their phone (device flow) and the dossier is queued. Register with SubmissionCommands.

package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/skip2/go-qrcode"
	"github.com/spf13/cobra"

	"sohoa/desk"
	"sohoa/portal"
)

// SubmissionCommands returns the commands of this file, for Root to add.
func SubmissionCommands(g *Globals) []*cobra.Command {
	return []*cobra.Command{uploadCmd(g), authorizeCmd(g)}
}

func portalOf(ctx context.Context, d *desk.Desk, flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	u, err := d.Settings.Unit(ctx)
	if err != nil {
		return "", err
	}
	if u.PortalURL == "" {
		return "", errors.New("no portal address: give --portal URL or set it in the unit profile")
	}
	return u.PortalURL, nil
}

func uploadCmd(g *Globals) *cobra.Command {
	var portalURL string
	var chunk int64
	var initial, maxBackoff, lease, timeout time.Duration
	var wait bool
	c := &cobra.Command{
		Use:   "upload",
		Short: "upload what is due in the outbox (resuming interrupted uploads), then stop; --wait also waits for retries",
		RunE: withDesk(g, func(ctx context.Context, d *desk.Desk, args []string) error {
			base, err := portalOf(ctx, d, portalURL)
			if err != nil {
				return err
			}
			cl := portal.NewClient(base)
			if chunk > 0 {
				cl.ChunkSize = chunk
			}
			if timeout > 0 {
				cl.Timeout = timeout
			}
			u := d.Outbox.Uploader(cl, desk.UploaderOptions{Lease: lease, InitialBackoff: initial, MaxBackoff: maxBackoff})
			for {
				if err := u.Drain(ctx); err != nil {
					return err
				}
				st, err := d.Outbox.QueueStats(ctx)
				if err != nil {
					return err
				}
				if !wait || st.Pending+st.Claimed == 0 {
					return g.emit(st, "pending %d, claimed %d, done %d, failed %d\n", st.Pending, st.Claimed, st.Done, st.Failed)
				}
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(200 * time.Millisecond):
				}
			}
		}),
	}
	f := c.Flags()
	f.StringVar(&portalURL, "portal", "", "portal base URL (default: the unit profile's)")
	f.Int64Var(&chunk, "chunk-size", 0, "bytes per upload request (default 256 KiB)")
	f.DurationVar(&initial, "backoff", 0, "first retry delay after a transient failure (default 5s)")
	f.DurationVar(&maxBackoff, "max-backoff", 0, "longest retry delay (default 10m)")
	f.DurationVar(&lease, "lease", 0, "how long a claimed item is held before another worker may take it (default 5m)")
	f.DurationVar(&timeout, "request-timeout", 0, "per-request timeout (default 30s)")
	f.BoolVar(&wait, "wait", false, "keep going until nothing is pending (retries included)")
	return c
}

func authorizeCmd(g *Globals) *cobra.Command {
	var id, portalURL string
	var timeout time.Duration
	c := &cobra.Command{
		Use:   "authorize",
		Short: "the citizen approves the submission on their phone (QR code + short code), then the dossier is queued",
		RunE: withDesk(g, func(ctx context.Context, d *desk.Desk, args []string) error {
			base, err := portalOf(ctx, d, portalURL)
			if err != nil {
				return err
			}
			a := &portal.DeviceAuthorizer{Issuer: base, Scopes: append(append([]string{}, portal.DefaultScopes...), portal.DossierScope(id))}
			gr, err := a.Start(ctx)
			if err != nil {
				return err
			}
			if qr, err := qrcode.New(gr.VerificationURIComplete, qrcode.Medium); err == nil {
				fmt.Fprint(os.Stderr, qr.ToSmallString(false))
			}
			fmt.Fprintf(os.Stderr, "Citizen: scan the QR code, or open %s and enter the code %s\n", gr.VerificationURI, gr.UserCode)
			if timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, timeout)
				defer cancel()
			}
			tok, err := gr.Wait(ctx)
			if err != nil {
				return err
			}
			it, err := d.Outbox.Submit(ctx, id, tok)
			if err != nil {
				return err
			}
			return g.emit(map[string]any{"dossier": id, "citizen": tok.Subject, "idempotency_key": it.IdemKey, "scopes": tok.Scopes}, "%s queued for %s (%s)\n", id, tok.Name, tok.Subject)
		}),
	}
	c.Flags().StringVar(&id, "dossier", "", "dossier code")
	c.Flags().StringVar(&portalURL, "portal", "", "portal base URL (default: the unit profile's)")
	c.Flags().DurationVar(&timeout, "timeout", 10*time.Minute, "give up when the citizen has not approved by then")
	c.MarkFlagRequired("dossier")
	return c
}
