// Every figure and band of the known history, checked exactly; periods; hostile records.

package figures

import (
	"context"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"sohoa/assets/bands"
	ft "sohoa/dossier/figures/figurestest"
	"sohoa/storage"
)

var (
	lan, minh, nam              = ft.Lan, ft.Minh, ft.Nam
	khaiSinh, ketHon, chungThuc = ft.KhaiSinh, ft.KetHon, ft.ChungThuc
	procNames                   = ft.ProcNames
	vn                          = ft.VN
	openHistory                 = ft.Open
	tetAppointment              = ft.TetAppointment
)

var reportNow = vn(2026, 12, 10, 12, 0)

func compute(t *testing.T, from, to, now time.Time, training bool) Figures {
	t.Helper()
	db := openHistory(t)
	f, err := Compute(context.Background(), db, from, to, Options{Now: now, Training: training})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestWeekAcrossMonthBoundary(t *testing.T) {
	from, to := Week(2026, 49)
	f := compute(t, from, to, reportNow, false)
	c := f.Total
	want := Counts{Received: 9, Digitized: 8, Components: 11, Pages: 18, Signed: 8, Submitted: 5, VNeID: 3,
		InProgress: 2, Waiting: 1, Failed: 1,
		PortalReceived: 4, Refused: 1, Supplement: 1, OnTime: 2, Overdue: 4, NotDue: 2,
		Timed: 5, AvgSubmit: 42 * time.Minute, P90Submit: 90 * time.Minute, MaxSubmit: 90 * time.Minute}
	want.Status[0], want.Status[3], want.Status[5], want.Status[9], want.Status[10] = 4, 1, 1, 1, 2
	if !reflect.DeepEqual(c, want) {
		t.Errorf("week 49 totals\n got %+v\nwant %+v", c, want)
	}

	// Rates and bands with the national defaults.
	b, err := bands.Load()
	if err != nil {
		t.Fatal(err)
	}
	rates := map[string]struct {
		v    float64
		band bands.Band
	}{
		bands.Online:       {500.0 / 9, bands.Green},
		bands.Digitization: {800.0 / 9, bands.Green},
		bands.OnTime:       {200.0 / 6, bands.Red},
		bands.VNeID:        {60, bands.Green},
	}
	for name, w := range rates {
		got := c.Rate(name)
		if math.Abs(got-w.v) > 1e-9 {
			t.Errorf("rate %s = %v, want %v", name, got, w.v)
		}
		if bd := b.Band(name, got); bd != w.band {
			t.Errorf("band %s = %q, want %q", name, bd, w.band)
		}
	}
	for _, name := range []string{bands.Reuse, bands.Payment, bands.Satisfaction} {
		if v := c.Rate(name); !math.IsNaN(v) || b.Band(name, v) != bands.None {
			t.Errorf("rate %s = %v, want no data", name, v)
		}
	}

	// Days: Monday 30/11 (November) to Sunday 06/12.
	wantDays := []struct {
		key      string
		received int
	}{{"2026-11-30", 2}, {"2026-12-01", 1}, {"2026-12-02", 1}, {"2026-12-03", 2}, {"2026-12-04", 2}, {"2026-12-05", 0}, {"2026-12-06", 1}}
	if len(f.Days) != len(wantDays) {
		t.Fatalf("%d days", len(f.Days))
	}
	for i, w := range wantDays {
		if f.Days[i].Key != w.key || f.Days[i].Received != w.received {
			t.Errorf("day %d = %s %d, want %s %d", i, f.Days[i].Key, f.Days[i].Received, w.key, w.received)
		}
	}
	if f.Days[0].Label != "Thứ Hai 30/11/2026" || f.Days[6].Label != "Chủ nhật 06/12/2026" {
		t.Errorf("day labels %q, %q", f.Days[0].Label, f.Days[6].Label)
	}
	// The week splits across two months.
	if len(f.Months) != 2 || f.Months[0].Key != "2026-11" || f.Months[0].Received != 2 || f.Months[1].Key != "2026-12" || f.Months[1].Received != 7 {
		t.Errorf("months %+v", keys(f.Months))
	}
	if !f.Months[0].From.Equal(vn(2026, 11, 30, 0, 0)) || !f.Months[0].To.Equal(vn(2026, 12, 1, 0, 0)) {
		t.Errorf("November row clipped to %v–%v", f.Months[0].From, f.Months[0].To)
	}
	if f.Months[1].Label != "Tháng 12/2026 (cao điểm)" {
		t.Errorf("December label %q", f.Months[1].Label)
	}
	if len(f.Weeks) != 1 || f.Weeks[0].Key != "2026-W49" || f.Weeks[0].Received != 9 || f.Weeks[0].Label != "Tuần 49/2026 (30/11–06/12/2026)" {
		t.Errorf("weeks %+v", keys(f.Weeks))
	}
	if len(f.Quarters) != 1 || f.Quarters[0].Key != "2026-Q4" || f.Quarters[0].Label != "Quý IV/2026 (tháng cao điểm 12)" {
		t.Errorf("quarters %+v", keys(f.Quarters))
	}

	// Officers and procedures.
	wantOff := map[string][2]int{lan: {3, 2}, minh: {3, 2}, nam: {3, 1}} // received, submitted
	if len(f.Officers) != 3 {
		t.Fatalf("officers %v", keys(f.Officers))
	}
	for _, r := range f.Officers {
		w := wantOff[r.Key]
		if r.Received != w[0] || r.Submitted != w[1] {
			t.Errorf("officer %s: received %d submitted %d, want %v", r.Key, r.Received, r.Submitted, w)
		}
	}
	lanRow := rowByKey(f.Officers, lan)
	if lanRow.Overdue != 2 || lanRow.OnTime != 1 || lanRow.Pages != 6 || lanRow.AvgSubmit != 25*time.Minute {
		t.Errorf("Lan: %+v", lanRow.Counts)
	}
	wantProc := map[string]int{khaiSinh: 5, ketHon: 2, chungThuc: 2}
	for _, r := range f.Procedures {
		if r.Received != wantProc[r.Key] {
			t.Errorf("procedure %s: %d, want %d", r.Key, r.Received, wantProc[r.Key])
		}
		if !strings.HasSuffix(r.Label, procNames[r.Key]) {
			t.Errorf("procedure label %q", r.Label)
		}
	}
	if ks := rowByKey(f.Procedures, khaiSinh); ks.P90Submit != 30*time.Minute || ks.Timed != 3 || ks.Waiting != 1 {
		t.Errorf("khai sinh: %+v", ks.Counts)
	}

	// Failed or overdue, oldest first.
	if f.ProblemsTotal != 4 || len(f.Problems) != 4 {
		t.Fatalf("problems %d/%d", len(f.Problems), f.ProblemsTotal)
	}
	var ids []string
	for _, p := range f.Problems {
		ids = append(ids, p.ID)
	}
	if strings.Join(ids, ",") != "D03,D04,D10,D06" {
		t.Errorf("problems %v", ids)
	}
	p3, p4, p10 := f.Problems[0], f.Problems[1], f.Problems[2]
	if !p3.Overdue || p3.Failed || p3.LateBy != 8*24*time.Hour+19*time.Hour+30*time.Minute || !p3.ResultAt.IsZero() || p3.PortalStatus != 5 {
		t.Errorf("D03 %+v", p3)
	}
	if !p4.Failed || !p4.Overdue || p4.LastError != "portal: HTTP 422 tệp không hợp lệ" || p4.ProcedureName != procNames[chungThuc] {
		t.Errorf("D04 %+v", p4)
	}
	if !p10.Overdue || p10.LateBy != 17*time.Hour+30*time.Minute || !p10.ResultAt.Equal(vn(2026, 12, 4, 10, 0)) {
		t.Errorf("D10 %+v", p10)
	}
}

func TestMonthClipsWeeks(t *testing.T) {
	from, to := Month(2026, time.November)
	f := compute(t, from, to, reportNow, false)
	if f.Total.Received != 3 || f.Total.Submitted != 3 || f.Total.Pages != 7 {
		t.Errorf("November totals %+v", f.Total)
	}
	if len(f.Days) != 30 || len(f.Weeks) != 6 {
		t.Fatalf("%d days, %d weeks", len(f.Days), len(f.Weeks))
	}
	first, last := f.Weeks[0], f.Weeks[len(f.Weeks)-1]
	if first.Key != "2026-W44" || !first.From.Equal(vn(2026, 11, 1, 0, 0)) || !first.To.Equal(vn(2026, 11, 2, 0, 0)) {
		t.Errorf("first week %s %v–%v", first.Key, first.From, first.To)
	}
	if last.Key != "2026-W49" || last.Received != 2 || !last.To.Equal(vn(2026, 12, 1, 0, 0)) {
		t.Errorf("last week %s %d %v", last.Key, last.Received, last.To)
	}
	if w48 := rowByKey(f.Weeks, "2026-W48"); w48.Received != 1 || w48.PortalReceived != 1 {
		t.Errorf("week 48 (D08 at 23:59:59.999 on Sunday) %+v", w48.Counts)
	}
}

func TestPeakQuarter(t *testing.T) {
	from, to := Quarter(2026, 4)
	f := compute(t, from, to, reportNow, false)
	if f.Total.Received != 11 || len(f.Months) != 3 || len(f.Quarters) != 1 || f.Quarters[0].Received != 11 {
		t.Errorf("Q4: %d received, months %v, quarters %v", f.Total.Received, keys(f.Months), keys(f.Quarters))
	}
	if f.Months[2].Received != 8 || f.Months[0].Received != 0 {
		t.Errorf("months %v", keys(f.Months))
	}
	if f.Days == nil || len(f.Days) != 92 {
		t.Errorf("%d days in Q4", len(f.Days))
	}
	// A year (with Tết) lists no days past MaxDays but keeps four quarters.
	f = compute(t, vn(2026, 1, 1, 0, 0), vn(2027, 2, 15, 0, 0), reportNow, false)
	if f.Days != nil || len(f.Quarters) != 5 || f.Total.Received != 13 {
		t.Errorf("long period: %d days, quarters %v, received %d", len(f.Days), keys(f.Quarters), f.Total.Received)
	}
}

func TestTetAppointment(t *testing.T) {
	if got := tetAppointment(); !got.Equal(vn(2026, 2, 24, 16, 30)) {
		t.Fatalf("appointment over Tết = %v, want 24/02/2026 16:30", got)
	}
	from, to := Month(2026, time.February)
	f := compute(t, from, to, vn(2026, 2, 25, 12, 0), false)
	// T01 returned on 23/02, after Tết and within its two working days: on time (a calendar
	// without Tết would have given 17/02 and made it overdue). T02 is still open on 25/02: overdue.
	if f.Total.OnTime != 1 || f.Total.Overdue != 1 || f.Total.Received != 2 {
		t.Errorf("February %+v", f.Total)
	}
	if len(f.Problems) != 1 || f.Problems[0].ID != "T02" || f.Problems[0].LateBy != 19*time.Hour+30*time.Minute {
		t.Errorf("February problems %+v", f.Problems)
	}
	// During Tết itself nothing is overdue yet.
	f = compute(t, from, to, vn(2026, 2, 18, 12, 0), false)
	if f.Total.Overdue != 0 || f.Total.NotDue != 1 || f.Total.OnTime != 1 {
		t.Errorf("during Tết %+v", f.Total)
	}
}

func TestTrainingCountedApart(t *testing.T) {
	from, to := Week(2026, 49)
	f := compute(t, from, to, reportNow, true)
	if f.Total.Received != 1 || f.Total.Pages != 4 || f.Total.Submitted != 1 || !f.Training {
		t.Errorf("training figures %+v", f.Total)
	}
}

func TestEmptyPeriod(t *testing.T) {
	f := compute(t, vn(2025, 6, 1, 0, 0), vn(2025, 6, 8, 0, 0), reportNow, false)
	if f.Total.Received != 0 || len(f.Days) != 7 || f.Problems != nil {
		t.Errorf("empty %+v", f.Total)
	}
	for _, name := range bands.Known {
		if !math.IsNaN(f.Total.Rate(name)) {
			t.Errorf("rate %s of nothing = %v", name, f.Total.Rate(name))
		}
	}
}

func TestBadPeriods(t *testing.T) {
	db := openHistory(t)
	ctx := context.Background()
	for _, p := range [][2]time.Time{
		{vn(2026, 12, 1, 0, 0), vn(2026, 12, 1, 0, 0)},
		{vn(2026, 12, 2, 0, 0), vn(2026, 12, 1, 0, 0)},
		{vn(2000, 1, 1, 0, 0), vn(2020, 1, 1, 0, 0)},
	} {
		if _, err := Compute(ctx, db, p[0], p[1], Options{}); !errors.Is(err, ErrPeriod) {
			t.Errorf("%v–%v: %v", p[0], p[1], err)
		}
	}
	ctx2, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Compute(ctx2, db, vn(2026, 1, 1, 0, 0), vn(2027, 1, 1, 0, 0), Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// TestHostileRecords: the figures read the typed columns the desk writes with each change, never the
// record's JSON; records written around the store's checks (corrupt, truncated, wrong types, a field
// renamed) change nothing but, at most, a procedure's name.
func TestHostileRecords(t *testing.T) {
	db := openHistory(t)
	ctx := context.Background()
	from, to := Week(2026, 49)
	before, err := Compute(ctx, db, from, to, Options{Now: reportNow})
	if err != nil {
		t.Fatal(err)
	}
	for id, data := range map[string]string{
		"D01": `{"submitted_at": "2026-11-30T08:`,                         // truncated
		"D02": `{"submitted_at": 12, "vneid": "true", "result_at": null}`, // wrong types
		"D03": `not json at all`,
		"D10": `{"submittedAt": "2026-12-03T08:01:00+07:00", "vneid": false}`, // a renamed field
	} {
		if _, err := db.SQL().ExecContext(ctx, `UPDATE dossiers SET data = ? WHERE id = ?`, data, id); err != nil {
			t.Fatal(err)
		}
	}
	after, err := Compute(ctx, db, from, to, Options{Now: reportNow})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(after.Total, before.Total) {
		t.Errorf("the records changed the figures:\nbefore %+v\nafter  %+v", before.Total, after.Total)
	}
	if after.Total.Submitted == 0 || after.Total.VNeID == 0 || after.Total.OnTime == 0 {
		t.Errorf("history without submissions? %+v", after.Total)
	}
}

func TestWeeks(t *testing.T) {
	from, to := Week(2026, 1)
	if !from.Equal(vn(2025, 12, 29, 0, 0)) || !to.Equal(vn(2026, 1, 5, 0, 0)) {
		t.Errorf("2026-W01 = %v–%v", from, to)
	}
	from, _ = Week(2026, 49)
	if !from.Equal(vn(2026, 11, 30, 0, 0)) || from.Location().String() != Location().String() {
		t.Errorf("2026-W49 starts %v", from)
	}
	if WeeksIn(2020) != 53 || WeeksIn(2026) != 53 || WeeksIn(2025) != 52 {
		t.Errorf("weeks in 2020/2026/2025: %d %d %d", WeeksIn(2020), WeeksIn(2026), WeeksIn(2025))
	}
	for s, ok := range map[string]bool{"2026-W49": true, "2026W49": true, "2020-W53": true, "2025-W53": false, "2026-W00": false, "2026-49": false, "": false, "2026-W4x": false} {
		_, _, err := ParseWeek(s)
		if (err == nil) != ok || (err != nil && !errors.Is(err, ErrPeriod)) {
			t.Errorf("ParseWeek(%q) = %v", s, err)
		}
	}
	y, m, err := ParseMonth("2026-12")
	if err != nil || y != 2026 || m != time.December || !IsPeakMonth(m) || QuarterOf(m) != 4 || PeakMonth(2) != time.June {
		t.Errorf("ParseMonth: %d %v %v", y, m, err)
	}
	if _, _, err := ParseMonth("2026-13"); !errors.Is(err, ErrPeriod) {
		t.Errorf("month 13: %v", err)
	}
	if _, err := ParseDay("2026-02-30"); !errors.Is(err, ErrPeriod) {
		t.Errorf("30 February: %v", err)
	}
	if got := PeriodLabel(Week(2026, 49)); got != "30/11/2026 – 06/12/2026" {
		t.Errorf("PeriodLabel %q", got)
	}
}

func keys(rows []Row) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r.Key)
	}
	return out
}

