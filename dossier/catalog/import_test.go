// Tests of the CSV/XLSX/JSON import of a unit's procedure list, and the 300-procedure speed target.

package catalog

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

const sampleCSV = `code,name,level,field,days,same_day_cutoff,component,role,required,originals,copies,form,fee_name,fee_amount,fee_per,fee_channel,fee_from_page,fee_to_page,fee_cap_per_copy,sources
2.000815.000.00.00.H47,Chứng thực bản sao từ bản chính,"xã, tỉnh",Chứng thực,0,15:00,Bản chính giấy tờ,nop,có,1,0,,Phí chứng thực (trang 1–2),2000,trang,,1,2,200000,S3
2.000815.000.00.00.H47,,,,,,Bản sao cần chứng thực,nop,không,0,1,,Phí chứng thực (từ trang 3),1000,trang,,3,,200000,
1.001193.000.00.00.H47,Thủ tục đăng ký khai sinh,xã,Hộ tịch,0,15:00,Tờ khai đăng ký khai sinh,nop,có,1,0,TKngkkhaisinh.doc,,,,,,,,S1
1.001193.000.00.00.H47,,,,,,Giấy tờ tùy thân,xuat_trinh,có,1,0,,,,,,,,,
`

func TestImportCSV(t *testing.T) {
	c, err := Import("danh-muc.csv", []byte(sampleCSV))
	if err != nil {
		t.Fatal(err)
	}
	if c.Len() != 2 {
		t.Fatalf("%d procedures, want 2", c.Len())
	}
	p, ok := c.Get("2.000815.000.00.00.H47")
	if !ok || p.Level != LevelCommune || len(p.Levels) != 2 || p.Levels[1] != LevelProvince || len(p.Components) != 2 || p.Components[1].Required || p.Components[1].Copies != 1 {
		t.Fatalf("procedure %+v", p)
	}
	if got := Total(Charge(p.Fees, ChannelPost, Quantity{Pages: 3})); got != 5000 {
		t.Errorf("fees of 3 pages = %d, want 5000", got)
	}
	k, _ := c.Get("1.001193.000.00.00.H47")
	if k.Components[0].Form != "TKngkkhaisinh.doc" || k.Components[1].Role != RoleShow || k.SameDayCutoff != "15:00" {
		t.Errorf("khai sinh %+v", k)
	}
	// Round trip through the stored JSON form.
	var buf bytes.Buffer
	if err := c.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := Import("x.json", buf.Bytes())
	if err != nil || back.Len() != 2 {
		t.Fatalf("re-load: %v", err)
	}
	if r := Merge(back, mustDefault(t)); r.Len() != mustDefault(t).Len()+2 {
		t.Errorf("merge has %d", r.Len())
	}
}

