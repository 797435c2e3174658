// Tests for working-day arithmetic: Tết, Hùng Kings' day, substitutes, the 15:00 rule.

package workdays

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func at(y int, m time.Month, d, h, mi int) time.Time {
	return time.Date(y, m, d, h, mi, 0, 0, Location())
}

func day(y int, m time.Month, d int) time.Time { return at(y, m, d, 10, 0) }

func TestLocation(t *testing.T) {
	_, off := day(2026, 2, 17).Zone()
	if off != 7*3600 {
		t.Errorf("offset = %d, want +07:00", off)
	}
}

func TestLunarDates(t *testing.T) {
	cases := []struct {
		y         int
		tet, hung time.Time
	}{
		{2025, day(2025, 1, 29), day(2025, 4, 7)},
		{2026, day(2026, 2, 17), day(2026, 4, 26)},
		{2027, day(2027, 2, 6), day(2027, 4, 16)},
	}
	for _, tc := range cases {
		ny, hung, ok := lunarDates(tc.y)
		if !ok || ny != dateOf(tc.tet) || hung != dateOf(tc.hung) {
			t.Errorf("%d: new year %v, Hùng %v, want %v %v", tc.y, ny, hung, tc.tet.Format("02/01"), tc.hung.Format("02/01"))
		}
	}
	if _, _, ok := lunarDates(1500); ok {
		t.Error("lunar dates outside 1900–2200 should be refused")
	}
}

func checkDays(t *testing.T, c *Calendar, working bool, days ...time.Time) {
	t.Helper()
	for _, d := range days {
		if got := c.IsWorkingDay(d); got != working {
			t.Errorf("IsWorkingDay(%s %s) = %v, want %v", d.Weekday(), d.Format("02/01/2006"), got, working)
		}
	}
}

func TestTet2026(t *testing.T) {
	c := Default()
	// Announced: off Saturday 14/02 to Sunday 22/02/2026; Tết days 16–20/02.
	for d := 14; d <= 22; d++ {
		checkDays(t, c, false, day(2026, 2, d))
	}
	checkDays(t, c, true, day(2026, 2, 13), day(2026, 2, 23))
	if name, ok := c.Holiday(day(2026, 2, 17)); !ok || name != "Tết Âm lịch" {
		t.Errorf("Holiday(17/02/2026) = %q %v", name, ok)
	}
	if _, ok := c.Holiday(day(2026, 2, 14)); ok {
		t.Error("a plain Saturday reported as a holiday")
	}
}

func TestTet2027Substitutes(t *testing.T) {
	c := Default()
	// Lunar new year 06/02/2027 is a Saturday: Tết 05–09/02; the Saturday and Sunday
	// holidays give substitutes on Wednesday 10 and Thursday 11.
	checkDays(t, c, false, day(2027, 2, 5), day(2027, 2, 6), day(2027, 2, 8), day(2027, 2, 9), day(2027, 2, 10), day(2027, 2, 11))
	checkDays(t, c, true, day(2027, 2, 4), day(2027, 2, 12))
	if name, _ := c.Holiday(day(2027, 2, 10)); !strings.HasPrefix(name, "Nghỉ bù") {
		t.Errorf("10/02/2027 name = %q", name)
	}
}

func TestHungKings2026(t *testing.T) {
	c := Default()
	if name, ok := c.Holiday(day(2026, 4, 26)); !ok || name != "Giỗ Tổ Hùng Vương" {
		t.Errorf("26/04/2026 = %q %v", name, ok)
	}
	// Sunday holiday → Monday 27/04 off; then 30/04 Thu and 01/05 Fri.
	checkDays(t, c, false, day(2026, 4, 27), day(2026, 4, 30), day(2026, 5, 1))
	checkDays(t, c, true, day(2026, 4, 24), day(2026, 4, 28), day(2026, 4, 29), day(2026, 5, 4))
	got := c.Appointment(at(2026, 4, 24, 9, 0), 3, "")
	if want := at(2026, 5, 4, 16, 30); !got.Equal(want) {
		t.Errorf("Fri 24/04/2026 + 3 = %s, want %s", got, want)
	}
}

func TestMayDayAcrossWeekend2027(t *testing.T) {
	c := Default()
	// 30/04/2027 Friday, 01/05 Saturday → substitute Monday 03/05.
	checkDays(t, c, false, day(2027, 4, 30), day(2027, 5, 1), day(2027, 5, 2), day(2027, 5, 3))
	got := c.Appointment(at(2027, 4, 29, 8, 0), 1, "")
	if want := at(2027, 5, 4, 16, 30); !got.Equal(want) {
		t.Errorf("Thu 29/04/2027 + 1 = %s, want %s", got, want)
	}
}

