// Migration 00003: the stored figure columns follow the record and the pages (hostile records included),
// survive the retention purge, are backfilled on an older database; payments and followed dossiers.

package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io/fs"
	"path/filepath"
	"testing"
	"time"

	"github.com/pressly/goose/v3"
)

type figCols struct {
	submitted, result, vneid, pages, comps, bits, dur int64
}

func readFigCols(t *testing.T, db *DB, id string) figCols {
	t.Helper()
	var c figCols
	if err := db.SQL().QueryRow(`SELECT submitted_at, result_at, vneid, page_count, component_count, fig_bits, fig_dur FROM dossiers WHERE id = ?`, id).
		Scan(&c.submitted, &c.result, &c.vneid, &c.pages, &c.comps, &c.bits, &c.dur); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestFigureColumnsFollowRecord(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	vn := time.FixedZone("ICT", 7*3600)
	created := time.Date(2026, 11, 29, 23, 59, 59, 999999999, vn)
	sub := created.Add(5 * time.Minute)
	res := time.Date(2026, 12, 1, 15, 0, 0, 123456000, time.UTC)
	rec, _ := json.Marshal(map[string]any{"submitted_at": sub, "result_at": res, "vneid": true, "applicant": map[string]any{"vneid": false}})
	d := Dossier{ID: "F1", UnitCode: "U", ProcedureCode: "P", Officer: "O", State: StateSubmitted, Channel: 1, Data: rec,
		CreatedAt: created, ReceivedAt: created, AppointmentAt: created.Add(48 * time.Hour), PortalStatus: 10}
	if err := db.CreateDossier(ctx, d); err != nil {
		t.Fatal(err)
	}
	c := readFigCols(t, db, "F1")
	if c.submitted != sub.UnixNano() || c.result != res.UnixNano() || c.vneid != 1 || c.dur != sub.Sub(created).Nanoseconds() {
		t.Fatalf("columns %+v; want submitted %d result %d", c, sub.UnixNano(), res.UnixNano())
	}
	// state submitted (4), status 10, vneid, on time (result before the appointment).
	if want := int64(4 | 10<<3 | 1<<7 | 1<<8); c.bits != want {
		t.Errorf("fig_bits %b, want %b", c.bits, want)
	}
	// Hostile or odd records: what Go's time.Parse(RFC3339Nano) would not read counts as absent.
	for data, want := range map[string]figCols{
		`{"submitted_at": "2026-11-30T08:`:                         {},
		`{"submitted_at": 12, "vneid": "true", "result_at": null}`: {},
		`not json at all`: {},
		`{"submitted_at": "2026-11-30 08:50:00", "result_at": "2026-11-30T08:50:00"}`: {},
		`{"submitted_at": "2026-11-30T01:50:00Z", "vneid": true}`:                     {submitted: time.Date(2026, 11, 30, 1, 50, 0, 0, time.UTC).UnixNano(), vneid: 1},
		`{"result_at": "2026-11-30T08:50:00.5+07:00"}`:                                {result: time.Date(2026, 11, 30, 1, 50, 0, 500000000, time.UTC).UnixNano()},
		`{"result_at": "2026-11-30T08:50:00.000000001-01:30"}`:                        {result: time.Date(2026, 11, 30, 10, 20, 0, 1, time.UTC).UnixNano()},
		`{"nested": {"submitted_at": "2026-11-30T01:50:00Z", "vneid": true}}`:         {},
	} {
		if _, err := db.SQL().ExecContext(ctx, `UPDATE dossiers SET data = ? WHERE id = 'F1'`, data); err != nil {
			t.Fatal(err)
		}
		got := readFigCols(t, db, "F1")
		if got.submitted != want.submitted || got.result != want.result || got.vneid != want.vneid {
			t.Errorf("%s: got %+v, want %+v", data, got, want)
		}
		if want.submitted == 0 && got.dur != -1 {
			t.Errorf("%s: fig_dur %d without a submission time", data, got.dur)
		}
	}
	// Status 9 without a result time: the row's update time is the result (after the appointment: overdue).
	if _, err := db.SQL().ExecContext(ctx, `UPDATE dossiers SET data = '{}', portal_status = 9, updated_at = ? WHERE id = 'F1'`,
		created.Add(72*time.Hour).UnixNano()); err != nil {
		t.Fatal(err)
	}
	if c := readFigCols(t, db, "F1"); c.bits>>8&3 != 2 || c.bits>>3&15 != 9 {
		t.Errorf("status 9 late: bits %b", c.bits)
	}
	// Refused: not judged; an out-of-range status is 15.
	if _, err := db.SQL().ExecContext(ctx, `UPDATE dossiers SET portal_status = 3 WHERE id = 'F1'`); err != nil {
		t.Fatal(err)
	}
	if c := readFigCols(t, db, "F1"); c.bits>>8&3 != 0 {
		t.Errorf("refused judged: bits %b", c.bits)
	}
	if _, err := db.SQL().ExecContext(ctx, `UPDATE dossiers SET portal_status = 42 WHERE id = 'F1'`); err != nil {
		t.Fatal(err)
	}
	if c := readFigCols(t, db, "F1"); c.bits>>3&15 != 15 {
		t.Errorf("status 42: bits %b", c.bits)
	}
}

func TestPageCountsSurvivePurge(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	now := time.Now()
	if err := db.CreateDossier(ctx, Dossier{ID: "P1", UnitCode: "U", ProcedureCode: "P", Officer: "O", Channel: 1, CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	blob, err := db.Blobs().PutBytes([]byte("page"))
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, comp := range []string{"TP1", "TP1", "TP2"} {
		if err := db.SaveComponent(ctx, Component{DossierID: "P1", Code: comp}); err != nil {
			t.Fatal(err)
		}
		id, err := db.AddPage(ctx, Page{DossierID: "P1", ComponentCode: comp, Position: -1, Blob: blob, Format: "jpeg", DPI: 300, Width: 1, Height: 1})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if c := readFigCols(t, db, "P1"); c.pages != 3 || c.comps != 2 || c.bits>>10&65535 != 2 || c.bits>>26 != 3 {
		t.Fatalf("after 3 pages: %+v", c)
	}
	// The officer deletes TP2's only page, then one of TP1's: counts follow.
	for _, id := range []int64{ids[2], ids[0]} {
		if err := db.DeletePage(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if c := readFigCols(t, db, "P1"); c.pages != 1 || c.comps != 1 {
		t.Fatalf("after deleting: %+v", c)
	}
	// Submitted, then purged: what was digitized stays counted.
	if _, err := db.SQL().ExecContext(ctx, `UPDATE dossiers SET state = 'submitted', updated_at = ? WHERE id = 'P1'`, now.Add(-72*time.Hour).UnixNano()); err != nil {
		t.Fatal(err)
	}
	r, err := db.Purge(ctx, 24*time.Hour, 0)
	if err != nil || r.Pages != 1 {
		t.Fatalf("purge %+v %v", r, err)
	}
	if c := readFigCols(t, db, "P1"); c.pages != 1 || c.comps != 1 {
		t.Errorf("after purge: %+v", c)
	}
}

// TestMigrationBackfills opens a database at schema 2 with history, then applies 00003.
func TestMigrationBackfills(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := openTest2(t, dir)
	rec := `{"submitted_at":"2026-12-01T10:30:00+07:00","vneid":true}`
	if _, err := db.ExecContext(ctx, `INSERT INTO dossiers (id, unit_code, procedure_code, officer, state, channel, training, applicant_name,
		applicant_id, data, created_at, updated_at, received_at, appointment_at, portal_code, portal_status, last_error)
		VALUES ('B1', 'U', 'P', 'Lan', 'submitted', 1, 0, 'A', '1', ?, ?, 0, 0, 0, 'X', 2, '')`, rec,
		time.Date(2026, 12, 1, 10, 0, 0, 0, time.FixedZone("", 7*3600)).UnixNano()); err != nil {
		t.Fatal(err)
	}
	for i, comp := range []string{"TP1", "TP1", "TP2"} {
		if _, err := db.ExecContext(ctx, `INSERT INTO pages (dossier_id, component_code, position, blob, format, dpi, width, height, rotation, blank, source, created_at)
			VALUES ('B1', ?, ?, 'b', 'jpeg', 300, 1, 1, 0, 0, 's', 0)`, comp, i); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := readFigCols(t, s, "B1")
	if c.pages != 3 || c.comps != 2 || c.vneid != 1 || c.dur != int64(30*time.Minute) || c.bits&7 != 4 {
		t.Errorf("backfilled %+v", c)
	}
	var key int64
	var officer string
	if err := s.SQL().QueryRow(`SELECT k.id, k.officer FROM dossiers d JOIN figure_keys k ON k.id = d.fig_key WHERE d.id = 'B1'`).Scan(&key, &officer); err != nil || officer != "Lan" {
		t.Errorf("figure key %d %q %v", key, officer, err)
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
		if err := db.CreateDossier(ctx, Dossier{ID: id, UnitCode: "U", ProcedureCode: "P", Officer: "O", State: st, Channel: 1,
			CreatedAt: time.Unix(int64(1000+i), 0), PortalStatus: []int{2, 10, 10, 0}[i]}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SavePayment(ctx, Payment{DossierID: "Z", Amount: 1, Reference: "r"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("payment of a missing dossier: %v", err)
	}
	for _, bad := range []Payment{{DossierID: "A", Amount: -1, Reference: "r"}, {DossierID: "A", Amount: 1}} {
		if err := db.SavePayment(ctx, bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("bad payment %+v: %v", bad, err)
		}
	}
	if _, err := db.Payment(ctx, "A"); !errors.Is(err, ErrNotFound) {
		t.Errorf("no payment yet: %v", err)
	}
	// C is returned (final) but unpaid: still followed. B is returned and has no payment: not followed.
	if err := db.SavePayment(ctx, Payment{DossierID: "C", Amount: 25000, Reference: "TT-C", URL: "u", QR: "q"}); err != nil {
		t.Fatal(err)
	}
	ids, err := db.FollowedDossiers(ctx)
	if err != nil || len(ids) != 2 || ids[0] != "A" || ids[1] != "C" {
		t.Errorf("followed %v %v", ids, err)
	}
	paidAt := time.Unix(5000, 0).UTC()
	if err := db.SavePayment(ctx, Payment{DossierID: "C", Amount: 25000, Reference: "TT-C", Paid: true, PaidAt: paidAt, RequestedAt: time.Unix(1, 0)}); err != nil {
		t.Fatal(err)
	}
	p, err := db.Payment(ctx, "C")
	if err != nil || !p.Paid || !p.PaidAt.Equal(paidAt) || p.URL != "" || p.RequestedAt.Equal(time.Unix(1, 0)) {
		t.Errorf("payment %+v %v (the first request time stays)", p, err)
	}
	if ids, _ := db.FollowedDossiers(ctx); len(ids) != 1 || ids[0] != "A" {
		t.Errorf("followed after payment %v", ids)
	}
	if un, err := db.UnpaidPayments(ctx); err != nil || len(un) != 0 {
		t.Errorf("unpaid %v %v", un, err)
	}
}
