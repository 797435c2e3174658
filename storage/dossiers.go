// Dossier rows: create, read, full update, state compare-and-set and listing (the Dossiers repository).

package storage

import (
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
	// Typed columns the figures read, written by the domain with the record in the same transaction.
	SubmittedAt, ResultAt time.Time // when the portal took it; when the portal reported its result
	VNeID                 bool      // submitted with a VNeID-authenticated account
	// Counted by the Pages repository as pages are captured and deleted; the retention purge of a
	// submitted dossier's page images does not lower them. Read-only here.
	PageCount, ComponentCount int
}

// Dossiers is the repository of dossier rows, reached from a Tx.
type Dossiers struct{ tx *Tx }

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
	for _, t := range []struct {
		name string
		at   time.Time
	}{{"received", d.ReceivedAt}, {"appointment", d.AppointmentAt}, {"submitted", d.SubmittedAt}, {"result", d.ResultAt}} {
		if err := checkTime(t.name, t.at); err != nil {
			return err
		}
	}
	return nil
}

// Create inserts d. An empty State becomes "draft"; a zero CreatedAt becomes now.
// UpdatedAt is set to CreatedAt. ErrExists if the code is already used.
// Components given with it are written in the same transaction, so a crash never leaves a dossier
// without the components its procedure requires.
func (r Dossiers) Create(d Dossier, comps ...Component) error {
	if d.State == "" {
		d.State = StateDraft
	}
	if err := checkDossier(d); err != nil {
		return kept(fmt.Errorf("create dossier %s: %w", d.ID, err))
	}
	if d.CreatedAt.IsZero() {
		d.CreatedAt = r.tx.db.now()
	}
	_, err := r.tx.exec(`INSERT INTO dossiers (`+dossierColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.ID, d.UnitCode, d.ProcedureCode, d.Officer, d.State, d.Channel, d.Training, d.ApplicantName, d.ApplicantID,
		nullJSON(d.Data), nanos(d.CreatedAt), nanos(d.CreatedAt), nanos(d.ReceivedAt), nanos(d.AppointmentAt),
		d.PortalCode, d.PortalStatus, d.LastError, nanos(d.SubmittedAt), nanos(d.ResultAt), d.VNeID, 0, 0)
	if isConstraint(err, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY) {
		return kept(fmt.Errorf("dossier code %s: %w", d.ID, ErrExists))
	}
	if err != nil {
		return err
	}
	if err := r.setFigureKey(d); err != nil {
		return err
	}
	for _, c := range comps {
		if c.DossierID != d.ID || c.Code == "" {
			return kept(fmt.Errorf("create dossier %s: component %q: %w", d.ID, c.Code, ErrInvalid))
		}
		if err := r.tx.Components().Save(c); err != nil {
			return err
		}
	}
	return nil
}

const dossierColumns = `id, unit_code, procedure_code, officer, state, channel, training, applicant_name, applicant_id,
	data, created_at, updated_at, received_at, appointment_at, portal_code, portal_status, last_error,
	submitted_at, result_at, vneid, page_count, component_count`

// scanDossier reads one dossiers row.
func scanDossier(row interface{ Scan(...any) error }) (Dossier, error) {
	var d Dossier
	var data sql.NullString
	var created, updated, received, appointment, submitted, result int64
	err := row.Scan(&d.ID, &d.UnitCode, &d.ProcedureCode, &d.Officer, &d.State, &d.Channel, &d.Training,
		&d.ApplicantName, &d.ApplicantID, &data, &created, &updated, &received, &appointment,
		&d.PortalCode, &d.PortalStatus, &d.LastError, &submitted, &result, &d.VNeID, &d.PageCount, &d.ComponentCount)
	if err != nil {
		return Dossier{}, err
	}
	if data.Valid {
		d.Data = json.RawMessage(data.String)
	}
	d.CreatedAt, d.UpdatedAt = fromNanos(created), fromNanos(updated)
	d.ReceivedAt, d.AppointmentAt = fromNanos(received), fromNanos(appointment)
	d.SubmittedAt, d.ResultAt = fromNanos(submitted), fromNanos(result)
	return d, nil
}

