// `sohoa holidays`: import a year's holiday table (the government's decision) and show which years
// the desk has tables for.

package cli

import (
	"os"
	"time"

	"sohoa/desk"

	"github.com/spf13/cobra"
)

func holidaysCmd(g *Globals) *cobra.Command {
	c := &cobra.Command{Use: "holidays", Short: "the yearly holiday tables appointments are computed with"}
	imp := &cobra.Command{
		Use:   "import FILE",
		Short: "load one year's holiday table (JSON as in assets/holidays/README.md, with its sources)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			return withUnitDesk(cmd.Context(), g, func(d *desk.Desk) error {
				y, err := d.Settings.ImportHolidays(cmd.Context(), data)
				if err != nil {
					return err
				}
				return g.emit(map[string]any{"file": args[0], "year": y}, "holiday table for %d loaded from %s\n", y, args[0])
			})
		},
	}
	show := &cobra.Command{
		Use: "status", Short: "say whether this year and the coming one have a holiday table",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withUnitDesk(cmd.Context(), g, func(d *desk.Desk) error {
				ahead := d.Settings.HolidaysAhead(time.Now())
				if g.JSON {
					return g.printJSON(ahead)
				}
				for _, h := range ahead {
					switch {
					case h.Missing:
						g.printf("%d: không có bảng ngày nghỉ — ngày hẹn chỉ tính theo Bộ luật Lao động; hãy nhập bảng của năm (sohoa holidays import)\n", h.Year)
					case h.Inferred:
						g.printf("%d: có bảng, nhưng một phần chưa theo văn bản chính thức (xem ghi chú trong bảng)\n", h.Year)
					default:
						g.printf("%d: có bảng ngày nghỉ theo văn bản chính thức\n", h.Year)
					}
				}
				return nil
			})
		},
	}
	c.AddCommand(imp, show)
	return c
}
