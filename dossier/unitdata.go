// The unit's own data at the desk: its procedure list, fee rows and holiday tables, kept as files in
// the data folder's unit/ directory and loaded when the desk opens; and the fees a dossier pays.

package dossier

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	"sohoa/dossier/catalog"
	"sohoa/dossier/workdays"
	"sohoa/internal/atomicfile"
)

// Files of the unit's data, under <data folder>/unit/.
const (
	unitDir         = "unit"
	unitCatalogFile = "catalog.json" // the unit's procedure list (catalog JSON, whatever it was imported from)
	unitFeesFile    = "fees.json"    // the unit's fee rows (catalog.LoadFees JSON)
	unitHolidayDir  = "holidays"     // <year>.json, one workdays table per year
)

var holidayFileRE = regexp.MustCompile(`^[0-9]{4}\.json$`)

// loadUnitData applies the unit's files to the catalog and calendar the desk opened with: its
// procedure list over the shipped one (unless the caller gave a catalog), its fee rows, its holiday tables.
func (d *settingsSvc) loadUnitData(ownCatalog bool) error {
	dir := filepath.Join(d.cfg.DataDir, unitDir)
	if b, err := os.ReadFile(filepath.Join(dir, unitCatalogFile)); err == nil && !ownCatalog {
		c, err := catalog.Load(bytes.NewReader(b))
		if err != nil {
			return fmt.Errorf("the unit's procedure list %s: %w", filepath.Join(dir, unitCatalogFile), err)
		}
		d.cat = catalog.Merge(c, d.cat)
	} else if err != nil && !os.IsNotExist(err) {
		return err
	}
	if b, err := os.ReadFile(filepath.Join(dir, unitFeesFile)); err == nil {
		t, err := catalog.LoadFees(bytes.NewReader(b))
		if err != nil {
			return fmt.Errorf("the unit's fee file %s: %w", filepath.Join(dir, unitFeesFile), err)
		}
		d.cat = d.cat.WithFees(t)
	} else if !os.IsNotExist(err) {
		return err
	}
	entries, err := os.ReadDir(filepath.Join(dir, unitHolidayDir))
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	for _, e := range entries {
		if !holidayFileRE.MatchString(e.Name()) {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, unitHolidayDir, e.Name()))
		if err != nil {
			return err
		}
		t, err := workdays.ParseTable(bytes.NewReader(b))
		if err != nil {
			return fmt.Errorf("the unit's holiday table %s: %w", e.Name(), err)
		}
		d.cal.SetTable(t)
	}
	return nil
}

