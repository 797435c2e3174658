// The reports of the known history: the XLSX read back by excelize and by gnumeric's ssconvert,
// the PDF rendered by pdftoppm and its Vietnamese text extracted by pdftotext.

package report

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"sohoa/assets/bands"
	"sohoa/dossier/figures"
	ft "sohoa/dossier/figures/figurestest"
)

var unit = Unit{Code: "000.00.00.H47", Name: "UBND xã Hòa Tiến"}

var reportNow = ft.VN(2026, 12, 10, 12, 0)

func weekly(t *testing.T, training bool) *Report {
	t.Helper()
	db := ft.Open(t)
	r, err := Build(context.Background(), db, unit, WeeklySpec(2026, 49), nil, figures.Options{Now: reportNow, Training: training})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestSpecs(t *testing.T) {
	s := WeeklySpec(2026, 49)
	if s.Title != "BÁO CÁO SỐ LIỆU TUẦN 49/2026" || !s.From.Equal(ft.VN(2026, 11, 30, 0, 0)) || !s.To.Equal(ft.VN(2026, 12, 7, 0, 0)) {
		t.Errorf("weekly %+v", s)
	}
	p := PeakSpec(2026, 4, false)
	if !p.From.Equal(ft.VN(2026, 10, 1, 0, 0)) || !p.To.Equal(ft.VN(2027, 1, 1, 0, 0)) || p.Title != "BÁO CÁO SỐ LIỆU THÁNG CAO ĐIỂM 12/2026 (QUÝ IV)" {
		t.Errorf("peak %+v", p)
	}
	m := PeakSpec(2026, 1, true)
	if !m.From.Equal(ft.VN(2026, 3, 1, 0, 0)) || !m.To.Equal(ft.VN(2026, 4, 1, 0, 0)) || m.Title != "BÁO CÁO SỐ LIỆU THÁNG CAO ĐIỂM 3/2026" {
		t.Errorf("peak month %+v", m)
	}
	// --to is inclusive: the whole last day belongs to the period.
	d := PeriodSpec(ft.VN(2026, 11, 1, 15, 0), ft.VN(2026, 11, 30, 0, 0))
	if !d.From.Equal(ft.VN(2026, 11, 1, 0, 0)) || !d.To.Equal(ft.VN(2026, 12, 1, 0, 0)) || d.Title != "BÁO CÁO SỐ LIỆU 01/11/2026 – 30/11/2026" {
		t.Errorf("period %+v", d)
	}
}

func TestXLSX(t *testing.T) {
	r := weekly(t, false)
	path := filepath.Join(t.TempDir(), "tuan-49.xlsx")
	if err := r.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	wantSheets := []string{SheetSummary, SheetDays, SheetWeeks, SheetMonths, SheetQuarters, SheetOfficers, SheetProcedures, SheetProblems, SheetBands}
	if got := f.GetSheetList(); strings.Join(got, "|") != strings.Join(wantSheets, "|") {
		t.Errorf("sheets %v", got)
	}
	rows, err := f.GetRows(SheetSummary)
	if err != nil {
		t.Fatal(err)
	}
	find := func(label string) []string {
		for _, row := range rows {
			if len(row) > 0 && row[0] == label {
				return row
			}
		}
		t.Fatalf("no row %q in %v", label, rows)
		return nil
	}
	if rows[0][0] != "UBND XÃ HÒA TIẾN" || rows[3][0] != "BÁO CÁO SỐ LIỆU TUẦN 49/2026" || rows[4][0] != "Kỳ báo cáo: 30/11/2026 – 06/12/2026" {
		t.Errorf("header %q", rows[:5])
	}
	for label, want := range map[string]string{
		"Hồ sơ tiếp nhận tại quầy": "9", "Trang được số hóa": "18", "Thành phần hồ sơ được số hóa": "11",
		"Hồ sơ đã nộp trực tuyến qua tài khoản công dân": "5", "Trong đó: tài khoản xác thực VNeID": "3", "Gửi lỗi": "1",
		"Bị từ chối": "1", "Yêu cầu bổ sung": "1", "Quá hạn": "4", "Trả kết quả đúng hạn": "2",
		"Thời gian trung bình từ tiếp nhận đến khi nộp": "42", "Thời gian (phân vị 90) từ tiếp nhận đến khi nộp": "90",
	} {
		if got := find(label); got[1] != want {
			t.Errorf("%s = %q, want %s", label, got[1], want)
		}
	}
	for name, want := range map[string][2]string{
		"Tỷ lệ hồ sơ nộp trực tuyến": {"55.6", "Xanh"}, "Tỷ lệ số hóa hồ sơ": {"88.9", "Xanh"},
		"Tỷ lệ giải quyết đúng hạn": {"33.3", "Đỏ"}, "Tỷ lệ xác thực bằng VNeID": {"60.0", "Xanh"},
		"Tỷ lệ thanh toán trực tuyến": {"chưa có dữ liệu", "—"},
	} {
		if got := find(name); got[1] != want[0] || got[2] != want[1] {
			t.Errorf("%s = %q, want %v", name, got[1:3], want)
		}
	}
	// The band cell is filled with the band's colour.
	cell := "C" + rowOf(t, rows, "Tỷ lệ giải quyết đúng hạn")
	styleID, err := f.GetCellStyle(SheetSummary, cell)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(styleID)
	if err != nil || len(st.Fill.Color) != 1 || !strings.EqualFold(st.Fill.Color[0], "F8696B") {
		t.Errorf("red band fill %+v %v", st.Fill, err)
	}
	days, _ := f.GetRows(SheetDays)
	if len(days) != 9 || days[1][0] != "Thứ Hai 30/11/2026" || days[1][1] != "2" || days[8][0] != "Tổng cộng" || days[8][1] != "9" {
		t.Errorf("days sheet %q", days)
	}
	problems, _ := f.GetRows(SheetProblems)
	if len(problems) != 5 || problems[1][0] != "D03" || problems[2][0] != "D04" || problems[2][8] != "Gửi lỗi; quá hạn 7 ngày 19 giờ" || problems[2][9] != "portal: HTTP 422 tệp không hợp lệ" {
		t.Errorf("problems sheet %q", problems)
	}
	officers, _ := f.GetRows(SheetOfficers)
	if len(officers) != 5 || officers[1][0] != ft.Nam || officers[1][1] != "3" {
		t.Errorf("officers %q", officers)
	}
}

func rowOf(t *testing.T, rows [][]string, label string) string {
	for i, row := range rows {
		if len(row) > 0 && row[0] == label {
			return strconv.Itoa(i + 1)
		}
	}
	t.Fatalf("no row %q", label)
	return ""
}

// TestXLSXSecondReader converts the workbook with gnumeric's ssconvert and checks the values.
func TestXLSXSecondReader(t *testing.T) {
	r := weekly(t, false)
	dir := t.TempDir()
	path := filepath.Join(dir, "tuan-49.xlsx")
	if err := r.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "sheet-%n.csv")
	cmd := exec.Command("ssconvert", "-S", path, out)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ssconvert: %v\n%s", err, b)
	}
	read := func(n string) [][]string {
		fh, err := os.Open(filepath.Join(dir, "sheet-"+n+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		defer fh.Close()
		cr := csv.NewReader(fh)
		cr.FieldsPerRecord = -1
		recs, err := cr.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return recs
	}
	summary := read("0")
	got := map[string][]string{}
	for _, rec := range summary {
		if len(rec) > 1 && rec[0] != "" {
			got[rec[0]] = rec[1:]
		}
	}
	if v := got["Hồ sơ tiếp nhận tại quầy"]; len(v) == 0 || v[0] != "9" {
		t.Errorf("ssconvert received %q", v)
	}
	if v := got["Tỷ lệ hồ sơ nộp trực tuyến"]; len(v) < 2 || !near(v[0], 500.0/9) || v[1] != "Xanh" {
		t.Errorf("ssconvert online rate %q", v)
	}
	if v := got["Tỷ lệ giải quyết đúng hạn"]; len(v) < 2 || !near(v[0], 200.0/6) || v[1] != "Đỏ" {
		t.Errorf("ssconvert on-time rate %q", v)
	}
	if v := got["Quá hạn"]; len(v) == 0 || v[0] != "4" {
		t.Errorf("ssconvert overdue %q", v)
	}
	if summary[0][0] != "UBND XÃ HÒA TIẾN" {
		t.Errorf("ssconvert header %q", summary[0])
	}
	problems := read("7")
	if len(problems) != 5 || problems[4][0] != "D06" {
		t.Errorf("ssconvert problems %q", problems)
	}
}

// near reports whether the decimal text s is within 1e-9 of v.
func near(s string, v float64) bool {
	f, err := strconv.ParseFloat(s, 64)
	return err == nil && math.Abs(f-v) < 1e-9
}

func TestPDF(t *testing.T) {
	r := weekly(t, false)
	dir := t.TempDir()
	path := filepath.Join(dir, "tuan-49.pdf")
	if err := r.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command("pdftoppm", "-r", "40", "-png", path, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, b)
	}
	pngs, _ := filepath.Glob(filepath.Join(dir, "page-*.png"))
	if len(pngs) < 1 {
		t.Fatal("pdftoppm rendered no page")
	}
	if fi, err := os.Stat(pngs[0]); err != nil || fi.Size() < 5000 {
		t.Errorf("first page image too small: %v", err)
	}
	txt, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := string(txt)
	for _, want := range []string{
		"UBND XÃ HÒA TIẾN", "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
		"BÁO CÁO SỐ LIỆU TUẦN 49/2026", "Kỳ báo cáo: 30/11/2026 – 06/12/2026",
		"Tỷ lệ hồ sơ nộp trực tuyến", "55,5 %", "88,8 %", "33,3 %", "chưa có dữ liệu",
		"Hồ sơ tiếp nhận tại quầy", "Thứ Hai 30/11/2026", "Nguyễn Thị Lan", "Trần Văn Minh", "Lê Hoàng Nam",
		"HỒ SƠ GỬI LỖI HOẶC QUÁ HẠN (4)", "Quá hạn 8 ngày 19 giờ", "Gửi lỗi; quá hạn 7 ngày 19 giờ", "Quá hạn 17 giờ 30 phút",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	if strings.Contains(text, "ĐÀO TẠO") {
		t.Error("a real report is marked training")
	}
	lines := strings.Split(text, "\n")
	for _, l := range lines {
		if strings.Contains(l, "Tỷ lệ giải quyết đúng hạn") && !strings.Contains(l, "Đỏ") {
			t.Errorf("on-time line without its red band: %q", l)
		}
		if strings.HasPrefix(strings.TrimSpace(l), "Hồ sơ tiếp nhận tại quầy") && !strings.Contains(l, " 9 ") {
			t.Errorf("received line %q", l)
		}
	}
}

func TestTrainingReport(t *testing.T) {
	r := weekly(t, true)
	path := filepath.Join(t.TempDir(), "dao-tao.pdf")
	if err := r.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	txt, err := exec.Command("pdftotext", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(txt), "ĐÀO TẠO — TRAINING") {
		t.Error("training report not marked")
	}
}

func TestPeakAndManyProblems(t *testing.T) {
	db := ft.Open(t)
	var specs []ft.Spec
	for i := 0; i < MaxPDFProblems+20; i++ {
		created := ft.VN(2026, 10, 1, 8, 0).Add(time.Duration(i) * time.Hour)
		specs = append(specs, ft.Spec{ID: fmt.Sprintf("X%03d", i), Officer: ft.Lan, Proc: ft.KhaiSinh, Created: created, State: "draft",
			Appointment: created.Add(8 * time.Hour)})
	}
	ft.Build(t, db, specs)
	r, err := Build(context.Background(), db, unit, PeakSpec(2026, 4, false), nil, figures.Options{Now: reportNow})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := r.WriteFile(filepath.Join(dir, "quy4.pdf")); err != nil {
		t.Fatal(err)
	}
	txt, err := exec.Command("pdftotext", filepath.Join(dir, "quy4.pdf"), "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := string(txt)
	if !strings.Contains(text, "THÁNG CAO ĐIỂM 12/2026") || !strings.Contains(text, "Tháng 12/2026 (cao điểm)") || !strings.Contains(text, fmt.Sprintf("… và %d hồ sơ khác", r.Figures.ProblemsTotal-MaxPDFProblems)) {
		t.Errorf("peak report text:\n%s", text[:min(len(text), 3000)])
	}
	if err := r.WriteFile(filepath.Join(dir, "quy4.xlsx")); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(filepath.Join(dir, "quy4.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	problems, _ := f.GetRows(SheetProblems)
	if len(problems) != 1+r.Figures.ProblemsTotal {
		t.Errorf("workbook lists %d problems of %d", len(problems)-1, r.Figures.ProblemsTotal)
	}
}

func TestBadOutput(t *testing.T) {
	r := &Report{Spec: WeeklySpec(2026, 49), Unit: unit}
	b, _ := bands.Load()
	r.Bands = b
	dir := t.TempDir()
	if err := r.WriteFile(filepath.Join(dir, "tuan.csv")); !errors.Is(err, ErrFormat) {
		t.Errorf(".csv: %v", err)
	}
	if err := r.WriteFile(filepath.Join(dir, "no-such-dir", "tuan.pdf")); err == nil {
		t.Error("writing into a missing folder succeeded")
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("left behind: %v", left)
	}
}
