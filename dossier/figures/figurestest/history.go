// A known desk history built through storage's API, for the figures and report tests.

package figurestest

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"sohoa/dossier/workdays"
	"sohoa/storage"
)

// Officers and procedures of the history.
const (
	Lan  = "Nguyễn Thị Lan"
	Minh = "Trần Văn Minh"
	Nam  = "Lê Hoàng Nam"

	KhaiSinh  = "1.001193"
	KetHon    = "1.000656"
	ChungThuc = "2.000815"
)

// ProcNames are the procedures' names in the records.
var ProcNames = map[string]string{KhaiSinh: "Đăng ký khai sinh", KetHon: "Đăng ký kết hôn", ChungThuc: "Chứng thực bản sao từ bản chính"}

// VN is a wall-clock time in Asia/Ho_Chi_Minh.
func VN(y int, m time.Month, d, h, mi int) time.Time {
	return time.Date(y, m, d, h, mi, 0, 0, workdays.Location())
}

// Spec describes one dossier of the history.
type Spec struct {
	ID          string        // the dossier code
	Officer     string        // the officer who opened it
	Proc        string        // the procedure code
	Created     time.Time     // "New dossier"
	State       string        // storage state
	Pages       []int         // pages per component TP1, TP2...
	Blank       int           // extra blank-flagged pages in the last component
	Imported    int           // pages of an imported PDF in component TP9 (not digitized)
	Submitted   time.Duration // from Created to the record's submitted_at; 0: none
	VNeID       bool          // the record's vneid flag
	Status      int           // portal status (TrangThaiHoSo)
	Appointment time.Time     // AppointmentAt
	Result      time.Time     // the record's result_at; zero: none
	LastError   string        // the row's last error
	Training    bool          // a training dossier
}

// Build stores the specs through storage's API, with a blob shared by every page and file.
func Build(t testing.TB, db *storage.DB, specs []Spec) {
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
			"procedure_name": ProcNames[s.Proc],
			"scan_started":   s.Created.Add(time.Minute),
		}
		if s.Submitted > 0 {
			rec["submitted_at"] = s.Created.Add(s.Submitted)
		}
		if s.VNeID {
			rec["vneid"] = true
		}
		if !s.Result.IsZero() {
			rec["result_at"] = s.Result
		}
		data, err := json.Marshal(rec)
		if err != nil {
			t.Fatal(err)
		}
		d := storage.Dossier{ID: s.ID, UnitCode: "000.00.00.H47", ProcedureCode: s.Proc, Officer: s.Officer, State: s.State,
			Channel: 1, Training: s.Training, ApplicantName: "Phạm Thị Hoa", ApplicantID: "001099012345", Data: data,
			CreatedAt: s.Created, ReceivedAt: s.Created, AppointmentAt: s.Appointment, PortalStatus: s.Status, LastError: s.LastError,
			ResultAt: s.Result, VNeID: s.VNeID}
		if s.Submitted > 0 {
			d.SubmittedAt = s.Created.Add(s.Submitted)
		}
		if err := db.Update(ctx, "seed "+s.ID, func(tx *storage.Tx) error { return seedOne(tx, s, d, blob, pdf) }); err != nil {
			t.Fatal(err)
		}
	}
}

