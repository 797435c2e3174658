// Entry point: creates the Fyne app (the only place that does) and hands the command line to the cli
// package over the program's wiring (sohoa/wire); gui.go builds the window from the same wiring.

package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"sohoa/cli"
	"sohoa/i18n"
	"sohoa/wire"
)

// newFyneApp creates the Fyne app of the window: the one place in the program that does.
func newFyneApp() fyne.App { return fyneapp.NewWithID("vn.sohoa.desk") }

func main() {
	// pdfcpu would otherwise write a configuration folder under the user's home on first use.
	model.ConfigPath = "disable"
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root, g := cli.Root(wire.Program{}, runGUI)
	if len(os.Args) == 1 {
		root.SetArgs([]string{"gui"})
	}
	if err := root.ExecuteContext(ctx); err != nil {
		code, silent := cli.ExitCode(err)
		if silent { // the command printed its result (sohoa verify's report); the code is the verdict
			os.Exit(code)
		}
		// The officer reads the same translated sentence the window would show, then the detail for support.
		fmt.Fprintln(os.Stderr, "sohoa:", i18n.ErrorDetail(g.Lang, err))
		os.Exit(code)
	}
}
