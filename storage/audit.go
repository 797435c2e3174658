// Append-only audit log whose rows chain by hash: hash = SHA-256(prev_hash || canonical row bytes).
// Triggers in the schema refuse UPDATE and DELETE; VerifyAudit detects edits made around them.

package storage

import (
	"context"
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

// chainHash computes the hash of e chained to e.PrevHash.
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
	e.Hash = e.chainHash()
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

// VerifyAudit recomputes the hash chain from the first row. It returns an *AuditBrokenError
// (errors.Is ErrAuditBroken) naming the first row that was altered, removed or inserted.
// Removing the newest rows cannot be detected from the chain alone.
func (db *DB) VerifyAudit(ctx context.Context) error {
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
		switch {
		case e.ID != prevID+1:
			return &AuditBrokenError{ID: e.ID, Reason: fmt.Sprintf("row %d is missing", prevID+1)}
		case e.PrevHash != prevHash:
			return &AuditBrokenError{ID: e.ID, Reason: "previous-hash link does not match the row before"}
		case e.chainHash() != e.Hash:
			return &AuditBrokenError{ID: e.ID, Reason: "content does not match its hash"}
		}
		prevID, prevHash = e.ID, e.Hash
	}
	return dbErr("verify audit log", rows.Err())
}
