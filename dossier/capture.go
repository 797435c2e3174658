// Capture: scanning and importing pages into a component, and the page edits of the review strip.

package dossier

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"

	"sohoa/errs"
	"sohoa/scanner"
	"sohoa/scanner/cleanup"
	"sohoa/scanner/importer"
	"sohoa/scanner/pipeline"
	"sohoa/storage"
)

// JPEGQuality is the quality scanned colour and grey pages are stored at: legible at 200 dpi.
const JPEGQuality = 85

// Scan scans pages into a component. Every page is stored (blob first, then its row) as soon as it
// arrives, so pages received before a jam, a pulled cable or a cancel are kept; the error is returned
// with the number of pages stored.
func (d *captureSvc) Scan(ctx context.Context, r ScanRequest) (int, error) {
	v, err := d.Dossier(ctx, r.Dossier)
	if err != nil {
		return 0, err
	}
	if err := d.editable(v); err != nil {
		return 0, err
	}
	if _, err := d.component(v, r.Component); err != nil {
		return 0, err
	}
	dev, err := scanner.Open(r.Device)
	if err != nil {
		return 0, err
	}
	defer dev.Close()
	caps, err := dev.Capabilities(ctx)
	if err != nil {
		return 0, err
	}
	s := scanner.Normalize(r.Settings, caps)
	if err := scanner.Validate(s); err != nil {
		return 0, err
	}
	// A full disk stops capture before the paper moves, with a clear message; each page is checked
	// again before it is stored, so pages already captured are never lost to a full disk.
	if err := d.db.CheckFree(scanEstimate(s)); err != nil {
		return 0, err
	}
	if err := d.markScanStart(ctx, r.Dossier); err != nil {
		return 0, err
	}
	stored := 0
	// Clean-up and encoding run on every core (scanner/pipeline); pages are stored in their order.
	pool := pipeline.New(ctx, pipeline.Options{Clean: cleanup.Options{Mode: s.Mode}}, func(dn pipeline.Done) error {
		if err := d.db.CheckFree(pageEstimate(dn.Page.DPI)); err != nil {
			return err
		}
		res := dn.Result
		sp, err := d.storeEncoded(ctx, r.Dossier, r.Component, res.Image.Bounds(), res.Data, res.Format, res.Blank, dn.Page.DPI, "scan:"+dev.Address())
		if err != nil {
			return err
		}
		stored++
		if r.OnPage != nil {
			r.OnPage(CaptureEvent{Page: sp, Image: res.Image})
		}
		return nil
	})
	// The hot folder's journal counts a page as taken once OnPage returns: it is stored by then.
	stepwise := strings.HasPrefix(dev.Address(), "folder:")
	scanErr := dev.Scan(ctx, s, scanner.Handler{
		OnProgress: r.OnProgress,
		OnPage: func(p scanner.Page) error {
			if err := pool.Submit(p); err != nil || !stepwise {
				return err
			}
			return pool.Flush()
		},
	})
	if _, err := pool.Close(); scanErr == nil {
		scanErr = err
	}
	// Each page was recorded with its own audit row and state move; this row sums the scan up.
	if err := d.audit(ctx, "component.scanned", r.Dossier, map[string]any{
		"component": r.Component, "device": dev.Address(), "pages": stored, "dpi": s.DPI, "mode": s.Mode, "source": s.Source,
		"error": errString(scanErr)}); err != nil && scanErr == nil {
		scanErr = err
	}
	if scanErr != nil {
		return stored, fmt.Errorf("scan into %s/%s stopped after %d page(s): %w", r.Dossier, r.Component, stored, scanErr)
	}
	return stored, nil
}

// pageEstimate is a generous size for one stored A4 page at dpi (colour JPEG), plus its share of the PDF.
func pageEstimate(dpi int) int64 {
	if dpi <= 0 {
		dpi = 200
	}
	return 2 * (1 << 20) * int64(dpi) * int64(dpi) / (200 * 200)
}

