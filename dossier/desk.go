// The desk service: the one API the GUI and the CLI share for the whole flow at the counter.

package dossier

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"sohoa/dossier/catalog"
	"sohoa/dossier/workdays"
	"sohoa/storage"
)

// TrainingUnit is the unit profile a desk starts with when nothing is configured.
var TrainingUnit = storage.Unit{
	Code:        "000.00.00.H47",
	Name:        "UBND xã Đào Tạo (đơn vị đào tạo)",
	Address:     "Trung tâm Phục vụ hành chính công, thành phố Đà Nẵng",
	Province:    "Đà Nẵng",
	CounterType: "commune",
	Hotlines: []storage.Hotline{
		{Label: "Tổng đài phản ánh, kiến nghị 1022", Phone: "0235.1022", Email: "1022@quangnam.gov.vn"},
	},
	Training: true,
}

// Config opens a desk.
type Config struct {
	DataDir  string             // one data folder per profile
	Training bool               // training mode: virtual scanner, training identity, reference portal
	Officer  string             // the logged-in officer's name (default: the signing certificate's name)
	Catalog  *catalog.Catalog   // nil: the embedded catalog
	Calendar *workdays.Calendar // nil: the default Vietnamese calendar
	Now      func() time.Time   // nil: time.Now
}

// core is what every service of a desk shares: the store, the catalog, the calendar, the clock
// and the lock that serialises state changes, with the few steps several services take.
type core struct {
	cfg   Config
	db    *storage.DB
	cat   *catalog.Catalog
	cal   *workdays.Calendar
	now   func() time.Time
	mu    sync.Mutex // serialises state changes of a dossier
	tokMu sync.Mutex
	desk  *Desk // the desk these services make up (the workers take the whole desk)
}

// The services of a desk, one job each, over one core (see sohoa/desk for what each offers).
type (
	// dossierSvc opens, reads and lists dossiers; delivery; export.
	dossierSvc struct{ *core }
	// captureSvc scans, imports and edits pages.
	captureSvc struct{ *core }
	// signSvc signs components and verifies signed files.
	signSvc struct{ *core }
	// secretSvc keeps the citizen's authorization and the status tokens, encrypted.
	secretSvc struct{ *core }
	// outboxSvc submits, retries, lists the queue and makes the uploader.
	outboxSvc struct {
		*core
		*secretSvc
	}
	// followSvc follows status, payment and receipt after submission.
	followSvc struct {
		*core
		*secretSvc
	}
	// settingsSvc keeps the unit profile, desk number, fees, preferences; retention.
	settingsSvc struct{ *core }
	// reportSvc computes figures and reports.
	reportSvc struct{ *core }
	// folderSvc names the places in the data folder.
	folderSvc struct{ *core }
	// auditSvc checks and exports the audit log.
	auditSvc struct{ *core }
)

// Desk is the service behind one counter: it owns the local store and runs the flow through its
// services (Services hands them to the screens and commands). The services are embedded so that
// this package's own code and tests reach every step from the desk.
type Desk struct {
	*core
	*dossierSvc
	*captureSvc
	*signSvc
	*secretSvc
	*outboxSvc
	*followSvc
	*settingsSvc
	*reportSvc
	*folderSvc
	*auditSvc
}

// newDesk builds the services over one core.
func newDesk(c *core) *Desk {
	sec := &secretSvc{c}
	c.desk = &Desk{core: c, dossierSvc: &dossierSvc{c}, captureSvc: &captureSvc{c}, signSvc: &signSvc{c}, secretSvc: sec,
		outboxSvc: &outboxSvc{c, sec}, followSvc: &followSvc{c, sec}, settingsSvc: &settingsSvc{c}, reportSvc: &reportSvc{c}, folderSvc: &folderSvc{c}, auditSvc: &auditSvc{c}}
	return c.desk
}

// DefaultDataDir is the data folder used when --data is not given: <user config dir>/sohoa/<profile>.
func DefaultDataDir(profile string) string {
	base, err := userDataBase() // %LOCALAPPDATA% on Windows, the user config folder elsewhere
	if err != nil {
		base = os.TempDir()
	}
	if profile == "" {
		profile = "default"
	}
	return filepath.Join(base, "sohoa", profile)
}