// ImportCatalog reads the unit's procedure list (name's extension says the format: .csv, .xlsx or
// .json; see assets/catalog/README.md), stores it in the data folder and uses it at once: its
// procedures come first, the shipped ones it does not list stay available. It returns how many
// procedures the file holds. A wrong file changes nothing and returns a *catalog.FieldError.
func (d *settingsSvc) ImportCatalog(ctx context.Context, name string, data []byte) (int, error) {
	c, err := catalog.Import(name, data)
	if err != nil {
		return 0, err
	}
	var buf bytes.Buffer
	if err := c.Encode(&buf); err != nil {
		return 0, err
	}
	dir := filepath.Join(d.cfg.DataDir, unitDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	if err := atomicfile.Write(filepath.Join(dir, unitCatalogFile), buf.Bytes(), 0o644); err != nil {
		return 0, err
	}
	base := d.cfg.Catalog
	if base == nil {
		if base, err = catalog.Default(); err != nil {
			return 0, err
		}
	}
	merged := catalog.Merge(c, base)
	if b, err := os.ReadFile(filepath.Join(dir, unitFeesFile)); err == nil {
		if t, err := catalog.LoadFees(bytes.NewReader(b)); err == nil {
			merged = merged.WithFees(t)
		}
	}
	d.mu.Lock()
	d.cat = merged
	d.mu.Unlock()
	return c.Len(), d.audit(ctx, "unit.catalog_imported", "", map[string]any{"file": filepath.Base(name), "procedures": c.Len()})
}

// ImportFees reads the unit's fee rows (JSON or CSV, catalog.LoadFees), stores them and applies them:
// for each procedure and channel they name they replace the catalog's rows. New dossiers use them.
func (d *settingsSvc) ImportFees(ctx context.Context, data []byte) (int, error) {
	t, err := catalog.LoadFees(bytes.NewReader(data))
	if err != nil {
		return 0, err
	}
	out := struct {
		Fees []catalog.UnitFee `json:"fees"`
	}{t.Rows}
	b, err := jsonIndent(out)
	if err != nil {
		return 0, err
	}
	dir := filepath.Join(d.cfg.DataDir, unitDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	if err := atomicfile.Write(filepath.Join(dir, unitFeesFile), b, 0o644); err != nil {
		return 0, err
	}
	d.mu.Lock()
	d.cat = d.cat.WithFees(t)
	d.mu.Unlock()
	return len(t.Rows), d.audit(ctx, "unit.fees_imported", "", map[string]any{"rows": len(t.Rows)})
}

// ImportHolidays reads one year's holiday table (workdays.ImportTable: the JSON of
// assets/holidays/<year>.json, with sources), stores it as unit/holidays/<year>.json and uses it at
// once: appointments computed from now on follow it. It returns the year.
func (d *settingsSvc) ImportHolidays(ctx context.Context, data []byte) (int, error) {
	t, err := workdays.ImportTable(bytes.NewReader(data))
	if err != nil {
		return 0, err
	}
	dir := filepath.Join(d.cfg.DataDir, unitDir, unitHolidayDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	if err := atomicfile.Write(filepath.Join(dir, strconv.Itoa(t.Year)+".json"), data, 0o644); err != nil {
		return 0, err
	}
	d.cal.SetTable(t)
	return t.Year, d.audit(ctx, "unit.holidays_imported", "", map[string]any{"year": t.Year, "inferred": t.Inferred})
}

// HolidaysAhead reports on the current year and the coming one (the window warns when the coming
// year is Missing, so appointments made in December for January are not silently computed).
func (d *settingsSvc) HolidaysAhead(now time.Time) []HolidayYear {
	y := now.In(Location).Year()
	var out []HolidayYear
	for _, year := range []int{y, y + 1} {
		t, ok := d.cal.Table(year)
		out = append(out, HolidayYear{Year: year, Missing: !ok, Inferred: ok && t.Inferred})
	}
	return out
}

// HolidaysMissing returns the first of this year and the coming one that has no holiday table.
func (d *settingsSvc) HolidaysMissing() (year int, missing bool) {
	for _, h := range d.HolidaysAhead(d.now()) {
		if h.Missing {
			return h.Year, true
		}
	}
	return 0, false
}

// feeChannel is the catalog's channel name of a dossier channel (KenhThucHien).
func feeChannel(ch int) string {
	switch ch {
	case ChannelOnline:
		return catalog.ChannelOnline
	case ChannelPostal:
		return catalog.ChannelPost
	}
	return catalog.ChannelInPerson
}

// SetCopies records how many copies the citizen asks for (certified copies, extracts), which the
// per-copy and per-page fees multiply. Only before the dossier is queued (ErrDeliveryFixed after).
func (d *dossierSvc) SetCopies(ctx context.Context, id string, copies int) error {
	if copies < 1 || copies > 999 {
		return fmt.Errorf("%w: the number of copies must be 1–999, not %d", ErrInvalidUnit, copies)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	v, err := d.Dossier(ctx, id)
	if err != nil {
		return err
	}
	switch v.State {
	case Queued, Submitted, Failed:
		return fmt.Errorf("%w (dossier %s is %s)", ErrDeliveryFixed, id, v.State)
	}
	if err := d.updateRecord(ctx, id, func(r *Record) { r.Copies = copies }); err != nil {
		return err
	}
	return d.audit(ctx, "dossier.copies", id, map[string]any{"copies": copies})
}

func jsonIndent(v any) ([]byte, error) { return json.MarshalIndent(v, "", " ") }
