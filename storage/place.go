// Placing freshly scanned pages into a component in one transaction: the insert and replace of pages.

package storage

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
)

// PlacePages moves the pages ids (already stored, in this order) of a component to position at
// (0-based, clamped to the component) and, when replace is not 0, deletes page replace and puts
// the new pages in its place — all in one transaction, so a crash leaves either the old order or
// the new one. ErrNotFound if replace or one of ids is not a page of the component.
func (db *DB) PlacePages(ctx context.Context, dossierID, component string, ids []int64, at int, replace int64) error {
	what := fmt.Sprintf("place pages in %s/%s", dossierID, component)
	return db.write(ctx, what, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id FROM pages WHERE dossier_id = ? AND component_code = ? ORDER BY position`, dossierID, component)
		if err != nil {
			return err
		}
		var order []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			order = append(order, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range ids {
			if !slices.Contains(order, id) {
				return kept(fmt.Errorf("page %d: %w", id, ErrNotFound))
			}
		}
		rest := slices.DeleteFunc(slices.Clone(order), func(id int64) bool { return slices.Contains(ids, id) })
		if replace != 0 {
			i := slices.Index(rest, replace)
			if i < 0 {
				return kept(fmt.Errorf("page %d: %w", replace, ErrNotFound))
			}
			at = i
			rest = slices.Delete(rest, i, i+1)
			if _, err := tx.ExecContext(ctx, `DELETE FROM pages WHERE id = ?`, replace); err != nil {
				return err
			}
		}
		at = min(max(at, 0), len(rest))
		order = slices.Concat(rest[:at], ids, rest[at:])
		for i, id := range order {
			if _, err := tx.ExecContext(ctx, `UPDATE pages SET position = ? WHERE id = ?`, i, id); err != nil {
				return err
			}
		}
		return nil
	})
}
