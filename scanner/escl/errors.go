// Errors of the eSCL client: one typed error that carries a scanner sentinel so the UI can translate it.

package escl

import (
	"fmt"

	"sohoa/errs"
	"sohoa/scanner"
)

// Sentinels of this backend, in addition to the scanner package's; test with errors.Is.
var (
	// ErrStopped: the device reports pwg:State "Stopped" (an error shown on its panel).
	ErrStopped = errs.New("error.scan.stopped", errs.NeedsOfficer, "escl: scanner stopped")
	// ErrBadData: the device sent a body that could not be read (corrupt XML or image).
	ErrBadData = errs.New("error.scan.bad_data", errs.NeedsOfficer, "escl: unreadable data from the scanner")
)

// Error is returned by every failed exchange with an eSCL device. Kind is one of the
// scanner sentinels (scanner.ErrGone, ErrBusy, ErrJammed, ErrCoverOpen, ErrFeederEmpty,
// ErrUnsupported) or ErrStopped/ErrBadData, or nil when the failure is not classified;
// errors.Is sees both Kind and Err.
type Error struct {
	Kind   error  // classification, may be nil
	Op     string // what was being done: "ScannerCapabilities", "ScanJobs", "NextDocument", ...
	Status int    // HTTP status of the failed answer, 0 when there was none
	Pages  int    // pages already handed over to the caller before the failure
	Detail string // extra detail for the message, may be empty
	Err    error  // underlying cause, may be nil
}

// Error says what happened and what to do.
func (e *Error) Error() string {
	var msg string
	switch e.Kind {
	case scanner.ErrGone:
		msg = "the scanner stopped answering: check that it is switched on and connected, then scan again"
	case scanner.ErrBusy:
		msg = "the scanner is busy with another job: wait until it is idle, then scan again"
	case scanner.ErrJammed:
		msg = "paper is jammed or misfed in the feeder: clear it, put back the sheets not yet scanned, then scan again"
	case scanner.ErrCoverOpen:
		msg = "a cover or the feeder door of the scanner is open: close it, then scan again"
	case scanner.ErrFeederEmpty:
		msg = "the document feeder is empty: load the pages, then scan again"
	case scanner.ErrUnsupported:
		msg = "the scanner does not support this setting: choose another one"
	case ErrStopped:
		msg = "the scanner reports an error and has stopped: read the message on its panel, fix it, then scan again"
	case ErrBadData:
		msg = "the scanner sent data that cannot be read: scan again; if it happens again, restart the scanner"
	default:
		msg = "the scanner refused the request"
	}
	s := "escl: " + e.Op + ": " + msg
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	if e.Status != 0 {
		s += fmt.Sprintf(" [HTTP %d]", e.Status)
	}
	if e.Pages > 0 {
		s += fmt.Sprintf("; the %d page(s) already received are kept", e.Pages)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap exposes Kind and Err to errors.Is and errors.As.
func (e *Error) Unwrap() []error {
	var out []error
	if e.Kind != nil {
		out = append(out, e.Kind)
	}
	if e.Err != nil {
		out = append(out, e.Err)
	}
	return out
}

func unsupported(op, detail string) error {
	return &Error{Kind: scanner.ErrUnsupported, Op: op, Detail: detail}
}
