// Status sync, payment and delivery by post from the command line (`sohoa status …`, `sohoa delivery`), and
// the trainer's actions on the reference portal (`sohoa portal set-status`, `sohoa portal pay`).

package cli

import (
	"context"
	"fmt"
	"sort"
	"strconv"

	"github.com/spf13/cobra"

	"sohoa/desk"
	"sohoa/portal"
	"sohoa/portal/refportal"
)

// StatusCommands are the top-level commands `status` (sync, show, post-fee) and `delivery`.
func StatusCommands(g *Globals) []*cobra.Command {
	return []*cobra.Command{statusCmd(g), deliveryCmd(g)}
}

// PortalTrainerCommands are the subcommands of `sohoa portal` that act on a reference portal's data
// folder (--data DIR) as a trainer would: set-status and pay.
func PortalTrainerCommands(g *Globals) []*cobra.Command {
	var code string
	var status int
	set := &cobra.Command{
		Use:   "set-status",
		Short: "move a dossier held by the reference portal to a national status 1–10 (9, 10 record the result time)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := refportal.SetStatus(cmd.Context(), g.dataDir(), code, status); err != nil {
				return err
			}
			return g.emit(map[string]any{"portal_code": code, "status": status}, "%s: status %d\n", code, status)
		},
	}
	set.Flags().StringVar(&code, "code", "", "the portal's dossier code (REF-…)")
	set.Flags().IntVar(&status, "status", 0, "the national status code 1–10")
	_ = set.MarkFlagRequired("code")
	_ = set.MarkFlagRequired("status")

	var payCode string
	pay := &cobra.Command{
		Use:   "pay",
		Short: "record that the citizen paid a dossier's payment request on the reference portal",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := refportal.MarkPaid(cmd.Context(), g.dataDir(), payCode); err != nil {
				return err
			}
			return g.emit(map[string]any{"portal_code": payCode, "paid": true}, "%s: paid\n", payCode)
		},
	}
	pay.Flags().StringVar(&payCode, "code", "", "the portal's dossier code (REF-…)")
	_ = pay.MarkFlagRequired("code")
	return []*cobra.Command{set, pay}
}

