// Tests of the shipped 2027 table (computed by the Labour Code rules, not announced) and of ImportTable.

package workdays

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestShipped2027IsComputedAndMarked(t *testing.T) {
	c := Default()
	tab, ok := c.Table(2027)
	if !ok || !tab.Inferred || len(tab.Notes) == 0 || !strings.Contains(tab.Notes[0], "NOT ANNOUNCED") {
		t.Fatalf("2027 table: %+v %v — want present, inferred, with a note saying it is not announced", tab, ok)
	}
	for _, y := range []int{2025, 2026, 2027} {
		if _, ok := c.Table(y); !ok {
			t.Errorf("no table shipped for %d", y)
		}
	}
	loc := Location()
	day := func(m time.Month, d int) time.Time { return time.Date(2027, m, d, 9, 0, 0, 0, loc) }
	// Tết Đinh Mùi: lunar new year Saturday 06/02/2027; 05/02–09/02 + substitutes 10/02, 11/02.
	for d := 5; d <= 11; d++ {
		if c.IsWorkingDay(day(time.February, d)) {
			t.Errorf("%02d/02/2027 is a working day, want Tết", d)
		}
	}
	if !c.IsWorkingDay(day(time.February, 12)) || !c.IsWorkingDay(day(time.February, 4)) {
		t.Error("04/02 or 12/02/2027 is not a working day")
	}
	if c.IsWorkingDay(day(time.September, 3)) || !c.IsWorkingDay(day(time.September, 1)) {
		t.Error("National Day 2027: want 02/09 + 03/09 off and 01/09 working")
	}
	if c.IsWorkingDay(day(time.May, 3)) {
		t.Error("03/05/2027 (substitute for Saturday 01/05) is a working day")
	}
}

func TestImportTableNeedsSourcesAndNames(t *testing.T) {
	for _, in := range []string{
		`{"year": 2028}`,
		`{"year": 2028, "sources": ["QĐ"], "off": [{"date": "2028-01-02"}]}`,
		`{"year": 2028, "sources": ["QĐ"], "off": [{"date": "2029-01-02", "name": "x"}]}`,
		`{"year": 2028, "sources": ["QĐ"], "holidays": []}`,
	} {
		if _, err := ImportTable(strings.NewReader(in)); !errors.Is(err, ErrTable) {
			t.Errorf("ImportTable(%s) = %v, want ErrTable", in, err)
		}
	}
	if _, err := ImportTable(strings.NewReader(`{"year": 2028, "sources": ["QĐ"], "off": [{"date": "2028-01-03", "name": "Nghỉ bù"}]}`)); err != nil {
		t.Errorf("a good table: %v", err)
	}
}
