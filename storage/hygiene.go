// Crash hygiene: rows whose blob is gone or damaged, and blobs no row references. The garbage
// collector runs only on a folder whose identity checks out, and deletes only blobs that no row,
// no upload journal entry, no recovered-file entry and no write of this process references,
// once they are older than the grace period.

package storage

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"
)

// GCGrace is the least age of a blob the garbage collector deletes: a blob put just now may be
// a capture in progress whose row is not inserted yet.
const GCGrace = time.Hour

// referencesSQL lists every blob hash the database references: pages, files, the upload
// journal (the content hash of each file being uploaded) and the files doctor recovered.
const referencesSQL = `SELECT blob FROM pages UNION SELECT blob FROM files
	UNION SELECT sha256 FROM uploads UNION SELECT blob FROM recovered`

// blobReferencedSQL reports whether one blob (?1) is referenced.
const blobReferencedSQL = `SELECT EXISTS (SELECT 1 FROM pages WHERE blob = ?1)
	OR EXISTS (SELECT 1 FROM files WHERE blob = ?1)
	OR EXISTS (SELECT 1 FROM uploads WHERE sha256 = ?1)
	OR EXISTS (SELECT 1 FROM recovered WHERE blob = ?1)`

// referencedBlobs returns the set of blob hashes that rows reference.
func referencedBlobs(db *DB, ctx context.Context) (map[string]bool, error) {
	rows, err := db.sql.QueryContext(ctx, referencesSQL)
	if err != nil {
		return nil, dbErr("list referenced blobs", err)
	}
	defer rows.Close()
	refs := map[string]bool{}
	for rows.Next() {
		var sha string
		if err := rows.Scan(&sha); err != nil {
			return nil, dbErr("list referenced blobs", err)
		}
		refs[sha] = true
	}
	return refs, dbErr("list referenced blobs", rows.Err())
}

// Dangling returns, sorted, the blob hashes referenced by pages or files rows whose blob is
// missing or corrupt. It reads every referenced blob, so it takes time on a large folder.
func (db *DB) Dangling(ctx context.Context) ([]string, error) {
	refs, err := rowBlobs(db, ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for sha := range refs {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("check blobs: %w", err)
		}
		err := db.blobs.verify(sha)
		switch {
		case err == nil:
		case errors.Is(err, ErrBlobMissing), errors.Is(err, ErrBlobCorrupt), errors.Is(err, ErrInvalid):
			out = append(out, sha)
		default:
			return nil, fmt.Errorf("check blobs: %w", err)
		}
	}
	sort.Strings(out)
	return out, nil
}

// orphans returns the stored blobs that no row references.
func orphans(db *DB, ctx context.Context) ([]blobInfo, error) {
	// List the files before reading the references: a blob stored and referenced
	// meanwhile is then seen as referenced, never as an orphan.
	all, err := db.blobs.list()
	if err != nil {
		return nil, err
	}
	refs, err := referencedBlobs(db, ctx)
	if err != nil {
		return nil, err
	}
	var out []blobInfo
	for _, b := range all {
		if !refs[b.sha] {
			out = append(out, b)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].sha < out[j].sha })
	return out, nil
}

// OrphanBlobs returns, sorted, the blobs no row references (left by a crash between
// the blob write and the row insert, or by deleted pages and files).
func (db *DB) OrphanBlobs(ctx context.Context) ([]string, error) {
	orphans, err := orphans(db, ctx)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(orphans))
	for i, b := range orphans {
		out[i] = b.sha
	}
	return out, nil
}

// CollectGarbage deletes orphan blobs last written more than olderThan ago (never less than
// GCGrace) and returns how many it deleted. It first checks the folder's identity and refuses
// with ErrFolderDamaged when the database and the blobs do not belong together; a blob this
// process stored is never deleted by it (its row may be about to be inserted).
func (db *DB) CollectGarbage(ctx context.Context, olderThan time.Duration) (int, error) {
	if olderThan < 0 {
		return 0, fmt.Errorf("collect garbage: %w: negative age %s", ErrInvalid, olderThan)
	}
	olderThan = max(olderThan, GCGrace)
	if err := verifyIdentity(db, ctx); err != nil {
		return 0, fmt.Errorf("collect garbage: %w", err)
	}
	orphans, err := orphans(db, ctx)
	if err != nil {
		return 0, err
	}
	cutoff := db.now().Add(-olderThan)
	n := 0
	for _, b := range orphans {
		if err := ctx.Err(); err != nil {
			return n, fmt.Errorf("collect garbage: %w", err)
		}
		if !b.modTime.Before(cutoff) || db.blobs.pending(b.sha) {
			continue
		}
		removed, err := db.blobs.removeIfOlder(b.sha, cutoff, func() (bool, error) {
			var used bool
			err := db.sql.QueryRowContext(ctx, blobReferencedSQL, b.sha).Scan(&used)
			return !used && !db.blobs.pendingLocked(b.sha), dbErr("check blob references", err)
		})
		if err != nil {
			return n, fmt.Errorf("collect garbage: %w", err)
		}
		if removed {
			n++
		}
	}
	return n, nil
}

// rowBlobs returns the blobs pages and files rows reference (what must be readable).
func rowBlobs(db *DB, ctx context.Context) (map[string]bool, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT blob FROM pages UNION SELECT blob FROM files`)
	if err != nil {
		return nil, dbErr("list referenced blobs", err)
	}
	defer rows.Close()
	refs := map[string]bool{}
	for rows.Next() {
		var sha string
		if err := rows.Scan(&sha); err != nil {
			return nil, dbErr("list referenced blobs", err)
		}
		refs[sha] = true
	}
	return refs, dbErr("list referenced blobs", rows.Err())
}
