// Component files: assembled PDFs, imported files and signed PDFs, each a blob (the Files repository).

package storage

import (
	"fmt"
	"os"
	"strings"

	"sohoa/desk/model"
)

// File is the desk's record, kept by this store (defined in sohoa/desk/model).
type File = model.File

// Files is the repository of component files, reached from a Tx.
type Files struct{ tx *Tx }

// Add inserts f and returns its id. The blob must already be stored (ErrBlobMissing
// otherwise); ErrNotFound if the dossier does not exist. A zero CreatedAt becomes now.
func (r Files) Add(f File) (int64, error) {
	what := fmt.Sprintf("add file %q to %s/%s", f.Name, f.DossierID, f.ComponentCode)
	if f.DossierID == "" {
		return 0, kept(fmt.Errorf("%s: %w: empty dossier code", what, ErrInvalid))
	}
	switch f.Role {
	case "assembled", "imported", "signed":
	default:
		return 0, kept(fmt.Errorf("%s: %w: role %q", what, ErrInvalid, f.Role))
	}
	if err := checkSHA(f.Blob); err != nil {
		return 0, kept(fmt.Errorf("%s: %w", what, err))
	}
	if err := checkTime("created", f.CreatedAt); err != nil {
		return 0, kept(fmt.Errorf("%s: %w", what, err))
	}
	r.tx.pin() // the blob cannot be collected between the check and the commit
	fi, err := os.Stat(r.tx.db.blobs.Path(f.Blob))
	if err != nil {
		return 0, kept(fmt.Errorf("%s: %w", what, openErr(f.Blob, err)))
	}
	if f.Size == 0 {
		f.Size = fi.Size()
	}
	if f.CreatedAt.IsZero() {
		f.CreatedAt = r.tx.db.now()
	}
	res, err := r.tx.exec(`INSERT INTO files (dossier_id, component_code, name, role, blob, size, pages, signed, signer, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		f.DossierID, f.ComponentCode, f.Name, f.Role, f.Blob, f.Size, f.Pages, f.Signed, f.Signer, nanos(f.CreatedAt))
	if err != nil {
		return 0, noDossier(err, f.DossierID)
	}
	return res.LastInsertId()
}

// List returns the files of a dossier by component, then in the order they were added.
func (r Files) List(dossierID string) ([]File, error) {
	rows, err := r.tx.query(`SELECT id, dossier_id, component_code, name, role, blob, size, pages, signed, signer, created_at
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

// Delete removes the file rows of a dossier matching component and role; an empty
// component or role matches any. Blobs stay until garbage collection.
func (r Files) Delete(dossierID, component, role string) error {
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
	_, err := r.tx.exec(`DELETE FROM files WHERE `+strings.Join(where, " AND "), args...)
	return err
}