// Open opens (creating when needed) the desk's data folder.
func Open(ctx context.Context, cfg Config) (*Desk, error) {
	if cfg.DataDir == "" {
		cfg.DataDir = DefaultDataDir("")
	}
	db, err := storage.Open(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	d := newDesk(&core{cfg: cfg, db: db, cat: cfg.Catalog, cal: cfg.Calendar, now: cfg.Now})
	if d.cat == nil {
		if d.cat, err = catalog.Default(); err != nil {
			db.Close()
			return nil, err
		}
	}
	if d.cal == nil {
		d.cal = workdays.Default()
	}
	if err := d.loadUnitData(cfg.Catalog != nil); err != nil {
		db.Close()
		return nil, err
	}
	if d.now == nil {
		d.now = time.Now
	}
	if err := d.hygiene(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if _, err := d.Unit(ctx); errors.Is(err, ErrNoUnit) && cfg.Training {
		if err := d.SaveUnit(ctx, TrainingUnit); err != nil {
			db.Close()
			return nil, err
		}
	}
	return d, nil
}

const settingHygiene = "hygiene.last"

// hygiene collects blobs a crash left without a row (once they are an hour old) and applies the
// retention rules. Both walk the store, so a desk opened many times a day (every CLI command
// opens it) does this at most once a day.
func (d *settingsSvc) hygiene(ctx context.Context) error {
	now := d.now()
	if last, err := d.db.Setting(ctx, settingHygiene); err == nil && last != "" {
		if t, err := time.Parse(time.RFC3339, last); err == nil && now.Sub(t) < 24*time.Hour && !t.After(now) {
			return nil
		}
	} else if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	if _, err := d.db.CollectGarbage(ctx, time.Hour); err != nil {
		return err
	}
	if _, err := d.Purge(ctx); err != nil {
		return err
	}
	return d.db.SetSetting(ctx, settingHygiene, now.UTC().Format(time.RFC3339))
}

// Close releases the store.
func (d *Desk) Close() error { return d.db.Close() }

// Catalog is the procedure catalog in use.
func (d *dossierSvc) Catalog() *catalog.Catalog { return d.cat }

// Calendar is the working-day calendar in use.
func (d *dossierSvc) Calendar() *workdays.Calendar { return d.cal }

// Training reports whether the desk runs in training mode.
func (d *settingsSvc) Training() bool { return d.cfg.Training }

// Officer is the name of the officer at the desk ("" when not set).
func (d *settingsSvc) Officer() string { return d.cfg.Officer }

// SetOfficer changes the officer at the desk.
func (d *settingsSvc) SetOfficer(name string) { d.cfg.Officer = name }

const settingUnit = "unit.current"

// Unit returns the desk's unit profile.
func (d *core) Unit(ctx context.Context) (storage.Unit, error) {
	code, err := d.db.Setting(ctx, settingUnit)
	if errors.Is(err, storage.ErrNotFound) || code == "" {
		return storage.Unit{}, ErrNoUnit
	}
	if err != nil {
		return storage.Unit{}, err
	}
	var u storage.Unit
	err = d.db.View(ctx, func(tx *storage.Tx) error { u, err = tx.Settings().Unit(code); return err })
	if errors.Is(err, storage.ErrNotFound) {
		return storage.Unit{}, ErrNoUnit
	}
	return u, err
}

// SaveUnit stores the unit profile and makes it the desk's current unit.
func (d *settingsSvc) SaveUnit(ctx context.Context, u storage.Unit) error {
	if err := ValidUnitCode(u.Code); err != nil {
		return err
	}
	if u.Name == "" {
		return fmt.Errorf("%w: the unit name is empty", ErrInvalidUnit)
	}
	return d.db.Update(ctx, "save unit", func(tx *storage.Tx) error {
		if err := tx.Settings().SaveUnit(u); err != nil {
			return err
		}
		if err := tx.Settings().Set(settingUnit, u.Code); err != nil {
			return err
		}
		return tx.Audit(d.actor(), "unit.saved", "", map[string]any{"code": u.Code, "name": u.Name, "counter": u.CounterType})
	})
}

func (d *core) actor() string {
	if d.cfg.Officer != "" {
		return d.cfg.Officer
	}
	return "desk"
}

func decodeRecord(row storage.Dossier) (Record, error) {
	var r Record
	if len(row.Data) == 0 {
		return r, nil
	}
	if err := json.Unmarshal(row.Data, &r); err != nil {
		return r, fmt.Errorf("dossier %s: stored record unreadable: %w", row.ID, err)
	}
	return r, nil
}

func encodeRecord(row *storage.Dossier, r Record) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	row.Data = b
	// The typed columns the figures read, written with the record in the same transaction.
	row.SubmittedAt, row.ResultAt, row.VNeID = r.SubmittedAt, r.ResultAt, r.VNeID
	return nil
}