// scanEstimate is the space a scan may need: its pages, or a full feeder (50 sheets, both sides) when unbounded.
func scanEstimate(s scanner.Settings) int64 {
	pages := s.MaxPages
	if pages <= 0 {
		pages = 50
		if s.Source == scanner.SourceDuplex {
			pages = 100
		}
	}
	return int64(pages) * pageEstimate(s.DPI)
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func (d *captureSvc) markScanStart(ctx context.Context, id string) error {
	return d.db.Update(ctx, "mark scan start", func(tx *storage.Tx) error {
		return d.updateRecordTx(tx, id, func(r *Record) {
			if r.ScanStarted.IsZero() {
				r.ScanStarted = d.now()
			}
		})
	})
}

// storeImage records one page at the end of the component. Scanned pages go through the clean-up
// pipeline (crop to the paper, deskew, upright, blank flag, size-tuned JPEG); imported photos are
// only flagged and encoded, never reshaped.
func (d *captureSvc) storeImage(ctx context.Context, id, comp string, img image.Image, dpi int, mode scanner.ColorMode, source string, clean bool) (storage.Page, image.Image, error) {
	p, img, err := d.putImage(id, comp, img, dpi, mode, source, clean)
	if err != nil {
		return storage.Page{}, nil, err
	}
	p, err = d.storePage(ctx, p, 0)
	return p, img, err
}

// putImage cleans (or only encodes) one page image and stores its blob; the page row is not written yet.
func (d *captureSvc) putImage(id, comp string, img image.Image, dpi int, mode scanner.ColorMode, source string, clean bool) (storage.Page, image.Image, error) {
	var data []byte
	var format string
	var blank bool
	if clean {
		res, err := cleanup.Process(scanner.Page{Image: img, DPI: dpi}, cleanup.Options{Mode: mode})
		if err != nil {
			return storage.Page{}, nil, fmt.Errorf("clean page: %w", err)
		}
		img, data, format, blank = res.Image, res.Data, res.Format, res.Blank
	} else {
		var buf bytes.Buffer
		format = "jpeg"
		if isPaletted(img) {
			format = "png"
			if err := png.Encode(&buf, img); err != nil {
				return storage.Page{}, nil, fmt.Errorf("encode page: %w", err)
			}
		} else if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: JPEGQuality}); err != nil {
			return storage.Page{}, nil, fmt.Errorf("encode page: %w", err)
		}
		data = buf.Bytes()
		blank, _ = cleanup.IsBlank(img)
	}
	p, err := d.putEncoded(id, comp, img.Bounds(), data, format, blank, dpi, source)
	return p, img, err
}

// putEncoded stores the blob of an encoded page of pixel size b; the page row is not written yet.
func (d *captureSvc) putEncoded(id, comp string, b image.Rectangle, data []byte, format string, blank bool, dpi int, source string) (storage.Page, error) {
	sha, err := d.db.Blobs().PutBytes(data)
	if err != nil {
		return storage.Page{}, err
	}
	return storage.Page{DossierID: id, ComponentCode: comp, Position: -1, Blob: sha, Format: format,
		DPI: dpi, Width: b.Dx(), Height: b.Dy(), Blank: blank, Source: source, CreatedAt: d.now()}, nil
}

// storeEncoded records an encoded page of pixel size b at the end of the component, in one step
// (storePage).
func (d *captureSvc) storeEncoded(ctx context.Context, id, comp string, b image.Rectangle, data []byte, format string, blank bool, dpi int, source string) (storage.Page, error) {
	p, err := d.putEncoded(id, comp, b, data, format, blank, dpi, source)
	if err != nil {
		return storage.Page{}, err
	}
	return d.storePage(ctx, p, 0)
}

