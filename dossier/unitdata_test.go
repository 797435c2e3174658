// Tests of the unit's own data at the desk: dossier codes per Circular 01/2018, fees per unit and
// channel with quantities, the unit's procedure list and holiday tables kept in the data folder.

package dossier_test

import (
	"strings"
	"testing"
	"time"

	"sohoa/dossier"
	"sohoa/dossier/applicant"
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
