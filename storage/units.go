// Unit profiles (the counter's agency, hotlines, portal), key/value settings and the dossier-code
// sequences: the Settings repository.

package storage

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"sohoa/desk/model"
)

// Unit is the desk's record, kept by this store (defined in sohoa/desk/model).
type Unit = model.Unit

// Hotline is the desk's record, kept by this store (defined in sohoa/desk/model).
type Hotline = model.Hotline

// Settings is the repository of settings, unit profiles and sequences, reached from a Tx.
type Settings struct{ tx *Tx }

// SaveUnit inserts or replaces the unit with u.Code.
func (r Settings) SaveUnit(u Unit) error {
	if u.Code == "" {
		return kept(fmt.Errorf("save unit: %w: empty unit code", ErrInvalid))
	}
	if u.CounterType != "commune" && u.CounterType != "postal" {
		return kept(fmt.Errorf("save unit %s: %w: counter type %q is not \"commune\" or \"postal\"", u.Code, ErrInvalid, u.CounterType))
	}
	hl := u.Hotlines
	if hl == nil {
		hl = []Hotline{}
	}
	hotlines, err := json.Marshal(hl)
	if err != nil {
		return fmt.Errorf("save unit %s: %w", u.Code, err)
	}
	_, err = r.tx.exec(`INSERT INTO units (code, name, address, province, counter_type, hotlines, portal_url, training)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (code) DO UPDATE SET name = excluded.name, address = excluded.address, province = excluded.province,
				counter_type = excluded.counter_type, hotlines = excluded.hotlines, portal_url = excluded.portal_url, training = excluded.training`,
		u.Code, u.Name, u.Address, u.Province, u.CounterType, string(hotlines), u.PortalURL, u.Training)
	return err
}

const unitColumns = `code, name, address, province, counter_type, hotlines, portal_url, training`

// scanUnit reads one units row.
func scanUnit(row interface{ Scan(...any) error }) (Unit, error) {
	var u Unit
	var hotlines string
	if err := row.Scan(&u.Code, &u.Name, &u.Address, &u.Province, &u.CounterType, &hotlines, &u.PortalURL, &u.Training); err != nil {
		return Unit{}, err
	}
	if err := json.Unmarshal([]byte(hotlines), &u.Hotlines); err != nil {
		return Unit{}, fmt.Errorf("unit %s hotlines: %w", u.Code, err)
	}
	if len(u.Hotlines) == 0 {
		u.Hotlines = nil
	}
	return u, nil
}

// Unit returns the unit with code; ErrNotFound if there is none.
func (r Settings) Unit(code string) (Unit, error) {
	u, err := scanUnit(r.tx.queryRow(`SELECT `+unitColumns+` FROM units WHERE code = ?`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return Unit{}, kept(fmt.Errorf("unit %s: %w", code, ErrNotFound))
	}
	if err != nil {
		return Unit{}, dbErr("read unit "+code, err)
	}
	return u, nil
}

// Units returns every unit, by code.
func (r Settings) Units() ([]Unit, error) {
	rows, err := r.tx.query(`SELECT ` + unitColumns + ` FROM units ORDER BY code`)
	if err != nil {
		return nil, dbErr("list units", err)
	}
	defer rows.Close()
	var out []Unit
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return nil, dbErr("list units", err)
		}
		out = append(out, u)
	}
	return out, dbErr("list units", rows.Err())
}

// Get returns the value stored under key, or "" and ErrNotFound when absent.
func (r Settings) Get(key string) (string, error) {
	var v string
	err := r.tx.queryRow(`SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", kept(fmt.Errorf("setting %q: %w", key, ErrNotFound))
	}
	if err != nil {
		return "", dbErr("read setting "+key, err)
	}
	return v, nil
}

// Set stores value under key, replacing any previous value.
func (r Settings) Set(key, value string) error {
	if key == "" {
		return kept(fmt.Errorf("save setting: %w: empty key", ErrInvalid))
	}
	_, err := r.tx.exec(`INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

// NextSequence returns the next number (1, 2, 3 ...) of the dossier-code sequence of
// unitCode on day (the code's YYMMDD). Numbers survive restarts and never repeat.
func (r Settings) NextSequence(unitCode, day string) (int, error) {
	if unitCode == "" || day == "" {
		return 0, kept(fmt.Errorf("next dossier number: %w: empty unit code or day", ErrInvalid))
	}
	if !r.tx.write {
		return 0, kept(fmt.Errorf("%w: a sequence number inside a read transaction", ErrInvalid))
	}
	var n int
	err := r.tx.queryRow(`INSERT INTO sequences (unit_code, day, last) VALUES (?, ?, 1)
		ON CONFLICT (unit_code, day) DO UPDATE SET last = last + 1
		RETURNING last`, unitCode, day).Scan(&n)
	return n, err
}
