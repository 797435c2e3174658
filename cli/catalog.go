// `sohoa catalog`: import the unit's procedure list (CSV, XLSX or JSON) and fee rows, list and search
// the procedures the desk receives.

package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"sohoa/desk"
	"sohoa/dossier/catalog"
)

func catalogCmd(g *Globals) *cobra.Command {
	c := &cobra.Command{Use: "catalog", Short: "the unit's procedure list: import, list, search, fees"}
	imp := &cobra.Command{
		Use:   "import FILE",
		Short: "load the unit's procedure list from a .csv, .xlsx or .json file (format: assets/catalog/README.md)",
		Long: "Loads the unit's procedure list and keeps it in the data folder; the shipped procedures it does not list stay.\n" +
			"CSV/XLSX: a header row with the columns " + strings.Join(catalog.Columns, ", ") + ";\n" +
			"one row per component (and/or fee) of a procedure, the rows of one procedure sharing its code.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			return withUnitDesk(cmd.Context(), g, func(d *desk.Desk) error {
				n, err := d.Settings.ImportCatalog(cmd.Context(), args[0], data)
				if err != nil {
					return g.catalogError(err)
				}
				return g.emit(map[string]any{"file": args[0], "procedures": n, "total": d.Dossiers.Catalog().Len()},
					"%d procedures loaded from %s; the desk now offers %d\n", n, args[0], d.Dossiers.Catalog().Len())
			})
		},
	}
	var level int
	list := &cobra.Command{
		Use: "list", Short: "list the procedures the desk offers (code, level, working days, name)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withUnitDesk(cmd.Context(), g, func(d *desk.Desk) error {
				var out []catalog.Procedure
				for _, p := range d.Dossiers.Catalog().All() {
					if level == 0 || p.Level == level || containsInt(p.Levels, level) {
						out = append(out, p)
					}
				}
				return g.printProcedures(out)
			})
		},
	}
	list.Flags().IntVar(&level, "level", 0, "only procedures of this level: 3 commune, 2 province, 4 district, 1 central")
	search := &cobra.Command{
		Use: "search WORDS…", Short: "find procedures by code or name (case and diacritics ignored)",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withUnitDesk(cmd.Context(), g, func(d *desk.Desk) error {
				return g.printProcedures(d.Dossiers.Catalog().Search(strings.Join(args, " ")))
			})
		},
	}
	fees := &cobra.Command{
		Use:   "fees FILE",
		Short: "load the unit's fee rows (CSV: procedure,name,amount,channel,per,from_page,to_page,cap_per_copy,unit,note; or JSON)",
		Long: "A unit's rows for a procedure and channel replace the catalog's rows of that procedure and channel.\n" +
			"channel: empty (all), truc_tiep, truc_tuyen or buu_chinh; per: empty or truong_hop (once), ban (per copy), trang (per page).",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			return withUnitDesk(cmd.Context(), g, func(d *desk.Desk) error {
				n, err := d.Settings.ImportFees(cmd.Context(), data)
				if err != nil {
					return g.catalogError(err)
				}
				return g.emit(map[string]any{"file": args[0], "rows": n}, "%d fee rows loaded from %s\n", n, args[0])
			})
		},
	}
	c.AddCommand(imp, list, search, fees)
	return c
}

// catalogError says which row and field of an imported file is wrong, in the officer's language.
func (g *Globals) catalogError(err error) error {
	var fe *catalog.FieldError
	if errors.As(err, &fe) && g.Lang != "en" {
		return fmt.Errorf("%s: %w", fe.Vietnamese(), catalog.ErrInvalid)
	}
	return err
}

func (g *Globals) printProcedures(ps []catalog.Procedure) error {
	if g.JSON {
		if ps == nil {
			ps = []catalog.Procedure{}
		}
		return g.printJSON(ps)
	}
	for _, p := range ps {
		g.printf("%s\t%d\t%d\t%s\n", p.Code, p.Level, p.Days, p.Name)
	}
	return nil
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
