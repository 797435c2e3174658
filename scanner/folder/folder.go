// The hot-folder device: a folder a scanner saves into, read as a stream of pages.

package folder

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"sohoa/errs"
	"sohoa/scanner"
	"sohoa/scanner/importer"
)

// Defaults for Options' zero values.
const (
	// DefaultInterval is the time between two polls of the folder.
	DefaultInterval = time.Second
	// DefaultEmptyGrace is how long an empty file may stay empty before it is rejected.
	DefaultEmptyGrace = time.Minute
)

// Sub-folders of the watched folder.
const (
	ProcessedDir = "processed"
	RejectedDir  = "rejected"
	stateDir     = ".sohoa"
)

// Errors an officer may see, for errors.Is; rejected files carry them in a *RejectedError.
var (
	// ErrNotFolder: the address does not name an existing folder.
	ErrNotFolder = errs.New("error.folder.not_folder", errs.NeedsOfficer, "folder: the scan folder does not exist or is not a folder; check the folder set for this scanner")
	// ErrPDF: a PDF arrived in the hot folder. PDFs are not turned into scanned pages.
	ErrPDF = errs.New("error.folder.pdf", errs.NeedsOfficer, "folder: a PDF file arrived in the scan folder; PDFs are not taken as scanned pages — add it to the component with Import file instead (a signed PDF is kept as it is)")
	// ErrDuplicate: a file with exactly the same content was already taken.
	ErrDuplicate = errs.New("error.folder.duplicate", errs.NeedsOfficer, "folder: this file has the same content as a file already taken; its pages were not added again — use Import file if you really need them twice")
	// ErrEmpty: the file stayed empty.
	ErrEmpty = errs.New("error.folder.empty", errs.NeedsOfficer, "folder: the file stayed empty; scan the page again")
)

// RejectedError tells which file was moved to rejected/ and why (Err wraps importer's errors,
// ErrPDF, ErrDuplicate or ErrEmpty).
type RejectedError struct {
	Name string // the file's name in the watched folder
	Path string // where it is now (in rejected/)
	Err  error
}

func (e *RejectedError) Error() string {
	return fmt.Sprintf("folder: %s was moved to %s: %v", e.Name, RejectedDir, e.Err)
}

func (e *RejectedError) Unwrap() error { return e.Err }

// AddressIdle is how long a folder opened by its address ("folder:PATH") waits, after at least one
// page came, for more files before the scan ends.
var AddressIdle = 10 * time.Second

// Options configures a hot folder. The zero value polls every second.
type Options struct {
	// Interval is the time between polls (0: DefaultInterval). A file must be unchanged over one
	// interval to be taken, so make it longer than the longest pause of a slow writer.
	Interval time.Duration
	// EmptyGrace is how long an empty file is left alone before it is rejected (0: DefaultEmptyGrace).
	EmptyGrace time.Duration
	// Idle, when > 0, makes Scan return nil once at least one page was handed over and no file
	// has been waiting for this long (a batch is finished). 0: Scan waits until ctx is cancelled
	// or MaxPages pages were handed over.
	Idle time.Duration
	// Import limits the files accepted (sizes, pixels); zero values are importer's defaults.
	Import importer.Options
	// OnReject, when set, is told about every file moved to rejected/ (from Scan's goroutine).
	OnReject func(*RejectedError)
}

func (o Options) withDefaults() Options {
	if o.Interval <= 0 {
		o.Interval = DefaultInterval
	}
	if o.EmptyGrace <= 0 {
		o.EmptyGrace = DefaultEmptyGrace
	}
	return o
}

// Device is a watched folder.
type Device struct {
	dir  string
	opt  Options
	busy sync.Mutex
}

func init() {
	scanner.Register(scanner.Backend{
		Scheme: "folder",
		// Opened by address (the CLI, the window), a batch ends once a page came and the folder has
		// been quiet for AddressIdle; the officer can also stop it earlier.
		Open: func(rest string) (scanner.Device, error) {
			return New(rest, Options{Idle: AddressIdle})
		},
	})
}

// New returns the hot folder at dir (which must exist). State folders are created by Scan.
func New(dir string, opt Options) (*Device, error) {
	if dir == "" {
		return nil, fmt.Errorf("%w (no folder given: use folder:/path/to/folder)", ErrNotFolder)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrNotFolder, dir, err)
	}
	st, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrNotFolder, abs, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%w: %s", ErrNotFolder, abs)
	}
	return &Device{dir: abs, opt: opt.withDefaults()}, nil
}

// Address returns "folder:<absolute path>".
func (d *Device) Address() string { return "folder:" + d.dir }

// Name returns a human-readable name.
func (d *Device) Name() string { return "Thư mục quét " + d.dir }

// Capabilities reports a feeder whose pages come in whatever resolution and mode the scanner
// saved; the settings of a Scan other than MaxPages are not applied to files.
func (d *Device) Capabilities(context.Context) (scanner.Capabilities, error) {
	return scanner.Capabilities{
		Sources: []scanner.Source{scanner.SourceFeeder},
		Modes:   []scanner.ColorMode{scanner.ModeColor, scanner.ModeGray, scanner.ModeBW},
	}, nil
}

// Close does nothing: a folder holds no resources between scans.
func (d *Device) Close() error { return nil }

// Scan offers first the files an earlier run left half taken, then waits for new files and hands
// their pages to h.OnPage in order (Page.Index counts across files from 0; DPI is the file's own,
// 200 when it says none). It returns nil after s.MaxPages pages (when > 0; the rest of a
// multi-page file is offered by the next Scan), or when Options.Idle says the batch is over;
// ctx.Err() when cancelled; OnPage's error (wrapped) when it refuses a page — that page and the
// rest of its file are offered again by the next Scan. s.Source, s.DPI and s.Mode are ignored.
// A file that cannot be read does not stop the scan: it goes to rejected/ (see Options.OnReject).
func (d *Device) Scan(ctx context.Context, s scanner.Settings, h scanner.Handler) error {
	if h.OnPage == nil {
		return errors.New("folder: Scan needs a Handler with OnPage")
	}
	if !d.busy.TryLock() {
		return fmt.Errorf("%w: the folder %s is already being watched", scanner.ErrBusy, d.dir)
	}
	defer d.busy.Unlock()
	j, err := openJournal(d.dir)
	if err != nil {
		return err
	}
	r := &run{d: d, j: j, h: h, max: s.MaxPages}
	return r.loop(ctx)
}
