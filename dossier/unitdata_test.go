// Tests of the unit's own data at the desk: dossier codes per Circular 01/2018, fees per unit and
// channel with quantities, the unit's procedure list and holiday tables kept in the data folder.

package dossier_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"sohoa/dossier"
	"sohoa/dossier/applicant"
	"sohoa/dossier/catalog"
	"sohoa/portal"
	"sohoa/scanner"
)

func codesAt(t *testing.T, d *dossier.Desk, n int) []string {
	t.Helper()
	a, _ := applicant.ParseCCCDQR(binhQR)
	var out []string
	for i := 0; i < n; i++ {
		v, err := d.NewDossier(ctx, "1.001193", a)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v.ID)
	}
	return out
}

func deskAt(t *testing.T, now time.Time) *dossier.Desk {
	t.Helper()
	d, err := dossier.Open(ctx, dossier.Config{DataDir: t.TempDir(), Training: true, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// Finding 7: a single-desk unit numbered its first dossier 1001 once its desk had a number.
func TestSingleDeskFirstCodeIs0001(t *testing.T) {
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, dossier.Location)
	for _, set := range []func(*dossier.Desk) error{
		func(d *dossier.Desk) error { return nil },
		func(d *dossier.Desk) error { return d.SetDesks(ctx, 1, 1) },
		func(d *dossier.Desk) error { return d.SetDeskNumber(ctx, 1) },
	} {
		d := deskAt(t, now)
		if err := set(d); err != nil {
			t.Fatal(err)
		}
		got := codesAt(t, d, 2)
		if got[0] != "000.00.00.H47-261126-0001" {
			t.Errorf("first code of a single desk = %s, want …-0001", got[0])
		}
		if got[1] != "000.00.00.H47-261126-0002" && got[1] != "000.00.00.H47-261126-0010" {
			t.Errorf("second code = %s", got[1])
		}
	}
}

// Several desks of one unit share the daily sequence by interleaving: no collisions, no desk prefix.
func TestDesksInterleaveOneSequence(t *testing.T) {
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, dossier.Location)
	seen := map[string]int{}
	var all []string
	for k := 1; k <= 3; k++ {
		d := deskAt(t, now)
		if err := d.SetDesks(ctx, k, 3); err != nil {
			t.Fatal(err)
		}
		for _, c := range codesAt(t, d, 4) {
			if prev, dup := seen[c]; dup {
				t.Fatalf("desk %d and desk %d both took %s", prev, k, c)
			}
			seen[c] = k
			all = append(all, c)
		}
	}
	want := "000.00.00.H47-261126-0001 000.00.00.H47-261126-0004 000.00.00.H47-261126-0007 000.00.00.H47-261126-0010 " +
		"000.00.00.H47-261126-0002 000.00.00.H47-261126-0005 000.00.00.H47-261126-0008 000.00.00.H47-261126-0011 " +
		"000.00.00.H47-261126-0003 000.00.00.H47-261126-0006 000.00.00.H47-261126-0009 000.00.00.H47-261126-0012"
	if got := strings.Join(all, " "); got != want {
		t.Errorf("codes:\n%s\nwant\n%s", got, want)
	}
	d := deskAt(t, now)
	for _, bad := range [][2]int{{0, 1}, {2, 1}, {1, 10}, {4, 3}} {
		if err := d.SetDesks(ctx, bad[0], bad[1]); err == nil {
			t.Errorf("SetDesks(%d, %d) accepted", bad[0], bad[1])
		}
	}
	if n, ok := dossier.SequenceNumber(3334, 3, 3); ok {
		t.Errorf("number %d past 9999 accepted", n)
	}
}

// Finding 7: a 3-page certified copy returned by post came to 28,000 đ (the per-page fee charged
// once); it is 2×2,000 + 1×1,000 + 25,000 = 30,000 đ, on the receipt, in the manifest and in the
// portal's payment request.
func TestThreePageCertifiedCopyByPostIs30000(t *testing.T) {
	d := openDesk(t)
	u, err := d.Unit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	u.CounterType = "postal"
	if err := d.SaveUnit(ctx, u); err != nil {
		t.Fatal(err)
	}
	a, _ := applicant.ParseCCCDQR(binhQR)
	v, err := d.NewDossier(ctx, "2.000815", a)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := d.Scan(ctx, dossier.ScanRequest{Dossier: v.ID, Component: "TP2", Device: "virtual:",
		Settings: scanner.Settings{Source: scanner.SourceFeeder, DPI: 200, Mode: scanner.ModeColor, MaxPages: 3}}); err != nil || n != 3 {
		t.Fatalf("scan: %d pages, %v", n, err)
	}
	if err := d.Confirm(ctx, v.ID, "TP2", true); err != nil {
		t.Fatal(err)
	}
	if err := d.SetDelivery(ctx, v.ID, true, "Số 5 Lê Lợi, phường Hải Châu, Đà Nẵng"); err != nil {
		t.Fatal(err)
	}
	v, _ = d.Dossier(ctx, v.ID)
	if got := dossier.FeeTotal(v); got != 30000 {
		t.Fatalf("3-page certified copy by post = %d đ, want 30000 (%+v)", got, dossier.FeeLines(v))
	}
	if err := d.SetCopies(ctx, v.ID, 2); err != nil {
		t.Fatal(err)
	}
	v, _ = d.Dossier(ctx, v.ID)
	if got := dossier.FeeTotal(v); got != 35000 {
		t.Errorf("two copies = %d đ, want 35000", got)
	}
	if err := d.SetCopies(ctx, v.ID, 1); err != nil {
		t.Fatal(err)
	}
	id, pool := trainingIdentity(t, d)
	if err := d.Sign(ctx, v.ID, id, dossier.SignOptions{Roots: pool}); err != nil {
		t.Fatal(err)
	}
	m, err := d.Manifest(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	for _, f := range m.DanhSachLePhi {
		sum += f.Gia
	}
	if sum != 30000 {
		t.Errorf("manifest fees add up to %d, want 30000: %+v", sum, m.DanhSachLePhi)
	}
	url, _ := startPortalIn(t)
	client := portal.NewClient(url)
	if _, err := d.Submit(ctx, v.ID, binhToken(t, url)); err != nil {
		t.Fatal(err)
	}
	if err := (&dossier.Uploader{Desk: d, Client: client}).Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := d.SyncStatus(ctx, client, v.ID); err != nil {
		t.Logf("sync: %v", err)
	}
	p, ok, err := d.Payment(ctx, v.ID)
	if err != nil || !ok || p.Amount != 30000 {
		t.Fatalf("payment request: %+v %v %v, want 30000 đ", p, ok, err)
	}
	if err := d.SetCopies(ctx, v.ID, 3); !errors.Is(err, dossier.ErrDeliveryFixed) {
		t.Errorf("copies changed after queueing: %v", err)
	}
}

// A unit loads its own procedure list and fees; both are kept in the data folder and used after a restart.
func TestUnitCatalogAndFeesSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	d, err := dossier.Open(ctx, dossier.Config{DataDir: dir, Training: true})
	if err != nil {
		t.Fatal(err)
	}
	const list = "code,name,level,field,days,component,role,required,originals,copies\n" +
		"1.013967,Giải quyết tranh chấp đất đai thuộc thẩm quyền của Chủ tịch Ủy ban nhân dân cấp xã,xã,Đất đai,45,Đơn đề nghị giải quyết tranh chấp đất đai,nop,có,1,0\n"
	if _, err := d.ImportCatalog(ctx, "bad.csv", []byte(strings.Replace(list, ",45,", ",bốn mươi,", 1))); err == nil {
		t.Fatal("a list with a wrong days cell was accepted")
	}
	n, err := d.ImportCatalog(ctx, "xa.csv", []byte(list))
	if err != nil || n != 1 {
		t.Fatalf("import: %d, %v", n, err)
	}
	if _, err := d.ImportFees(ctx, []byte("procedure,name,amount\n2.000884,Phí chứng thực chữ ký,12000\n")); err != nil {
		t.Fatal(err)
	}
	d.Close()
	d, err = dossier.Open(ctx, dossier.Config{DataDir: dir, Training: true})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if p, ok := d.Catalog().Get("1.013967"); !ok || p.Days != 45 {
		t.Fatalf("unit procedure after restart: %+v %v", p, ok)
	}
	if _, ok := d.Catalog().Get("1.001193"); !ok {
		t.Error("the shipped procedures are gone after importing the unit's list")
	}
	a, _ := applicant.ParseCCCDQR(binhQR)
	v, err := d.NewDossier(ctx, "2.000884", a)
	if err != nil {
		t.Fatal(err)
	}
	if got := dossier.FeeTotal(v); got != 12000 {
		t.Errorf("unit fee for 2.000884 = %d, want 12000", got)
	}
	if _, err := d.NewDossier(ctx, "1.013967", a); err != nil {
		t.Errorf("a dossier for the unit's own procedure: %v", err)
	}
}

// The window warns when the coming year has no holiday table; a unit imports it.
func TestHolidaysMissingForComingYear(t *testing.T) {
	d := deskAt(t, time.Date(2027, 12, 1, 9, 0, 0, 0, dossier.Location))
	year, missing := d.HolidaysMissing()
	if !missing || year != 2028 {
		t.Fatalf("HolidaysMissing = %d %v, want 2028 true", year, missing)
	}
	bad := `{"year": 2028, "off": [{"date": "2028-01-02", "name": "x"}]}`
	if _, err := d.ImportHolidays(ctx, []byte(bad)); err == nil {
		t.Error("a table without sources was accepted")
	}
	good := `{"year": 2028, "off": [{"date": "2028-01-03", "name": "Nghỉ bù Tết Dương lịch"}], "sources": ["Quyết định thử"]}`
	if y, err := d.ImportHolidays(ctx, []byte(good)); err != nil || y != 2028 {
		t.Fatalf("import: %d %v", y, err)
	}
	if _, missing := d.HolidaysMissing(); missing {
		t.Error("still missing after the import")
	}
	if d.Calendar().IsWorkingDay(time.Date(2028, 1, 3, 9, 0, 0, 0, dossier.Location)) {
		t.Error("the imported day off is a working day")
	}
	// 2027 ships computed, not announced: present but marked inferred.
	d26 := deskAt(t, time.Date(2026, 12, 6, 9, 0, 0, 0, dossier.Location))
	if _, missing := d26.HolidaysMissing(); missing {
		t.Error("2026/2027 reported missing")
	}
	ahead := d26.HolidaysAhead(time.Date(2026, 12, 6, 9, 0, 0, 0, dossier.Location))
	if len(ahead) != 2 || ahead[1].Year != 2027 || ahead[1].Missing || !ahead[1].Inferred {
		t.Errorf("HolidaysAhead = %+v, want 2027 present and inferred", ahead)
	}
}

// csv300 is a 300-procedure list built from the shipped catalog's real rows under local code suffixes.
func csv300(tb testing.TB) []byte {
	tb.Helper()
	base, err := catalog.Default()
	if err != nil {
		tb.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("code,name,level,field,days,component,role,required,originals,copies\n")
	all := base.All()
	for i := 0; i < 300; i++ {
		p := all[i%len(all)]
		code := fmt.Sprintf("%s.000.00.00.H%02d", p.Code[:8], i/len(all)+1)
		for j, c := range p.Components {
			name, level, field, days := "", "", "", ""
			if j == 0 {
				name, level, field, days = `"`+p.Name+`"`, fmt.Sprint(p.Level), p.Field, fmt.Sprint(p.Days)
			}
			fmt.Fprintf(&b, "%s,%s,%s,%s,%s,\"%s\",%s,%v,%d,%d\n", code, name, level, field, days, c.Name, c.Role, c.Required && c.Role != catalog.RoleNote, c.Originals, c.Copies)
		}
	}
	return []byte(b.String())
}

// `sohoa catalog import` of a 300-procedure file (parse, check, store in the data folder, use) takes < 1 s.
func TestDeskImports300ProceduresFast(t *testing.T) {
	d := openDesk(t)
	data := csv300(t)
	start := time.Now()
	n, err := d.ImportCatalog(ctx, "300.csv", data)
	if err != nil || n != 300 {
		t.Fatalf("import: %d %v", n, err)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("importing 300 procedures took %v, want < 1 s", took)
	}
	start = time.Now()
	if r := d.Catalog().Search("chứng thực bản sao"); len(r) == 0 {
		t.Error("search found nothing")
	}
	if took := time.Since(start); took > 50*time.Millisecond {
		t.Errorf("search took %v, want < 50 ms", took)
	}
}

func BenchmarkDeskImportCatalog300(b *testing.B) {
	d, err := dossier.Open(ctx, dossier.Config{DataDir: b.TempDir(), Training: true})
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	data := csv300(b)
	for b.Loop() {
		if _, err := d.ImportCatalog(ctx, "300.csv", data); err != nil {
			b.Fatal(err)
		}
	}
}
