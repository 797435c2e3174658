// Tests of dossiers, components, pages, files and the dossier-code sequence.

package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"
)

// newDossier creates a dossier with code id, created at at.
func newDossier(t testing.TB, db *DB, id string, at time.Time) Dossier {
	t.Helper()
	d := Dossier{ID: id, UnitCode: "000.00.00.H47", ProcedureCode: "1.001193", Officer: "nv.an", Channel: 1,
		ApplicantName: "Nguyễn Văn A", ApplicantID: "049090000001", Data: json.RawMessage(`{"fees":[]}`), CreatedAt: at}
	if err := tCreateDossier(db, context.Background(), d); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDossierRoundTripAndCAS(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	hcm := time.FixedZone("ICT", 7*3600)
	created := time.Date(2026, 11, 26, 9, 30, 15, 123456789, hcm)
	d := Dossier{ID: "000.00.00.H47-261126-0001", UnitCode: "000.00.00.H47", ProcedureCode: "1.001193", Officer: "nv.an",
		Channel: 2, Training: true, ApplicantName: "Trần Thị B", ApplicantID: "049090000002",
		Data: json.RawMessage(`{"applicant":{"name":"Trần Thị B"}}`), CreatedAt: created,
		ReceivedAt: created.Add(time.Minute), AppointmentAt: time.Date(2026, 11, 28, 16, 0, 0, 0, hcm)}
	if err := tCreateDossier(db, ctx, d); err != nil {
		t.Fatal(err)
	}
	if err := tCreateDossier(db, ctx, d); !errors.Is(err, ErrExists) {
		t.Fatalf("duplicate CreateDossier = %v, want ErrExists", err)
	}
	got, err := tDossier(db, ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != StateDraft {
		t.Errorf("State = %q, want draft", got.State)
	}
	if !got.CreatedAt.Equal(created) || !got.UpdatedAt.Equal(created) || !got.ReceivedAt.Equal(d.ReceivedAt) ||
		!got.AppointmentAt.Equal(d.AppointmentAt) || got.CreatedAt.Location() != time.UTC {
		t.Errorf("times not exact: %v %v %v %v", got.CreatedAt, got.UpdatedAt, got.ReceivedAt, got.AppointmentAt)
	}
	if string(got.Data) != string(d.Data) || got.Channel != 2 || !got.Training || got.ApplicantName != d.ApplicantName {
		t.Errorf("Dossier = %+v", got)
	}

	later := time.Date(2026, 11, 26, 10, 0, 0, 1, time.UTC)
	db.now = func() time.Time { return later }
	if err := tSetDossierState(db, ctx, d.ID, StateDraft, StateCaptured); err != nil {
		t.Fatal(err)
	}
	err = tSetDossierState(db, ctx, d.ID, StateDraft, StateSigned)
	if !errors.Is(err, ErrStateConflict) {
		t.Fatalf("stale SetDossierState = %v, want ErrStateConflict", err)
	}
	if err := tSetDossierState(db, ctx, "nope", StateDraft, StateSigned); !errors.Is(err, ErrNotFound) {
		t.Errorf("SetDossierState(absent) = %v, want ErrNotFound", err)
	}
	if err := tSetDossierState(db, ctx, d.ID, StateCaptured, "exploded"); !errors.Is(err, ErrInvalid) {
		t.Errorf("SetDossierState(bad state) = %v, want ErrInvalid", err)
	}
	got, _ = tDossier(db, ctx, d.ID)
	if got.State != StateCaptured || !got.UpdatedAt.Equal(later) {
		t.Errorf("after CAS: state %q updated %v", got.State, got.UpdatedAt)
	}

	got.PortalCode, got.PortalStatus, got.LastError = "G22.99-261126-000123", 2, ""
	got.State = StateSubmitted
	got.CreatedAt = time.Time{} // UpdateDossier keeps CreatedAt
	if err := tUpdateDossier(db, ctx, got); err != nil {
		t.Fatal(err)
	}
	again, _ := tDossier(db, ctx, d.ID)
	if again.PortalCode != "G22.99-261126-000123" || again.PortalStatus != 2 || again.State != StateSubmitted || !again.CreatedAt.Equal(created) {
		t.Errorf("after UpdateDossier: %+v", again)
	}
	if err := tUpdateDossier(db, ctx, Dossier{ID: "nope", State: StateDraft}); !errors.Is(err, ErrNotFound) {
		t.Errorf("UpdateDossier(absent) = %v, want ErrNotFound", err)
	}
	for _, bad := range []Dossier{
		{ID: "", State: StateDraft},
		{ID: "x", State: "lost"},
		{ID: "x", State: StateDraft, Channel: 9},
		{ID: "x", State: StateDraft, Data: json.RawMessage(`{"unterminated`)},
		{ID: "x", State: StateDraft, CreatedAt: time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC)},
	} {
		if err := tCreateDossier(db, ctx, bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("CreateDossier(%+v) = %v, want ErrInvalid", bad, err)
		}
	}
}

func TestDossierStateCASConcurrent(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	newDossier(t, db, "D1", time.Now())
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins, conflicts := 0, 0
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := tSetDossierState(db, ctx, "D1", StateDraft, StateCaptured)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				wins++
			case errors.Is(err, ErrStateConflict):
				conflicts++
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if wins != 1 || conflicts != 9 {
		t.Errorf("%d winners, %d conflicts; want 1 and 9", wins, conflicts)
	}
}

func TestDossiersFilter(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	base := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	for i := 0; i < 6; i++ {
		newDossier(t, db, fmt.Sprintf("D%d", i), base.Add(time.Duration(i)*24*time.Hour))
	}
	for _, id := range []string{"D1", "D3"} {
		if err := tSetDossierState(db, ctx, id, StateDraft, StateQueued); err != nil {
			t.Fatal(err)
		}
	}
	ids := func(f DossierFilter) []string {
		ds, err := tDossiers(db, ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, d := range ds {
			out = append(out, d.ID)
		}
		return out
	}
	for _, c := range []struct {
		f    DossierFilter
		want string
	}{
		{DossierFilter{}, "[D5 D4 D3 D2 D1 D0]"},
		{DossierFilter{Limit: 2}, "[D5 D4]"},
		{DossierFilter{State: StateQueued}, "[D3 D1]"},
		{DossierFilter{Since: base.Add(24 * time.Hour), Until: base.Add(3 * 24 * time.Hour)}, "[D2 D1]"},
		{DossierFilter{State: StateSubmitted}, "[]"},
	} {
		if got := fmt.Sprint(ids(c.f)); got != c.want {
			t.Errorf("Dossiers(%+v) = %s, want %s", c.f, got, c.want)
		}
	}
}

func TestComponentsPagesFiles(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	newDossier(t, db, "D", time.Now())
	for i, code := range []string{"TP2", "TP1"} {
		if err := tSaveComponent(db, ctx, Component{DossierID: "D", Code: code, Name: "Tờ khai", Position: 1 - i, Required: true}); err != nil {
			t.Fatal(err)
		}
	}
	if err := tSaveComponent(db, ctx, Component{DossierID: "D", Code: "TP1", Name: "Tờ khai đăng ký khai sinh", Position: 0, Confirmed: true,
		Data: json.RawMessage(`{"copies":1}`)}); err != nil {
		t.Fatal(err)
	}
	if err := tSaveComponent(db, ctx, Component{DossierID: "ghost", Code: "TP1"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("SaveComponent(no dossier) = %v, want ErrNotFound", err)
	}
	comps, err := tComponents(db, ctx, "D")
	if err != nil || len(comps) != 2 || comps[0].Code != "TP1" || !comps[0].Confirmed || comps[0].Required ||
		comps[0].Name != "Tờ khai đăng ký khai sinh" || string(comps[0].Data) != `{"copies":1}` {
		t.Fatalf("Components = %+v, %v", comps, err)
	}

	shas := make([]string, 4)
	for i := range shas {
		if shas[i], err = db.Blobs().PutBytes([]byte(fmt.Sprintf("page %d", i))); err != nil {
			t.Fatal(err)
		}
	}
	page := func(i, pos int) Page {
		return Page{DossierID: "D", ComponentCode: "TP1", Position: pos, Blob: shas[i], Format: "jpeg", DPI: 300,
			Width: 2480, Height: 3508, Source: "scan:test:0"}
	}
	var ids []int64
	for i := 0; i < 3; i++ {
		id, err := tAddPage(db, ctx, page(i, -1))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	// Insert page 3 at position 1: [0 3 1 2].
	id3, err := tAddPage(db, ctx, page(3, 1))
	if err != nil {
		t.Fatal(err)
	}
	order := func() string {
		ps, err := tPages(db, ctx, "D", "TP1")
		if err != nil {
			t.Fatal(err)
		}
		var s []string
		for i, p := range ps {
			if p.Position != i {
				t.Errorf("page %d has position %d, want %d (dense)", p.ID, p.Position, i)
			}
			s = append(s, p.Blob[:6])
		}
		return fmt.Sprint(s)
	}
	short := func(is ...int) string {
		var s []string
		for _, i := range is {
			s = append(s, shas[i][:6])
		}
		return fmt.Sprint(s)
	}
	if got := order(); got != short(0, 3, 1, 2) {
		t.Errorf("after insert: %s, want %s", got, short(0, 3, 1, 2))
	}
	if err := tReorderPages(db, ctx, "D", "TP1", []int64{ids[2], ids[1], id3, ids[0]}); err != nil {
		t.Fatal(err)
	}
	if got := order(); got != short(2, 1, 3, 0) {
		t.Errorf("after reorder: %s", got)
	}
	for _, bad := range [][]int64{{ids[0], ids[1], ids[2]}, {ids[0], ids[0], ids[1], ids[2]}, {ids[0], ids[1], ids[2], 9999}} {
		if err := tReorderPages(db, ctx, "D", "TP1", bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("ReorderPages(%v) = %v, want ErrInvalid", bad, err)
		}
	}
	if got := order(); got != short(2, 1, 3, 0) {
		t.Errorf("a refused reorder changed the order: %s", got)
	}
	if err := tDeletePage(db, ctx, id3); err != nil {
		t.Fatal(err)
	}
	if got := order(); got != short(2, 1, 0) {
		t.Errorf("after delete: %s", got)
	}
	if err := tDeletePage(db, ctx, id3); !errors.Is(err, ErrNotFound) {
		t.Errorf("second DeletePage = %v, want ErrNotFound", err)
	}
	if err := tUpdatePage(db, ctx, Page{ID: ids[1], Rotation: 90, Blank: true}); err != nil {
		t.Fatal(err)
	}
	ps, _ := tPages(db, ctx, "D", "TP1")
	if ps[1].Rotation != 90 || !ps[1].Blank || ps[1].DPI != 300 || ps[1].Source != "scan:test:0" || ps[1].CreatedAt.IsZero() {
		t.Errorf("after UpdatePage: %+v", ps[1])
	}
	if err := tUpdatePage(db, ctx, Page{ID: ids[1], Rotation: 45}); !errors.Is(err, ErrInvalid) {
		t.Errorf("UpdatePage(45°) = %v, want ErrInvalid", err)
	}
	if err := tUpdatePage(db, ctx, Page{ID: 424242}); !errors.Is(err, ErrNotFound) {
		t.Errorf("UpdatePage(absent) = %v, want ErrNotFound", err)
	}
	missing := page(0, -1)
	missing.Blob = "0000000000000000000000000000000000000000000000000000000000000000"
	if _, err := tAddPage(db, ctx, missing); !errors.Is(err, ErrBlobMissing) {
		t.Errorf("AddPage(blob not stored) = %v, want ErrBlobMissing", err)
	}
	ghost := page(0, -1)
	ghost.DossierID = "ghost"
	if _, err := tAddPage(db, ctx, ghost); !errors.Is(err, ErrNotFound) {
		t.Errorf("AddPage(no dossier) = %v, want ErrNotFound", err)
	}
	badFormat := page(0, -1)
	badFormat.Format = "tiff"
	if _, err := tAddPage(db, ctx, badFormat); !errors.Is(err, ErrInvalid) {
		t.Errorf("AddPage(tiff) = %v, want ErrInvalid", err)
	}

	pdf, err := db.Blobs().PutBytes([]byte("%PDF-1.7 assembled"))
	if err != nil {
		t.Fatal(err)
	}
	signed, _ := db.Blobs().PutBytes([]byte("%PDF-1.7 signed"))
	if _, err := tAddFile(db, ctx, File{DossierID: "D", ComponentCode: "TP1", Name: "TP1.pdf", Role: "assembled", Blob: pdf, Pages: 3}); err != nil {
		t.Fatal(err)
	}
	if _, err := tAddFile(db, ctx, File{DossierID: "D", ComponentCode: "TP1", Name: "TP1.pdf", Role: "signed", Blob: signed, Pages: 3,
		Signed: true, Signer: "Nguyễn Văn An"}); err != nil {
		t.Fatal(err)
	}
	if _, err := tAddFile(db, ctx, File{DossierID: "D", Role: "draft", Blob: pdf}); !errors.Is(err, ErrInvalid) {
		t.Errorf("AddFile(bad role) = %v, want ErrInvalid", err)
	}
	files, err := tFiles(db, ctx, "D")
	if err != nil || len(files) != 2 || files[0].Size != int64(len("%PDF-1.7 assembled")) || !files[1].Signed || files[1].Signer != "Nguyễn Văn An" {
		t.Fatalf("Files = %+v, %v", files, err)
	}
	if err := tDeleteFiles(db, ctx, "D", "TP1", "assembled"); err != nil {
		t.Fatal(err)
	}
	files, _ = tFiles(db, ctx, "D")
	if len(files) != 1 || files[0].Role != "signed" {
		t.Errorf("after DeleteFiles(assembled): %+v", files)
	}
}

func TestSequenceConcurrentAndDurable(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "p")
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const workers, each = 20, 5
	var mu sync.Mutex
	var got []int
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				n, err := tNextSequence(db, ctx, "000.00.00.H47", "261126")
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				got = append(got, n)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	sort.Ints(got)
	for i, n := range got {
		if n != i+1 {
			t.Fatalf("sorted numbers %v: position %d is %d, want distinct 1..%d", got, i, n, workers*each)
		}
	}
	if len(got) != workers*each {
		t.Fatalf("%d numbers, want %d", len(got), workers*each)
	}
	db.Close()

	db, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n, err := tNextSequence(db, ctx, "000.00.00.H47", "261126"); n != workers*each+1 || err != nil {
		t.Errorf("after reopen: %d, %v; want %d", n, err, workers*each+1)
	}
	if n, err := tNextSequence(db, ctx, "000.00.00.H47", "261127"); n != 1 || err != nil {
		t.Errorf("next day: %d, %v; want 1", n, err)
	}
	if n, err := tNextSequence(db, ctx, "000.00.00.H30", "261126"); n != 1 || err != nil {
		t.Errorf("other unit: %d, %v; want 1", n, err)
	}
	if _, err := tNextSequence(db, ctx, "", "261126"); !errors.Is(err, ErrInvalid) {
		t.Errorf("empty unit: %v, want ErrInvalid", err)
	}
}

// TestCreateDossierWithComponents: the dossier and its components land in one transaction, or not at all.
func TestCreateDossierWithComponents(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	d := Dossier{ID: "000.00.00.H47-261126-0009", UnitCode: "000.00.00.H47", ProcedureCode: "1.001193", ApplicantID: "049090000002"}
	comps := []Component{{DossierID: d.ID, Code: "TP1", Name: "Tờ khai", Required: true}, {DossierID: d.ID, Code: "TP2", Name: "Giấy chứng sinh", Position: 1}}
	if err := tCreateDossier(db, ctx, d, comps...); err != nil {
		t.Fatal(err)
	}
	got, err := tComponents(db, ctx, d.ID)
	if err != nil || len(got) != 2 || got[0].Code != "TP1" || !got[0].Required || got[1].Name != "Giấy chứng sinh" {
		t.Fatalf("components %+v, %v", got, err)
	}
	// A bad component rolls the whole dossier back.
	bad := Dossier{ID: "000.00.00.H47-261126-0010", UnitCode: "000.00.00.H47", ProcedureCode: "1.001193"}
	err = tCreateDossier(db, ctx, bad, Component{DossierID: bad.ID, Code: "TP1"}, Component{DossierID: "someone-else", Code: "TP2"})
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad component: %v", err)
	}
	if _, err := tDossier(db, ctx, bad.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("the dossier of a refused create exists: %v", err)
	}
	if cs, _ := tComponents(db, ctx, bad.ID); len(cs) != 0 {
		t.Errorf("components of a refused create exist: %v", cs)
	}
}
