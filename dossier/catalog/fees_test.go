// Tests of the fee arithmetic and of a unit's fee file.

package catalog

import (
	"errors"
	"strings"
	"testing"
)

// Finding 7: the per-page fee of a certified copy was charged once. Circular 226/2016:
// 2,000 đ/page for pages 1–2, 1,000 đ/page from page 3, at most 200,000 đ per copy.
func TestChargeCertifiedCopyPerPage(t *testing.T) {
	p, ok := mustDefault(t).Get("2.000815")
	if !ok {
		t.Fatal("2.000815 missing")
	}
	cases := []struct {
		pages, copies int
		want          int64
	}{
		{1, 1, 2000}, {2, 1, 4000}, {3, 1, 5000}, {3, 2, 10000}, {10, 1, 12000},
		{300, 1, 200000}, // 4,000 + 298,000 capped at 200,000 per copy
		{300, 3, 600000},
		{0, 1, 0},
	}
	for _, c := range cases {
		rows := Charge(p.Fees, ChannelPost, Quantity{Pages: c.pages, Copies: c.copies})
		if got := Total(rows); got != c.want {
			t.Errorf("%d pages × %d copies = %d đ, want %d (%+v)", c.pages, c.copies, got, c.want, rows)
		}
	}
	rows := Charge(p.Fees, ChannelPost, Quantity{Pages: 3, Copies: 1})
	if len(rows) != 2 || rows[0].Quantity != 2 || rows[0].Rate != 2000 || rows[1].Quantity != 1 || rows[1].Amount != 1000 {
		t.Errorf("rows = %+v", rows)
	}
}

func TestChargeChannelAndCopies(t *testing.T) {
	fees := []Fee{
		{Name: "trực tiếp", Amount: 15000, Channel: ChannelInPerson},
		{Name: "trực tuyến", Amount: 7000, Channel: ChannelOnline},
		{Name: "bản sao", Amount: 8000, Per: PerCopy},
	}
	if got := Total(Charge(fees, ChannelOnline, Quantity{Copies: 3})); got != 7000+24000 {
		t.Errorf("online, 3 copies = %d", got)
	}
	if got := Total(Charge(fees, ChannelInPerson, Quantity{})); got != 15000+8000 {
		t.Errorf("in person, 1 copy = %d", got)
	}
}

func TestUnitFeesOverrideByChannel(t *testing.T) {
	c := mustDefault(t)
	csvIn := "procedure,name,amount,channel,per\n2.000884,Phí chứng thực chữ ký (trực tuyến),0,truc_tuyen,\n2.000884,Phí chứng thực chữ ký,12.000,truc_tiep,\n"
	tab, err := LoadFees(strings.NewReader(csvIn))
	if err != nil {
		t.Fatal(err)
	}
	u := c.WithFees(tab)
	p, _ := u.Get("2.000884")
	if got := Total(Charge(p.Fees, ChannelOnline, Quantity{})); got != 10000 {
		// the catalog's row for every channel ("") stays; the unit added a free online row
		t.Errorf("online = %d, want 10000 (catalog row for all channels + unit's 0 row)", got)
	}
	if got := Total(Charge(p.Fees, ChannelInPerson, Quantity{})); got != 22000 {
		t.Errorf("in person = %d, want 22000", got)
	}
	// Overriding the "" channel replaces the catalog's row.
	tab, err = LoadFees(strings.NewReader(`{"fees":[{"procedure":"2.000884","name":"Phí chứng thực chữ ký","amount":15000}]}`))
	if err != nil {
		t.Fatal(err)
	}
	p, _ = c.WithFees(tab).Get("2.000884")
	if got := Total(Charge(p.Fees, ChannelPost, Quantity{})); got != 15000 {
		t.Errorf("after override = %d, want 15000", got)
	}
	if orig, _ := c.Get("2.000884"); Total(Charge(orig.Fees, ChannelPost, Quantity{})) != 10000 {
		t.Error("WithFees changed the original catalog")
	}
	for _, bad := range []string{
		"procedure,name,amount\n2.000884,x,mười nghìn\n",
		"procedure,name,amount\nabc,x,1000\n",
		"procedure,name,amount,per\n2.000884,x,1000,tờ\n",
		"name,amount\nx,1\n",
	} {
		_, err := LoadFees(strings.NewReader(bad))
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field == "" {
			t.Errorf("LoadFees(%q) = %v, want a *FieldError naming the field", bad, err)
		}
	}
}
