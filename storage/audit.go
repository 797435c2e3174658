// Append-only audit log whose rows chain by a keyed MAC: hash = HMAC-SHA-256(desk audit key,
// prev_hash || canonical row bytes), the key held apart from the database (OS keyring, else the
// 0600 file audit.key), so an edit followed by recomputing the chain is detected. Rows written
// before the key existed keep their plain SHA-256 chain: at the first Open after the upgrade an
// "audit.anchored" row closes that legacy chain under the MAC (see anchorAudit). Triggers in the
// schema refuse UPDATE and DELETE; VerifyAudit detects edits made around them.

package storage

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"sohoa/internal/deskkey"
)

// genesisHash is the prev_hash of the first audit row.
var genesisHash = strings.Repeat("0", 64)

// AuditEntry is one row of the audit log: who did what, to which dossier, never secrets.
type AuditEntry struct {
	ID                       int64
	At                       time.Time
	Actor, Action, DossierID string
	Detail                   json.RawMessage
	PrevHash, Hash           string
}

// canonical returns the bytes an audit row's hash covers: each field length-prefixed
// (8-byte big-endian length, then the bytes) in the order id, at, actor, action, dossier, detail.
func (e AuditEntry) canonical() []byte {
	var b []byte
	for _, f := range []string{
		strconv.FormatInt(e.ID, 10), strconv.FormatInt(nanos(e.At), 10),
		e.Actor, e.Action, e.DossierID, string(e.Detail),
	} {
		b = binary.BigEndian.AppendUint64(b, uint64(len(f)))
		b = append(b, f...)
	}
	return b
}

// ActionAuditAnchored is the action of the row from which the log is chained by MAC.
const ActionAuditAnchored = "audit.anchored"

// chainMAC computes the keyed MAC of e chained to e.PrevHash.
func (e AuditEntry) chainMAC(key []byte) string {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(e.PrevHash))
	h.Write(e.canonical())
	return hex.EncodeToString(h.Sum(nil))
}

// chainHash computes the unkeyed hash of a legacy row (written before the log was anchored).
func (e AuditEntry) chainHash() string {
	h := sha256.New()
	h.Write([]byte(e.PrevHash))
	h.Write(e.canonical())
	return hex.EncodeToString(h.Sum(nil))
}

