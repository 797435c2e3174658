// The outbox: the only way out of the desk. One item per dossier, claimed under a lease
// by the uploader, finished with Done or Fail; a crash resumes, never duplicates (the Outbox repository).

package storage

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	sqlite3 "modernc.org/sqlite/lib"

	"sohoa/desk/model"
	"sohoa/errs"
)

// Outbox item states.
const (
	OutboxPending = "pending"
	OutboxClaimed = "claimed"
	OutboxDone    = "done"
	OutboxFailed  = "failed"
)

// Error classes for Fail: the stored spelling of the module's error kinds (errs.Kind).
const (
	ErrorTransient = string(errs.Transient)    // retried at retryAt
	ErrorPermanent = string(errs.Permanent)    // failed until Retry
	ErrorOfficer   = string(errs.NeedsOfficer) // needs the officer; failed until Retry
	ErrorCitizen   = string(errs.NeedsCitizen) // needs the citizen to authorize again; failed until Retry
	ErrorUser      = "user"                    // written before errs existed; read as errs.NeedsCitizen
)

// OutboxItem is the desk's record, kept by this store (defined in sohoa/desk/model).
type OutboxItem = model.OutboxItem

// OutboxStats is the desk's record, kept by this store (defined in sohoa/desk/model).
type OutboxStats = model.OutboxStats

// Outbox is the repository of outbox items, reached from a Tx.
type Outbox struct{ tx *Tx }

const outboxColumns = `id, dossier_id, idem_key, state, attempts, next_at, lease_until, last_error, error_class, result, created_at, updated_at`

// scanOutbox reads one outbox row.
func scanOutbox(row interface{ Scan(...any) error }) (OutboxItem, error) {
	var it OutboxItem
	var next, lease, created, updated int64
	var result sql.NullString
	if err := row.Scan(&it.ID, &it.DossierID, &it.IdemKey, &it.State, &it.Attempts, &next, &lease,
		&it.LastError, &it.ErrorClass, &result, &created, &updated); err != nil {
		return OutboxItem{}, err
	}
	it.NextAt, it.LeaseUntil = fromNanos(next), fromNanos(lease)
	it.CreatedAt, it.UpdatedAt = fromNanos(created), fromNanos(updated)
	if result.Valid {
		it.Result = json.RawMessage(result.String)
	}
	return it, nil
}

// Enqueue puts dossier dossierID in the outbox, due now. It is idempotent per dossier:
// if the dossier already has an item, that item is returned unchanged (with its own key).
// An empty idemKey gets a random one. ErrNotFound if the dossier does not exist;
// ErrExists if idemKey is already used by another dossier.
func (r Outbox) Enqueue(dossierID, idemKey string) (OutboxItem, error) {
	if idemKey == "" {
		var b [16]byte
		if _, err := rand.Read(b[:]); err != nil {
			return OutboxItem{}, fmt.Errorf("enqueue %s: %w", dossierID, err)
		}
		idemKey = hex.EncodeToString(b[:])
	}
	now := nanos(r.tx.db.now())
	_, err := r.tx.exec(`INSERT INTO outbox (dossier_id, idem_key, state, next_at, lease_until, created_at, updated_at)
		VALUES (?, ?, 'pending', 0, 0, ?, ?) ON CONFLICT (dossier_id) DO NOTHING`, dossierID, idemKey, now, now)
	switch {
	case isConstraint(err, sqlite3.SQLITE_CONSTRAINT_UNIQUE):
		return OutboxItem{}, kept(fmt.Errorf("idempotency key %s: %w", idemKey, ErrExists))
	case err != nil:
		return OutboxItem{}, noDossier(err, dossierID)
	}
	return r.Get(dossierID)
}