func TestTables2025(t *testing.T) {
	c := Default()
	for d := 25; d <= 31; d++ {
		checkDays(t, c, false, day(2025, 1, d))
	}
	checkDays(t, c, false, day(2025, 2, 1), day(2025, 2, 2), day(2025, 5, 2), day(2025, 9, 1), day(2025, 9, 2), day(2025, 4, 7))
	checkDays(t, c, true, day(2025, 2, 3), day(2025, 4, 26), day(2025, 1, 24), day(2025, 9, 3))
	// Without the table the computed substitute for Saturday 01/02 is Monday 03/02.
	n := New()
	checkDays(t, n, true, day(2025, 1, 27), day(2025, 5, 2))
	checkDays(t, n, false, day(2025, 2, 3))
}

func TestNewYear2026Swap(t *testing.T) {
	c := Default()
	checkDays(t, c, false, day(2026, 1, 1), day(2026, 1, 2))
	checkDays(t, c, true, day(2026, 1, 10)) // Saturday worked in exchange
}

func TestSeptemberAdjacent(t *testing.T) {
	c := New()
	checkDays(t, c, false, day(2027, 9, 1), day(2027, 9, 2))
	checkDays(t, c, true, day(2027, 9, 3))
	if err := c.SetSeptemberAdjacent(3); err != nil {
		t.Fatal(err)
	}
	checkDays(t, c, true, day(2027, 9, 1))
	checkDays(t, c, false, day(2027, 9, 3))
	if err := c.SetSeptemberAdjacent(4); err == nil {
		t.Error("SetSeptemberAdjacent(4) accepted")
	}
}

