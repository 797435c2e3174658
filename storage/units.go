// Unit profiles (the counter's agency, hotlines, portal) and key/value settings.

package storage

import (
	"context"
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

// SaveUnit inserts or replaces the unit with u.Code.
func (db *DB) SaveUnit(ctx context.Context, u Unit) error {
	if u.Code == "" {
		return fmt.Errorf("save unit: %w: empty unit code", ErrInvalid)
	}
	if u.CounterType != "commune" && u.CounterType != "postal" {
		return fmt.Errorf("save unit %s: %w: counter type %q is not \"commune\" or \"postal\"", u.Code, ErrInvalid, u.CounterType)
	}
	hl := u.Hotlines
	if hl == nil {
		hl = []Hotline{}
	}
	hotlines, err := json.Marshal(hl)
	if err != nil {
		return fmt.Errorf("save unit %s: %w", u.Code, err)
	}
	return db.write(ctx, "save unit "+u.Code, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO units (code, name, address, province, counter_type, hotlines, portal_url, training)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (code) DO UPDATE SET name = excluded.name, address = excluded.address, province = excluded.province,
				counter_type = excluded.counter_type, hotlines = excluded.hotlines, portal_url = excluded.portal_url, training = excluded.training`,
			u.Code, u.Name, u.Address, u.Province, u.CounterType, string(hotlines), u.PortalURL, u.Training)
		return err
	})
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
func (db *DB) Unit(ctx context.Context, code string) (Unit, error) {
	u, err := scanUnit(db.sql.QueryRowContext(ctx, `SELECT `+unitColumns+` FROM units WHERE code = ?`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return Unit{}, fmt.Errorf("unit %s: %w", code, ErrNotFound)
	}
	if err != nil {
		return Unit{}, dbErr("read unit "+code, err)
	}
	return u, nil
}

// Units returns every unit, by code.
func (db *DB) Units(ctx context.Context) ([]Unit, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+unitColumns+` FROM units ORDER BY code`)
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

// Setting returns the value stored under key, or "" and ErrNotFound when absent.
func (db *DB) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := db.sql.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("setting %q: %w", key, ErrNotFound)
	}
	if err != nil {
		return "", dbErr("read setting "+key, err)
	}
	return v, nil
}

// SetSetting stores value under key, replacing any previous value.
func (db *DB) SetSetting(ctx context.Context, key, value string) error {
	if key == "" {
		return fmt.Errorf("save setting: %w: empty key", ErrInvalid)
	}
	return db.write(ctx, "save setting "+key, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
		return err
	})
}

// NextSequence returns the next number (1, 2, 3 ...) of the dossier-code sequence of
// unitCode on day (the code's YYMMDD). Numbers survive restarts and never repeat.
func (db *DB) NextSequence(ctx context.Context, unitCode, day string) (int, error) {
	if unitCode == "" || day == "" {
		return 0, fmt.Errorf("next dossier number: %w: empty unit code or day", ErrInvalid)
	}
	var n int
	err := db.write(ctx, "next dossier number for "+unitCode+" "+day, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO sequences (unit_code, day, last) VALUES (?, ?, 1)
			ON CONFLICT (unit_code, day) DO UPDATE SET last = last + 1
			RETURNING last`, unitCode, day).Scan(&n)
	})
	return n, err
}