// storePage records a page whose blob is stored, in one step: it checks the dossier can still be edited,
// inserts the page at p.Position (at the end when negative) or puts it in place of page replace (when not
// 0), appends the audit row and moves the dossier between draft and captured as its required components
// fill. A crash leaves the page with its audit row and the right state, or nothing.
func (d *captureSvc) storePage(ctx context.Context, p storage.Page, replace int64) (storage.Page, error) {
	err := d.db.Update(ctx, "capture page", func(tx *storage.Tx) error {
		if err := d.capturable(tx, p.DossierID, p.ComponentCode); err != nil {
			return err
		}
		action, detail := "page.added", map[string]any{"component": p.ComponentCode, "source": p.Source, "blank": p.Blank}
		var err error
		if replace != 0 {
			if _, err := d.pageTx(tx, p.DossierID, p.ComponentCode, replace); err != nil {
				return err
			}
			action, detail["replaced"] = "page.replaced", replace
			p.ID, err = tx.Pages().Replace(replace, p)
		} else {
			p.ID, err = tx.Pages().Add(p)
		}
		if err != nil {
			return err
		}
		if p, err = tx.Pages().Get(p.ID); err != nil {
			return err
		}
		detail["page"], detail["position"] = p.ID, p.Position
		if err := tx.Audit(d.actor(), action, p.DossierID, detail); err != nil {
			return err
		}
		return d.refreshTx(tx, p.DossierID)
	})
	return p, err
}

// capturable checks, inside tx, that pages can be added to component comp of dossier id.
func (d *captureSvc) capturable(tx *storage.Tx, id, comp string) error {
	v, err := d.viewTx(tx, id)
	if err != nil {
		return err
	}
	if err := d.editable(v); err != nil {
		return err
	}
	_, err = d.component(v, comp)
	return err
}

func isPaletted(img image.Image) bool {
	_, ok := img.(*image.Paletted)
	return ok
}

// Import adds the citizen's own files (PDF, JPEG, PNG, TIFF) to a component. Images become pages;
// a PDF is kept as a file (an already-signed PDF byte for byte). Each file is checked before
// anything is stored, so a bad file stores nothing and names itself in the error.
func (d *captureSvc) Import(ctx context.Context, id, comp string, paths ...string) error {
	v, err := d.Dossier(ctx, id)
	if err != nil {
		return err
	}
	if err := d.editable(v); err != nil {
		return err
	}
	if _, err := d.component(v, comp); err != nil {
		return err
	}
	var need int64
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil {
			need += 2 * st.Size() // the stored copy, and the assembled PDF later
		}
	}
	if err := d.db.CheckFree(need); err != nil {
		return err
	}
	results := make([]importer.Result, 0, len(paths))
	for _, p := range paths {
		res, err := importer.Import(ctx, p, importer.Options{})
		if err != nil {
			return fmt.Errorf("import %s: %w", filepath.Base(p), err)
		}
		results = append(results, res)
	}
	for _, res := range results {
		if err := d.storeImport(ctx, id, comp, res); err != nil {
			return err
		}
	}
	return nil
}

// storeImport stores one imported file: its blobs first, then its rows, its audit row and the state move
// in one step.
func (d *captureSvc) storeImport(ctx context.Context, id, comp string, res importer.Result) error {
	source := "import:" + res.Name
	var file *storage.File
	var pages []storage.Page
	switch res.Kind {
	case "pdf":
		sha, err := d.db.Blobs().PutBytes(res.PDF)
		if err != nil {
			return err
		}
		f := storage.File{DossierID: id, ComponentCode: comp, Name: res.Name, Role: RoleImported, Blob: sha,
			Size: int64(len(res.PDF)), Pages: res.PageCount, Signed: res.Signed, CreatedAt: d.now()}
		if len(res.Signatures) > 0 {
			f.Signer = res.Signatures[0]
		}
		file = &f
	default:
		for _, p := range res.Pages {
			sp, _, err := d.putImage(id, comp, p.Image, p.DPI, scanner.ModeColor, source, false)
			if err != nil {
				return err
			}
			pages = append(pages, sp)
		}
	}
	return d.db.Update(ctx, "import file", func(tx *storage.Tx) error {
		if err := d.capturable(tx, id, comp); err != nil {
			return err
		}
		if file != nil {
			if _, err := tx.Files().Add(*file); err != nil {
				return err
			}
		}
		for _, p := range pages {
			if _, err := tx.Pages().Add(p); err != nil {
				return err
			}
		}
		if err := tx.Audit(d.actor(), "component.imported", id, map[string]any{
			"component": comp, "file": res.Name, "kind": res.Kind, "pages": max(res.PageCount, len(res.Pages)), "signed": res.Signed,
			"notes": res.NoteTexts()}); err != nil { // what import removed or reduced, for the desk to audit
			return err
		}
		return d.refreshTx(tx, id)
	})
}