// Get returns the dossier with code id; ErrNotFound if there is none.
func (r Dossiers) Get(id string) (Dossier, error) {
	d, err := scanDossier(r.tx.queryRow(`SELECT `+dossierColumns+` FROM dossiers WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Dossier{}, kept(fmt.Errorf("dossier %s: %w", id, ErrNotFound))
	}
	if err != nil {
		return Dossier{}, dbErr("read dossier "+id, err)
	}
	return d, nil
}

// Update replaces every field of dossier d.ID except CreatedAt and the page counts, and sets UpdatedAt
// to now. ErrNotFound if there is no such dossier.
func (r Dossiers) Update(d Dossier) error {
	if err := checkDossier(d); err != nil {
		return kept(fmt.Errorf("update dossier %s: %w", d.ID, err))
	}
	res, err := r.tx.exec(`UPDATE dossiers SET unit_code = ?, procedure_code = ?, officer = ?, state = ?, channel = ?,
			training = ?, applicant_name = ?, applicant_id = ?, data = ?, updated_at = ?, received_at = ?, appointment_at = ?,
			portal_code = ?, portal_status = ?, last_error = ?, submitted_at = ?, result_at = ?, vneid = ?
		WHERE id = ?`,
		d.UnitCode, d.ProcedureCode, d.Officer, d.State, d.Channel, d.Training, d.ApplicantName, d.ApplicantID,
		nullJSON(d.Data), nanos(r.tx.db.now()), nanos(d.ReceivedAt), nanos(d.AppointmentAt),
		d.PortalCode, d.PortalStatus, d.LastError, nanos(d.SubmittedAt), nanos(d.ResultAt), d.VNeID, d.ID)
	if err != nil {
		return err
	}
	if err := mustAffect(res, fmt.Errorf("dossier %s: %w", d.ID, ErrNotFound)); err != nil {
		return err
	}
	return r.setFigureKey(d)
}

// setFigureKey writes the dossier's fig_key: its (officer, procedure) pair in figure_keys, so the figures
// read one integer instead of two strings per dossier.
func (r Dossiers) setFigureKey(d Dossier) error {
	if _, err := r.tx.exec(`INSERT INTO figure_keys (officer, procedure_code) VALUES (?, ?) ON CONFLICT DO NOTHING`,
		d.Officer, d.ProcedureCode); err != nil {
		return err
	}
	_, err := r.tx.exec(`UPDATE dossiers SET fig_key = (SELECT id FROM figure_keys WHERE officer = ? AND procedure_code = ?)
		WHERE id = ?`, d.Officer, d.ProcedureCode, d.ID)
	return err
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

// Move moves dossier id from state from to state to (compare-and-set).
// ErrStateConflict if its current state is not from; ErrNotFound if there is no such dossier.
func (r Dossiers) Move(id, from, to string) error {
	if !validState(to) {
		return kept(fmt.Errorf("set dossier %s state: %w: state %q", id, ErrInvalid, to))
	}
	var cur string
	err := r.tx.queryRow(`SELECT state FROM dossiers WHERE id = ?`, id).Scan(&cur)
	if errors.Is(err, sql.ErrNoRows) {
		return kept(fmt.Errorf("dossier %s: %w", id, ErrNotFound))
	}
	if err != nil {
		return err
	}
	if cur != from {
		return kept(fmt.Errorf("dossier %s is %q, not %q: %w", id, cur, from, ErrStateConflict))
	}
	_, err = r.tx.exec(`UPDATE dossiers SET state = ?, updated_at = ? WHERE id = ?`, to, nanos(r.tx.db.now()), id)
	return err
}

// Delete removes dossier id with its components, pages, files, uploads, payment and secrets (the outbox
// item must be gone first: a dossier that left the desk stays). ErrNotFound if there is no such dossier.
func (r Dossiers) Delete(id string) error {
	res, err := r.tx.exec(`DELETE FROM dossiers WHERE id = ?`, id)
	if err != nil {
		return err
	}
	return mustAffect(res, fmt.Errorf("dossier %s: %w", id, ErrNotFound))
}

// List returns the dossiers matching f, newest (by CreatedAt) first.
func (r Dossiers) List(f DossierFilter) ([]Dossier, error) {
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
	rows, err := r.tx.query(q, args...)
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
