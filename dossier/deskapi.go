// What the screens used to take from the store themselves, as desk methods: the queue, preferences,
// figures and reports, verifying signed files, placing scanned pages, and the data folder's places.

package dossier

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"path/filepath"
	"slices"
	"time"

	"sohoa/assets/bands"
	"sohoa/desk"
	"sohoa/dossier/figures"
	"sohoa/dossier/report"
	"sohoa/portal"
	"sohoa/signing"
	"sohoa/storage"
)

// Queue lists the dossiers, newest first (at most limit; 0: all), each with its outbox entry, and
// the outbox counts.
func (d *outboxSvc) Queue(ctx context.Context, limit int) (desk.Queue, error) {
	list, err := d.desk.List(ctx, storage.DossierFilter{Limit: limit})
	if err != nil {
		return desk.Queue{}, err
	}
	var items []storage.OutboxItem
	var stats storage.OutboxStats
	err = d.db.View(ctx, func(tx *storage.Tx) error { // the items and their counts from one snapshot
		var err error
		if items, err = tx.Outbox().List(); err != nil {
			return err
		}
		stats, err = tx.Outbox().Stats()
		return err
	})
	if err != nil {
		return desk.Queue{}, err
	}
	byID := make(map[string]*storage.OutboxItem, len(items))
	for i := range items {
		byID[items[i].DossierID] = &items[i]
	}
	q := desk.Queue{Items: make([]desk.QueueItem, 0, len(list)), Stats: stats}
	for _, s := range list {
		q.Items = append(q.Items, desk.QueueItem{Summary: s, Outbox: byID[s.ID]})
	}
	return q, nil
}

// QueueStats counts the outbox items by state.
func (d *outboxSvc) QueueStats(ctx context.Context) (desk.OutboxStats, error) {
	return d.db.OutboxStats(ctx)
}

// Pref reads a preference of the screens ("" when not set).
func (d *settingsSvc) Pref(ctx context.Context, key string) (string, error) {
	v, err := d.db.Setting(ctx, key)
	if errors.Is(err, storage.ErrNotFound) {
		return "", nil
	}
	return v, err
}

// SetPref writes a preference of the screens.
func (d *settingsSvc) SetPref(ctx context.Context, key, value string) error {
	return d.db.SetSetting(ctx, key, value)
}

// Figures computes the desk's figures of the dossiers opened in [from, to).
func (d *reportSvc) Figures(ctx context.Context, from, to time.Time) (figures.Figures, error) {
	return figures.Compute(ctx, d.db, from, to, figures.Options{Training: d.cfg.Training})
}

// Bands are the colour thresholds: the shipped defaults with the unit's own file laid over them.
func (d *reportSvc) Bands() (*bands.Bands, error) {
	return bands.LoadFile(filepath.Join(d.db.Dir(), bands.UnitFile))
}

// Report computes a report of the desk's unit; b nil: the desk's bands.
func (d *reportSvc) Report(ctx context.Context, s report.Spec, b *bands.Bands, opt figures.Options) (*report.Report, error) {
	unit, err := d.Unit(ctx)
	if err != nil {
		return nil, err
	}
	if b == nil {
		if b, err = d.Bands(); err != nil {
			return nil, err
		}
	}
	opt.Training = d.cfg.Training
	return report.Build(ctx, d.db, report.Unit{Code: unit.Code, Name: unit.Name}, s, b, opt)
}

// FileData returns the stored content of one of a dossier's files.
func (d *core) FileData(ctx context.Context, f desk.File) ([]byte, error) {
	b, err := d.db.Blobs().Get(f.Blob)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.Name, err)
	}
	return b, nil
}

// VerifySigned verifies every signed file of a dossier against roots (nil: the shipped roots) and
// returns one check per file, its report in lang ("vi" or "en").
func (d *signSvc) VerifySigned(ctx context.Context, id string, roots *x509.CertPool, lang string) ([]desk.SignedCheck, error) {
	v, err := d.Dossier(ctx, id)
	if err != nil {
		return nil, err
	}
	var out []desk.SignedCheck
	for _, c := range v.Components {
		for _, f := range c.Files {
			if f.Role != RoleSigned {
				continue
			}
			ch := desk.SignedCheck{File: f}
			ch.PDF, ch.Err = d.FileData(ctx, f)
			if ch.Err == nil {
				var rep signing.Report
				if rep, ch.Err = signing.Verify(ch.PDF, roots); ch.Err == nil {
					ch.Report = rep.Text(lang)
				} else {
					ch.Err = fmt.Errorf("%s: %w", f.Name, ch.Err)
				}
			}
			out = append(out, ch)
		}
	}
	return out, nil
}

