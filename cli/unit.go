// `sohoa unit`: show or set the desk's unit profile and desk number (for scripted set-up of many desks).

package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"sohoa/desk"
)

func unitCmd(g *Globals) *cobra.Command {
	c := &cobra.Command{Use: "unit", Short: "show or set the unit profile of this desk"}
	show := &cobra.Command{
		Use: "show", Short: "print the unit profile and the desk number",
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			return withUnitDesk(ctx, g, func(d *desk.Desk) error {
				u, err := d.Settings.Unit(ctx)
				if err != nil {
					return err
				}
				num, err := d.Settings.DeskNumber(ctx)
				if err != nil {
					return err
				}
				if g.JSON {
					return g.printJSON(map[string]any{"unit": u, "desk": num})
				}
				g.printf("%s — %s (%s), desk %d\n", u.Code, u.Name, u.CounterType, num)
				for _, h := range u.Hotlines {
					g.printf("  %s: %s %s\n", h.Label, h.Phone, h.Email)
				}
				if u.PortalURL != "" {
					g.printf("  portal: %s\n", u.PortalURL)
				}
				return nil
			})
		},
	}
	var u desk.Unit
	var hotlines []string
	var deskNo, desks int
	set := &cobra.Command{
		Use: "set", Short: "set the unit profile (code, name, counter type, hotlines, portal) and the desk number",
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			for _, h := range hotlines {
				parts := strings.Split(h, "|")
				for len(parts) < 3 {
					parts = append(parts, "")
				}
				u.Hotlines = append(u.Hotlines, desk.Hotline{Label: parts[0], Phone: parts[1], Email: parts[2]})
			}
			if u.CounterType != "commune" && u.CounterType != "postal" {
				return fmt.Errorf("--counter must be commune (one-stop desk) or postal (post-office counter), not %q", u.CounterType)
			}
			return withUnitDesk(ctx, g, func(d *desk.Desk) error {
				if err := d.Settings.SaveUnit(ctx, u); err != nil {
					return err
				}
				if err := d.Settings.SetDeskNumber(ctx, deskNo); err != nil {
					return err
				}
				if desks > 0 {
					if err := d.Settings.SetDesks(ctx, max(deskNo, 1), desks); err != nil {
						return err
					}
				}
				return g.emit(map[string]any{"unit": u, "desk": deskNo}, "%s — %s, desk %d\n", u.Code, u.Name, deskNo)
			})
		},
	}
	f := set.Flags()
	f.StringVar(&u.Code, "code", "", "unit code (QCVN 102:2016), e.g. 000.21.30.H47")
	f.StringVar(&u.Name, "name", "", "unit name, e.g. UBND xã Tam Xuân")
	f.StringVar(&u.Address, "address", "", "unit address")
	f.StringVar(&u.Province, "province", "", "province or city, printed on receipts")
	f.StringVar(&u.CounterType, "counter", "commune", "commune (one-stop desk) or postal (post-office counter)")
	f.StringArrayVar(&hotlines, "hotline", nil, `hotline as "label|phone|email" (repeatable), e.g. "Tổng đài 1022|0235.1022|1022@quangnam.gov.vn"`)
	f.StringVar(&u.PortalURL, "portal", "", "the portal's base URL")
	f.IntVar(&deskNo, "desk", 0, "this desk's number in the unit: 0 for a single desk, 1–9 when the unit has several")
	f.IntVar(&desks, "desks", 0, "how many desks the unit has (1–9; the same on every desk): desk k of N numbers its dossiers k, k+N, k+2N… of the unit's daily sequence")
	set.MarkFlagRequired("code")
	set.MarkFlagRequired("name")
	c.AddCommand(show, set)
	return c
}

// withUnitDesk opens the desk of the data folder as it is, without falling back to training.
func withUnitDesk(ctx context.Context, g *Globals, f func(*desk.Desk) error) error {
	d, err := g.Program.Open(ctx, g.openOptions())
	if err != nil {
		return err
	}
	defer d.Close()
	return f(d)
}
