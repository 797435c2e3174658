// Tests for the procedure catalog: embedded data, strict loading, Vietnamese search.

package catalog

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func mustDefault(t testing.TB) *Catalog {
	t.Helper()
	c, err := Default()
	if err != nil {
		t.Fatalf("Default: %v", err)
	}
	return c
}

func TestDefaultCatalog(t *testing.T) {
	c := mustDefault(t)
	all := c.All()
	if len(all) < 10 {
		t.Fatalf("embedded catalog has %d procedures, want >= 10", len(all))
	}
	for _, code := range []string{"1.001193", "1.000894", "1.000656", "1.004873", "2.000635", "1.001022", "1.004837", "1.004884", "2.000815", "2.000884", "1.001776"} {
		p, ok := c.Get(code)
		if !ok {
			t.Errorf("procedure %s missing", code)
			continue
		}
		if len(p.Sources) == 0 {
			t.Errorf("%s has no sources", code)
		}
		for _, s := range p.Sources {
			if u, ok := c.Source(s); !ok || u == "" {
				t.Errorf("%s cites %q, not in the sources table", code, s)
			}
		}
		if p.Level != LevelCommune {
			t.Errorf("%s level = %d, want commune", code, p.Level)
		}
	}
	ks, _ := c.Get("1.001193")
	if ks.Name != "Thủ tục đăng ký khai sinh" || ks.Field != "Hộ tịch" || ks.Days != 0 || ks.SameDayCutoff != "15:00" {
		t.Errorf("khai sinh = %+v", ks)
	}
	kh, _ := c.Get("1.000894")
	if kh.ExtendedDays != 5 {
		t.Errorf("kết hôn extended days = %d, want 5", kh.ExtendedDays)
	}
	ct, _ := c.Get("2.000815")
	if len(ct.Fees) != 2 || ct.Fees[0].Amount != 2000 || ct.Fees[1].Amount != 1000 {
		t.Errorf("chứng thực bản sao fees = %+v", ct.Fees)
	}
	ck, _ := c.Get("2.000884")
	if ck.Fees[0].Amount != 10000 {
		t.Errorf("chứng thực chữ ký fee = %d", ck.Fees[0].Amount)
	}
	lk, _ := c.Get("1.004884")
	if !lk.Inferred {
		t.Error("đăng ký lại khai sinh should be marked inferred")
	}
	if _, ok := c.Get("9.999999"); ok {
		t.Error("Get of an unknown code succeeded")
	}
	if _, ok := c.Get(" 1.001193 "); !ok {
		t.Error("Get should ignore surrounding spaces")
	}
	// All returns a copy.
	all[0].Name = "changed"
	if c.All()[0].Name == "changed" {
		t.Error("All exposes the catalog's internal slice")
	}
}

func TestScanned(t *testing.T) {
	c := mustDefault(t)
	p, _ := c.Get("1.001193")
	got := p.Scanned()
	var codes []string
	for _, s := range got {
		if s.Role != RoleSubmit {
			t.Errorf("Scanned returned %s with role %s", s.Code, s.Role)
		}
		codes = append(codes, s.Code)
	}
	if strings.Join(codes, ",") != "TP1,TP2,TP3,TP4,TP5" {
		t.Errorf("Scanned codes = %v", codes)
	}
	if len((Procedure{}).Scanned()) != 0 {
		t.Error("empty procedure scanned something")
	}
}

