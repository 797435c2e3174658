// Components of a dossier (one per required or optional document) and their pages.

package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	sqlite3 "modernc.org/sqlite/lib"

	"sohoa/desk/model"
)

// Component is one document of a dossier, as the procedure lists it.
type Component struct {
	DossierID, Code, Name string
	Position              int
	Required              bool
	Confirmed             bool // the officer confirmed the scan matches the original
	Data                  json.RawMessage
}

// SaveComponent inserts or replaces component (c.DossierID, c.Code).
// ErrNotFound if the dossier does not exist.
func (db *DB) SaveComponent(ctx context.Context, c Component) error {
	what := fmt.Sprintf("save component %s of dossier %s", c.Code, c.DossierID)
	if c.DossierID == "" || c.Code == "" {
		return fmt.Errorf("%s: %w: empty dossier or component code", what, ErrInvalid)
	}
	if len(c.Data) > 0 && !json.Valid(c.Data) {
		return fmt.Errorf("%s: %w: data is not valid JSON", what, ErrInvalid)
	}
	return db.write(ctx, what, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO components (dossier_id, code, name, position, required, confirmed, data)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (dossier_id, code) DO UPDATE SET name = excluded.name, position = excluded.position,
				required = excluded.required, confirmed = excluded.confirmed, data = excluded.data`,
			c.DossierID, c.Code, c.Name, c.Position, c.Required, c.Confirmed, nullJSON(c.Data))
		return noDossier(err, c.DossierID)
	})
}

// noDossier turns a foreign-key failure into ErrNotFound for the dossier.
func noDossier(err error, id string) error {
	if isConstraint(err, sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY) {
		return kept(fmt.Errorf("dossier %s: %w", id, ErrNotFound))
	}
	return err
}

// Components returns the components of a dossier by Position, then Code.
func (db *DB) Components(ctx context.Context, dossierID string) ([]Component, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT dossier_id, code, name, position, required, confirmed, data
		FROM components WHERE dossier_id = ? ORDER BY position, code`, dossierID)
	if err != nil {
		return nil, dbErr("list components", err)
	}
	defer rows.Close()
	var out []Component
	for rows.Next() {
		var c Component
		var data sql.NullString
		if err := rows.Scan(&c.DossierID, &c.Code, &c.Name, &c.Position, &c.Required, &c.Confirmed, &data); err != nil {
			return nil, dbErr("list components", err)
		}
		if data.Valid {
			c.Data = json.RawMessage(data.String)
		}
		out = append(out, c)
	}
	return out, dbErr("list components", rows.Err())
}

// Page is the desk's record, kept by this store (defined in sohoa/desk/model).
type Page = model.Page

// checkPage validates a page before it is written.
func (db *DB) checkPage(p Page) error {
	if p.DossierID == "" || p.ComponentCode == "" {
		return fmt.Errorf("%w: empty dossier or component code", ErrInvalid)
	}
	switch p.Format {
	case "jpeg", "png", "pdf-page":
	default:
		return fmt.Errorf("%w: page format %q", ErrInvalid, p.Format)
	}
	if err := checkRotation(p.Rotation); err != nil {
		return err
	}
	if err := checkSHA(p.Blob); err != nil {
		return err
	}
	if !db.blobs.Has(p.Blob) {
		return fmt.Errorf("page image %s: %w (store the blob before the row)", p.Blob, ErrBlobMissing)
	}
	return checkTime("created", p.CreatedAt)
}

// checkRotation accepts quarter turns only.
func checkRotation(r int) error {
	switch r {
	case 0, 90, 180, 270:
		return nil
	}
	return fmt.Errorf("%w: rotation %d is not 0, 90, 180 or 270", ErrInvalid, r)
}

