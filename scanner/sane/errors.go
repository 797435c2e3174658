// Errors of the SANE backend: SANE status codes as typed errors that unwrap to scanner's sentinels.

package sane

import (
	"fmt"

	"sohoa/errs"
	"sohoa/scanner"
)

// ErrNotAvailable is returned in builds without cgo, where libsane cannot be called.
var ErrNotAvailable = errs.New("error.scan.sane_unavailable", errs.Permanent, "sane: SANE is not available in this build (built without cgo); use another scanner connection such as eSCL, the hot folder or file import")

// SANE status codes, as in sane.h.
const (
	StatusGood         = 0
	StatusUnsupported  = 1
	StatusCancelled    = 2
	StatusDeviceBusy   = 3
	StatusInval        = 4
	StatusEOF          = 5
	StatusJammed       = 6
	StatusNoDocs       = 7
	StatusCoverOpen    = 8
	StatusIOError      = 9
	StatusNoMem        = 10
	StatusAccessDenied = 11
)

// StatusError is a SANE call that returned a status other than SANE_STATUS_GOOD.
// errors.Is(err, scanner.ErrJammed) and friends work through Unwrap.
type StatusError struct {
	Op     string // the SANE call, e.g. "sane_start"
	Device string // SANE device name, may be empty
	Status int    // SANE_Status
	Text   string // sane_strstatus
}

// Error says what happened, with SANE's own wording, and what to do.
func (e *StatusError) Error() string {
	hint := ""
	switch e.Status {
	case StatusJammed:
		hint = "; paper jammed: open the feeder, remove the sheet and scan the remaining pages"
	case StatusNoDocs:
		hint = "; the document feeder is empty: put the pages in the feeder and scan again"
	case StatusCoverOpen:
		hint = "; the scanner cover is open: close it and scan again"
	case StatusDeviceBusy:
		hint = "; the scanner is in use by another program: wait and try again"
	case StatusIOError:
		hint = "; the scanner stopped answering: check its cable and power, then try again"
	case StatusAccessDenied:
		hint = "; access to the scanner was denied: check the device permissions"
	}
	dev := ""
	if e.Device != "" {
		dev = " " + e.Device
	}
	return fmt.Sprintf("sane%s: %s: %s (status %d)%s", dev, e.Op, e.Text, e.Status, hint)
}

// Unwrap maps the status to the scanner package's sentinel errors.
func (e *StatusError) Unwrap() error {
	switch e.Status {
	case StatusJammed:
		return scanner.ErrJammed
	case StatusNoDocs:
		return scanner.ErrFeederEmpty
	case StatusCoverOpen:
		return scanner.ErrCoverOpen
	case StatusDeviceBusy:
		return scanner.ErrBusy
	case StatusIOError:
		return scanner.ErrGone
	case StatusUnsupported:
		return scanner.ErrUnsupported
	}
	return nil
}
