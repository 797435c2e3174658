// Dossier rows: create, read, full update, state compare-and-set and listing.

package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	sqlite3 "modernc.org/sqlite/lib"

	"sohoa/desk/model"
)

// Dossier states known to the store. The domain enforces which transitions are allowed.
const (
	StateDraft     = "draft"
	StateCaptured  = "captured"
	StateSigned    = "signed"
	StateQueued    = "queued"
	StateSubmitted = "submitted"
	StateFailed    = "failed"
)

// Dossier is one dossier received at the desk.
type Dossier struct {
	ID                               string // the local dossier code, e.g. "000.00.00.H47-261126-0001"
	UnitCode, ProcedureCode, Officer string
	State                            string // "draft","captured","signed","queued","submitted","failed"
	Channel                          int    // KenhThucHien: 1 in person, 2 online, 3 postal; 0 not set yet
	Training                         bool
	ApplicantName, ApplicantID       string          // denormalised for lists and reports
	Data                             json.RawMessage // the domain's full JSON (applicant, fees, notes...)
	CreatedAt, UpdatedAt, ReceivedAt time.Time
	AppointmentAt                    time.Time
	PortalCode                       string
	PortalStatus                     int
	LastError                        string
}

// DossierFilter is the desk's record, kept by this store (defined in sohoa/desk/model).
type DossierFilter = model.DossierFilter

// validState reports whether s is a dossier state.
func validState(s string) bool {
	switch s {
	case StateDraft, StateCaptured, StateSigned, StateQueued, StateSubmitted, StateFailed:
		return true
	}
	return false
}

// checkDossier validates the fields the schema constrains.
func checkDossier(d Dossier) error {
	if d.ID == "" {
		return fmt.Errorf("%w: empty dossier code", ErrInvalid)
	}
	if !validState(d.State) {
		return fmt.Errorf("%w: dossier state %q", ErrInvalid, d.State)
	}
	if d.Channel < 0 || d.Channel > 3 {
		return fmt.Errorf("%w: channel %d is not 1, 2 or 3", ErrInvalid, d.Channel)
	}
	if len(d.Data) > 0 && !json.Valid(d.Data) {
		return fmt.Errorf("%w: dossier data is not valid JSON", ErrInvalid)
	}
	if err := checkTime("created", d.CreatedAt); err != nil {
		return err
	}
	if err := checkTime("received", d.ReceivedAt); err != nil {
		return err
	}
	return checkTime("appointment", d.AppointmentAt)
}

