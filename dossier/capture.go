// Capture: scanning and importing pages into a component, and the page edits of the review strip.

package dossier

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"

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
	if err := d.db.Audit(ctx, d.actor(), "component.scanned", r.Dossier, map[string]any{
		"component": r.Component, "device": dev.Address(), "pages": stored, "dpi": s.DPI, "mode": s.Mode, "source": s.Source,
		"error": errString(scanErr)}); err != nil && scanErr == nil {
		scanErr = err
	}
	if err := d.refreshCaptured(ctx, r.Dossier); err != nil && scanErr == nil {
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
	row, err := d.db.Dossier(ctx, id)
	if err != nil {
		return err
	}
	rec, err := decodeRecord(row)
	if err != nil {
		return err
	}
	if !rec.ScanStarted.IsZero() {
		return nil
	}
	rec.ScanStarted = d.now()
	if err := encodeRecord(&row, rec); err != nil {
		return err
	}
	return d.db.UpdateDossier(ctx, row)
}

// storeImage records one page at the end of the component. Scanned pages go through the clean-up
// pipeline (crop to the paper, deskew, upright, blank flag, size-tuned JPEG); imported photos are
// only flagged and encoded, never reshaped.
func (d *captureSvc) storeImage(ctx context.Context, id, comp string, img image.Image, dpi int, mode scanner.ColorMode, source string, clean bool) (storage.Page, image.Image, error) {
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
	p, err := d.storeEncoded(ctx, id, comp, img.Bounds(), data, format, blank, dpi, source)
	if err != nil {
		return storage.Page{}, nil, err
	}
	return p, img, nil
}

// storeEncoded records an encoded page of pixel size b at the end of the component.
func (d *captureSvc) storeEncoded(ctx context.Context, id, comp string, b image.Rectangle, data []byte, format string, blank bool, dpi int, source string) (storage.Page, error) {
	sha, err := d.db.Blobs().PutBytes(data)
	if err != nil {
		return storage.Page{}, err
	}
	p := storage.Page{DossierID: id, ComponentCode: comp, Position: -1, Blob: sha, Format: format,
		DPI: dpi, Width: b.Dx(), Height: b.Dy(), Blank: blank, Source: source, CreatedAt: d.now()}
	p.ID, err = d.db.AddPage(ctx, p)
	if err != nil {
		return storage.Page{}, err
	}
	return p, nil
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
	return d.refreshCaptured(ctx, id)
}

func (d *captureSvc) storeImport(ctx context.Context, id, comp string, res importer.Result) error {
	source := "import:" + res.Name
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
		if _, err := d.db.AddFile(ctx, f); err != nil {
			return err
		}
	default:
		for _, p := range res.Pages {
			if _, _, err := d.storeImage(ctx, id, comp, p.Image, p.DPI, scanner.ModeColor, source, false); err != nil {
				return err
			}
		}
	}
	return d.db.Audit(ctx, d.actor(), "component.imported", id, map[string]any{
		"component": comp, "file": res.Name, "kind": res.Kind, "pages": max(res.PageCount, len(res.Pages)), "signed": res.Signed})
}

// ErrLocked means the dossier can no longer be edited in its current state.
var ErrLocked = errors.New("dossier: pages cannot be changed in this state")

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
	v, err := d.Dossier(ctx, id)
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
		return d.move(ctx, id, Draft, Captured, nil)
	case v.State == Captured && !complete:
		return d.move(ctx, id, Captured, Draft, nil)
	}
	return nil
}

// ReopenCapture drops the signatures of a signed (or failed) dossier so its pages can be edited again.
func (d *captureSvc) ReopenCapture(ctx context.Context, id string) error {
	v, err := d.Dossier(ctx, id)
	if err != nil {
		return err
	}
	if err := checkMove(id, v.State, Captured); err != nil {
		return err
	}
	for _, c := range v.Components {
		if err := d.db.DeleteFiles(ctx, id, c.Code, RoleSigned); err != nil {
			return err
		}
	}
	if err := d.move(ctx, id, v.State, Captured, map[string]any{"signatures_dropped": true}); err != nil {
		return err
	}
	return d.refreshCaptured(ctx, id)
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

func (d *core) page(ctx context.Context, id, comp string, pageID int64) (storage.Page, error) {
	pages, err := d.db.Pages(ctx, id, comp)
	if err != nil {
		return storage.Page{}, err
	}
	for _, p := range pages {
		if p.ID == pageID {
			return p, nil
		}
	}
	return storage.Page{}, fmt.Errorf("dossier %s/%s: page %d: %w", id, comp, pageID, storage.ErrNotFound)
}

// RotatePage turns a page by a multiple of 90 degrees clockwise.
func (d *captureSvc) RotatePage(ctx context.Context, id, comp string, pageID int64, degrees int) error {
	if degrees%90 != 0 {
		return fmt.Errorf("rotate page: %d° is not a multiple of 90°", degrees)
	}
	if err := d.editableID(ctx, id); err != nil {
		return err
	}
	p, err := d.page(ctx, id, comp, pageID)
	if err != nil {
		return err
	}
	p.Rotation = ((p.Rotation+degrees)%360 + 360) % 360
	if err := d.db.UpdatePage(ctx, p); err != nil {
		return err
	}
	return d.db.Audit(ctx, d.actor(), "page.rotated", id, map[string]any{"component": comp, "page": pageID, "rotation": p.Rotation})
}

// DeletePage removes a page from a component (the officer's decision; blank pages are only flagged).
func (d *captureSvc) DeletePage(ctx context.Context, id, comp string, pageID int64) error {
	if err := d.editableID(ctx, id); err != nil {
		return err
	}
	if _, err := d.page(ctx, id, comp, pageID); err != nil {
		return err
	}
	if err := d.db.DeletePage(ctx, pageID); err != nil {
		return err
	}
	if err := d.db.Audit(ctx, d.actor(), "page.deleted", id, map[string]any{"component": comp, "page": pageID}); err != nil {
		return err
	}
	return d.refreshCaptured(ctx, id)
}

// ReorderPages sets the order of a component's pages; ids must name every page exactly once.
func (d *captureSvc) ReorderPages(ctx context.Context, id, comp string, ids []int64) error {
	if err := d.editableID(ctx, id); err != nil {
		return err
	}
	pages, err := d.db.Pages(ctx, id, comp)
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
	if err := d.db.ReorderPages(ctx, id, comp, ids); err != nil {
		return err
	}
	return d.db.Audit(ctx, d.actor(), "page.reordered", id, map[string]any{"component": comp, "order": ids})
}

// MovePage moves one page to a new 0-based position within its component.
func (d *captureSvc) MovePage(ctx context.Context, id, comp string, pageID int64, to int) error {
	pages, err := d.db.Pages(ctx, id, comp)
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
	return d.ReorderPages(ctx, id, comp, ids)
}

func (d *core) editableID(ctx context.Context, id string) error {
	v, err := d.Dossier(ctx, id)
	if err != nil {
		return err
	}
	return d.editable(v)
}
