// The XLSX workbook: a summary sheet (header, bands, figures), one sheet per breakdown, the problem list and the thresholds.

package report

import (
	"fmt"
	"io"
	"math"

	"github.com/xuri/excelize/v2"

	"sohoa/assets/bands"
	"sohoa/dossier/figures"
)

// Sheet names of the workbook.
const (
	SheetSummary    = "Tổng hợp"
	SheetDays       = "Theo ngày"
	SheetWeeks      = "Theo tuần"
	SheetMonths     = "Theo tháng"
	SheetQuarters   = "Theo quý cao điểm"
	SheetOfficers   = "Theo cán bộ"
	SheetProcedures = "Theo thủ tục"
	SheetProblems   = "Hồ sơ lỗi, quá hạn"
	SheetBands      = "Ngưỡng màu"
)

// xlsx wraps the workbook with its styles; the first error sticks and later calls do nothing.
type xlsx struct {
	f                         *excelize.File
	err                       error
	bold, title, head, number *int
	rate                      *int
	band                      map[bands.Band]int
}

func (x *xlsx) style(s *excelize.Style) *int {
	if x.err != nil {
		return new(int)
	}
	id, err := x.f.NewStyle(s)
	x.err = err
	return &id
}

func (x *xlsx) set(sheet string, col, row int, v any, style *int) {
	if x.err != nil {
		return
	}
	cell, err := excelize.CoordinatesToCellName(col, row)
	if err == nil {
		if f, ok := v.(float64); ok && math.IsNaN(f) {
			v = "chưa có dữ liệu"
		}
		err = x.f.SetCellValue(sheet, cell, v)
	}
	if err == nil && style != nil {
		err = x.f.SetCellStyle(sheet, cell, cell, *style)
	}
	x.err = err
}

func (x *xlsx) widths(sheet string, w ...float64) {
	for i, v := range w {
		if x.err != nil {
			return
		}
		col, _ := excelize.ColumnNumberToName(i + 1)
		x.err = x.f.SetColWidth(sheet, col, col, v)
	}
}

func (x *xlsx) sheet(name string) {
	if x.err == nil {
		_, x.err = x.f.NewSheet(name)
	}
}