// Claim takes the next item to upload: the pending item due earliest (NextAt <= now), or a
// claimed item whose lease expired (its worker died). It atomically marks it claimed until
// now+lease and counts the attempt. ok is false when nothing is due.
func (r Outbox) Claim(now time.Time, lease time.Duration) (OutboxItem, bool, error) {
	if lease <= 0 {
		return OutboxItem{}, false, kept(fmt.Errorf("claim outbox item: %w: lease %s", ErrInvalid, lease))
	}
	if !r.tx.write {
		return OutboxItem{}, false, kept(fmt.Errorf("%w: a claim inside a read transaction", ErrInvalid))
	}
	n := nanos(now)
	row := r.tx.queryRow(`UPDATE outbox SET state = 'claimed', lease_until = ?2, attempts = attempts + 1, updated_at = ?3
			WHERE id = (
				SELECT id FROM (
					SELECT * FROM (SELECT id, next_at AS due FROM outbox WHERE state = 'pending' AND next_at <= ?1 ORDER BY next_at, id LIMIT 1)
					UNION ALL
					SELECT * FROM (SELECT id, lease_until AS due FROM outbox WHERE state = 'claimed' AND lease_until <= ?1 ORDER BY lease_until, id LIMIT 1)
				) ORDER BY due, id LIMIT 1)
			RETURNING `+outboxColumns, n, nanos(now.Add(lease)), nanos(r.tx.db.now()))
	it, err := scanOutbox(row)
	if errors.Is(err, sql.ErrNoRows) {
		return OutboxItem{}, false, nil
	}
	if err != nil {
		return OutboxItem{}, false, err
	}
	return it, true, nil
}

// Done records that item id was accepted by the portal, with the portal's answer.
// Calling it again on a done item is a no-op; ErrStateConflict if the item is not claimed.
func (r Outbox) Done(id int64, result json.RawMessage) error {
	if len(result) > 0 && !json.Valid(result) {
		return kept(fmt.Errorf("finish outbox item %d: %w: result is not valid JSON", id, ErrInvalid))
	}
	state, err := r.state(id)
	if err != nil || state == OutboxDone {
		return err
	}
	if state != OutboxClaimed {
		return kept(fmt.Errorf("outbox item %d is %s, not claimed: %w", id, state, ErrStateConflict))
	}
	_, err = r.tx.exec(`UPDATE outbox SET state = 'done', result = ?, lease_until = 0, last_error = '', error_class = '',
		updated_at = ? WHERE id = ?`, nullJSON(result), nanos(r.tx.db.now()), id)
	return err
}

// state reads the state of item id; ErrNotFound (kept) if it does not exist.
func (r Outbox) state(id int64) (string, error) {
	var state string
	err := r.tx.queryRow(`SELECT state FROM outbox WHERE id = ?`, id).Scan(&state)
	if errors.Is(err, sql.ErrNoRows) {
		return "", kept(fmt.Errorf("outbox item %d: %w", id, ErrNotFound))
	}
	return state, err
}

// Fail records a failed attempt on claimed item id. errClass is string(errs.Kind): "transient" puts it
// back to pending, due at retryAt; "permanent", "officer" and "citizen" mark it failed until Retry.
// ErrStateConflict if the item is not claimed.
func (r Outbox) Fail(id int64, errClass, msg string, retryAt time.Time) error {
	next, state := int64(0), OutboxFailed
	switch errClass {
	case ErrorTransient:
		next, state = nanos(retryAt), OutboxPending
	case ErrorPermanent, ErrorOfficer, ErrorCitizen, ErrorUser:
	default:
		return kept(fmt.Errorf("fail outbox item %d: %w: error class %q", id, ErrInvalid, errClass))
	}
	if err := checkTime("retry", retryAt); err != nil {
		return kept(fmt.Errorf("fail outbox item %d: %w", id, err))
	}
	cur, err := r.state(id)
	if err != nil {
		return err
	}
	if cur != OutboxClaimed {
		return kept(fmt.Errorf("outbox item %d is %s, not claimed: %w", id, cur, ErrStateConflict))
	}
	_, err = r.tx.exec(`UPDATE outbox SET state = ?, next_at = ?, lease_until = 0, last_error = ?, error_class = ?,
		updated_at = ? WHERE id = ?`, state, next, msg, errClass, nanos(r.tx.db.now()), id)
	return err
}