func TestImportXLSX(t *testing.T) {
	recs, _ := csv.NewReader(strings.NewReader(sampleCSV)).ReadAll()
	f := excelize.NewFile()
	for r, rec := range recs {
		for c, v := range rec {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			f.SetCellValue("Sheet1", cell, v)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	c, err := Import("Danh muc.XLSX", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := c.Get("2.000815.000.00.00.H47"); !ok || len(p.Components) != 2 || len(p.Fees) != 2 {
		t.Errorf("xlsx import: %+v", p)
	}
}

func TestImportNamesRowAndField(t *testing.T) {
	lines := strings.Split(sampleCSV, "\n")
	cases := []struct{ old, new, proc, field string }{
		{",có,1,0,TKngk", ",có,một,0,TKngk", "row 4 (1.001193.000.00.00.H47)", "originals"},
		{"Hộ tịch,0,15:00", "Hộ tịch,năm,15:00", "row 4 (1.001193.000.00.00.H47)", "days"},
		{",xã,Hộ tịch", ",ấp,Hộ tịch", "row 4 (1.001193.000.00.00.H47)", "level"},
		{"xuat_trinh,có", "mang theo,có", "row 5 (1.001193.000.00.00.H47)", "role"},
		{"1.001193.000.00.00.H47,Thủ tục", "1-001193,Thủ tục", "row 4 (1-001193)", "code"},
		{",Hộ tịch,0,15:00", ",,0,15:00", "row 4 (1.001193.000.00.00.H47)", "field"},
	}
	for _, tc := range cases {
		in := strings.Join(lines, "\n")
		if !strings.Contains(in, tc.old) {
			t.Fatalf("case %q: sample does not contain it", tc.old)
		}
		in = strings.Replace(in, tc.old, tc.new, 1)
		_, err := Import("a.csv", []byte(in))
		var fe *FieldError
		if !errors.As(err, &fe) {
			t.Errorf("%s: err = %v, want *FieldError", tc.field, err)
			continue
		}
		if fe.Procedure != tc.proc || fe.Field != tc.field {
			t.Errorf("%s: error names %q / %q (%v)", tc.field, fe.Procedure, fe.Field, err)
		}
		if vi := fe.Vietnamese(); !strings.Contains(vi, "dòng") || !strings.Contains(vi, tc.field) {
			t.Errorf("Vietnamese sentence %q names no row or field", vi)
		}
	}
	for _, bad := range []struct{ name, in, field string }{
		{"a.csv", "code,name\n1.000001,x\n", "field"},
		{"a.csv", "code,name,level,field,days,component,colour\n", "rows"},
		{"a.csv", "code,name,level,field,days,component,colour\n1.000001,x,3,y,0,z,red\n", "colour"},
		{"a.txt", "x", "file"},
		{"a.xlsx", "not a zip", "xlsx"},
	} {
		_, err := Import(bad.name, []byte(bad.in))
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != bad.field {
			t.Errorf("Import(%q) = %v, want field %q", bad.in, err, bad.field)
		}
	}
}

// bigCSV builds a procedure list of n procedures from the shipped catalog's real rows, each repeated
// under a province's local code suffix (1.001193.000.00.00.H01, …), as a unit's own list would be.
func bigCSV(tb testing.TB, n int) []byte {
	tb.Helper()
	base := mustDefault(tb).All()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"code", "name", "level", "field", "days", "component", "role", "required", "originals", "copies", "fee_name", "fee_amount", "fee_per", "fee_channel"})
	for i := 0; i < n; i++ {
		p := base[i%len(base)]
		code := fmt.Sprintf("%s.000.00.00.H%02d", strings.SplitN(p.Code, ".", 3)[0]+"."+strings.SplitN(p.Code, ".", 3)[1], i/len(base)+1)
		for j, c := range p.Components {
			row := []string{code, "", "", "", "", c.Name, c.Role, strconv.FormatBool(c.Required), strconv.Itoa(c.Originals), strconv.Itoa(c.Copies), "", "", "", ""}
			if j == 0 {
				row[1], row[2], row[3], row[4] = p.Name, strconv.Itoa(p.Level), p.Field, strconv.Itoa(p.Days)
			}
			if j < len(p.Fees) {
				f := p.Fees[j]
				row[10], row[11], row[12], row[13] = f.Name, strconv.FormatInt(f.Amount, 10), f.Per, f.Channel
			}
			if c.Role == RoleNote {
				row[7] = "false"
			}
			w.Write(row)
		}
	}
	w.Flush()
	return buf.Bytes()
}

// The target: importing a 300-procedure list takes under 1 s and a search under 50 ms.
func TestImport300IsFast(t *testing.T) {
	data := bigCSV(t, 300)
	start := time.Now()
	c, err := Import("300.csv", data)
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if c.Len() != 300 {
		t.Fatalf("imported %d procedures, want 300", c.Len())
	}
	if took > time.Second {
		t.Errorf("import of 300 procedures took %v, want < 1 s", took)
	}
	for _, q := range []string{"chứng thực bản sao", "dang ky khai sinh", "2.000815", "đất đai cấp giấy chứng nhận"} {
		start = time.Now()
		c.Search(q)
		if d := time.Since(start); d > 50*time.Millisecond {
			t.Errorf("Search(%q) over 300 took %v, want < 50 ms", q, d)
		}
	}
	if r := c.Search("chứng thực bản sao"); len(r) == 0 {
		t.Error("search found nothing")
	}
}

func BenchmarkImport300(b *testing.B) {
	data := bigCSV(b, 300)
	for b.Loop() {
		if _, err := Import("300.csv", data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSearch300(b *testing.B) {
	c, err := Import("300.csv", bigCSV(b, 300))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		c.Search("chứng thực bản sao")
	}
}

// Issue 12 item 8: at least 60 real commune-level procedures ship, each citing a source of the file's table.
func TestShipsSixtyCommuneProcedures(t *testing.T) {
	c := mustDefault(t)
	n := 0
	for _, p := range c.All() {
		if p.Level != LevelCommune {
			continue
		}
		n++
		if len(p.Sources) == 0 {
			t.Errorf("%s cites no source", p.Code)
		}
		for _, s := range p.Sources {
			id := strings.Fields(s)[0]
			if u, ok := c.Source(id); !ok || u == "" {
				t.Errorf("%s cites %s, not in the sources table", p.Code, id)
			}
		}
	}
	if n < 60 {
		t.Errorf("%d commune-level procedures ship, want at least 60", n)
	}
}
