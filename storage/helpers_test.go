// Test helpers: one step per call, each in its own transaction, as the tests written before the unit of
// work called the store.

package storage

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func tCreateDossier(db *DB, ctx context.Context, d Dossier, comps ...Component) error {
	return db.Update(ctx, "create dossier "+d.ID, func(tx *Tx) error { return tx.Dossiers().Create(d, comps...) })
}

func tDossier(db *DB, ctx context.Context, id string) (d Dossier, err error) {
	err = db.View(ctx, func(tx *Tx) error { d, err = tx.Dossiers().Get(id); return err })
	return d, err
}

func tUpdateDossier(db *DB, ctx context.Context, d Dossier) error {
	return db.Update(ctx, "update dossier "+d.ID, func(tx *Tx) error { return tx.Dossiers().Update(d) })
}

func tSetDossierState(db *DB, ctx context.Context, id, from, to string) error {
	return db.Update(ctx, "set dossier "+id+" state", func(tx *Tx) error { return tx.Dossiers().Move(id, from, to) })
}

func tDossiers(db *DB, ctx context.Context, f DossierFilter) (out []Dossier, err error) {
	err = db.View(ctx, func(tx *Tx) error { out, err = tx.Dossiers().List(f); return err })
	return out, err
}

func tSaveComponent(db *DB, ctx context.Context, c Component) error {
	return db.Update(ctx, "save component", func(tx *Tx) error { return tx.Components().Save(c) })
}

func tComponents(db *DB, ctx context.Context, id string) (out []Component, err error) {
	err = db.View(ctx, func(tx *Tx) error { out, err = tx.Components().List(id); return err })
	return out, err
}

func tAddPage(db *DB, ctx context.Context, p Page) (id int64, err error) {
	err = db.Update(ctx, "add page", func(tx *Tx) error { id, err = tx.Pages().Add(p); return err })
	return id, err
}

func tPages(db *DB, ctx context.Context, id, comp string) (out []Page, err error) {
	err = db.View(ctx, func(tx *Tx) error { out, err = tx.Pages().List(id, comp); return err })
	return out, err
}

func tUpdatePage(db *DB, ctx context.Context, p Page) error {
	return db.Update(ctx, "update page", func(tx *Tx) error { return tx.Pages().Update(p) })
}

func tDeletePage(db *DB, ctx context.Context, id int64) error {
	return db.Update(ctx, "delete page", func(tx *Tx) error { return tx.Pages().Delete(id) })
}

func tReorderPages(db *DB, ctx context.Context, id, comp string, ids []int64) error {
	return db.Update(ctx, "reorder pages", func(tx *Tx) error { return tx.Pages().Reorder(id, comp, ids) })
}

func tAddFile(db *DB, ctx context.Context, f File) (id int64, err error) {
	err = db.Update(ctx, "add file", func(tx *Tx) error { id, err = tx.Files().Add(f); return err })
	return id, err
}

func tFiles(db *DB, ctx context.Context, id string) (out []File, err error) {
	err = db.View(ctx, func(tx *Tx) error { out, err = tx.Files().List(id); return err })
	return out, err
}

func tDeleteFiles(db *DB, ctx context.Context, id, comp, role string) error {
	return db.Update(ctx, "delete files", func(tx *Tx) error { return tx.Files().Delete(id, comp, role) })
}

func tEnqueue(db *DB, ctx context.Context, id, key string) (it OutboxItem, err error) {
	err = db.Update(ctx, "enqueue dossier "+id, func(tx *Tx) error { it, err = tx.Outbox().Enqueue(id, key); return err })
	return it, err
}

func tClaim(db *DB, ctx context.Context, now time.Time, lease time.Duration) (it OutboxItem, ok bool, err error) {
	err = db.Update(ctx, "claim outbox item", func(tx *Tx) error { it, ok, err = tx.Outbox().Claim(now, lease); return err })
	return it, ok, err
}

func tDone(db *DB, ctx context.Context, id int64, res json.RawMessage) error {
	return db.Update(ctx, "finish outbox item", func(tx *Tx) error { return tx.Outbox().Done(id, res) })
}

func tFail(db *DB, ctx context.Context, id int64, class, msg string, at time.Time) error {
	return db.Update(ctx, "fail outbox item", func(tx *Tx) error { return tx.Outbox().Fail(id, class, msg, at) })
}

func tRetry(db *DB, ctx context.Context, id string) error {
	return db.Update(ctx, "retry dossier "+id, func(tx *Tx) error { return tx.Outbox().Retry(id) })
}

func tOutboxItem(db *DB, ctx context.Context, id string) (it OutboxItem, err error) {
	err = db.View(ctx, func(tx *Tx) error { it, err = tx.Outbox().Get(id); return err })
	return it, err
}

func tAudit(db *DB, ctx context.Context, actor, action, id string, detail any) error {
	return db.Update(ctx, "audit "+action, func(tx *Tx) error { return tx.Audit(actor, action, id, detail) })
}

func tSaveUpload(db *DB, ctx context.Context, u Upload) error {
	return db.Update(ctx, "save upload", func(tx *Tx) error { return tx.Uploads().Save(u) })
}