func TestAppointmentSameDay(t *testing.T) {
	c := Default()
	cases := []struct {
		name     string
		received time.Time
		cutoff   string
		want     time.Time
	}{
		{"Friday before 15:00", at(2026, 3, 6, 14, 59), "15:00", at(2026, 3, 6, 16, 30)},
		{"Friday 15:30 after cutoff", at(2026, 3, 6, 15, 30), "15:00", at(2026, 3, 9, 16, 30)},
		{"exactly 15:00", at(2026, 3, 6, 15, 0), "15:00", at(2026, 3, 9, 16, 30)},
		{"no cutoff 15:30", at(2026, 3, 6, 15, 30), "", at(2026, 3, 6, 16, 30)},
		{"after closing, no cutoff", at(2026, 3, 6, 17, 0), "", at(2026, 3, 9, 16, 30)},
		{"Saturday", at(2026, 3, 7, 9, 0), "15:00", at(2026, 3, 9, 16, 30)},
		{"Saturday evening", at(2026, 3, 7, 18, 0), "15:00", at(2026, 3, 9, 16, 30)},
		{"day before Tết after cutoff", at(2026, 2, 13, 15, 1), "15:00", at(2026, 2, 23, 16, 30)},
		{"invalid cutoff is safe", at(2026, 3, 6, 9, 0), "3pm", at(2026, 3, 9, 16, 30)},
		{"UTC input", time.Date(2026, 3, 6, 7, 0, 0, 0, time.UTC), "15:00", at(2026, 3, 6, 16, 30)},
		{"UTC input after cutoff", time.Date(2026, 3, 6, 8, 30, 0, 0, time.UTC), "15:00", at(2026, 3, 9, 16, 30)},
	}
	for _, tc := range cases {
		if got := c.Appointment(tc.received, 0, tc.cutoff); !got.Equal(tc.want) {
			t.Errorf("%s: got %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestAppointmentDays(t *testing.T) {
	c := Default()
	// 3 working days across Tết 2026: Thu 12/02 → Fri 13, Mon 23, Tue 24.
	if got, want := c.Appointment(at(2026, 2, 12, 10, 0), 3, ""), at(2026, 2, 24, 16, 30); !got.Equal(want) {
		t.Errorf("3 days across Tết = %s, want %s", got, want)
	}
	// Received during Tết: counts from Monday 23/02.
	if got, want := c.Appointment(at(2026, 2, 18, 10, 0), 2, ""), at(2026, 2, 25, 16, 30); !got.Equal(want) {
		t.Errorf("received during Tết + 2 = %s, want %s", got, want)
	}
	// Received on Saturday: counts from Monday.
	if got, want := c.Appointment(at(2026, 3, 7, 10, 0), 3, "15:00"), at(2026, 3, 12, 16, 30); !got.Equal(want) {
		t.Errorf("Saturday + 3 = %s, want %s", got, want)
	}
	if err := c.SetReturnTime("17:00"); err != nil {
		t.Fatal(err)
	}
	if got, want := c.Appointment(at(2026, 3, 9, 10, 0), 1, ""), at(2026, 3, 10, 17, 0); !got.Equal(want) {
		t.Errorf("return time 17:00: %s, want %s", got, want)
	}
	for _, bad := range []string{"", "7:00", "24:00", "12:60", "+1:00", "ab:cd", "12:000"} {
		if err := c.SetReturnTime(bad); err == nil {
			t.Errorf("SetReturnTime(%q) accepted", bad)
		}
	}
}

func TestAddWorkingDays(t *testing.T) {
	c := Default()
	start := at(2026, 2, 12, 9, 15)
	if got, want := c.AddWorkingDays(start, 2), at(2026, 2, 23, 9, 15); !got.Equal(want) {
		t.Errorf("+2 = %s, want %s", got, want)
	}
	if got, want := c.AddWorkingDays(at(2026, 2, 23, 9, 15), -2), at(2026, 2, 12, 9, 15); !got.Equal(want) {
		t.Errorf("-2 = %s, want %s", got, want)
	}
	if got := c.AddWorkingDays(start, 0); !got.Equal(start) {
		t.Errorf("+0 = %s", got)
	}
	// 250 working days is about a year: a year boundary is crossed without trouble.
	end := c.AddWorkingDays(at(2026, 1, 5, 8, 0), 250)
	if end.Year() != 2027 || !c.IsWorkingDay(end) {
		t.Errorf("+250 = %s", end)
	}
}

func TestParseTable(t *testing.T) {
	good := `{"year":2030,"off":[{"date":"2030-05-03","name":"x"}],"work":[{"date":"2030-05-11","name":"y"}]}`
	tab, err := ParseTable(strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	c := New()
	checkDays(t, c, true, day(2030, 5, 3))
	checkDays(t, c, false, day(2030, 5, 11))
	c.SetTable(tab)
	checkDays(t, c, false, day(2030, 5, 3))
	checkDays(t, c, true, day(2030, 5, 11))

	bad := []string{
		``, `{`, `[]`, `{"year":2030,"of":[]}`,
		`{"year":1800}`, `{"year":2030,"september_adjacent":2}`,
		`{"year":2030,"off":[{"date":"2031-01-01"}]}`,
		`{"year":2030,"off":[{"date":"30/04/2030"}]}`,
		`{"year":2030,"off":[{"date":"2030-02-30"}]}`,
		`{"year":2030,"off":[{"date":"2030-05-03"}],"work":[{"date":"2030-05-03"}]}`,
		`{"year":"2030"}`,
	}
	for _, in := range bad {
		if _, err := ParseTable(strings.NewReader(in)); !errors.Is(err, ErrTable) {
			t.Errorf("ParseTable(%q) err = %v, want ErrTable", in, err)
		}
	}
}

func TestEmbeddedTables(t *testing.T) {
	tabs, err := embeddedTables()
	if err != nil {
		t.Fatal(err)
	}
	years := map[int]bool{}
	for _, tb := range tabs {
		years[tb.Year] = true
		if len(tb.Sources) == 0 {
			t.Errorf("table %d cites no source", tb.Year)
		}
	}
	if !years[2025] || !years[2026] {
		t.Errorf("embedded tables for %v, want 2025 and 2026", years)
	}
}

func TestConcurrent(t *testing.T) {
	// The calendar is shared by the desk's goroutines: concurrent answers equal the sequential ones
	// (and -race sees no data race in the lazily built year tables).
	want := make([]time.Time, 4)
	for i := range want {
		want[i] = Default().Appointment(at(2026+i, 2, 12, 10, 0), 5, "15:00")
	}
	c := Default()
	got := make([]time.Time, 4)
	done := make(chan bool)
	for i := 0; i < 4; i++ {
		go func(i int) {
			got[i] = c.Appointment(at(2026+i, 2, 12, 10, 0), 5, "15:00")
			done <- true
		}(i)
	}
	for i := 0; i < 4; i++ {
		<-done
	}
	for i := range want {
		if !got[i].Equal(want[i]) || got[i].IsZero() {
			t.Errorf("year %d: concurrent appointment %v, sequential %v", 2026+i, got[i], want[i])
		}
	}
}

func BenchmarkAppointment(b *testing.B) {
	c := Default()
	r := at(2026, 2, 12, 10, 0)
	for b.Loop() {
		c.Appointment(r, 20, "15:00")
	}
}