func TestFold(t *testing.T) {
	cases := map[string]string{
		"Đăng ký khai sinh":                  "dang ky khai sinh",
		norm.NFD.String("Đăng ký khai sinh"): "dang ky khai sinh",
		"  KẾT   HÔN\t":                      "ket hon",
		"Chứng thực bản sao":                 "chung thuc ban sao",
		"ĐỒNG ĐỘI đđ":                        "dong doi dd",
		"Nghị định 120/2025/NĐ-CP":           "nghi dinh 120/2025/nd-cp",
		"":                                   "",
		"ưỡng ợ ữ":                           "uong o u",
		"abc\u00a0def":                       "abc def",
	}
	for in, want := range cases {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSearch(t *testing.T) {
	c := mustDefault(t)
	first := func(q string) string {
		r := c.Search(q)
		if len(r) == 0 {
			return ""
		}
		return r[0].Code
	}
	cases := []struct{ q, want string }{
		{"khai sinh", "1.001193"},
		{"Khai Sinh", "1.001193"},
		{norm.NFD.String("khai sinh"), "1.001193"},
		{"Đăng ký khai sinh", "1.001193"},
		{norm.NFD.String("Đăng ký khai sinh"), "1.001193"},
		{"dang ky khai sinh", "1.001193"},
		{"đang ky khai sinh", "1.001193"},
		{"kết hôn", "1.000894"},
		{"ket hon", "1.000894"},
		{"tình trạng hôn nhân", "1.004873"},
		{"khai tu", "1.000656"},
		{"lai khai sinh", "1.004884"},
		{"2.000815", "2.000815"},
		{"1.001193", "1.001193"},
		{"chu ky", "2.000884"},
		{"tro cap xa hoi", "1.001776"},
		{"giam ho", "1.004837"},
		{"trich luc", "2.000635"},
		{"nhận cha mẹ con", "1.001022"},
		{"tam tru", "1.004194"},
	}
	for _, tc := range cases {
		if got := first(tc.q); got != tc.want {
			t.Errorf("Search(%q) first = %q, want %q", tc.q, got, tc.want)
		}
	}
	if r := c.Search("chung thuc"); len(r) != 2 {
		t.Errorf("Search(chung thuc) = %d results, want 2", len(r))
	}
	if r := c.Search("2.000"); len(r) != 7 {
		t.Errorf("Search(2.000) = %d results, want 7 (2.000286, 2.000424, 2.000513, 2.000528, 2.000635, 2.000815, 2.000884)", len(r))
	}
	// Multi-word: every word must occur.
	if r := c.Search("khai sinh kết hôn"); len(r) != 0 {
		t.Errorf("Search with words from two names matched %d", len(r))
	}
	for _, q := range []string{"", "   ", "xyzzy", "\x00\xff"} {
		if r := c.Search(q); len(r) != 0 {
			t.Errorf("Search(%q) = %d results, want 0", q, len(r))
		}
	}
	// Every khai sinh procedure matches "khai sinh"; the plain one ranks first.
	r := c.Search("khai sinh")
	if len(r) < 6 || r[0].Code != "1.001193" || !strings.Contains(strings.Join(codes(r), " "), "1.004884") {
		t.Errorf("Search(khai sinh) order = %v", codes(r))
	}
}

func codes(ps []Procedure) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Code)
	}
	return out
}

const goodProc = `{"code":"1.000001","name":"Thủ tục thử","field":"Hộ tịch","level":3,"days":0,
 "components":[{"code":"TP1","name":"Tờ khai","role":"nop","required":true,"originals":1,"copies":0}]}`

func TestLoadGood(t *testing.T) {
	c, err := Load(strings.NewReader(`{"version":1,"procedures":[` + goodProc + `]}`))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if p, ok := c.Get("1.000001"); !ok || p.Components[0].Originals != 1 {
		t.Errorf("loaded %+v", p)
	}
}

