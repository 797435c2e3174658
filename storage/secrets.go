// Per-dossier secrets (the citizen's token, the portal's status token), sealed by the domain before they
// get here: a table of their own, deleted with the dossier (foreign-key cascade) and as soon as they
// are no longer needed. Never in the settings, never in the audit log.

package storage

import (
	"database/sql"
	"errors"
	"fmt"
)

// Kinds of per-dossier secrets.
const (
	SecretCitizenToken = "citizen-token" // the citizen's portal token, until the dossier is submitted
	SecretStatusToken  = "status-token"  // the portal's read-only status token, while the dossier is followed
)

// Secrets is the repository of per-dossier secrets, reached from a Tx.
type Secrets struct{ tx *Tx }

// Put stores (or replaces) the secret of kind for dossierID. ErrNotFound if the dossier does not exist.
func (r Secrets) Put(dossierID, kind string, value []byte) error {
	if dossierID == "" || kind == "" || len(value) == 0 {
		return kept(fmt.Errorf("save secret: %w: empty dossier, kind or value", ErrInvalid))
	}
	_, err := r.tx.exec(`INSERT INTO secrets (dossier_id, kind, value, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (dossier_id, kind) DO UPDATE SET value = excluded.value, created_at = excluded.created_at`,
		dossierID, kind, value, nanos(r.tx.db.now()))
	return noDossier(err, dossierID)
}

// Get returns the secret of kind for dossierID; ErrNotFound when there is none.
func (r Secrets) Get(dossierID, kind string) ([]byte, error) {
	var v []byte
	err := r.tx.queryRow(`SELECT value FROM secrets WHERE dossier_id = ? AND kind = ?`, dossierID, kind).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, kept(fmt.Errorf("%s of dossier %s: %w", kind, dossierID, ErrNotFound))
	}
	return v, err
}

// Delete forgets the secret of kind for dossierID (every kind when kind is ""); no error when there is none.
func (r Secrets) Delete(dossierID, kind string) error {
	if kind == "" {
		_, err := r.tx.exec(`DELETE FROM secrets WHERE dossier_id = ?`, dossierID)
		return err
	}
	_, err := r.tx.exec(`DELETE FROM secrets WHERE dossier_id = ? AND kind = ?`, dossierID, kind)
	return err
}
