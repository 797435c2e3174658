// The typed columns the figures read (migrations 00003 and 00004): written with the row by the desk, page
// counts kept by the Pages repository and not lowered by the retention purge, no trigger left; the secrets
// moved out of the settings on an older database; payments and followed dossiers.

package storage

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"path/filepath"
	"testing"
	"time"

	"github.com/pressly/goose/v3"
)

func TestTypedColumnsRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	sub, res := time.Unix(2000, 5).UTC(), time.Unix(3000, 0).UTC()
	d := Dossier{ID: "T1", UnitCode: "U", ProcedureCode: "P", Officer: "O", Channel: 1, CreatedAt: time.Unix(1000, 0),
		Data: []byte(`{"submitted_at": "not what the column says"}`), SubmittedAt: sub, VNeID: true}
	if err := tCreateDossier(db, ctx, d); err != nil {
		t.Fatal(err)
	}
	got, err := tDossier(db, ctx, "T1")
	if err != nil || !got.SubmittedAt.Equal(sub) || !got.VNeID || !got.ResultAt.IsZero() {
		t.Fatalf("created %+v %v", got, err)
	}
	got.ResultAt, got.VNeID = res, false
	if err := tUpdateDossier(db, ctx, got); err != nil {
		t.Fatal(err)
	}
	if got, err = tDossier(db, ctx, "T1"); err != nil || !got.ResultAt.Equal(res) || got.VNeID {
		t.Fatalf("updated %+v %v", got, err)
	}
	var triggers int
	if err := db.SQL().QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name NOT LIKE 'audit_%'`).Scan(&triggers); err != nil || triggers != 0 {
		t.Errorf("%d triggers besides the audit log's (%v)", triggers, err)
	}
}

func counts(t *testing.T, db *DB, id string) (int, int) {
	t.Helper()
	d, err := tDossier(db, context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return d.PageCount, d.ComponentCount
}

func TestPageCountsSurvivePurge(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	now := time.Now()
	if err := tCreateDossier(db, ctx, Dossier{ID: "P1", UnitCode: "U", ProcedureCode: "P", Officer: "O", Channel: 1, CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	blob, err := db.Blobs().PutBytes([]byte("page"))
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, comp := range []string{"TP1", "TP1", "TP2"} {
		if err := tSaveComponent(db, ctx, Component{DossierID: "P1", Code: comp}); err != nil {
			t.Fatal(err)
		}
		id, err := tAddPage(db, ctx, Page{DossierID: "P1", ComponentCode: comp, Position: -1, Blob: blob, Format: "jpeg", DPI: 300, Width: 1, Height: 1})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if p, c := counts(t, db, "P1"); p != 3 || c != 2 {
		t.Fatalf("after 3 pages: %d pages, %d components", p, c)
	}
	// The officer deletes TP2's only page, then one of TP1's: counts follow.
	for _, id := range []int64{ids[2], ids[0]} {
		if err := tDeletePage(db, ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if p, c := counts(t, db, "P1"); p != 1 || c != 1 {
		t.Fatalf("after deleting: %d pages, %d components", p, c)
	}
	// Submitted, then purged: what was digitized stays counted.
	if _, err := db.SQL().ExecContext(ctx, `UPDATE dossiers SET state = 'submitted', updated_at = ? WHERE id = 'P1'`, now.Add(-72*time.Hour).UnixNano()); err != nil {
		t.Fatal(err)
	}
	r, err := db.Purge(ctx, 24*time.Hour, 0)
	if err != nil || r.Pages != 1 {
		t.Fatalf("purge %+v %v", r, err)
	}
	if p, c := counts(t, db, "P1"); p != 1 || c != 1 {
		t.Errorf("after purge: %d pages, %d components", p, c)
	}
}

// TestMigrationBackfills opens a database at schema 2 with history and tokens in the settings, then
// applies 00003 and 00004: the counts and record columns are filled, the tokens move to the secrets.
func TestMigrationBackfills(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := openTest2(t, dir)
	rec := `{"submitted_at":"2026-12-01T10:30:00+07:00","vneid":true}`
	created := time.Date(2026, 12, 1, 10, 0, 0, 0, time.FixedZone("", 7*3600))
	if _, err := db.ExecContext(ctx, `INSERT INTO dossiers (id, unit_code, procedure_code, officer, state, channel, training, applicant_name,
		applicant_id, data, created_at, updated_at, received_at, appointment_at, portal_code, portal_status, last_error)
		VALUES ('B1', 'U', 'P', 'Lan', 'submitted', 1, 0, 'A', '1', ?, ?, 0, 0, 0, 'X', 2, '')`, rec, created.UnixNano()); err != nil {
		t.Fatal(err)
	}
	for i, comp := range []string{"TP1", "TP1", "TP2"} {
		if _, err := db.ExecContext(ctx, `INSERT INTO pages (dossier_id, component_code, position, blob, format, dpi, width, height, rotation, blank, source, created_at)
			VALUES ('B1', ?, ?, 'b', 'jpeg', 300, 1, 1, 0, 0, 's', 0)`, comp, i); err != nil {
			t.Fatal(err)
		}
	}
	for k, v := range map[string]string{"citizen-token.B1": "c1", "status-token.B1": "s1", "citizen-token.GONE": "c2", "unit.current": "U"} {
		if _, err := db.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)`, k, v); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	d, err := tDossier(s, ctx, "B1")
	if err != nil || d.PageCount != 3 || d.ComponentCount != 2 || !d.VNeID || !d.SubmittedAt.Equal(created.Add(30*time.Minute)) {
		t.Errorf("backfilled %+v %v", d, err)
	}
	err = s.View(ctx, func(tx *Tx) error {
		for kind, want := range map[string]string{SecretCitizenToken: "c1", SecretStatusToken: "s1"} {
			if v, err := tx.Secrets().Get("B1", kind); err != nil || string(v) != want {
				t.Errorf("secret %s = %q, %v", kind, v, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var left int
	if err := s.SQL().QueryRow(`SELECT count(*) FROM settings WHERE key LIKE '%token%'`).Scan(&left); err != nil || left != 0 {
		t.Errorf("%d tokens left in the settings (%v)", left, err)
	}
	if v, err := s.Setting(ctx, "unit.current"); err != nil || v != "U" {
		t.Errorf("unit.current = %q %v", v, err)
	}
	// Deleting the dossier deletes its secrets.
	if err := s.Update(ctx, "delete", func(tx *Tx) error { return tx.Dossiers().Delete("B1") }); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.SQL().QueryRow(`SELECT count(*) FROM secrets`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d secrets outlive their dossier (%v)", n, err)
	}
}

// openTest2 makes dir/sohoa.db at schema version 2 (before the figure columns).
func openTest2(t *testing.T, dir string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(dir, "sohoa.db"))
	if err != nil {
		t.Fatal(err)
	}
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, sub, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(context.Background(), 2); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestPaymentsAndFollowed(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	for i, st := range []string{StateSubmitted, StateSubmitted, StateSubmitted, StateQueued} {
		id := string(rune('A' + i))
		if err := tCreateDossier(db, ctx, Dossier{ID: id, UnitCode: "U", ProcedureCode: "P", Officer: "O", State: st, Channel: 1,
			CreatedAt: time.Unix(int64(1000+i), 0), PortalStatus: []int{2, 10, 10, 0}[i]}); err != nil {
			t.Fatal(err)
		}
	}
	if err := tSavePayment(db, ctx, Payment{DossierID: "Z", Amount: 1, Reference: "r"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("payment of a missing dossier: %v", err)
	}
	for _, bad := range []Payment{{DossierID: "A", Amount: -1, Reference: "r"}, {DossierID: "A", Amount: 1}} {
		if err := tSavePayment(db, ctx, bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("bad payment %+v: %v", bad, err)
		}
	}
	if _, err := tPayment(db, ctx, "A"); !errors.Is(err, ErrNotFound) {
		t.Errorf("no payment yet: %v", err)
	}
	// C is returned (final) but unpaid: still followed. B is returned and has no payment: not followed.
	if err := tSavePayment(db, ctx, Payment{DossierID: "C", Amount: 25000, Reference: "TT-C", URL: "u", QR: "q"}); err != nil {
		t.Fatal(err)
	}
	ids, err := tFollowedDossiers(db, ctx)
	if err != nil || len(ids) != 2 || ids[0] != "A" || ids[1] != "C" {
		t.Errorf("followed %v %v", ids, err)
	}
	paidAt := time.Unix(5000, 0).UTC()
	if err := tSavePayment(db, ctx, Payment{DossierID: "C", Amount: 25000, Reference: "TT-C", Paid: true, PaidAt: paidAt, RequestedAt: time.Unix(1, 0)}); err != nil {
		t.Fatal(err)
	}
	p, err := tPayment(db, ctx, "C")
	if err != nil || !p.Paid || !p.PaidAt.Equal(paidAt) || p.URL != "" || p.RequestedAt.Equal(time.Unix(1, 0)) {
		t.Errorf("payment %+v %v (the first request time stays)", p, err)
	}
	if ids, _ := tFollowedDossiers(db, ctx); len(ids) != 1 || ids[0] != "A" {
		t.Errorf("followed after payment %v", ids)
	}
	if un, err := tUnpaidPayments(db, ctx); err != nil || len(un) != 0 {
		t.Errorf("unpaid %v %v", un, err)
	}
}