// ErrLocked means the dossier can no longer be edited in its current state.
var ErrLocked = errs.New("error.locked", errs.NeedsOfficer, "dossier: pages cannot be changed in this state")

func (d *core) editable(v View) error {
	switch v.State {
	case Draft, Captured:
		return nil
	case Signed, Failed:
		return fmt.Errorf("%w: dossier %s is %s; re-open capture first (the signatures will be dropped)", ErrLocked, v.ID, v.State)
	default:
		return fmt.Errorf("%w: dossier %s is %s", ErrLocked, v.ID, v.State)
	}
}

// refreshCaptured moves the dossier between draft and captured as required components fill or empty.
func (d *core) refreshCaptured(ctx context.Context, id string) error {
	return d.db.Update(ctx, "refresh captured", func(tx *storage.Tx) error { return d.refreshTx(tx, id) })
}

// refreshTx is refreshCaptured inside the step's transaction.
func (d *core) refreshTx(tx *storage.Tx, id string) error {
	v, err := d.viewTx(tx, id)
	if err != nil {
		return err
	}
	complete := len(v.Components) > 0
	for _, c := range v.Components {
		if c.Required && len(c.Pages) == 0 && len(c.Files) == 0 {
			complete = false
		}
	}
	switch {
	case v.State == Draft && complete:
		return d.moveTx(tx, id, Draft, Captured, nil)
	case v.State == Captured && !complete:
		return d.moveTx(tx, id, Captured, Draft, nil)
	}
	return nil
}

// ReopenCapture drops the signatures of a signed (or failed) dossier so its pages can be edited again.
func (d *captureSvc) ReopenCapture(ctx context.Context, id string) error {
	return d.db.Update(ctx, "reopen capture", func(tx *storage.Tx) error {
		st, err := stateTx(tx, id)
		if err != nil {
			return err
		}
		if err := checkMove(id, st, Captured); err != nil {
			return err
		}
		if err := tx.Files().Delete(id, "", RoleSigned); err != nil {
			return err
		}
		if st == Failed {
			// The failed upload will not be retried: its item goes, a new submission makes a new one.
			if err := tx.Outbox().Delete(id); err != nil {
				return err
			}
			if err := tx.Secrets().Delete(id, storage.SecretCitizenToken); err != nil {
				return err
			}
		}
		if err := d.moveTx(tx, id, st, Captured, map[string]any{"signatures_dropped": true}); err != nil {
			return err
		}
		return d.refreshTx(tx, id)
	})
}

// PageImage decodes a stored page, with its rotation applied.
func (d *core) PageImage(ctx context.Context, p storage.Page) (image.Image, error) {
	b, err := d.db.Blobs().Get(p.Blob)
	if err != nil {
		return nil, fmt.Errorf("page %d: %w", p.ID, err)
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("page %d: stored image unreadable: %w", p.ID, err)
	}
	return Rotate(img, p.Rotation), nil
}

func (d *core) page(ctx context.Context, id, comp string, pageID int64) (p storage.Page, err error) {
	err = d.db.View(ctx, func(tx *storage.Tx) error { p, err = d.pageTx(tx, id, comp, pageID); return err })
	return p, err
}

// pageTx reads page pageID inside tx, checking it belongs to component comp of dossier id.
func (d *core) pageTx(tx *storage.Tx, id, comp string, pageID int64) (storage.Page, error) {
	p, err := tx.Pages().Get(pageID)
	if err == nil && (p.DossierID != id || p.ComponentCode != comp) {
		err = storage.ErrNotFound
	}
	if err != nil {
		return storage.Page{}, fmt.Errorf("dossier %s/%s: page %d: %w", id, comp, pageID, storage.ErrNotFound)
	}
	return p, nil
}

