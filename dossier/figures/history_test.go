// A known history built through storage's API: several officers and procedures, refused, failed,
// overdue and training dossiers, a week across a month boundary and the Tết 2026 holiday.
package figures

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"sohoa/dossier/workdays"
	"sohoa/storage"
)

const (
	lan  = "Nguyễn Thị Lan"
	minh = "Trần Văn Minh"
	nam  = "Lê Hoàng Nam"

	khaiSinh  = "1.001193"
	ketHon    = "1.000656"
	chungThuc = "2.000815"
)

var procNames = map[string]string{khaiSinh: "Đăng ký khai sinh", ketHon: "Đăng ký kết hôn", chungThuc: "Chứng thực bản sao từ bản chính"}

// vn is a wall-clock time in Asia/Ho_Chi_Minh.
func vn(y int, m time.Month, d, h, mi int) time.Time {
	return time.Date(y, m, d, h, mi, 0, 0, Location())
}

// spec describes one dossier of the history.
type spec struct {
	id          string
	officer     string
	proc        string
	created     time.Time
	state       string
	pages       []int // pages per component TP1, TP2...
	blank       int   // extra blank-flagged pages in the last component
	imported    int   // pages of an imported PDF in component TP9 (not digitized)
	submitted   time.Duration
	vneid       bool
	status      int
	appointment time.Time
	result      time.Time
	lastError   string
	training    bool
}