// AddPage inserts p and returns its id. With p.Position < 0 (or past the end) the page is
// appended; otherwise it is inserted at p.Position and the following pages move down one.
// The blob must already be stored (ErrBlobMissing otherwise); ErrNotFound if the dossier does not exist.
func (db *DB) AddPage(ctx context.Context, p Page) (int64, error) {
	what := fmt.Sprintf("add page to %s/%s", p.DossierID, p.ComponentCode)
	db.blobs.mu.RLock() // the blob cannot be collected between the check and the insert
	defer db.blobs.mu.RUnlock()
	if err := db.checkPage(p); err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	if p.CreatedAt.IsZero() {
		p.CreatedAt = db.now()
	}
	var id int64
	err := db.write(ctx, what, func(tx *sql.Tx) error {
		var count int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM pages WHERE dossier_id = ? AND component_code = ?`,
			p.DossierID, p.ComponentCode).Scan(&count); err != nil {
			return err
		}
		pos := p.Position
		if pos < 0 || pos > count {
			pos = count
		}
		if pos < count {
			if _, err := tx.ExecContext(ctx, `UPDATE pages SET position = position + 1
				WHERE dossier_id = ? AND component_code = ? AND position >= ?`, p.DossierID, p.ComponentCode, pos); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO pages (dossier_id, component_code, position, blob, format, dpi, width, height,
				rotation, blank, source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			p.DossierID, p.ComponentCode, pos, p.Blob, p.Format, p.DPI, p.Width, p.Height, p.Rotation, p.Blank, p.Source, nanos(p.CreatedAt))
		if err != nil {
			return noDossier(err, p.DossierID)
		}
		id, err = res.LastInsertId()
		return err
	})
	return id, err
}

const pageColumns = `id, dossier_id, component_code, position, blob, format, dpi, width, height, rotation, blank, source, created_at`

// Pages returns the pages of one component of a dossier, by Position.
func (db *DB) Pages(ctx context.Context, dossierID, component string) ([]Page, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+pageColumns+` FROM pages
		WHERE dossier_id = ? AND component_code = ? ORDER BY position, id`, dossierID, component)
	if err != nil {
		return nil, dbErr("list pages", err)
	}
	defer rows.Close()
	var out []Page
	for rows.Next() {
		var p Page
		var created int64
		if err := rows.Scan(&p.ID, &p.DossierID, &p.ComponentCode, &p.Position, &p.Blob, &p.Format, &p.DPI, &p.Width, &p.Height,
			&p.Rotation, &p.Blank, &p.Source, &created); err != nil {
			return nil, dbErr("list pages", err)
		}
		p.CreatedAt = fromNanos(created)
		out = append(out, p)
	}
	return out, dbErr("list pages", rows.Err())
}

// UpdatePage saves the officer's edits of page p.ID: Rotation and Blank. ErrNotFound if it does not exist.
func (db *DB) UpdatePage(ctx context.Context, p Page) error {
	what := fmt.Sprintf("update page %d", p.ID)
	if err := checkRotation(p.Rotation); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return db.write(ctx, what, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE pages SET rotation = ?, blank = ? WHERE id = ?`, p.Rotation, p.Blank, p.ID)
		if err != nil {
			return err
		}
		return mustAffect(res, fmt.Errorf("page %d: %w", p.ID, ErrNotFound))
	})
}

// DeletePage removes page id and closes the gap in its component's positions.
// The image blob stays until garbage collection. ErrNotFound if the page does not exist.
func (db *DB) DeletePage(ctx context.Context, id int64) error {
	return db.write(ctx, fmt.Sprintf("delete page %d", id), func(tx *sql.Tx) error {
		var dossierID, comp string
		var pos int
		err := tx.QueryRowContext(ctx, `DELETE FROM pages WHERE id = ? RETURNING dossier_id, component_code, position`, id).
			Scan(&dossierID, &comp, &pos)
		if errors.Is(err, sql.ErrNoRows) {
			return kept(fmt.Errorf("page %d: %w", id, ErrNotFound))
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE pages SET position = position - 1
			WHERE dossier_id = ? AND component_code = ? AND position > ?`, dossierID, comp, pos)
		return err
	})
}

// ReorderPages sets the order of a component's pages to ids, in one transaction.
// ids must list every page of the component exactly once (ErrInvalid otherwise).
func (db *DB) ReorderPages(ctx context.Context, dossierID, component string, ids []int64) error {
	what := fmt.Sprintf("reorder pages of %s/%s", dossierID, component)
	return db.write(ctx, what, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id FROM pages WHERE dossier_id = ? AND component_code = ?`, dossierID, component)
		if err != nil {
			return err
		}
		have := map[int64]bool{}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			have[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(ids) != len(have) {
			return kept(fmt.Errorf("%w: %d page ids given, the component has %d", ErrInvalid, len(ids), len(have)))
		}
		seen := map[int64]bool{}
		for _, id := range ids {
			if !have[id] || seen[id] {
				return kept(fmt.Errorf("%w: page %d is not in the component or is listed twice", ErrInvalid, id))
			}
			seen[id] = true
		}
		for i, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE pages SET position = ? WHERE id = ?`, i, id); err != nil {
				return err
			}
		}
		return nil
	})
}
