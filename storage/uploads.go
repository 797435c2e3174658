// Resumable uploads across restarts: each file's tus upload URL, and releasing claims of a dead process.

package storage

import (
	"fmt"
	"time"
)

// Upload is the tus upload created at the portal for one file of a dossier being submitted.
type Upload struct {
	DossierID string
	Name      string // the file name, as in the manifest
	SHA256    string // the file's hash when the upload was created: an upload of other bytes is not resumed
	URL       string // the portal's upload URL
	CreatedAt time.Time
}

// Uploads is the repository of resumable upload URLs, reached from a Tx.
type Uploads struct{ tx *Tx }

// Save records (or replaces) the upload URL of file name of dossierID.
// ErrNotFound if the dossier does not exist.
func (r Uploads) Save(u Upload) error {
	if u.DossierID == "" || u.Name == "" || u.URL == "" {
		return kept(fmt.Errorf("save upload: %w: empty dossier, name or URL", ErrInvalid))
	}
	if u.CreatedAt.IsZero() {
		u.CreatedAt = r.tx.db.now()
	}
	_, err := r.tx.exec(`INSERT INTO uploads (dossier_id, name, sha256, url, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (dossier_id, name) DO UPDATE SET sha256 = excluded.sha256, url = excluded.url, created_at = excluded.created_at`,
		u.DossierID, u.Name, u.SHA256, u.URL, nanos(u.CreatedAt))
	return noDossier(err, u.DossierID)
}

// List returns the recorded uploads of dossierID, by file name.
func (r Uploads) List(dossierID string) ([]Upload, error) {
	rows, err := r.tx.query(`SELECT dossier_id, name, sha256, url, created_at FROM uploads WHERE dossier_id = ? ORDER BY name`, dossierID)
	if err != nil {
		return nil, dbErr("list uploads", err)
	}
	defer rows.Close()
	var out []Upload
	for rows.Next() {
		var u Upload
		var created int64
		if err := rows.Scan(&u.DossierID, &u.Name, &u.SHA256, &u.URL, &created); err != nil {
			return nil, dbErr("list uploads", err)
		}
		u.CreatedAt = fromNanos(created)
		out = append(out, u)
	}
	return out, dbErr("list uploads", rows.Err())
}

// Delete forgets the uploads of dossierID (once the portal confirmed the dossier).
func (r Uploads) Delete(dossierID string) error {
	_, err := r.tx.exec(`DELETE FROM uploads WHERE dossier_id = ?`, dossierID)
	return err
}