// build stores the specs through storage's API, with a blob shared by every page and file.
func build(t *testing.T, db *storage.DB, specs []spec) {
	t.Helper()
	ctx := context.Background()
	blob, err := db.Blobs().PutBytes([]byte("a page image"))
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := db.Blobs().PutBytes([]byte("%PDF-1.7 signed component"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range specs {
		rec := map[string]any{
			"applicant":      map[string]any{"id": "001099012345", "name": "Phạm Thị Hoa", "address": `Thôn "Đông", xã Đào Tạo`},
			"procedure_name": procNames[s.proc],
			"scan_started":   s.created.Add(time.Minute),
		}
		if s.submitted > 0 {
			rec["submitted_at"] = s.created.Add(s.submitted)
		}
		if s.vneid {
			rec["vneid"] = true
		}
		if !s.result.IsZero() {
			rec["result_at"] = s.result
		}
		data, err := json.Marshal(rec)
		if err != nil {
			t.Fatal(err)
		}
		d := storage.Dossier{ID: s.id, UnitCode: "000.00.00.H47", ProcedureCode: s.proc, Officer: s.officer, State: s.state,
			Channel: 1, Training: s.training, ApplicantName: "Phạm Thị Hoa", ApplicantID: "001099012345", Data: data,
			CreatedAt: s.created, ReceivedAt: s.created, AppointmentAt: s.appointment, PortalStatus: s.status, LastError: s.lastError}
		if err := db.CreateDossier(ctx, d); err != nil {
			t.Fatal(err)
		}
		for i, n := range s.pages {
			code := fmt.Sprintf("TP%d", i+1)
			if err := db.SaveComponent(ctx, storage.Component{DossierID: s.id, Code: code, Name: "Thành phần " + code, Position: i, Required: true, Confirmed: true}); err != nil {
				t.Fatal(err)
			}
			extra := 0
			if i == len(s.pages)-1 {
				extra = s.blank
			}
			for p := 0; p < n+extra; p++ {
				if _, err := db.AddPage(ctx, storage.Page{DossierID: s.id, ComponentCode: code, Position: -1, Blob: blob, Format: "jpeg",
					DPI: 300, Width: 2480, Height: 3508, Blank: p >= n, Source: "scan:test", CreatedAt: s.created}); err != nil {
					t.Fatal(err)
				}
			}
			if s.state != storage.StateDraft && s.state != storage.StateCaptured {
				if _, err := db.AddFile(ctx, storage.File{DossierID: s.id, ComponentCode: code, Name: code + ".pdf", Role: "signed",
					Blob: pdf, Pages: n + extra, Signed: true, Signer: s.officer, CreatedAt: s.created}); err != nil {
					t.Fatal(err)
				}
			}
		}
		if s.imported > 0 {
			if err := db.SaveComponent(ctx, storage.Component{DossierID: s.id, Code: "TP9", Name: "Tệp công dân mang đến", Position: 9}); err != nil {
				t.Fatal(err)
			}
			if _, err := db.AddFile(ctx, storage.File{DossierID: s.id, ComponentCode: "TP9", Name: "cccd.pdf", Role: "imported",
				Blob: pdf, Pages: s.imported, CreatedAt: s.created}); err != nil {
				t.Fatal(err)
			}
		}
		switch s.state {
		case storage.StateQueued, storage.StateSubmitted, storage.StateFailed:
			if _, err := db.Enqueue(ctx, s.id, ""); err != nil {
				t.Fatal(err)
			}
		}
		switch s.state {
		case storage.StateSubmitted, storage.StateFailed:
			it, ok, err := db.Claim(ctx, time.Now(), time.Minute)
			if err != nil || !ok || it.DossierID != s.id {
				t.Fatalf("claim %s: %v %v %+v", s.id, ok, err, it)
			}
			if s.state == storage.StateSubmitted {
				err = db.Done(ctx, it.ID, json.RawMessage(`{"portal_code":"G22.99-`+s.id+`"}`))
			} else {
				err = db.Fail(ctx, it.ID, storage.ErrorPermanent, s.lastError, time.Time{})
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
}

// tetAppointment is the appointment of a dossier received on Friday 13/02/2026, two working
// days, computed by the desk's calendar: Tết (16–20/02) and the weekends are skipped.
func tetAppointment() time.Time {
	return workdays.Default().Appointment(vn(2026, 2, 13, 10, 0), 2, "")
}

// history is the desk's known history. Week 49 of 2026 runs from Monday 30/11 to Sunday 06/12:
// across the November/December boundary. The queued (waiting) dossier comes last so that the
// outbox's Claim takes each of the others in turn.
func history() []spec {
	return []spec{
		{id: "D01", officer: lan, proc: khaiSinh, created: vn(2026, 11, 30, 8, 30), state: "submitted", pages: []int{2, 1},
			submitted: 20 * time.Minute, vneid: true, status: 10, appointment: vn(2026, 11, 30, 16, 30), result: vn(2026, 11, 30, 15, 0)},
		{id: "D02", officer: minh, proc: ketHon, created: vn(2026, 11, 30, 9, 0), state: "submitted", pages: []int{3},
			submitted: 60 * time.Minute, status: 3, appointment: vn(2026, 12, 3, 16, 30)},
		{id: "D03", officer: lan, proc: khaiSinh, created: vn(2026, 12, 1, 10, 0), state: "submitted", pages: []int{1, 1}, blank: 1, imported: 5,
			submitted: 30 * time.Minute, vneid: true, status: 5, appointment: vn(2026, 12, 1, 16, 30)},
		{id: "D04", officer: nam, proc: chungThuc, created: vn(2026, 12, 2, 14, 0), state: "failed", pages: []int{2},
			appointment: vn(2026, 12, 2, 16, 30), lastError: "portal: HTTP 422 tệp không hợp lệ"},
		{id: "D06", officer: lan, proc: ketHon, created: vn(2026, 12, 4, 15, 0), state: "draft", appointment: vn(2026, 12, 9, 16, 30)},
		{id: "D07", officer: nam, proc: khaiSinh, created: vn(2026, 12, 6, 23, 30), state: "signed", pages: []int{2}, appointment: vn(2026, 12, 11, 16, 30)},
		{id: "D08", officer: lan, proc: khaiSinh, created: time.Date(2026, 11, 29, 23, 59, 59, 999999999, Location()), state: "submitted", pages: []int{1},
			submitted: 5 * time.Minute, status: 2, appointment: vn(2026, 12, 1, 16, 30)},
		{id: "D09", officer: minh, proc: khaiSinh, created: vn(2026, 12, 7, 0, 0), state: "submitted", pages: []int{1},
			submitted: 5 * time.Minute, status: 2, appointment: vn(2026, 12, 8, 16, 30)},
		{id: "D10", officer: nam, proc: chungThuc, created: vn(2026, 12, 3, 8, 0), state: "submitted", pages: []int{1, 1},
			submitted: 90 * time.Minute, vneid: true, status: 10, appointment: vn(2026, 12, 3, 16, 30), result: vn(2026, 12, 4, 10, 0)},
		{id: "D11", officer: minh, proc: khaiSinh, created: vn(2026, 12, 4, 10, 0), state: "submitted", pages: []int{2},
			submitted: 10 * time.Minute, status: 9, appointment: vn(2026, 12, 4, 16, 30)},
		{id: "DT1", officer: lan, proc: khaiSinh, created: vn(2026, 12, 2, 9, 0), state: "submitted", pages: []int{4},
			submitted: 15 * time.Minute, status: 2, appointment: vn(2026, 12, 2, 16, 30), training: true},
		{id: "T01", officer: lan, proc: khaiSinh, created: vn(2026, 2, 13, 10, 0), state: "submitted", pages: []int{1},
			submitted: 40 * time.Minute, status: 10, appointment: tetAppointment(), result: vn(2026, 2, 23, 11, 0)},
		{id: "T02", officer: minh, proc: khaiSinh, created: vn(2026, 2, 13, 11, 0), state: "submitted", pages: []int{1},
			submitted: 40 * time.Minute, status: 4, appointment: tetAppointment()},
		{id: "D05", officer: minh, proc: khaiSinh, created: vn(2026, 12, 3, 9, 0), state: "queued", pages: []int{1}, appointment: vn(2026, 12, 14, 16, 30)},
	}
}

// openHistory builds the history in a fresh store.
func openHistory(t *testing.T) *storage.DB {
	t.Helper()
	db, err := storage.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	build(t, db, history())
	return db
}
