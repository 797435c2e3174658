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

	"sohoa/dossier/applicant"
	"sohoa/dossier/catalog"
	"sohoa/dossier/workdays"
	"sohoa/errs"
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

// Desk is the service behind one counter: it owns the local store and runs the flow.
type Desk struct {
	cfg   Config
	db    *storage.DB
	cat   *catalog.Catalog
	cal   *workdays.Calendar
	now   func() time.Time
	mu    sync.Mutex // serialises state changes of a dossier
	tokMu sync.Mutex
}

// DefaultDataDir is the data folder used when --data is not given: <user config dir>/sohoa/<profile>.
func DefaultDataDir(profile string) string {
	base, err := os.UserConfigDir()
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
	d := &Desk{cfg: cfg, db: db, cat: cfg.Catalog, cal: cfg.Calendar, now: cfg.Now}
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
func (d *Desk) hygiene(ctx context.Context) error {
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

// DB exposes the store to the CLI's maintenance commands and to tests.
func (d *Desk) DB() *storage.DB { return d.db }

// Catalog is the procedure catalog in use.
func (d *Desk) Catalog() *catalog.Catalog { return d.cat }

// Calendar is the working-day calendar in use.
func (d *Desk) Calendar() *workdays.Calendar { return d.cal }

// Training reports whether the desk runs in training mode.
func (d *Desk) Training() bool { return d.cfg.Training }

// Officer is the name of the officer at the desk ("" when not set).
func (d *Desk) Officer() string { return d.cfg.Officer }

// SetOfficer changes the officer at the desk.
func (d *Desk) SetOfficer(name string) { d.cfg.Officer = name }

// ErrNoUnit means the desk has no unit profile yet: the first-run set-up must be completed.
var ErrNoUnit = errs.New("error.no_unit", errs.NeedsOfficer, "dossier: no unit profile is set up on this desk; finish the set-up (unit code and name) or start training mode")

const settingUnit = "unit.current"

// Unit returns the desk's unit profile.
func (d *Desk) Unit(ctx context.Context) (storage.Unit, error) {
	code, err := d.db.Setting(ctx, settingUnit)
	if errors.Is(err, storage.ErrNotFound) || code == "" {
		return storage.Unit{}, ErrNoUnit
	}
	if err != nil {
		return storage.Unit{}, err
	}
	u, err := d.db.Unit(ctx, code)
	if errors.Is(err, storage.ErrNotFound) {
		return storage.Unit{}, ErrNoUnit
	}
	return u, err
}

// SaveUnit stores the unit profile and makes it the desk's current unit.
func (d *Desk) SaveUnit(ctx context.Context, u storage.Unit) error {
	if err := ValidUnitCode(u.Code); err != nil {
		return err
	}
	if u.Name == "" {
		return fmt.Errorf("%w: the unit name is empty", ErrInvalidUnit)
	}
	if err := d.db.SaveUnit(ctx, u); err != nil {
		return err
	}
	if err := d.db.SetSetting(ctx, settingUnit, u.Code); err != nil {
		return err
	}
	return d.db.Audit(ctx, d.actor(), "unit.saved", "", map[string]any{"code": u.Code, "name": u.Name, "counter": u.CounterType})
}

func (d *Desk) actor() string {
	if d.cfg.Officer != "" {
		return d.cfg.Officer
	}
	return "desk"
}

// Record is the domain part of a dossier kept as JSON beside the indexed columns.
type Record struct {
	Applicant     applicant.Applicant `json:"applicant"`
	ProcedureName string              `json:"procedure_name"`
	FieldName     string              `json:"field_name,omitempty"`
	ProcessDays   int                 `json:"process_days"`
	Fees          []catalog.Fee       `json:"fees,omitempty"`
	Copies        int                 `json:"copies,omitempty"` // copies asked for (per-copy and per-page fees); 0 = 1
	ByPost        bool                `json:"by_post,omitempty"`
	PostAddress   string              `json:"post_address,omitempty"`
	OfficerRole   string              `json:"officer_role,omitempty"` // the receiving officer's role (RoleOf the counter type)
	ScanStarted   time.Time           `json:"scan_started,omitzero"`
	SubmittedAt   time.Time           `json:"submitted_at,omitzero"`
	ResultAt      time.Time           `json:"result_at,omitzero"` // when the portal reported the result (NgayKetThucXuLy)
	VNeID         bool                `json:"vneid,omitempty"`
	Signer        string              `json:"signer,omitempty"`
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
	return nil
}