func statusCmd(g *Globals) *cobra.Command {
	c := &cobra.Command{Use: "status", Short: "follow submitted dossiers on the portal: status, result time, payment"}
	var portalURL string
	sync := &cobra.Command{
		Use:   "sync [ID]",
		Short: "ask the portal about one dossier, or about every submitted dossier that can still change",
		Args:  cobra.MaximumNArgs(1),
		RunE: withDesk(g, func(ctx context.Context, d *desk.Desk, args []string) error {
			base, err := portalOf(ctx, d, portalURL)
			if err != nil {
				return err
			}
			cl := portal.NewClient(base)
			if len(args) == 1 {
				ch, err := d.FollowUp.SyncStatus(ctx, cl, args[0])
				if err != nil {
					return err
				}
				if g.JSON {
					return g.printJSON(ch)
				}
				printChange(g, ch)
				return nil
			}
			rep, err := d.FollowUp.SyncAll(ctx, cl)
			if err != nil {
				return err
			}
			if g.JSON {
				failed := map[string]string{}
				for id, e := range rep.Failed {
					failed[id] = e.Error()
				}
				return g.printJSON(map[string]any{"checked": rep.Checked, "changed": rep.Changed, "not_followed": rep.NotFollowed, "failed": failed})
			}
			for _, ch := range rep.Changed {
				printChange(g, ch)
			}
			ids := make([]string, 0, len(rep.Failed))
			for id := range rep.Failed {
				ids = append(ids, id)
			}
			sort.Strings(ids)
			for _, id := range ids {
				g.printf("%s: %v\n", id, rep.Failed[id])
			}
			g.printf("checked %d, changed %d, failed %d, not followed %d\n", rep.Checked, len(rep.Changed), len(rep.Failed), rep.NotFollowed)
			return nil
		}),
	}
	sync.Flags().StringVar(&portalURL, "portal", "", "portal base URL (default: the unit profile's)")

	show := &cobra.Command{
		Use:   "show ID",
		Short: "print a dossier's portal status, result time and payment as the desk last saw them",
		Args:  cobra.ExactArgs(1),
		RunE: withDesk(g, func(ctx context.Context, d *desk.Desk, args []string) error {
			v, err := d.Dossiers.Dossier(ctx, args[0])
			if err != nil {
				return err
			}
			p, hasPay, err := d.FollowUp.Payment(ctx, args[0])
			if err != nil {
				return err
			}
			out := map[string]any{"id": v.ID, "portal_code": v.PortalCode, "status": v.PortalStatus,
				"fees": desk.FeeTotal(v), "by_post": v.Record.ByPost, "officer_role": v.Record.OfficerRole}
			if !v.Record.ResultAt.IsZero() {
				out["result_at"] = v.Record.ResultAt
			}
			if hasPay {
				out["payment"] = map[string]any{"amount": p.Amount, "reference": p.Reference, "url": p.URL, "paid": p.Paid, "paid_at": p.PaidAt}
			}
			if g.JSON {
				return g.printJSON(out)
			}
			g.printf("%s\tportal %s\tstatus %d\tfees %d VND\n", v.ID, v.PortalCode, v.PortalStatus, desk.FeeTotal(v))
			if !v.Record.ResultAt.IsZero() {
				g.printf("result at %s\n", v.Record.ResultAt.In(desk.Location).Format("15:04 02/01/2006"))
			}
			if hasPay {
				g.printf("%s (%d VND) %s\n", desk.PaymentNote(p), p.Amount, p.URL)
			}
			return nil
		}),
	}

	postFee := &cobra.Command{
		Use:   "post-fee [VND]",
		Short: "print or set the unit's fee for delivering a result by post",
		Args:  cobra.MaximumNArgs(1),
		RunE: withDesk(g, func(ctx context.Context, d *desk.Desk, args []string) error {
			if len(args) == 1 {
				n, err := strconv.ParseInt(args[0], 10, 64)
				if err != nil {
					return fmt.Errorf("%w: %q is not an amount in đồng", desk.ErrInvalidUnit, args[0])
				}
				if err := d.Settings.SetPostFee(ctx, n); err != nil {
					return err
				}
			}
			fee, err := d.Settings.PostFee(ctx)
			if err != nil {
				return err
			}
			return g.emit(map[string]int64{"post_fee": fee}, "%d\n", fee)
		}),
	}
	c.AddCommand(sync, show, postFee)
	return c
}

func deliveryCmd(g *Globals) *cobra.Command {
	var byPost bool
	var address string
	c := &cobra.Command{
		Use:   "delivery ID",
		Short: "record whether the result goes to the citizen by post (--post --address …) or is collected at the counter",
		Args:  cobra.ExactArgs(1),
		RunE: withDesk(g, func(ctx context.Context, d *desk.Desk, args []string) error {
			if err := d.Dossiers.SetDelivery(ctx, args[0], byPost, address); err != nil {
				return err
			}
			v, err := d.Dossiers.Dossier(ctx, args[0])
			if err != nil {
				return err
			}
			return g.emit(map[string]any{"id": v.ID, "by_post": v.Record.ByPost, "address": v.Record.PostAddress, "fees": desk.FeeTotal(v)}, "%s: by post %v, fees %d VND\n", v.ID, v.Record.ByPost, desk.FeeTotal(v))
		}),
	}
	c.Flags().BoolVar(&byPost, "post", false, "deliver the result by post")
	c.Flags().StringVar(&address, "address", "", "the address the result is posted to")
	return c
}

func printChange(g *Globals, ch desk.StatusChange) {
	g.printf("%s\t%s\tstatus %d", ch.DossierID, ch.PortalCode, ch.Status)
	if ch.Changed {
		g.printf(" (was %d)", ch.From)
	}
	if !ch.ResultAt.IsZero() {
		g.printf("\tresult %s", ch.ResultAt.In(desk.Location).Format("15:04 02/01/2006"))
	}
	if ch.Payment != nil {
		g.printf("\t%s", desk.PaymentNote(*ch.Payment))
	}
	g.printf("\n")
}