// TestPage is a blank A4 page at 200 dpi with one line, as a PDF, for the settings' test signature.
func (d *signSvc) TestPage() ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, 1654, 2339))
	for i := range img.Pix {
		img.Pix[i] = 0xFF
	}
	for x := 200; x < 1454; x++ {
		img.Set(x, 400, color.Black)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return AssemblePDF([]PageImage{{Data: buf.Bytes(), Width: 1654, Height: 2339, DPI: 200}}, nil)
}

// ScanInto scans into a component like Scan and then puts the new pages, in one transaction, at
// position p.At (0-based) or, when p.Replace is set, in the place of that page, which goes. A scan
// that stops early places the pages it stored; pages stored before a failed placement stay at the
// end of the component (never lost).
func (d *captureSvc) ScanInto(ctx context.Context, r desk.ScanRequest, p desk.Placement) (int, error) {
	if p.Replace != 0 {
		if _, err := d.page(ctx, r.Dossier, r.Component, p.Replace); err != nil {
			return 0, err
		}
	}
	var ids []int64
	onPage := r.OnPage
	r.OnPage = func(ev desk.CaptureEvent) {
		ids = append(ids, ev.Page.ID)
		if onPage != nil {
			onPage(ev)
		}
	}
	n, err := d.Scan(ctx, r)
	if len(ids) == 0 {
		return n, err
	}
	if perr := d.placePages(ctx, r.Dossier, r.Component, ids, p); perr != nil {
		return n, errors.Join(err, perr)
	}
	return n, err
}

func (d *captureSvc) placePages(ctx context.Context, id, comp string, ids []int64, p desk.Placement) error {
	return d.db.Update(ctx, "place pages", func(tx *storage.Tx) error {
		v, err := d.viewTx(tx, id)
		if err != nil {
			return err
		}
		if err := d.editable(v); err != nil {
			return err
		}
		if err := tx.Pages().Place(id, comp, slices.Clone(ids), p.At, p.Replace); err != nil {
			return err
		}
		detail := map[string]any{"component": comp, "pages": ids, "at": p.At}
		if p.Replace != 0 {
			detail["replaced"] = p.Replace
		}
		if err := tx.Audit(d.actor(), "page.placed", id, detail); err != nil {
			return err
		}
		return d.refreshTx(tx, id)
	})
}

// Dir is the desk's data folder.
func (d *folderSvc) Dir() string { return d.db.Dir() }

// ReportsDir is where the window writes reports.
func (d *folderSvc) ReportsDir() string { return filepath.Join(d.db.Dir(), "reports") }

// ReceiptPath is where a dossier's receipt PDF is saved.
func (d *folderSvc) ReceiptPath(id string) string {
	return filepath.Join(d.db.Dir(), "receipts", id+".pdf")
}

// ExportPath is where a dossier's package is exported.
func (d *folderSvc) ExportPath(id string) string {
	return filepath.Join(d.db.Dir(), "export", id+".zip")
}

// LogPath is the window's log file.
func (d *folderSvc) LogPath() string { return filepath.Join(d.db.Dir(), "sohoa.log") }

// TrainingIdentityDir holds the training signing identity of a training desk.
func (d *folderSvc) TrainingIdentityDir() string {
	return filepath.Join(d.db.Dir(), "training-identity")
}

// Services are the desk's services for the screens and commands.
func (d *Desk) Services() *desk.Desk {
	return &desk.Desk{Dossiers: d.dossierSvc, Capture: d.captureSvc, Signing: d.signSvc, Outbox: d.outboxSvc, FollowUp: d.followSvc,
		Secrets: d.secretSvc, Settings: d.settingsSvc, Reports: d.reportSvc, Folder: d.folderSvc, Audit: d.auditSvc, Close: d.Close}
}

// Uploader drains the outbox through c.
func (d *outboxSvc) Uploader(c *portal.Client, o desk.UploaderOptions) desk.Uploader {
	return &Uploader{Desk: d.desk, Client: c, Lease: o.Lease, InitialBackoff: o.InitialBackoff, MaxBackoff: o.MaxBackoff, Log: o.Log, OnChange: o.OnChange}
}

// StatusSyncer follows the submitted dossiers through c on a schedule.
func (d *followSvc) StatusSyncer(c *portal.Client, o desk.SyncOptions) desk.StatusSyncer {
	return &StatusSyncer{Desk: d.desk, Client: c, Interval: o.Interval, Log: o.Log, OnChange: o.OnChange}
}
