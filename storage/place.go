// Placing freshly scanned pages into a component inside a transaction: the insert and replace of pages.

package storage

import (
	"fmt"
	"slices"
)

// Place moves the pages ids (already stored, in this order) of a component to position at (0-based,
// clamped to the component) and, when replace is not 0, deletes page replace (the dossier's counts go
// down with it) and puts the new pages in its place. ErrNotFound if replace or one of ids is not a page
// of the component; the caller's transaction then changes nothing.
func (r Pages) Place(dossierID, component string, ids []int64, at int, replace int64) error {
	pages, err := r.List(dossierID, component)
	if err != nil {
		return err
	}
	order := make([]int64, len(pages))
	for i, p := range pages {
		order[i] = p.ID
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
		if err := r.Delete(replace); err != nil {
			return err
		}
	}
	at = min(max(at, 0), len(rest))
	for i, id := range slices.Concat(rest[:at], ids, rest[at:]) {
		if _, err := r.tx.exec(`UPDATE pages SET position = ? WHERE id = ?`, i, id); err != nil {
			return err
		}
	}
	return nil
}