// editTx checks inside tx that dossier id can be edited and page pageID is one of comp's pages.
func (d *captureSvc) editTx(tx *storage.Tx, id, comp string, pageID int64) (storage.Page, error) {
	v, err := d.viewTx(tx, id)
	if err != nil {
		return storage.Page{}, err
	}
	if err := d.editable(v); err != nil {
		return storage.Page{}, err
	}
	return d.pageTx(tx, id, comp, pageID)
}

// RotatePage turns a page by a multiple of 90 degrees clockwise.
func (d *captureSvc) RotatePage(ctx context.Context, id, comp string, pageID int64, degrees int) error {
	if degrees%90 != 0 {
		return fmt.Errorf("rotate page: %d° is not a multiple of 90°", degrees)
	}
	return d.db.Update(ctx, "rotate page", func(tx *storage.Tx) error {
		p, err := d.editTx(tx, id, comp, pageID)
		if err != nil {
			return err
		}
		p.Rotation = ((p.Rotation+degrees)%360 + 360) % 360
		if err := tx.Pages().Update(p); err != nil {
			return err
		}
		return tx.Audit(d.actor(), "page.rotated", id, map[string]any{"component": comp, "page": pageID, "rotation": p.Rotation})
	})
}

// DeletePage removes a page from a component (the officer's decision; blank pages are only flagged).
func (d *captureSvc) DeletePage(ctx context.Context, id, comp string, pageID int64) error {
	return d.db.Update(ctx, "delete page", func(tx *storage.Tx) error {
		if _, err := d.editTx(tx, id, comp, pageID); err != nil {
			return err
		}
		if err := tx.Pages().Delete(pageID); err != nil {
			return err
		}
		if err := tx.Audit(d.actor(), "page.deleted", id, map[string]any{"component": comp, "page": pageID}); err != nil {
			return err
		}
		return d.refreshTx(tx, id)
	})
}

// ReorderPages sets the order of a component's pages; ids must name every page exactly once.
func (d *captureSvc) ReorderPages(ctx context.Context, id, comp string, ids []int64) error {
	return d.db.Update(ctx, "reorder pages", func(tx *storage.Tx) error { return d.reorderTx(tx, id, comp, ids) })
}

// reorderTx is ReorderPages inside the step's transaction.
func (d *captureSvc) reorderTx(tx *storage.Tx, id, comp string, ids []int64) error {
	v, err := d.viewTx(tx, id)
	if err != nil {
		return err
	}
	if err := d.editable(v); err != nil {
		return err
	}
	pages, err := tx.Pages().List(id, comp)
	if err != nil {
		return err
	}
	if len(ids) != len(pages) {
		return fmt.Errorf("reorder pages: %d ids given for %d pages", len(ids), len(pages))
	}
	seen := map[int64]bool{}
	for _, p := range pages {
		seen[p.ID] = false
	}
	for _, i := range ids {
		done, ok := seen[i]
		if !ok || done {
			return fmt.Errorf("reorder pages: page %d unknown or repeated", i)
		}
		seen[i] = true
	}
	if err := tx.Pages().Reorder(id, comp, ids); err != nil {
		return err
	}
	return tx.Audit(d.actor(), "page.reordered", id, map[string]any{"component": comp, "order": ids})
}

// MovePage moves one page to a new 0-based position within its component.
func (d *captureSvc) MovePage(ctx context.Context, id, comp string, pageID int64, to int) error {
	return d.db.Update(ctx, "move page", func(tx *storage.Tx) error {
		pages, err := tx.Pages().List(id, comp)
		if err != nil {
			return err
		}
		ids := make([]int64, 0, len(pages))
		for _, p := range pages {
			if p.ID != pageID {
				ids = append(ids, p.ID)
			}
		}
		if len(ids) == len(pages) {
			return fmt.Errorf("move page: page %d: %w", pageID, storage.ErrNotFound)
		}
		to = min(max(to, 0), len(ids))
		ids = append(ids[:to], append([]int64{pageID}, ids[to:]...)...)
		return d.reorderTx(tx, id, comp, ids)
	})
}
