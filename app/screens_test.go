// Image and markup tests of the main screens in both languages, and page edits through the capture screen.

package app

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"sohoa/app/vnkey"
	"sohoa/app/vnkey/vnentry"
	"sohoa/desk"
	"sohoa/dossier/applicant"
)

// TestScreens renders the home, new-dossier and settings screens in Vietnamese and English and
// compares them with the reference images and markup under testdata/.
func TestScreens(t *testing.T) {
	for _, lg := range []string{"vi", "en"} {
		t.Run(lg, func(t *testing.T) {
			h := newHarness(t, false)
			h.env.Lang = lg
			u, w := h.start(t)
			for _, s := range []string{screenHome, screenWizard} {
				u.show(s)
				settle(t, u)
				test.AssertImageMatches(t, "screen-"+s+"-"+lg+".png", w.Canvas().Capture())
				test.AssertRendersToMarkup(t, "screen-"+s+"-"+lg+".xml", w.Canvas())
			}
		})
	}
}

// TestSmallScreen: at 1366×768 (the common laptop) the main actions stay on screen.
func TestSmallScreen(t *testing.T) {
	h := newHarness(t, false)
	u, w := h.start(t)
	w.Resize(fyne.NewSize(1366, 768-60)) // minus a task bar
	test.Tap(u.home.newBtn)
	settle(t, u)
	for name, o := range map[string]fyne.CanvasObject{"create": u.wiz.create, "qr": u.wiz.qrBtn, "search": u.wiz.search} {
		pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
		if !o.Visible() || pos.Y+o.Size().Height > w.Canvas().Size().Height || pos.X+o.Size().Width > w.Canvas().Size().Width || o.Size().Width < 20 {
			t.Errorf("%s at %v size %v is off a %v window", name, pos, o.Size(), w.Canvas().Size())
		}
	}
}

// TestPageEdits scans through the capture screen and rotates, moves and deletes pages with its buttons.
func TestPageEdits(t *testing.T) {
	h := newHarness(t, false)
	u, _ := h.start(t)
	ctx := context.Background()
	a := applicant.Applicant{ID: "049195000123", Name: "Trần Thị Bình", Sex: "Nữ"}
	v, err := h.desk.Dossiers.NewDossier(ctx, "1.001193", a)
	if err != nil {
		t.Fatal(err)
	}
	u.openDossier(v.ID)
	settle(t, u)
	c := u.ws.cap
	c.source.SetSelected(c.source.Options[1]) // feeder: 3 pages
	test.Tap(c.scanBtn)
	settle(t, u)
	pages := func() []int64 {
		v, err := h.desk.Dossiers.Dossier(ctx, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		tp, _ := v.Component("TP1")
		var ids []int64
		for _, p := range tp.Pages {
			ids = append(ids, p.ID)
		}
		return ids
	}
	ids := pages()
	if len(ids) != 3 || len(c.thumbs) != 3 {
		t.Fatalf("%d pages, %d thumbnails after the scan", len(ids), len(c.thumbs))
	}
	// Select page 1, move it down twice (button, then keyboard-equivalent), rotate, delete.
	test.Tap(c.thumbs[0])
	test.Tap(c.moveR)
	settle(t, u)
	c.moveSelected(1)
	settle(t, u)
	if got := pages(); got[2] != ids[0] {
		t.Errorf("order after two moves %v, want %d last", got, ids[0])
	}
	test.Tap(c.rotR)
	settle(t, u)
	vv, _ := h.desk.Dossiers.Dossier(ctx, v.ID)
	tp, _ := vv.Component("TP1")
	if tp.Pages[2].Rotation != 90 {
		t.Errorf("rotation %d, want 90", tp.Pages[2].Rotation)
	}
	// Drag page 3 up by two tiles.
	c.thumbs[2].Dragged(&fyne.DragEvent{Dragged: fyne.Delta{DY: -2 * (thumbSize.Height + 4)}})
	c.thumbs[2].DragEnd()
	settle(t, u)
	if got := pages(); got[0] != ids[0] {
		t.Errorf("order after the drag %v, want %d first", got, ids[0])
	}
	c.selectPage(ids[1])
	c.edit(func(ctx context.Context) error { return h.desk.Capture.DeletePage(ctx, v.ID, "TP1", ids[1]) })
	settle(t, u)
	if got := pages(); len(got) != 2 || len(c.thumbs) != 2 {
		t.Errorf("after delete: %v pages, %d thumbnails", got, len(c.thumbs))
	}
	// Signed dossiers lock the page buttons.
	vv, _ = h.desk.Dossiers.Dossier(ctx, v.ID)
	if vv.State != desk.Draft {
		t.Errorf("state %s, want draft (TP2 is empty)", vv.State)
	}
	if c.del.Disabled() {
		t.Error("delete is disabled on a draft dossier with a selected page")
	}
}

// TestFridayReport: the home screen's report buttons write the week's and the peak month's report
// as XLSX and PDF under the data folder.
func TestFridayReport(t *testing.T) {
	h := newHarness(t, false)
	u, _ := h.start(t)
	settle(t, u)
	for _, peak := range []bool{false, true} {
		u.home.report(peak)
		settle(t, u)
	}
	dir := filepath.Join(h.desk.Folder.Dir(), "reports")
	for _, pattern := range []string{"tuan-*-W*.pdf", "tuan-*-W*.xlsx", "cao-diem-*-Q*.pdf", "cao-diem-*-Q*.xlsx"} {
		files, _ := filepath.Glob(filepath.Join(dir, pattern))
		if len(files) != 1 {
			t.Errorf("%s: %v", pattern, files)
			continue
		}
		if st, err := os.Stat(files[0]); err != nil || st.Size() < 1000 {
			t.Errorf("%s: %v %v", files[0], st, err)
		}
	}
}

// TestWizardTelex: with the built-in Telex typing on (Alt+Z), keys typed into the applicant's name
// become Vietnamese letters and the new dossier carries them.
func TestWizardTelex(t *testing.T) {
	h := newHarness(t, false)
	u, w := h.start(t)
	test.Tap(u.home.newBtn)
	settle(t, u)
	u.typing.SetMethod(vnkey.Telex)
	var entry *vnentry.Entry
	for _, o := range test.LaidOutObjects(w.Content()) {
		if ve, isVE := o.(*vnentry.Entry); isVE && ve == u.wiz.nameInput() {
			entry = ve
		}
	}
	if entry == nil {
		t.Fatal("the name field is not laid out as a Telex-capable entry")
	}
	w.Canvas().Focus(entry)
	test.Type(entry, "Nguyeenx Thij Thuyr")
	if got := u.wiz.fields["name"].Text; got != "Nguyễn Thị Thủy" {
		t.Errorf("typed %q, want Nguyễn Thị Thủy", got)
	}
}
