// `sohoa verify FILE.pdf`: the signature report and a verdict scripts can use — the exit code.

package cli

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"sohoa/signing"
)

// Exit codes of `sohoa verify`.
const (
	VerifyPassed        = 0 // every signature intact and trusted, the document unchanged since (but for allowed additions)
	VerifyFailed        = 1 // a signature is broken or the document was modified after signing
	VerifyIndeterminate = 2 // integrity holds, but trust, time or algorithm cannot be established; or no signature at all
	VerifyUnreadable    = 3 // the file cannot be read as a PDF
)

// ExitError ends the program with Code. With Err nil the command already printed what the officer
// needs (the report), and nothing more is printed.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// ExitCode is the process exit code for an error a command returned: 0 for nil, the ExitError's code,
// else 1. Silent tells that the command printed its own result and the error needs no sentence.
func ExitCode(err error) (code int, silent bool) {
	if err == nil {
		return 0, true
	}
	var ex *ExitError
	if errors.As(err, &ex) {
		return ex.Code, ex.Err == nil
	}
	return 1, false
}

// verifyExit maps a report's indication to the exit code.
func verifyExit(rep signing.Report) int {
	switch rep.Indication {
	case signing.IndicationPassed:
		return VerifyPassed
	case signing.IndicationFailed:
		return VerifyFailed
	}
	return VerifyIndeterminate
}

func verifyCmd(g *Globals) *cobra.Command {
	var roots string
	c := &cobra.Command{
		Use:   "verify FILE.pdf",
		Short: "verify the signatures of a PDF and print a report; exit 0 valid, 1 broken or changed after signing, 2 not established, 3 unreadable",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pdf, err := os.ReadFile(args[0])
			if err != nil {
				return &ExitError{Code: VerifyUnreadable, Err: err}
			}
			pool, err := withRoots(signing.ShippedRoots(), roots)
			if err != nil {
				return err
			}
			rep, err := signing.Verify(pdf, pool)
			switch {
			case errors.Is(err, signing.ErrNotSigned):
				rep.Indication = signing.IndicationIndeterminate
			case err != nil:
				return &ExitError{Code: VerifyUnreadable, Err: err}
			}
			if g.JSON {
				err = g.printJSON(rep)
			} else {
				_, err = fmt.Fprint(g.Out, rep.Text(g.Lang))
			}
			if err != nil {
				return err
			}
			if code := verifyExit(rep); code != 0 {
				return &ExitError{Code: code}
			}
			return nil
		},
	}
	c.Flags().StringVar(&roots, "trust-roots", "", "extra trust roots (PEM or DER files, comma-separated)")
	return c
}