// Audit appends an entry inside the transaction of the change it records, so the change and its audit
// row are committed together or not at all: actor did action on dossierID (may be ""), with detail
// marshalled to JSON (a json.RawMessage or []byte holding JSON is stored as is). Never pass secrets.
// This is the one place audit rows are written.
func (tx *Tx) Audit(actor, action, dossierID string, detail any) error {
	var raw []byte
	switch d := detail.(type) {
	case json.RawMessage:
		raw = d
	case []byte:
		raw = d
	default:
		var err error
		if raw, err = json.Marshal(detail); err != nil {
			return kept(fmt.Errorf("audit %s: %w: detail: %w", action, ErrInvalid, err))
		}
	}
	if len(raw) == 0 {
		raw = []byte("null")
	}
	if !json.Valid(raw) {
		return kept(fmt.Errorf("audit %s: %w: detail is not valid JSON", action, ErrInvalid))
	}
	if action == "" {
		return kept(fmt.Errorf("audit: %w: empty action", ErrInvalid))
	}
	if !tx.write {
		return kept(fmt.Errorf("audit %s: %w: inside a read transaction", action, ErrInvalid))
	}
	e := AuditEntry{ID: 1, PrevHash: genesisHash, At: tx.db.now(), Actor: actor, Action: action, DossierID: dossierID, Detail: raw}
	var lastID int64
	var lastHash string
	err := tx.queryRow(`SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1`).Scan(&lastID, &lastHash)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return err
	default:
		e.ID, e.PrevHash = lastID+1, lastHash
	}
	e.Hash = e.chainMAC(tx.db.auditKey)
	_, err = tx.exec(`INSERT INTO audit (id, at, actor, action, dossier_id, detail, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.ID, nanos(e.At), e.Actor, e.Action, e.DossierID, string(e.Detail), e.PrevHash, e.Hash)
	return err
}

// AuditLog returns the audit entries of dossierID, or all entries when dossierID is "", oldest first.
func (db *DB) AuditLog(ctx context.Context, dossierID string) ([]AuditEntry, error) {
	var out []AuditEntry
	err := db.View(ctx, func(tx *Tx) error {
		var err error
		out, err = tx.AuditLog(dossierID)
		return err
	})
	return out, err
}

// AuditLog returns the audit entries of dossierID, or all entries when dossierID is "", oldest first.
func (tx *Tx) AuditLog(dossierID string) ([]AuditEntry, error) {
	q := `SELECT id, at, actor, action, dossier_id, detail, prev_hash, hash FROM audit`
	var args []any
	if dossierID != "" {
		q += ` WHERE dossier_id = ?`
		args = append(args, dossierID)
	}
	rows, err := tx.query(q+` ORDER BY id`, args...)
	if err != nil {
		return nil, dbErr("read audit log", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, dbErr("read audit log", err)
		}
		out = append(out, e)
	}
	return out, dbErr("read audit log", rows.Err())
}

// scanAudit reads one audit row.
func scanAudit(rows *sql.Rows) (AuditEntry, error) {
	var e AuditEntry
	var at int64
	var detail string
	if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.DossierID, &detail, &e.PrevHash, &e.Hash); err != nil {
		return AuditEntry{}, err
	}
	e.At, e.Detail = fromNanos(at), json.RawMessage(detail)
	return e, nil
}

// AuditHead is the newest row of the audit log: its id and MAC. It is sent with every
// submission and kept by the portal, so a log rewritten or cut short is found against it.
type AuditHead struct {
	ID  int64
	MAC string
}

// AuditTrail reads the audit log for inspections: its head, a head kept elsewhere, a period.
type AuditTrail struct{ db *DB }

// AuditTrail returns the reader of the audit log.
func (db *DB) AuditTrail() AuditTrail { return AuditTrail{db} }

// Head returns the newest row's id and MAC (zero when the log is empty).
func (a AuditTrail) Head(ctx context.Context) (AuditHead, error) {
	db := a.db
	var h AuditHead
	err := db.sql.QueryRowContext(ctx, `SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1`).Scan(&h.ID, &h.MAC)
	if errors.Is(err, sql.ErrNoRows) {
		return AuditHead{}, nil
	}
	return h, dbErr("read audit head", err)
}

// VerifyAudit walks the chain from the first row. Rows before the first audit.anchored row (if
// any) must chain by SHA-256, that row and every later one by the desk key's MAC. It returns an
// *AuditBrokenError (errors.Is ErrAuditBroken) naming the first row that was altered, removed,
// inserted or recomputed without the key. Removing the newest rows is found only against a
// head kept elsewhere (AuditTrail.VerifyHead with the portal's copy).
func (db *DB) VerifyAudit(ctx context.Context) error {
	var anchor int64
	err := db.sql.QueryRowContext(ctx, `SELECT coalesce(min(id), 0) FROM audit WHERE action = ?`, ActionAuditAnchored).Scan(&anchor)
	if err != nil {
		return dbErr("verify audit log", err)
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT id, at, actor, action, dossier_id, detail, prev_hash, hash FROM audit ORDER BY id`)
	if err != nil {
		return dbErr("verify audit log", err)
	}
	defer rows.Close()
	prevID, prevHash := int64(0), genesisHash
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return dbErr("verify audit log", err)
		}
		keyed := anchor == 0 || e.ID >= anchor
		switch {
		case e.ID != prevID+1:
			return &AuditBrokenError{ID: e.ID, Reason: fmt.Sprintf("row %d is missing", prevID+1)}
		case e.PrevHash != prevHash:
			return &AuditBrokenError{ID: e.ID, Reason: "previous-hash link does not match the row before"}
		case keyed && !hmac.Equal([]byte(e.chainMAC(db.auditKey)), []byte(e.Hash)):
			return &AuditBrokenError{ID: e.ID, Reason: "content does not match its MAC under the desk's audit key (edited, or the chain recomputed without the key)"}
		case !keyed && e.chainHash() != e.Hash:
			return &AuditBrokenError{ID: e.ID, Reason: "content does not match its hash"}
		}
		prevID, prevHash = e.ID, e.Hash
	}
	return dbErr("verify audit log", rows.Err())
}