func TestLoadStrict(t *testing.T) {
	replace := func(old, new string) string {
		return `{"version":1,"procedures":[` + strings.Replace(goodProc, old, new, 1) + `]}`
	}
	cases := []struct {
		name, in, proc, field string
	}{
		{"unknown procedure field", replace(`"days":0`, `"days":0,"dayz":3`), "1.000001", "dayz"},
		{"unknown component field", replace(`"copies":0`, `"copies":0,"colour":"red"`), "1.000001", "colour"},
		{"unknown top field", `{"version":1,"extra":1,"procedures":[` + goodProc + `]}`, "", "extra"},
		{"missing name", replace(`"name":"Thủ tục thử",`, ``), "1.000001", "name"},
		{"missing code", replace(`"code":"1.000001",`, ``), "#1", "code"},
		{"missing days", replace(`"days":0,`, ``), "1.000001", "days"},
		{"missing components", replace(`,
 "components":[{"code":"TP1","name":"Tờ khai","role":"nop","required":true,"originals":1,"copies":0}]`, ``), "1.000001", "components"},
		{"empty components", replace(`"components":[{"code":"TP1","name":"Tờ khai","role":"nop","required":true,"originals":1,"copies":0}]`, `"components":[]`), "1.000001", "components"},
		{"missing component role", replace(`"role":"nop",`, ``), "1.000001", "components[0].role"},
		{"bad role", replace(`"role":"nop"`, `"role":"submit"`), "1.000001", "components[0].role"},
		{"bad code", replace(`"1.000001"`, `"1-000001"`), "1-000001", "code"},
		{"bad level", replace(`"level":3`, `"level":7`), "1.000001", "level"},
		{"negative days", replace(`"days":0`, `"days":-1`), "1.000001", "days"},
		{"bad cutoff", replace(`"days":0`, `"days":0,"same_day_cutoff":"3pm"`), "1.000001", "same_day_cutoff"},
		{"wrong type", replace(`"days":0`, `"days":"zero"`), "1.000001", "days"},
		{"negative fee", replace(`"days":0`, `"days":0,"fees":[{"name":"x","amount":-5}]`), "1.000001", "fees[0].amount"},
		{"bad channel", replace(`"days":0`, `"days":0,"fees":[{"name":"x","amount":5,"channel":"fax"}]`), "1.000001", "fees[0].channel"},
		{"duplicate", `{"version":1,"procedures":[` + goodProc + `,` + goodProc + `]}`, "1.000001", "code"},
		{"wrong version", `{"version":2,"procedures":[` + goodProc + `]}`, "", "version"},
		{"no procedures", `{"version":1}`, "", "procedures"},
		{"unknown source", `{"version":1,"sources":{"S1":"http://x"},"procedures":[` + strings.Replace(goodProc, `"days":0`, `"days":0,"sources":["S9"]`, 1) + `]}`, "1.000001", "sources[0]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(strings.NewReader(tc.in))
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want *FieldError", err)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Error("error does not wrap ErrInvalid")
			}
			if fe.Procedure != tc.proc || fe.Field != tc.field {
				t.Errorf("error names procedure %q field %q, want %q %q (%v)", fe.Procedure, fe.Field, tc.proc, tc.field, err)
			}
			if tc.proc != "" && !strings.Contains(err.Error(), tc.proc) {
				t.Errorf("message %q does not name the procedure", err)
			}
		})
	}
}

func TestLoadCorrupt(t *testing.T) {
	full := `{"version":1,"procedures":[` + goodProc + `]}`
	for _, in := range []string{"", "null", "[]", "{", full[:len(full)/2], "\xff\xfe garbage", `{"version":1,"procedures":[42]}`} {
		if _, err := Load(strings.NewReader(in)); err == nil {
			t.Errorf("Load(%q) succeeded", in)
		}
	}
	if _, err := Load(strings.NewReader(full[:40])); !errors.Is(err, ErrSyntax) {
		t.Errorf("truncated file: err = %v, want ErrSyntax", err)
	}
}

func FuzzLoad(f *testing.F) {
	f.Add(`{"version":1,"procedures":[` + goodProc + `]}`)
	f.Add(`{"version":1,"procedures":[{}]}`)
	f.Fuzz(func(t *testing.T, in string) {
		c, err := Load(strings.NewReader(in))
		if err == nil {
			for _, p := range c.All() {
				if p.Code == "" || len(p.Components) == 0 {
					t.Fatalf("accepted invalid procedure %+v", p)
				}
				c.Search(p.Name)
			}
		}
	})
}

func BenchmarkSearch(b *testing.B) {
	c := mustDefault(b)
	for b.Loop() {
		c.Search("đăng ký khai sinh")
	}
}
