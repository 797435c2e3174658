// The desk API the screens and commands use (d.Services()): placing scanned pages, the queue,
// preferences, verifying signed files, the data folder's places.

package dossier_test

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"sohoa/desk"
	"sohoa/dossier"
	"sohoa/scanner"
	"sohoa/storage"
)

func pageIDs(t *testing.T, api *desk.Desk, id, comp string) []int64 {
	t.Helper()
	v, err := api.Dossiers.Dossier(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := v.Component(comp)
	var ids []int64
	for i, p := range c.Pages {
		if p.Position != i {
			t.Fatalf("page %d at position %d: positions are not dense", p.ID, p.Position)
		}
		ids = append(ids, p.ID)
	}
	return ids
}

func scanInto(t *testing.T, api *desk.Desk, id, comp string, pages int, p desk.Placement) ([]int64, error) {
	t.Helper()
	var got []int64
	_, err := api.Capture.ScanInto(ctx, desk.ScanRequest{Dossier: id, Component: comp, Device: "virtual:",
		Settings: scanner.Settings{Source: scanner.SourceFeeder, DPI: 100, Mode: scanner.ModeColor, MaxPages: pages},
		OnPage:   func(ev desk.CaptureEvent) { got = append(got, ev.Page.ID) }}, p)
	return got, err
}

// Insert and re-scan are one step of the desk: the new pages land where asked, the replaced page
// goes, positions stay dense, and the audit log says so.
func TestScanIntoInsertsAndReplaces(t *testing.T) {
	d := openDesk(t)
	api := d.Services()
	v := newDossier(t, d)
	if n, err := scan(t, d, v.ID, "TP1", "virtual:", 3); err != nil || n != 3 {
		t.Fatalf("scan: %d, %v", n, err)
	}
	before := pageIDs(t, api, v.ID, "TP1")

	ins, err := scanInto(t, api, v.ID, "TP1", 2, desk.Placement{At: 1})
	if err != nil || len(ins) != 2 {
		t.Fatalf("insert: %v, %v", ins, err)
	}
	want := []int64{before[0], ins[0], ins[1], before[1], before[2]}
	if got := pageIDs(t, api, v.ID, "TP1"); !slices.Equal(got, want) {
		t.Fatalf("after insert at 1: %v, want %v", got, want)
	}

	rep, err := scanInto(t, api, v.ID, "TP1", 1, desk.Placement{Replace: before[1]})
	if err != nil || len(rep) != 1 {
		t.Fatalf("replace: %v, %v", rep, err)
	}
	want = []int64{before[0], ins[0], ins[1], rep[0], before[2]}
	if got := pageIDs(t, api, v.ID, "TP1"); !slices.Equal(got, want) {
		t.Fatalf("after replacing page %d: %v, want %v", before[1], got, want)
	}

	log, err := dossier.StoreOf(d).AuditLog(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	placed := 0
	for _, e := range log {
		if e.Action == "page.placed" {
			placed++
			if placed == 2 && !strings.Contains(string(e.Detail), `"replaced"`) {
				t.Errorf("the re-scan's audit row does not name the replaced page: %s", e.Detail)
			}
		}
	}
	if placed != 2 {
		t.Errorf("%d page.placed audit rows, want 2", placed)
	}
}

// A re-scan of a page that is not there scans nothing and changes nothing.
func TestScanIntoUnknownPageChangesNothing(t *testing.T) {
	d := openDesk(t)
	api := d.Services()
	v := newDossier(t, d)
	if _, err := scan(t, d, v.ID, "TP1", "virtual:", 2); err != nil {
		t.Fatal(err)
	}
	before := pageIDs(t, api, v.ID, "TP1")
	got, err := scanInto(t, api, v.ID, "TP1", 1, desk.Placement{Replace: 987654})
	if !errors.Is(err, storage.ErrNotFound) || len(got) != 0 {
		t.Fatalf("replace of an unknown page: pages %v, err %v; want nothing scanned and ErrNotFound", got, err)
	}
	if after := pageIDs(t, api, v.ID, "TP1"); !slices.Equal(after, before) {
		t.Fatalf("pages %v after a refused re-scan, want %v", after, before)
	}
}

// Placing is one transaction: a placement the store refuses leaves the order as it was.
func TestPlacePagesIsAllOrNothing(t *testing.T) {
	d := openDesk(t)
	v := newDossier(t, d)
	if _, err := scan(t, d, v.ID, "TP1", "virtual:", 3); err != nil {
		t.Fatal(err)
	}
	api := d.Services()
	before := pageIDs(t, api, v.ID, "TP1")
	db := dossier.StoreOf(d)
	// One known page and one unknown: nothing moves.
	place := func(ids []int64, at int, replace int64) error {
		return db.Update(ctx, "place pages", func(tx *storage.Tx) error { return tx.Pages().Place(v.ID, "TP1", ids, at, replace) })
	}
	if err := place([]int64{before[2], 424242}, 0, 0); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("place with an unknown page: %v, want ErrNotFound", err)
	}
	if err := place([]int64{before[2]}, 0, before[0]); err != nil {
		t.Fatal(err)
	}
	if got := pageIDs(t, api, v.ID, "TP1"); !slices.Equal(got, []int64{before[2], before[1]}) {
		t.Fatalf("after placing %d in the place of %d: %v", before[2], before[0], got)
	}
}

// The queue joins every dossier with its outbox entry and counts the outbox: what the queue
// screen used to assemble from the store itself.
func TestQueueJoinsDossiersAndOutbox(t *testing.T) {
	d := openDesk(t)
	api := d.Services()
	a := newDossier(t, d)
	b := newDossier(t, d)
	if err := dossier.StoreOf(d).Update(ctx, "test enqueue", func(tx *storage.Tx) error {
		_, err := tx.Outbox().Enqueue(b.ID, "key-b")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	q, err := api.Outbox.Queue(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Items) != 2 || q.Items[0].ID != b.ID || q.Items[1].ID != a.ID {
		t.Fatalf("queue %+v: want %s then %s (newest first)", q.Items, b.ID, a.ID)
	}
	if q.Items[0].Outbox == nil || q.Items[0].Outbox.IdemKey != "key-b" || q.Items[1].Outbox != nil {
		t.Fatalf("outbox entries: %+v / %+v", q.Items[0].Outbox, q.Items[1].Outbox)
	}
	if q.Stats.Pending != 1 || q.Stats.Done+q.Stats.Failed+q.Stats.Claimed != 0 {
		t.Fatalf("stats %+v, want one pending", q.Stats)
	}
	if q, err := api.Outbox.Queue(ctx, 1); err != nil || len(q.Items) != 1 {
		t.Fatalf("queue limited to 1: %d items, %v", len(q.Items), err)
	}
}

// Preferences are kept in the data folder: unset reads "", a value survives reopening.
func TestPrefsPersist(t *testing.T) {
	dir := t.TempDir()
	d, err := dossier.Open(ctx, dossier.Config{DataDir: dir, Training: true})
	if err != nil {
		t.Fatal(err)
	}
	api := d.Services()
	if v, err := api.Settings.Pref(ctx, desk.PrefLanguage); err != nil || v != "" {
		t.Fatalf("unset preference: %q, %v", v, err)
	}
	if err := api.Settings.SetPref(ctx, desk.PrefLanguage, "en"); err != nil {
		t.Fatal(err)
	}
	d.Close()
	d, err = dossier.Open(ctx, dossier.Config{DataDir: dir, Training: true})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if v, err := d.Services().Settings.Pref(ctx, desk.PrefLanguage); err != nil || v != "en" {
		t.Fatalf("language after reopening: %q, %v", v, err)
	}
}

// VerifySigned reads the signed files from the store and verifies them: the screens no longer
// read blobs; a damaged file is reported on its own line.
func TestVerifySigned(t *testing.T) {
	d := openDesk(t)
	api := d.Services()
	v := captured(t, d)
	id, pool := trainingIdentity(t, d)
	if err := api.Signing.Sign(ctx, v.ID, id, dossier.SignOptions{Roots: pool}); err != nil {
		t.Fatal(err)
	}
	checks, err := api.Signing.VerifySigned(ctx, v.ID, pool, "vi")
	if err != nil {
		t.Fatal(err)
	}
	if len(checks) != 2 {
		t.Fatalf("%d checks, want one per component (2)", len(checks))
	}
	for _, c := range checks {
		if c.Err != nil || c.Report == "" || c.File.Role != desk.RoleSigned || len(c.PDF) == 0 {
			t.Fatalf("check of %s: err %v, report %q", c.File.Name, c.Err, c.Report)
		}
	}
	// Damage the first signed file's blob: its check fails, the other still passes.
	blob := dossier.StoreOf(d).Blobs()
	path := blob.Path(checks[0].File.Blob)
	if err := os.WriteFile(path, []byte("%PDF-1.7 damaged"), 0o600); err != nil {
		t.Fatal(err)
	}
	checks, err = api.Signing.VerifySigned(ctx, v.ID, pool, "vi")
	if err != nil {
		t.Fatal(err)
	}
	if checks[0].Err == nil || checks[1].Err != nil {
		t.Fatalf("after damaging %s: errors %v / %v", checks[0].File.Name, checks[0].Err, checks[1].Err)
	}
}

// The places in the data folder are under the data folder.
func TestFolderPlaces(t *testing.T) {
	d := openDesk(t)
	f := d.Services().Folder
	for _, p := range []string{f.ReportsDir(), f.ReceiptPath("X"), f.ExportPath("X"), f.LogPath(), f.TrainingIdentityDir()} {
		if !strings.HasPrefix(p, f.Dir()+string(os.PathSeparator)) {
			t.Errorf("%s is not inside the data folder %s", p, f.Dir())
		}
	}
}
