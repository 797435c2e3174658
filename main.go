// Entry point: creates the Fyne app (the only place that does) and hands everything else to the cli package.

package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"sohoa/cli"
	"sohoa/i18n"
)

func main() {
	// pdfcpu would otherwise write a configuration folder under the user's home on first use.
	model.ConfigPath = "disable"
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root, g := cli.Root(runGUI)
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
