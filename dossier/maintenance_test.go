// Tests of the desk's maintenance API: the audit CSV reads back exactly, the period bounds hold,
// the chain check names the first bad row, and a damaged folder is reported and repaired.

package dossier_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"sohoa/dossier"
)

func TestAuditCSVRoundTrip(t *testing.T) {
	rows := []dossier.AuditRow{
		{ID: 1, At: time.Date(2026, 3, 1, 8, 0, 0, 123456789, time.UTC), Actor: "Nguyễn Thị Hoa", Action: "dossier.created", Dossier: "000.00.00.H47-260301-0001",
			Detail: json.RawMessage(`{"note":"dấu \"ngoặc\", dấu phẩy\nvà xuống dòng"}`), PrevHash: "00", MAC: "ab"},
		{ID: 2, At: time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC), Actor: "desk", Action: "unit.saved", Detail: json.RawMessage(`null`), PrevHash: "ab", MAC: "cd"},
	}
	var buf bytes.Buffer
	if err := dossier.WriteAuditCSV(&buf, rows); err != nil {
		t.Fatal(err)
	}
	got, err := dossier.ReadAuditCSV(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(rows)
	b, _ := json.Marshal(got)
	if !bytes.Equal(a, b) {
		t.Fatalf("round trip:\n%s\n%s", a, b)
	}
	if _, err := dossier.ReadAuditCSV(bytes.NewReader([]byte("id,at\n1,2\n"))); err == nil {
		t.Error("a CSV with the wrong header was read")
	}
}

func TestDeskAuditRowsAndVerify(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	now := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	d, err := dossier.Open(ctx, dossier.Config{DataDir: dir, Training: true, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	all, err := d.AuditRows(ctx, time.Time{}, time.Time{})
	if err != nil || len(all) == 0 {
		t.Fatalf("AuditRows = %d, %v", len(all), err)
	}
	check, err := d.VerifyAudit(ctx, nil)
	if err != nil || !check.OK || check.Head.ID != all[len(all)-1].ID || check.Head.MAC != all[len(all)-1].MAC {
		t.Fatalf("VerifyAudit = %+v, %v", check, err)
	}
	if rows, _ := d.AuditRows(ctx, all[0].At.Add(time.Nanosecond), time.Time{}); len(rows) >= len(all) {
		t.Errorf("a later start kept %d of %d rows", len(rows), len(all))
	}
	// A head the portal kept but the desk no longer has.
	if check, err := d.VerifyAudit(ctx, &dossier.AuditHead{ID: check.Head.ID + 5, MAC: check.Head.MAC}); !errors.Is(err, dossier.ErrAuditBroken) || check.BadRow != check.Head.ID+5 {
		t.Errorf("VerifyAudit(missing head) = %+v, %v", check, err)
	}
}

func TestFolderDiagnoseRepair(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "desk")
	d, err := dossier.Open(ctx, dossier.Config{DataDir: dir, Training: true})
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	st, err := dossier.DiagnoseFolder(ctx, dir)
	if err != nil || !st.Healthy() || st.Identity == "" || st.Identity != st.DBIdentity {
		t.Fatalf("healthy folder: %+v, %v", st, err)
	}
	// A scan left in blobs/, then the database is lost.
	blob := filepath.Join(dir, "blobs", "5d")
	os.MkdirAll(blob, 0o700)
	page := []byte("\x89PNG\r\n\x1a\n a page")
	sha := "5d4c6b3c1e0f1f1c4b2c7ab0d3b7c4a8d6e1f8a9b0c3d2e5f6a7b8c9d0e1f2a3" // not its hash: doctor keeps it anyway
	os.WriteFile(filepath.Join(blob, sha), page, 0o600)
	os.Remove(filepath.Join(dir, "sohoa.db"))
	if _, err := dossier.Open(ctx, dossier.Config{DataDir: dir, Training: true}); !errors.Is(err, dossier.ErrFolderDamaged) {
		t.Fatalf("Open on a lost database = %v", err)
	}
	st, err = dossier.DiagnoseFolder(ctx, dir)
	if err != nil || st.Healthy() || !errors.Is(st.Err(), dossier.ErrFolderDamaged) || st.Blobs != 1 {
		t.Fatalf("damaged folder: %+v, %v", st, err)
	}
	if st, err = dossier.RepairFolder(ctx, dir); err != nil || !st.Healthy() || len(st.Recovered) != 1 || st.Recovered[0].Kind != "png" {
		t.Fatalf("repair: %+v, %v", st, err)
	}
}