// WriteXLSX writes the report as an XLSX workbook.
func (r *Report) WriteXLSX(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	x := &xlsx{f: f, band: map[bands.Band]int{}}
	x.err = f.SetSheetName("Sheet1", SheetSummary)
	border := []excelize.Border{{Type: "left", Color: "999999", Style: 1}, {Type: "right", Color: "999999", Style: 1},
		{Type: "top", Color: "999999", Style: 1}, {Type: "bottom", Color: "999999", Style: 1}}
	x.bold = x.style(&excelize.Style{Font: &excelize.Font{Bold: true}})
	x.title = x.style(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	x.head = x.style(&excelize.Style{Font: &excelize.Font{Bold: true}, Border: border, Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE4EE"}}})
	x.number = x.style(&excelize.Style{Border: border})
	one := "0.0"
	x.rate = x.style(&excelize.Style{Border: border, CustomNumFmt: &one})
	for _, b := range []bands.Band{bands.Green, bands.Yellow, bands.Orange, bands.Red, bands.None} {
		cr, cg, cb := b.RGB()
		x.band[b] = *x.style(&excelize.Style{Font: &excelize.Font{Bold: true}, Border: border,
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{fmt.Sprintf("%02X%02X%02X", cr, cg, cb)}}})
	}

	r.xlsxSummary(x)
	if r.Figures.Days != nil {
		r.xlsxRows(x, SheetDays, "Ngày", r.Figures.Days)
	}
	r.xlsxRows(x, SheetWeeks, "Tuần", r.Figures.Weeks)
	r.xlsxRows(x, SheetMonths, "Tháng", r.Figures.Months)
	r.xlsxRows(x, SheetQuarters, "Quý", r.Figures.Quarters)
	r.xlsxRows(x, SheetOfficers, "Cán bộ", r.Figures.Officers)
	r.xlsxRows(x, SheetProcedures, "Thủ tục", r.Figures.Procedures)
	r.xlsxProblems(x)
	r.xlsxBands(x)
	if x.err == nil {
		x.err = f.SetDocProps(&excelize.DocProperties{Title: r.Title, Creator: "sohoa", Subject: r.Unit.Name,
			Created: r.Figures.Now.UTC().Format("2006-01-02T15:04:05Z"), Language: "vi-VN"})
	}
	if x.err != nil {
		return fmt.Errorf("report: build workbook: %w", x.err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("report: write workbook: %w", err)
	}
	return nil
}

// xlsxSummary fills the first sheet: header, the rates with their bands, the figures.
func (r *Report) xlsxSummary(x *xlsx) {
	s := SheetSummary
	unit, period, asOf := r.headerLines()
	x.widths(s, 52, 18, 14, 22)
	row := 1
	x.set(s, 1, row, unit, x.bold)
	x.set(s, 3, row, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", x.bold)
	row++
	x.set(s, 1, row, "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ", x.bold)
	x.set(s, 3, row, "Độc lập - Tự do - Hạnh phúc", x.bold)
	row += 2
	x.set(s, 1, row, r.Title, x.title)
	row++
	x.set(s, 1, row, period, nil)
	row++
	x.set(s, 1, row, asOf, nil)
	if r.Figures.Training {
		row++
		red := x.band[bands.Red]
		x.set(s, 1, row, trainingLine, &red)
	}
	row += 2
	x.set(s, 1, row, "Tỷ lệ", x.head)
	x.set(s, 2, row, "Giá trị (%)", x.head)
	x.set(s, 3, row, "Mức", x.head)
	x.set(s, 4, row, "Ngưỡng xanh / vàng / cam", x.head)
	for _, l := range r.rates() {
		row++
		x.set(s, 1, row, l.Name, x.number)
		x.set(s, 2, row, l.Value, x.rate)
		band := x.band[l.Band]
		x.set(s, 3, row, l.Band.Label(), &band)
		x.set(s, 4, row, thresholds(l.Threshold), x.number)
	}
	row += 2
	x.set(s, 1, row, "Chỉ tiêu", x.head)
	x.set(s, 2, row, "Số liệu", x.head)
	x.set(s, 3, row, "Đơn vị", x.head)
	for _, m := range metrics {
		row++
		x.set(s, 1, row, m.Label, x.number)
		x.set(s, 2, row, m.Value(r.Figures.Total), x.number)
		x.set(s, 3, row, m.Unit, x.number)
	}
	row += 2
	x.set(s, 1, row, fmt.Sprintf("Hồ sơ gửi lỗi hoặc quá hạn: %d (xem trang \"%s\")", r.Figures.ProblemsTotal, SheetProblems), x.bold)
}

// xlsxRows writes one breakdown sheet.
func (r *Report) xlsxRows(x *xlsx, sheet, first string, rows []figures.Row) {
	x.sheet(sheet)
	widths := []float64{40}
	x.set(sheet, 1, 1, first, x.head)
	for i, m := range shortMetrics {
		x.set(sheet, i+2, 1, m.Head, x.head)
		widths = append(widths, 11)
	}
	x.widths(sheet, widths...)
	for i, row := range rows {
		x.set(sheet, 1, i+2, row.Label, x.number)
		for j, m := range shortMetrics {
			x.set(sheet, j+2, i+2, m.Value(row.Counts), x.number)
		}
	}
	n := len(rows) + 2
	x.set(sheet, 1, n, "Tổng cộng", x.head)
	for j, m := range shortMetrics {
		x.set(sheet, j+2, n, m.Value(r.Figures.Total), x.head)
	}
}

// xlsxProblems lists the failed or overdue dossiers.
func (r *Report) xlsxProblems(x *xlsx) {
	s := SheetProblems
	x.sheet(s)
	x.widths(s, 30, 12, 30, 22, 17, 17, 17, 16, 26, 40)
	for i, h := range []string{"Mã hồ sơ", "Mã thủ tục", "Tên thủ tục", "Cán bộ tiếp nhận", "Tiếp nhận", "Hẹn trả", "Trả kết quả", "Trạng thái tại quầy", "Tình trạng", "Lỗi gửi"} {
		x.set(s, i+1, 1, h, x.head)
	}
	for i, p := range r.Figures.Problems {
		row := i + 2
		state := stateText(p.State)
		if st := statusText(p.PortalStatus); st != "" {
			state += " — " + st
		}
		for j, v := range []string{p.ID, p.ProcedureCode, p.ProcedureName, p.Officer, dateTime(p.CreatedAt), dateTime(p.AppointmentAt),
			dateTime(p.ResultAt), state, problemText(p), p.LastError} {
			x.set(s, j+1, row, v, x.number)
		}
	}
	if more := r.Figures.ProblemsTotal - len(r.Figures.Problems); more > 0 {
		x.set(s, 1, len(r.Figures.Problems)+2, fmt.Sprintf("… và %d hồ sơ khác (xem hàng đợi trên máy)", more), x.bold)
	}
}

// xlsxBands lists the thresholds and where they come from.
func (r *Report) xlsxBands(x *xlsx) {
	s := SheetBands
	x.sheet(s)
	x.widths(s, 36, 10, 10, 10, 70)
	for i, h := range []string{"Tỷ lệ", "Xanh ≥", "Vàng ≥", "Cam ≥", "Nguồn"} {
		x.set(s, i+1, 1, h, x.head)
	}
	for i, k := range r.Bands.Rates() {
		th, _ := r.Bands.Threshold(k)
		x.set(s, 1, i+2, th.Name, x.number)
		x.set(s, 2, i+2, th.Green, x.number)
		x.set(s, 3, i+2, th.Yellow, x.number)
		x.set(s, 4, i+2, th.Orange, x.number)
		x.set(s, 5, i+2, th.Source, x.number)
	}
	row := len(r.Bands.Rates()) + 3
	for _, n := range r.Bands.Notes {
		x.set(s, 1, row, n, nil)
		row++
	}
}