func rowByKey(rows []Row, k string) Row {
	for _, r := range rows {
		if r.Key == k {
			return r
		}
	}
	return Row{}
}

// TestPaymentRate: the online-payment rate is paid / asked for, over the period's dossiers with a fee.
func TestPaymentRate(t *testing.T) {
	ctx := context.Background()
	db := openHistory(t)
	now := time.Now()
	for _, p := range []storage.Payment{
		{DossierID: "D01", Amount: 8000, Reference: "TT-1", Paid: true, PaidAt: now, RequestedAt: now},
		{DossierID: "D02", Amount: 50000, Reference: "TT-2", Paid: true, PaidAt: now, RequestedAt: now},
		{DossierID: "D03", Amount: 10000, Reference: "TT-3", RequestedAt: now},
		{DossierID: "D11", Amount: 0, Reference: "TT-4", RequestedAt: now},                             // free: not counted
		{DossierID: "T01", Amount: 8000, Reference: "TT-5", Paid: true, PaidAt: now, RequestedAt: now}, // another period
	} {
		if err := db.Update(ctx, "payment", func(tx *storage.Tx) error { return tx.Payments().Save(p) }); err != nil {
			t.Fatal(err)
		}
	}
	from, to := Week(2026, 49)
	f, err := Compute(ctx, db, from, to, Options{Now: reportNow})
	if err != nil {
		t.Fatal(err)
	}
	if f.Total.PaymentsRequested != 3 || f.Total.PaidOnline != 2 {
		t.Fatalf("payments %d requested, %d paid; want 3 and 2", f.Total.PaymentsRequested, f.Total.PaidOnline)
	}
	b, err := bands.Load()
	if err != nil {
		t.Fatal(err)
	}
	if v := f.Total.Rate(bands.Payment); math.Abs(v-200.0/3) > 1e-9 || b.Band(bands.Payment, v) == bands.None {
		t.Errorf("payment rate %v, band %q", v, b.Band(bands.Payment, v))
	}
}
