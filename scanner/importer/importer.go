// Importing the citizen's files: PDFs kept byte for byte, images turned into pages.

package importer

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"sohoa/errs"
	"sohoa/scanner"
)

// Defaults for Options' zero values.
const (
	DefaultMaxBytes  = 200 << 20   // 200 MB per file
	DefaultMaxPixels = 120_000_000 // 120 megapixels per page
	// MaxTIFFPages bounds the pages of one TIFF file.
	MaxTIFFPages = 1000
)

// Accepted lists the formats Import understands, for messages.
const Accepted = "PDF, JPEG, PNG, TIFF"

// Kinds of Result.
const (
	KindImages = "images"
	KindPDF    = "pdf"
)

// Errors an officer may see; wrapped with the file name and what to do.
var (
	// ErrEncrypted: the PDF is password-protected or encrypted.
	ErrEncrypted = errs.New("error.import.encrypted", errs.NeedsOfficer, "importer: the PDF is password-protected")
	// ErrCorrupt: the file is damaged or truncated.
	ErrCorrupt = errs.New("error.import.corrupt", errs.NeedsOfficer, "importer: the file is damaged or incomplete")
	// ErrTooLarge: the file or one of its pages exceeds the configured limits.
	ErrTooLarge = errs.New("error.import.too_large", errs.NeedsOfficer, "importer: the file is too large")
	// ErrUnsupportedFormat: not one of the Accepted formats.
	ErrUnsupportedFormat = errs.New("error.import.format", errs.NeedsOfficer, "importer: unsupported file format")
)

// Options limits what Import accepts. Zero values take the defaults above.
type Options struct {
	MaxBytes  int64 // largest file accepted
	MaxPixels int   // largest page (width × height) accepted
}

func (o Options) withDefaults() Options {
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxPixels <= 0 {
		o.MaxPixels = DefaultMaxPixels
	}
	return o
}

// Result is one imported file: either decoded image pages or a PDF.
type Result struct {
	Name       string         // base name of the file
	Kind       string         // KindImages or KindPDF
	Pages      []scanner.Page // KindImages: one per image / TIFF page, EXIF orientation applied
	PDF        []byte         // KindPDF: the input bytes (signed files: exactly; unsigned ones without active content, see Notes)
	PageCount  int            // pages in the PDF or len(Pages)
	Signed     bool           // the PDF carries at least one digital signature or document timestamp
	Signatures []string       // KindPDF: one short description per signature (signer name when readable)
	Format     string         // "pdf", "jpeg", "png" or "tiff"
	Notes      []Note         // what import changed (downscaled pages, removed PDF scripts) or found and kept
}

// Import reads the file at path and imports it. ctx is checked between pages.
func Import(ctx context.Context, path string, opt Options) (Result, error) {
	opt = opt.withDefaults()
	name := filepath.Base(path)
	f, err := os.Open(path)
	if err != nil {
		return Result{}, fmt.Errorf("importer: open %s: %w", name, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return Result{}, fmt.Errorf("importer: %s: %w", name, err)
	}
	if st.Size() > opt.MaxBytes {
		return Result{}, tooBig(name, st.Size(), opt.MaxBytes)
	}
	// Read at most one byte more than allowed: the file may grow while we read.
	data, err := io.ReadAll(io.LimitReader(f, opt.MaxBytes+1))
	if err != nil {
		return Result{}, fmt.Errorf("importer: read %s: %w", name, err)
	}
	return importData(ctx, name, data, opt)
}

// ImportBytes imports data as if read from a file called name.
func ImportBytes(name string, data []byte, opt Options) (Result, error) {
	return importData(context.Background(), filepath.Base(name), data, opt.withDefaults())
}

func tooBig(name string, size, limit int64) error {
	return fmt.Errorf("%w: %s is %d MB, more than the %d MB allowed; ask for a smaller copy or split it", ErrTooLarge, name, size>>20, limit>>20)
}

func importData(ctx context.Context, name string, data []byte, opt Options) (Result, error) {
	if int64(len(data)) > opt.MaxBytes {
		return Result{}, tooBig(name, int64(len(data)), opt.MaxBytes)
	}
	format := sniff(data)
	var (
		r   Result
		err error
	)
	switch format {
	case "pdf":
		r, err = importPDF(name, data)
	case "jpeg", "png":
		r, err = importImage(name, format, data, opt)
	case "tiff":
		r, err = importTIFF(ctx, name, data, opt)
	default:
		if len(data) == 0 {
			return Result{}, fmt.Errorf("%w: %s is empty; ask for the file again", ErrCorrupt, name)
		}
		kind := ""
		if format != "" {
			kind = " (" + format + ")"
		}
		return Result{}, fmt.Errorf("%w: %s%s is not a file type sohoa can read; accepted formats are %s — ask the citizen to export it as PDF or JPEG", ErrUnsupportedFormat, name, kind, Accepted)
	}
	if err != nil {
		return Result{}, err
	}
	r.Name, r.Format = name, format
	if r.Kind == KindImages {
		r.PageCount = len(r.Pages)
		for i := range r.Pages {
			var note *Note
			if r.Pages[i], note = fitForPDF(r.Pages[i], i+1); note != nil {
				r.Notes = append(r.Notes, *note)
			}
		}
	}
	return r, nil
}

// sniff identifies the format from the first bytes; unknown formats with a well-known
// signature get their name so the message can say what the file is.
func sniff(b []byte) string {
	head := b[:min(len(b), 1024)]
	switch {
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		return "jpeg"
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "png"
	case bytes.HasPrefix(b, []byte("II*\x00")), bytes.HasPrefix(b, []byte("MM\x00*")):
		return "tiff"
	case bytes.Contains(head, []byte("%PDF-")):
		return "pdf"
	case bytes.HasPrefix(b, []byte("GIF8")):
		return "GIF"
	case bytes.HasPrefix(b, []byte("BM")):
		return "BMP"
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return "WebP"
	case len(b) >= 12 && string(b[4:8]) == "ftyp" && (string(b[8:12]) == "heic" || string(b[8:12]) == "heix" || string(b[8:12]) == "mif1"):
		return "HEIC"
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		return "ZIP/Office"
	}
	return ""
}