// seedOne writes one dossier of the history, as the desk would have.
func seedOne(tx *storage.Tx, s Spec, d storage.Dossier, blob, pdf string) error {
	{
		if err := tx.Dossiers().Create(d); err != nil {
			return err
		}
		for i, n := range s.Pages {
			code := fmt.Sprintf("TP%d", i+1)
			if err := tx.Components().Save(storage.Component{DossierID: s.ID, Code: code, Name: "Thành phần " + code, Position: i, Required: true, Confirmed: true}); err != nil {
				return err
			}
			extra := 0
			if i == len(s.Pages)-1 {
				extra = s.Blank
			}
			for p := 0; p < n+extra; p++ {
				if _, err := tx.Pages().Add(storage.Page{DossierID: s.ID, ComponentCode: code, Position: -1, Blob: blob, Format: "jpeg",
					DPI: 300, Width: 2480, Height: 3508, Blank: p >= n, Source: "scan:test", CreatedAt: s.Created}); err != nil {
					return err
				}
			}
			if s.State != storage.StateDraft && s.State != storage.StateCaptured {
				if _, err := tx.Files().Add(storage.File{DossierID: s.ID, ComponentCode: code, Name: code + ".pdf", Role: "signed",
					Blob: pdf, Pages: n + extra, Signed: true, Signer: s.Officer, CreatedAt: s.Created}); err != nil {
					return err
				}
			}
		}
		if s.Imported > 0 {
			if err := tx.Components().Save(storage.Component{DossierID: s.ID, Code: "TP9", Name: "Tệp công dân mang đến", Position: 9}); err != nil {
				return err
			}
			if _, err := tx.Files().Add(storage.File{DossierID: s.ID, ComponentCode: "TP9", Name: "cccd.pdf", Role: "imported",
				Blob: pdf, Pages: s.Imported, CreatedAt: s.Created}); err != nil {
				return err
			}
		}
		switch s.State {
		case storage.StateQueued, storage.StateSubmitted, storage.StateFailed:
			if _, err := tx.Outbox().Enqueue(s.ID, ""); err != nil {
				return err
			}
		}
		switch s.State {
		case storage.StateSubmitted, storage.StateFailed:
			it, ok, err := tx.Outbox().Claim(time.Now(), time.Minute)
			if err != nil || !ok || it.DossierID != s.ID {
				return fmt.Errorf("claim %s: %v %v %+v", s.ID, ok, err, it)
			}
			if s.State == storage.StateSubmitted {
				err = tx.Outbox().Done(it.ID, json.RawMessage(`{"portal_code":"G22.99-`+s.ID+`"}`))
			} else {
				err = tx.Outbox().Fail(it.ID, storage.ErrorPermanent, s.LastError, time.Time{})
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// TetAppointment is the appointment of a dossier received on Friday 13/02/2026, two working
// days, computed by the desk's calendar: Tết (16–20/02) and the weekends are skipped.
func TetAppointment() time.Time {
	return workdays.Default().Appointment(VN(2026, 2, 13, 10, 0), 2, "")
}

// History is the desk's known history. Week 49 of 2026 runs from Monday 30/11 to Sunday 06/12:
// across the November/December boundary. The queued (waiting) dossier comes last so that the
// outbox's Claim takes each of the others in turn.
func History() []Spec {
	return []Spec{
		{ID: "D01", Officer: Lan, Proc: KhaiSinh, Created: VN(2026, 11, 30, 8, 30), State: "submitted", Pages: []int{2, 1},
			Submitted: 20 * time.Minute, VNeID: true, Status: 10, Appointment: VN(2026, 11, 30, 16, 30), Result: VN(2026, 11, 30, 15, 0)},
		{ID: "D02", Officer: Minh, Proc: KetHon, Created: VN(2026, 11, 30, 9, 0), State: "submitted", Pages: []int{3},
			Submitted: 60 * time.Minute, Status: 3, Appointment: VN(2026, 12, 3, 16, 30)},
		{ID: "D03", Officer: Lan, Proc: KhaiSinh, Created: VN(2026, 12, 1, 10, 0), State: "submitted", Pages: []int{1, 1}, Blank: 1, Imported: 5,
			Submitted: 30 * time.Minute, VNeID: true, Status: 5, Appointment: VN(2026, 12, 1, 16, 30)},
		{ID: "D04", Officer: Nam, Proc: ChungThuc, Created: VN(2026, 12, 2, 14, 0), State: "failed", Pages: []int{2},
			Appointment: VN(2026, 12, 2, 16, 30), LastError: "portal: HTTP 422 tệp không hợp lệ"},
		{ID: "D06", Officer: Lan, Proc: KetHon, Created: VN(2026, 12, 4, 15, 0), State: "draft", Appointment: VN(2026, 12, 9, 16, 30)},
		{ID: "D07", Officer: Nam, Proc: KhaiSinh, Created: VN(2026, 12, 6, 23, 30), State: "signed", Pages: []int{2}, Appointment: VN(2026, 12, 11, 16, 30)},
		{ID: "D08", Officer: Lan, Proc: KhaiSinh, Created: time.Date(2026, 11, 29, 23, 59, 59, 999999999, workdays.Location()), State: "submitted", Pages: []int{1},
			Submitted: 5 * time.Minute, Status: 2, Appointment: VN(2026, 12, 1, 16, 30)},
		{ID: "D09", Officer: Minh, Proc: KhaiSinh, Created: VN(2026, 12, 7, 0, 0), State: "submitted", Pages: []int{1},
			Submitted: 5 * time.Minute, Status: 2, Appointment: VN(2026, 12, 8, 16, 30)},
		{ID: "D10", Officer: Nam, Proc: ChungThuc, Created: VN(2026, 12, 3, 8, 0), State: "submitted", Pages: []int{1, 1},
			Submitted: 90 * time.Minute, VNeID: true, Status: 10, Appointment: VN(2026, 12, 3, 16, 30), Result: VN(2026, 12, 4, 10, 0)},
		{ID: "D11", Officer: Minh, Proc: KhaiSinh, Created: VN(2026, 12, 4, 10, 0), State: "submitted", Pages: []int{2},
			Submitted: 10 * time.Minute, Status: 9, Appointment: VN(2026, 12, 4, 16, 30)},
		{ID: "DT1", Officer: Lan, Proc: KhaiSinh, Created: VN(2026, 12, 2, 9, 0), State: "submitted", Pages: []int{4},
			Submitted: 15 * time.Minute, Status: 2, Appointment: VN(2026, 12, 2, 16, 30), Training: true},
		{ID: "T01", Officer: Lan, Proc: KhaiSinh, Created: VN(2026, 2, 13, 10, 0), State: "submitted", Pages: []int{1},
			Submitted: 40 * time.Minute, Status: 10, Appointment: TetAppointment(), Result: VN(2026, 2, 23, 11, 0)},
		{ID: "T02", Officer: Minh, Proc: KhaiSinh, Created: VN(2026, 2, 13, 11, 0), State: "submitted", Pages: []int{1},
			Submitted: 40 * time.Minute, Status: 4, Appointment: TetAppointment()},
		{ID: "D05", Officer: Minh, Proc: KhaiSinh, Created: VN(2026, 12, 3, 9, 0), State: "queued", Pages: []int{1}, Appointment: VN(2026, 12, 14, 16, 30)},
	}
}

// Open builds the history in a fresh store.
func Open(t testing.TB) *storage.DB {
	t.Helper()
	db, err := storage.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	Build(t, db, History())
	return db
}