// VerifyHead checks a head kept outside the desk (by the portal) against the log: the row
// must still exist with the same MAC. Call VerifyAudit too: together they prove the log up to head.
func (a AuditTrail) VerifyHead(ctx context.Context, head AuditHead) error {
	db := a.db
	var mac string
	err := db.sql.QueryRowContext(ctx, `SELECT hash FROM audit WHERE id = ?`, head.ID).Scan(&mac)
	if errors.Is(err, sql.ErrNoRows) {
		return &AuditBrokenError{ID: head.ID, Reason: "the row the portal holds as a chain head is gone (the log was cut short)"}
	}
	if err != nil {
		return dbErr("verify audit head", err)
	}
	if !hmac.Equal([]byte(mac), []byte(head.MAC)) {
		return &AuditBrokenError{ID: head.ID, Reason: "the row differs from the chain head the portal holds (the log was rewritten)"}
	}
	return nil
}

// Range returns the entries written in [from, to), oldest first; a zero bound is open.
func (a AuditTrail) Range(ctx context.Context, from, to time.Time) ([]AuditEntry, error) {
	db := a.db
	q := `SELECT id, at, actor, action, dossier_id, detail, prev_hash, hash FROM audit WHERE at >= ?`
	args := []any{nanos(from)}
	if !to.IsZero() {
		q += ` AND at < ?`
		args = append(args, nanos(to))
	}
	rows, err := db.sql.QueryContext(ctx, q+` ORDER BY id`, args...)
	if err != nil {
		return nil, dbErr("read audit log", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, dbErr("read audit log", err)
		}
		out = append(out, e)
	}
	return out, dbErr("read audit log", rows.Err())
}

// auditKeyFile is the key file used where the desk has no OS keyring.
const auditKeyFile = "audit.key"

// loadAuditKey reads (creating at first use) the desk's audit key, and anchors a log written
// before the key existed: its rows keep their SHA-256 chain, and one audit.anchored row, chained
// to their head under the MAC, records how many there were and whether they verified. A log whose
// rows do not verify as a plain chain (the key was lost, or rows were altered) is left for
// VerifyAudit to report rather than anchored over.
func loadAuditKey(db *DB, ctx context.Context) error {
	key, created, err := deskkey.GetOrCreate(db.dir, auditKeyFile, "audit-key:"+db.id, true)
	if err != nil {
		return fmt.Errorf("audit key: %w", err)
	}
	db.auditKey = key
	if !created {
		return nil
	}
	var n int64
	var head string
	err = db.sql.QueryRowContext(ctx, `SELECT count(*), coalesce((SELECT hash FROM audit ORDER BY id DESC LIMIT 1), '') FROM audit`).Scan(&n, &head)
	if err != nil || n == 0 {
		return dbErr("anchor audit log", err)
	}
	if err := verifyLegacy(db, ctx); err != nil {
		return nil
	}
	return db.Update(ctx, "anchor audit log", func(tx *Tx) error {
		return tx.Audit("system", ActionAuditAnchored, "", map[string]any{"legacy_rows": n, "legacy_head": head})
	})
}

// verifyLegacy checks that every row chains by plain SHA-256 (a log from before the MAC).
func verifyLegacy(db *DB, ctx context.Context) error {
	rows, err := db.sql.QueryContext(ctx, `SELECT id, at, actor, action, dossier_id, detail, prev_hash, hash FROM audit ORDER BY id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	prevID, prevHash := int64(0), genesisHash
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return err
		}
		if e.ID != prevID+1 || e.PrevHash != prevHash || e.chainHash() != e.Hash {
			return &AuditBrokenError{ID: e.ID, Reason: "legacy chain"}
		}
		prevID, prevHash = e.ID, e.Hash
	}
	return rows.Err()
}
