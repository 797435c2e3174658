// Components of a dossier (one per required or optional document) and their pages: the Components and
// Pages repositories. The Pages repository keeps the dossier's page and component counts.

package storage

import (
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

// Components is the repository of dossier components, reached from a Tx.
type Components struct{ tx *Tx }

// Save inserts or replaces component (c.DossierID, c.Code).
// ErrNotFound if the dossier does not exist.
func (r Components) Save(c Component) error {
	what := fmt.Sprintf("save component %s of dossier %s", c.Code, c.DossierID)
	if c.DossierID == "" || c.Code == "" {
		return kept(fmt.Errorf("%s: %w: empty dossier or component code", what, ErrInvalid))
	}
	if len(c.Data) > 0 && !json.Valid(c.Data) {
		return kept(fmt.Errorf("%s: %w: data is not valid JSON", what, ErrInvalid))
	}
	_, err := r.tx.exec(`INSERT INTO components (dossier_id, code, name, position, required, confirmed, data)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (dossier_id, code) DO UPDATE SET name = excluded.name, position = excluded.position,
			required = excluded.required, confirmed = excluded.confirmed, data = excluded.data`,
		c.DossierID, c.Code, c.Name, c.Position, c.Required, c.Confirmed, nullJSON(c.Data))
	return noDossier(err, c.DossierID)
}

// noDossier turns a foreign-key failure into ErrNotFound for the dossier.
func noDossier(err error, id string) error {
	if isConstraint(err, sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY) {
		return kept(fmt.Errorf("dossier %s: %w", id, ErrNotFound))
	}
	return err
}

// List returns the components of a dossier by Position, then Code.
func (r Components) List(dossierID string) ([]Component, error) {
	rows, err := r.tx.query(`SELECT dossier_id, code, name, position, required, confirmed, data
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

// Pages is the repository of page images, reached from a Tx.
type Pages struct{ tx *Tx }

// checkPage validates a page before it is written.
func (r Pages) checkPage(p Page) error {
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
	if !r.tx.db.blobs.Has(p.Blob) {
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

// Add inserts p and returns its id. With p.Position < 0 (or past the end) the page is appended;
// otherwise it is inserted at p.Position and the following pages move down one. The blob must already be
// stored (ErrBlobMissing otherwise); ErrNotFound if the dossier does not exist. The dossier's page count
// (and component count, for the component's first page) goes up in the same transaction.
func (r Pages) Add(p Page) (int64, error) {
	what := fmt.Sprintf("add page to %s/%s", p.DossierID, p.ComponentCode)
	r.tx.pin() // the blob cannot be collected between the check and the commit
	if err := r.checkPage(p); err != nil {
		return 0, kept(fmt.Errorf("%s: %w", what, err))
	}
	if p.CreatedAt.IsZero() {
		p.CreatedAt = r.tx.db.now()
	}
	count, err := r.count(p.DossierID, p.ComponentCode)
	if err != nil {
		return 0, err
	}
	pos := p.Position
	if pos < 0 || pos > count {
		pos = count
	}
	if pos < count {
		if _, err := r.tx.exec(`UPDATE pages SET position = position + 1
			WHERE dossier_id = ? AND component_code = ? AND position >= ?`, p.DossierID, p.ComponentCode, pos); err != nil {
			return 0, err
		}
	}
	res, err := r.tx.exec(`INSERT INTO pages (dossier_id, component_code, position, blob, format, dpi, width, height,
			rotation, blank, source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.DossierID, p.ComponentCode, pos, p.Blob, p.Format, p.DPI, p.Width, p.Height, p.Rotation, p.Blank, p.Source, nanos(p.CreatedAt))
	if err != nil {
		return 0, noDossier(err, p.DossierID)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	newComp := 0
	if count == 0 {
		newComp = 1
	}
	_, err = r.tx.exec(`UPDATE dossiers SET page_count = page_count + 1, component_count = component_count + ? WHERE id = ?`,
		newComp, p.DossierID)
	return id, err
}

// Replace puts the image p in place of page id, at its position, in one step (the old row goes, the new
// one takes its place and gets a new id, returned). The dossier's counts do not change.
func (r Pages) Replace(id int64, p Page) (int64, error) {
	old, err := r.Get(id)
	if err != nil {
		return 0, err
	}
	if p.DossierID != old.DossierID || p.ComponentCode != old.ComponentCode {
		return 0, kept(fmt.Errorf("replace page %d: %w: the new page belongs to %s/%s, not %s/%s", id, ErrInvalid,
			p.DossierID, p.ComponentCode, old.DossierID, old.ComponentCode))
	}
	r.tx.pin()
	if err := r.checkPage(p); err != nil {
		return 0, kept(fmt.Errorf("replace page %d: %w", id, err))
	}
	if p.CreatedAt.IsZero() {
		p.CreatedAt = r.tx.db.now()
	}
	if _, err := r.tx.exec(`DELETE FROM pages WHERE id = ?`, id); err != nil {
		return 0, err
	}
	res, err := r.tx.exec(`INSERT INTO pages (dossier_id, component_code, position, blob, format, dpi, width, height,
			rotation, blank, source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.DossierID, p.ComponentCode, old.Position, p.Blob, p.Format, p.DPI, p.Width, p.Height, p.Rotation, p.Blank, p.Source, nanos(p.CreatedAt))
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// count returns how many pages a component has.
func (r Pages) count(dossierID, comp string) (int, error) {
	var n int
	err := r.tx.queryRow(`SELECT count(*) FROM pages WHERE dossier_id = ? AND component_code = ?`, dossierID, comp).Scan(&n)
	return n, err
}

const pageColumns = `id, dossier_id, component_code, position, blob, format, dpi, width, height, rotation, blank, source, created_at`

// List returns the pages of one component of a dossier, by Position.
func (r Pages) List(dossierID, component string) ([]Page, error) {
	rows, err := r.tx.query(`SELECT `+pageColumns+` FROM pages
		WHERE dossier_id = ? AND component_code = ? ORDER BY position, id`, dossierID, component)
	if err != nil {
		return nil, dbErr("list pages", err)
	}
	defer rows.Close()
	var out []Page
	for rows.Next() {
		p, err := scanPage(rows)
		if err != nil {
			return nil, dbErr("list pages", err)
		}
		out = append(out, p)
	}
	return out, dbErr("list pages", rows.Err())
}

// Get returns page id; ErrNotFound if there is none.
func (r Pages) Get(id int64) (Page, error) {
	p, err := scanPage(r.tx.queryRow(`SELECT `+pageColumns+` FROM pages WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Page{}, kept(fmt.Errorf("page %d: %w", id, ErrNotFound))
	}
	return p, err
}

func scanPage(row interface{ Scan(...any) error }) (Page, error) {
	var p Page
	var created int64
	if err := row.Scan(&p.ID, &p.DossierID, &p.ComponentCode, &p.Position, &p.Blob, &p.Format, &p.DPI, &p.Width, &p.Height,
		&p.Rotation, &p.Blank, &p.Source, &created); err != nil {
		return Page{}, err
	}
	p.CreatedAt = fromNanos(created)
	return p, nil
}

// Update saves the officer's edits of page p.ID: Rotation and Blank. ErrNotFound if it does not exist.
func (r Pages) Update(p Page) error {
	if err := checkRotation(p.Rotation); err != nil {
		return kept(fmt.Errorf("update page %d: %w", p.ID, err))
	}
	res, err := r.tx.exec(`UPDATE pages SET rotation = ?, blank = ? WHERE id = ?`, p.Rotation, p.Blank, p.ID)
	if err != nil {
		return err
	}
	return mustAffect(res, fmt.Errorf("page %d: %w", p.ID, ErrNotFound))
}

// Delete removes page id and closes the gap in its component's positions; the dossier's page count
// (and component count, for the component's last page) goes down. The image blob stays until garbage
// collection. ErrNotFound if the page does not exist.
func (r Pages) Delete(id int64) error {
	p, err := r.Get(id)
	if err != nil {
		return err
	}
	if _, err := r.tx.exec(`DELETE FROM pages WHERE id = ?`, id); err != nil {
		return err
	}
	if _, err = r.tx.exec(`UPDATE pages SET position = position - 1
		WHERE dossier_id = ? AND component_code = ? AND position > ?`, p.DossierID, p.ComponentCode, p.Position); err != nil {
		return err
	}
	left, err := r.count(p.DossierID, p.ComponentCode)
	if err != nil {
		return err
	}
	lostComp := 0
	if left == 0 {
		lostComp = 1
	}
	_, err = r.tx.exec(`UPDATE dossiers SET page_count = max(page_count - 1, 0), component_count = max(component_count - ?, 0)
		WHERE id = ?`, lostComp, p.DossierID)
	return err
}

// Reorder sets the order of a component's pages to ids.
// ids must list every page of the component exactly once (ErrInvalid otherwise).
func (r Pages) Reorder(dossierID, component string, ids []int64) error {
	rows, err := r.tx.query(`SELECT id FROM pages WHERE dossier_id = ? AND component_code = ?`, dossierID, component)
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
		if _, err := r.tx.exec(`UPDATE pages SET position = ? WHERE id = ?`, i, id); err != nil {
			return err
		}
	}
	return nil
}
