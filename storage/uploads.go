// Resumable uploads across restarts: each file's tus upload URL, and releasing claims of a dead process.

package storage

import (
	"context"
	"database/sql"
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

// SaveUpload records (or replaces) the upload URL of file name of dossierID.
// ErrNotFound if the dossier does not exist.
func (db *DB) SaveUpload(ctx context.Context, u Upload) error {
	if u.DossierID == "" || u.Name == "" || u.URL == "" {
		return fmt.Errorf("save upload: %w: empty dossier, name or URL", ErrInvalid)
	}
	if u.CreatedAt.IsZero() {
		u.CreatedAt = db.now()
	}
	return db.write(ctx, "save upload "+u.DossierID+"/"+u.Name, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO uploads (dossier_id, name, sha256, url, created_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (dossier_id, name) DO UPDATE SET sha256 = excluded.sha256, url = excluded.url, created_at = excluded.created_at`,
			u.DossierID, u.Name, u.SHA256, u.URL, nanos(u.CreatedAt))
		return noDossier(err, u.DossierID)
	})
}

// Uploads returns the recorded uploads of dossierID, by file name.
func (db *DB) Uploads(ctx context.Context, dossierID string) ([]Upload, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT dossier_id, name, sha256, url, created_at FROM uploads WHERE dossier_id = ? ORDER BY name`, dossierID)
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

// DeleteUploads forgets the uploads of dossierID (once the portal confirmed the dossier).
func (db *DB) DeleteUploads(ctx context.Context, dossierID string) error {
	return db.write(ctx, "delete uploads of "+dossierID, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM uploads WHERE dossier_id = ?`, dossierID)
		return err
	})
}

// ReleaseClaimsBefore puts back to pending, due now, every claimed outbox item whose claim was taken
// before t, and returns how many. The data folder is locked to one process, so a caller passing the
// time it opened the folder releases exactly the claims of processes that died (their lease need not run out).
func (db *DB) ReleaseClaimsBefore(ctx context.Context, t time.Time) (int, error) {
	var n int64
	err := db.write(ctx, "release stale claims", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'pending', next_at = 0, lease_until = 0, updated_at = ?
			WHERE state = 'claimed' AND updated_at < ?`, nanos(db.now()), nanos(t))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// OpenedAt is when this DB was opened: claims older than that belong to a process that is gone.
func (db *DB) OpenedAt() time.Time { return db.openedAt }