// Retry puts the failed item of dossierID back to pending, due now. The last error is kept
// for display until the next attempt. ErrNotFound if the dossier has no item;
// ErrStateConflict if the item is not failed.
func (r Outbox) Retry(dossierID string) error {
	res, err := r.tx.exec(`UPDATE outbox SET state = 'pending', next_at = 0, updated_at = ?
		WHERE dossier_id = ? AND state = 'failed'`, nanos(r.tx.db.now()), dossierID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return err
	}
	it, err := r.Get(dossierID)
	if err != nil {
		return err
	}
	return kept(fmt.Errorf("outbox item of dossier %s is %s, not failed: %w", dossierID, it.State, ErrStateConflict))
}

// Get returns the outbox item of dossierID; ErrNotFound if it has none.
func (r Outbox) Get(dossierID string) (OutboxItem, error) {
	it, err := scanOutbox(r.tx.queryRow(`SELECT `+outboxColumns+` FROM outbox WHERE dossier_id = ?`, dossierID))
	if errors.Is(err, sql.ErrNoRows) {
		return OutboxItem{}, kept(fmt.Errorf("outbox item of dossier %s: %w", dossierID, ErrNotFound))
	}
	if err != nil {
		return OutboxItem{}, dbErr("read outbox item", err)
	}
	return it, nil
}

// List returns every outbox item, oldest first.
func (r Outbox) List() ([]OutboxItem, error) {
	rows, err := r.tx.query(`SELECT ` + outboxColumns + ` FROM outbox ORDER BY id`)
	if err != nil {
		return nil, dbErr("list outbox", err)
	}
	defer rows.Close()
	var out []OutboxItem
	for rows.Next() {
		it, err := scanOutbox(rows)
		if err != nil {
			return nil, dbErr("list outbox", err)
		}
		out = append(out, it)
	}
	return out, dbErr("list outbox", rows.Err())
}

// Stats counts the outbox items by state.
func (r Outbox) Stats() (OutboxStats, error) {
	rows, err := r.tx.query(`SELECT state, count(*) FROM outbox GROUP BY state`)
	if err != nil {
		return OutboxStats{}, dbErr("count outbox", err)
	}
	defer rows.Close()
	var s OutboxStats
	for rows.Next() {
		var state string
		var n int
		if err := rows.Scan(&state, &n); err != nil {
			return OutboxStats{}, dbErr("count outbox", err)
		}
		switch state {
		case OutboxPending:
			s.Pending = n
		case OutboxClaimed:
			s.Claimed = n
		case OutboxDone:
			s.Done = n
		case OutboxFailed:
			s.Failed = n
		}
	}
	if err := rows.Err(); err != nil {
		return OutboxStats{}, dbErr("count outbox", err)
	}
	return s, nil
}

// ReleaseClaimsBefore puts back to pending, due now, every claimed outbox item whose claim was taken
// before t, and returns how many. The data folder is locked to one process, so a caller passing the
// time it opened the folder releases exactly the claims of processes that died (their lease need not run out).
func (r Outbox) ReleaseClaimsBefore(t time.Time) (int, error) {
	res, err := r.tx.exec(`UPDATE outbox SET state = 'pending', next_at = 0, lease_until = 0, updated_at = ?
		WHERE state = 'claimed' AND updated_at < ?`, nanos(r.tx.db.now()), nanos(t))
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// Delete removes the outbox item of dossierID, if any (a dossier abandoned before it left the desk).
func (r Outbox) Delete(dossierID string) error {
	_, err := r.tx.exec(`DELETE FROM outbox WHERE dossier_id = ?`, dossierID)
	return err
}
