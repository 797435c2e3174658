// Component files: assembled PDFs, imported files and signed PDFs, each a blob.

package storage

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"

	"sohoa/desk/model"
)

// File is the desk's record, kept by this store (defined in sohoa/desk/model).
type File = model.File

// AddFile inserts f and returns its id. The blob must already be stored (ErrBlobMissing
// otherwise); ErrNotFound if the dossier does not exist. A zero CreatedAt becomes now.
func (db *DB) AddFile(ctx context.Context, f File) (int64, error) {
	what := fmt.Sprintf("add file %q to %s/%s", f.Name, f.DossierID, f.ComponentCode)
	if f.DossierID == "" {
		return 0, fmt.Errorf("%s: %w: empty dossier code", what, ErrInvalid)
	}
	switch f.Role {
	case "assembled", "imported", "signed":
	default:
		return 0, fmt.Errorf("%s: %w: role %q", what, ErrInvalid, f.Role)
	}
	if err := checkSHA(f.Blob); err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	if err := checkTime("created", f.CreatedAt); err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	db.blobs.mu.RLock() // the blob cannot be collected between the check and the insert
	defer db.blobs.mu.RUnlock()
	fi, err := os.Stat(db.blobs.Path(f.Blob))
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, openErr(f.Blob, err))
	}
	if f.Size == 0 {
		f.Size = fi.Size()
	}
	if f.CreatedAt.IsZero() {
		f.CreatedAt = db.now()
	}
	var id int64
	err = db.write(ctx, what, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO files (dossier_id, component_code, name, role, blob, size, pages, signed, signer, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			f.DossierID, f.ComponentCode, f.Name, f.Role, f.Blob, f.Size, f.Pages, f.Signed, f.Signer, nanos(f.CreatedAt))
		if err != nil {
			return noDossier(err, f.DossierID)
		}
		id, err = res.LastInsertId()
		return err
	})
	return id, err
}

// Files returns the files of a dossier by component, then in the order they were added.
func (db *DB) Files(ctx context.Context, dossierID string) ([]File, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT id, dossier_id, component_code, name, role, blob, size, pages, signed, signer, created_at
		FROM files WHERE dossier_id = ? ORDER BY component_code, id`, dossierID)
	if err != nil {
		return nil, dbErr("list files", err)
	}
	defer rows.Close()
	var out []File
	for rows.Next() {
		var f File
		var created int64
		if err := rows.Scan(&f.ID, &f.DossierID, &f.ComponentCode, &f.Name, &f.Role, &f.Blob, &f.Size, &f.Pages,
			&f.Signed, &f.Signer, &created); err != nil {
			return nil, dbErr("list files", err)
		}
		f.CreatedAt = fromNanos(created)
		out = append(out, f)
	}
	return out, dbErr("list files", rows.Err())
}

// DeleteFiles removes the file rows of a dossier matching component and role; an empty
// component or role matches any. Blobs stay until garbage collection.
func (db *DB) DeleteFiles(ctx context.Context, dossierID, component, role string) error {
	where := []string{"dossier_id = ?"}
	args := []any{dossierID}
	if component != "" {
		where = append(where, "component_code = ?")
		args = append(args, component)
	}
	if role != "" {
		where = append(where, "role = ?")
		args = append(args, role)
	}
	return db.write(ctx, "delete files of "+dossierID, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM files WHERE `+strings.Join(where, " AND "), args...)
		return err
	})
}