// CreateDossier inserts d. An empty State becomes "draft"; a zero CreatedAt becomes now.
// UpdatedAt is set to CreatedAt. ErrExists if the code is already used.
// Components given with it are written in the same transaction, so a crash never leaves a dossier
// without the components its procedure requires.
func (db *DB) CreateDossier(ctx context.Context, d Dossier, comps ...Component) error {
	if d.State == "" {
		d.State = StateDraft
	}
	if err := checkDossier(d); err != nil {
		return fmt.Errorf("create dossier %s: %w", d.ID, err)
	}
	if d.CreatedAt.IsZero() {
		d.CreatedAt = db.now()
	}
	return db.write(ctx, "create dossier "+d.ID, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO dossiers (`+dossierColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			d.ID, d.UnitCode, d.ProcedureCode, d.Officer, d.State, d.Channel, d.Training, d.ApplicantName, d.ApplicantID,
			nullJSON(d.Data), nanos(d.CreatedAt), nanos(d.CreatedAt), nanos(d.ReceivedAt), nanos(d.AppointmentAt),
			d.PortalCode, d.PortalStatus, d.LastError)
		if isConstraint(err, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY) {
			return kept(fmt.Errorf("dossier code %s: %w", d.ID, ErrExists))
		}
		if err != nil {
			return err
		}
		for _, c := range comps {
			if c.DossierID != d.ID || c.Code == "" {
				return kept(fmt.Errorf("create dossier %s: component %q: %w", d.ID, c.Code, ErrInvalid))
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO components (dossier_id, code, name, position, required, confirmed, data)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, c.DossierID, c.Code, c.Name, c.Position, c.Required, c.Confirmed, nullJSON(c.Data)); err != nil {
				return err
			}
		}
		return nil
	})
}

const dossierColumns = `id, unit_code, procedure_code, officer, state, channel, training, applicant_name, applicant_id,
	data, created_at, updated_at, received_at, appointment_at, portal_code, portal_status, last_error`

// scanDossier reads one dossiers row.
func scanDossier(row interface{ Scan(...any) error }) (Dossier, error) {
	var d Dossier
	var data sql.NullString
	var created, updated, received, appointment int64
	err := row.Scan(&d.ID, &d.UnitCode, &d.ProcedureCode, &d.Officer, &d.State, &d.Channel, &d.Training,
		&d.ApplicantName, &d.ApplicantID, &data, &created, &updated, &received, &appointment,
		&d.PortalCode, &d.PortalStatus, &d.LastError)
	if err != nil {
		return Dossier{}, err
	}
	if data.Valid {
		d.Data = json.RawMessage(data.String)
	}
	d.CreatedAt, d.UpdatedAt = fromNanos(created), fromNanos(updated)
	d.ReceivedAt, d.AppointmentAt = fromNanos(received), fromNanos(appointment)
	return d, nil
}

// Dossier returns the dossier with code id; ErrNotFound if there is none.
func (db *DB) Dossier(ctx context.Context, id string) (Dossier, error) {
	d, err := scanDossier(db.sql.QueryRowContext(ctx, `SELECT `+dossierColumns+` FROM dossiers WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Dossier{}, fmt.Errorf("dossier %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Dossier{}, dbErr("read dossier "+id, err)
	}
	return d, nil
}

// UpdateDossier replaces every field of dossier d.ID except CreatedAt, and sets UpdatedAt to now.
// ErrNotFound if there is no such dossier.
func (db *DB) UpdateDossier(ctx context.Context, d Dossier) error {
	if err := checkDossier(d); err != nil {
		return fmt.Errorf("update dossier %s: %w", d.ID, err)
	}
	return db.write(ctx, "update dossier "+d.ID, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE dossiers SET unit_code = ?, procedure_code = ?, officer = ?, state = ?, channel = ?,
				training = ?, applicant_name = ?, applicant_id = ?, data = ?, updated_at = ?, received_at = ?, appointment_at = ?,
				portal_code = ?, portal_status = ?, last_error = ?
			WHERE id = ?`,
			d.UnitCode, d.ProcedureCode, d.Officer, d.State, d.Channel, d.Training, d.ApplicantName, d.ApplicantID,
			nullJSON(d.Data), nanos(db.now()), nanos(d.ReceivedAt), nanos(d.AppointmentAt),
			d.PortalCode, d.PortalStatus, d.LastError, d.ID)
		if err != nil {
			return err
		}
		return mustAffect(res, fmt.Errorf("dossier %s: %w", d.ID, ErrNotFound))
	})
}

// mustAffect returns notFound (kept) when res changed no row.
func mustAffect(res sql.Result, notFound error) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return kept(notFound)
	}
	return nil
}

// SetDossierState moves dossier id from state from to state to, atomically.
// ErrStateConflict if its current state is not from; ErrNotFound if there is no such dossier.
func (db *DB) SetDossierState(ctx context.Context, id, from, to string) error {
	if !validState(to) {
		return fmt.Errorf("set dossier %s state: %w: state %q", id, ErrInvalid, to)
	}
	return db.write(ctx, "set dossier "+id+" state", func(tx *sql.Tx) error {
		var cur string
		err := tx.QueryRowContext(ctx, `SELECT state FROM dossiers WHERE id = ?`, id).Scan(&cur)
		if errors.Is(err, sql.ErrNoRows) {
			return kept(fmt.Errorf("dossier %s: %w", id, ErrNotFound))
		}
		if err != nil {
			return err
		}
		if cur != from {
			return kept(fmt.Errorf("dossier %s is %q, not %q: %w", id, cur, from, ErrStateConflict))
		}
		_, err = tx.ExecContext(ctx, `UPDATE dossiers SET state = ?, updated_at = ? WHERE id = ?`, to, nanos(db.now()), id)
		return err
	})
}

// Dossiers returns the dossiers matching f, newest (by CreatedAt) first.
func (db *DB) Dossiers(ctx context.Context, f DossierFilter) ([]Dossier, error) {
	var where []string
	var args []any
	if f.State != "" {
		where = append(where, "state = ?")
		args = append(args, f.State)
	}
	if !f.Since.IsZero() {
		where = append(where, "created_at >= ?")
		args = append(args, nanos(f.Since))
	}
	if !f.Until.IsZero() {
		where = append(where, "created_at < ?")
		args = append(args, nanos(f.Until))
	}
	q := `SELECT ` + dossierColumns + ` FROM dossiers`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += ` ORDER BY created_at DESC, id DESC`
	if f.Limit > 0 {
		q += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	rows, err := db.sql.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, dbErr("list dossiers", err)
	}
	defer rows.Close()
	var out []Dossier
	for rows.Next() {
		d, err := scanDossier(rows)
		if err != nil {
			return nil, dbErr("list dossiers", err)
		}
		out = append(out, d)
	}
	return out, dbErr("list dossiers", rows.Err())
}
