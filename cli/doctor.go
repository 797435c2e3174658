// `sohoa doctor` reports a data folder's state (identity, database, stored files, dangling rows,
// orphan files) and, with --repair, re-indexes the stored files of a folder whose database is lost
// into a fresh database; --export copies the recovered files out for the officer to attach again.

package cli

import (
	"strings"

	"sohoa/desk"

	"github.com/spf13/cobra"
)

func doctorCmd(g *Globals) *cobra.Command {
	var repair bool
	var export string
	c := &cobra.Command{
		Use:   "doctor",
		Short: "check the data folder (identity, database, stored files); --repair rebuilds a lost database around the stored files, deleting nothing",
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			st, err := g.Program.Doctor(ctx, g.dataDir(), repair)
			if err != nil {
				return err
			}
			var exported []string
			if export != "" && st.Problem == "" {
				if exported, err = g.Program.ExportRecovered(ctx, g.dataDir(), export); err != nil {
					return err
				}
			}
			if g.JSON {
				if err := g.printJSON(map[string]any{"state": st, "exported": exported}); err != nil {
					return err
				}
			} else {
				g.printDoctor(st, exported)
			}
			return st.Err()
		},
	}
	c.Flags().BoolVar(&repair, "repair", false, "move a missing, empty or foreign database aside and re-index the stored files into a fresh one (nothing is deleted)")
	c.Flags().StringVar(&export, "export", "", "copy the recovered files into this folder (as pdf-…/jpeg-…/png-… files)")
	return c
}

func (g *Globals) printDoctor(st desk.FolderState, exported []string) {
	state := "ok"
	if st.Problem != "" {
		state = "DAMAGED (" + st.Problem + ")"
	}
	g.printf("data folder:      %s\n", st.Dir)
	g.printf("state:            %s\n", state)
	g.printf("identity:         %s (database: %s)\n", orNone(st.Identity), orNone(st.DBIdentity))
	g.printf("stored files:     %d\n", st.Blobs)
	g.printf("dangling rows:    %d\n", len(st.Dangling))
	for _, s := range st.Dangling {
		g.printf("  missing or damaged: %s\n", s)
	}
	g.printf("orphan files:     %d\n", len(st.Orphans))
	g.printf("recovered files:  %d\n", len(st.Recovered))
	for _, r := range st.Recovered {
		g.printf("  %s  %-7s %9d bytes  found %s\n", r.Blob, r.Kind, r.Size, r.FoundAt.In(desk.Location).Format("2006-01-02 15:04"))
	}
	if st.MovedDatabase != "" {
		g.printf("damaged database kept as %s\n", st.MovedDatabase)
	}
	if len(exported) > 0 {
		g.printf("exported:\n  %s\n", strings.Join(exported, "\n  "))
	}
	if st.Problem != "" {
		g.printf("\n%s\n", st.Damage)
	}
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
