// Retention: page images of submitted dossiers are purged after a number of days; signed files by the unit's rule.

package storage

import (
	"context"
	"fmt"
	"time"

	"sohoa/desk/model"
)

// PurgeResult is the desk's record, kept by this store (defined in sohoa/desk/model).
type PurgeResult = model.PurgeResult

// Purge applies the retention rules to dossiers in state "submitted" (the portal confirmed receipt)
// whose last change is older than the given ages: the page rows are removed after pagesAfter, the
// file rows (signed PDFs; the manifest is rebuilt from the dossier row) after filesAfter; a zero age
// keeps them forever. Rows go first, in one transaction; then the blobs no row references any more
// are deleted, so no row ever points to a missing blob. Dossiers in any other state are never touched.
// Each record function runs in the purge's transaction with what it removed (to append its audit row).
func (db *DB) Purge(ctx context.Context, pagesAfter, filesAfter time.Duration, record ...func(tx *Tx, res PurgeResult) error) (PurgeResult, error) {
	var res PurgeResult
	if pagesAfter < 0 || filesAfter < 0 {
		return res, fmt.Errorf("purge: %w: negative age", ErrInvalid)
	}
	now := db.now()
	var blobs []string
	err := db.Update(ctx, "purge submitted dossiers", func(tx *Tx) error {
		for _, t := range []struct {
			table string
			age   time.Duration
			n     *int
		}{{"pages", pagesAfter, &res.Pages}, {"files", filesAfter, &res.Files}} {
			if t.age == 0 {
				continue
			}
			where := `dossier_id IN (SELECT id FROM dossiers WHERE state = ? AND updated_at < ?)`
			cutoff := nanos(now.Add(-t.age))
			rows, err := tx.query(`SELECT DISTINCT blob FROM `+t.table+` WHERE `+where, StateSubmitted, cutoff)
			if err != nil {
				return err
			}
			for rows.Next() {
				var b string
				if err := rows.Scan(&b); err != nil {
					rows.Close()
					return err
				}
				blobs = append(blobs, b)
			}
			if err := rows.Close(); err != nil {
				return err
			}
			r, err := tx.exec(`DELETE FROM `+t.table+` WHERE `+where, StateSubmitted, cutoff)
			if err != nil {
				return err
			}
			n, err := r.RowsAffected()
			if err != nil {
				return err
			}
			*t.n = int(n)
		}
		for _, f := range record {
			if err := f(tx, res); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return res, err
	}
	for _, sha := range blobs {
		removed, err := db.blobs.removeIfOlder(sha, now.Add(time.Second), func() (bool, error) {
			var used bool
			err := db.sql.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pages WHERE blob = ?1)
				OR EXISTS (SELECT 1 FROM files WHERE blob = ?1)`, sha).Scan(&used)
			return !used, dbErr("check blob references", err)
		})
		if err != nil {
			return res, fmt.Errorf("purge: %w", err)
		}
		if removed {
			res.Blobs++
		}
	}
	return res, nil
}