func tUploads(db *DB, ctx context.Context, id string) (out []Upload, err error) {
	err = db.View(ctx, func(tx *Tx) error { out, err = tx.Uploads().List(id); return err })
	return out, err
}

func tDeleteUploads(db *DB, ctx context.Context, id string) error {
	return db.Update(ctx, "delete uploads", func(tx *Tx) error { return tx.Uploads().Delete(id) })
}

func tReleaseClaimsBefore(db *DB, ctx context.Context, t time.Time) (n int, err error) {
	err = db.Update(ctx, "release stale claims", func(tx *Tx) error { n, err = tx.Outbox().ReleaseClaimsBefore(t); return err })
	return n, err
}

func tSavePayment(db *DB, ctx context.Context, p Payment) error {
	return db.Update(ctx, "save payment", func(tx *Tx) error { return tx.Payments().Save(p) })
}

func tPayment(db *DB, ctx context.Context, id string) (p Payment, err error) {
	err = db.View(ctx, func(tx *Tx) error { p, err = tx.Payments().Get(id); return err })
	return p, err
}

func tUnpaidPayments(db *DB, ctx context.Context) (out []Payment, err error) {
	err = db.View(ctx, func(tx *Tx) error { out, err = tx.Payments().Unpaid(); return err })
	return out, err
}

func tFollowedDossiers(db *DB, ctx context.Context) (out []string, err error) {
	err = db.View(ctx, func(tx *Tx) error { out, err = tx.Dossiers().Followed(StateSubmitted, 3, 7, 8, 10); return err })
	return out, err
}

func tSaveUnit(db *DB, ctx context.Context, u Unit) error {
	return db.Update(ctx, "save unit", func(tx *Tx) error { return tx.Settings().SaveUnit(u) })
}

func tUnit(db *DB, ctx context.Context, code string) (u Unit, err error) {
	err = db.View(ctx, func(tx *Tx) error { u, err = tx.Settings().Unit(code); return err })
	return u, err
}

func tUnits(db *DB, ctx context.Context) (out []Unit, err error) {
	err = db.View(ctx, func(tx *Tx) error { out, err = tx.Settings().Units(); return err })
	return out, err
}

func tNextSequence(db *DB, ctx context.Context, unit, day string) (n int, err error) {
	err = db.Update(ctx, "next dossier number", func(tx *Tx) error { n, err = tx.Settings().NextSequence(unit, day); return err })
	return n, err
}

func TestPagesInsertAndReplaceAtomically(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	if err := tCreateDossier(db, ctx, Dossier{ID: "R1", UnitCode: "U", ProcedureCode: "P", Channel: 1}, Component{DossierID: "R1", Code: "TP1"}); err != nil {
		t.Fatal(err)
	}
	var blobs []string
	for _, b := range []string{"a", "b", "c", "d"} {
		sha, err := db.Blobs().PutBytes([]byte(b))
		if err != nil {
			t.Fatal(err)
		}
		blobs = append(blobs, sha)
	}
	page := func(blob string, pos int) Page {
		return Page{DossierID: "R1", ComponentCode: "TP1", Position: pos, Blob: blob, Format: "jpeg", DPI: 200, Width: 1, Height: 1}
	}
	for _, b := range blobs[:2] {
		if _, err := tAddPage(db, ctx, page(b, -1)); err != nil {
			t.Fatal(err)
		}
	}
	// Insert "c" between "a" and "b".
	if _, err := tAddPage(db, ctx, page(blobs[2], 1)); err != nil {
		t.Fatal(err)
	}
	order := func() []string {
		ps, err := tPages(db, ctx, "R1", "TP1")
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for i, p := range ps {
			if p.Position != i {
				t.Errorf("page %d at position %d", i, p.Position)
			}
			out = append(out, p.Blob)
		}
		return out
	}
	if got := order(); len(got) != 3 || got[1] != blobs[2] || got[2] != blobs[1] {
		t.Fatalf("after insert: %v", got)
	}
	ps, _ := tPages(db, ctx, "R1", "TP1")
	// Replace the middle page with "d": same position, the old row gone, counts unchanged.
	var newID int64
	err := db.Update(ctx, "replace", func(tx *Tx) error {
		var err error
		newID, err = tx.Pages().Replace(ps[1].ID, page(blobs[3], -1))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := order(); len(got) != 3 || got[1] != blobs[3] {
		t.Fatalf("after replace: %v", got)
	}
	if d, _ := tDossier(db, ctx, "R1"); d.PageCount != 3 || d.ComponentCount != 1 {
		t.Errorf("counts %d/%d after replace", d.PageCount, d.ComponentCount)
	}
	// A replacement that fails (a missing blob) changes nothing.
	err = db.Update(ctx, "replace", func(tx *Tx) error {
		_, err := tx.Pages().Replace(newID, page(strings.Repeat("0", 64), -1))
		return err
	})
	if !errors.Is(err, ErrBlobMissing) {
		t.Errorf("replace with a missing blob: %v", err)
	}
	if got := order(); got[1] != blobs[3] {
		t.Errorf("a failed replace changed the pages: %v", got)
	}
	// Writes are refused inside View.
	if err := db.View(ctx, func(tx *Tx) error { return tx.Settings().Set("k", "v") }); !errors.Is(err, ErrInvalid) {
		t.Errorf("a write inside View: %v", err)
	}
}
