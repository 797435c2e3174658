// The root command: global flags (--data, --json, --lang) and running the subcommands.

package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"sohoa/desk"
)

// Version is set at build time with -ldflags "-X sohoa/cli.Version=...".
var Version = "dev"

// Globals are the flags every subcommand shares, and the program's wiring.
type Globals struct {
	Program  desk.Program // opens desks, identities, the training portal, the workers (sohoa/wire)
	DataDir  string
	JSON     bool
	Lang     string
	Training bool
	Officer  string
	Out      io.Writer
}

// GUIFunc starts the desktop window; main.go provides it because only main creates the Fyne app.
type GUIFunc func(ctx context.Context, o desk.WindowOptions) error

// Root builds the command tree over the program's wiring; the returned Globals hold the parsed
// shared flags once it ran.
func Root(prog desk.Program, gui GUIFunc) (*cobra.Command, *Globals) {
	g := &Globals{Program: prog, Out: os.Stdout}
	root := &cobra.Command{
		Use:           "sohoa",
		Short:         "Số hóa hồ sơ tại bộ phận một cửa — scanning, signing and online submission of paper dossiers",
		Version:       Version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	pf := root.PersistentFlags()
	pf.StringVar(&g.DataDir, "data", "", "data folder of this desk profile (default: <user config>/sohoa/default, or …/training in training mode)")
	pf.BoolVar(&g.JSON, "json", false, "print machine-readable JSON")
	pf.StringVar(&g.Lang, "lang", "vi", "language of messages and reports: vi or en")
	pf.BoolVar(&g.Training, "training", false, "training mode: virtual scanner, training signing identity, reference portal")
	pf.StringVar(&g.Officer, "officer", os.Getenv("SOHOA_OFFICER"), "name of the officer at the desk")
	root.AddCommand(
		guiCmd(g, gui), demoCmd(g), portalCmd(g), dossierCmd(g), scanCmd(g), importCmd(g), signCmd(g),
		submitCmd(g), queueCmd(g), verifyCmd(g), receiptCmd(g), devicesCmd(g), tokensCmd(g), ReportCmd(g), unitCmd(g),
	)
	root.AddCommand(auditCmd(g))
	root.AddCommand(doctorCmd(g))
	root.AddCommand(catalogCmd(g))
	root.AddCommand(holidaysCmd(g))
	root.AddCommand(SubmissionCommands(g)...)
	root.AddCommand(StatusCommands(g)...)
	return root, g
}

func (g *Globals) dataDir() string {
	if g.DataDir != "" {
		return g.DataDir
	}
	if g.Training {
		return g.Program.DefaultDataDir("training")
	}
	return g.Program.DefaultDataDir("")
}

// openOptions are the shared flags as the options of a desk.
func (g *Globals) openOptions() desk.OpenOptions {
	return desk.OpenOptions{DataDir: g.DataDir, Training: g.Training, Officer: g.Officer}
}

// OpenDesk opens the desk of the data folder. A folder without a unit profile runs in training mode.
func (g *Globals) OpenDesk(ctx context.Context) (*desk.Desk, error) {
	o := g.openOptions()
	o.FallbackToTraining = true
	d, err := g.Program.Open(ctx, o)
	if err != nil {
		return nil, err
	}
	g.Training = d.Settings.Training()
	return d, nil
}

func (g *Globals) printJSON(v any) error {
	enc := json.NewEncoder(g.Out)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// emit prints v as JSON with --json, else the formatted line for the officer.
func (g *Globals) emit(v any, format string, args ...any) error {
	if g.JSON {
		return g.printJSON(v)
	}
	g.printf(format, args...)
	return nil
}

func (g *Globals) printf(format string, args ...any) {
	fmt.Fprintf(g.Out, format, args...)
}

func guiCmd(g *Globals, gui GUIFunc) *cobra.Command {
	var autopilot string
	c := &cobra.Command{
		Use:   "gui",
		Short: "open the desk window (the default when sohoa runs without a subcommand)",
		RunE: func(cmd *cobra.Command, args []string) error {
			if gui == nil {
				return fmt.Errorf("this build has no GUI")
			}
			o := g.openOptions()
			o.FallbackToTraining = true
			return gui(cmd.Context(), desk.WindowOptions{Desk: o, Lang: g.Lang, Autopilot: autopilot, Version: Version})
		},
	}
	c.Flags().StringVar(&autopilot, "autopilot", "", "walk the whole training flow through the window and save screenshots into this folder (for tests)")
	return c
}
