// The PDF report: A4 landscape, DejaVu for the Vietnamese text, band colours as cell fills.

package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/go-pdf/fpdf"

	"sohoa/assets"
	"sohoa/assets/bands"
	"sohoa/dossier/figures"
)

// MaxPDFProblems bounds the problem list printed in the PDF; the workbook lists them all.
const MaxPDFProblems = 300

const font = "DejaVu"

// WritePDF writes the report as a PDF.
func (r *Report) WritePDF(w io.Writer) error {
	pdf := fpdf.New("L", "mm", "A4", "")
	pdf.SetMargins(12, 12, 12)
	pdf.SetAutoPageBreak(true, 12)
	pdf.AddUTF8FontFromBytes(font, "", assets.Font(false))
	pdf.AddUTF8FontFromBytes(font, "B", assets.Font(true))
	pdf.SetTitle(r.Title, true)
	pdf.SetSubject(r.Unit.Name, true)
	pdf.SetCreator("sohoa", true)
	pdf.SetCreationDate(r.Figures.Now)
	pdf.SetModificationDate(r.Figures.Now)
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-10)
		pdf.SetFont(font, "", 8)
		pdf.CellFormat(0, 4, fmt.Sprintf("%s — trang %d/{nb}", r.Title, pdf.PageNo()), "", 0, "C", false, 0, "")
	})
	pdf.AddPage()
	r.pdfHeader(pdf)
	r.pdfRates(pdf)
	r.pdfMetrics(pdf)
	label, rows := r.timeRows()
	r.pdfTable(pdf, "III", label, rows)
	r.pdfTable(pdf, "IV", "Theo cán bộ", r.Figures.Officers)
	r.pdfTable(pdf, "V", "Theo thủ tục", r.Figures.Procedures)
	r.pdfProblems(pdf)
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("report: build PDF: %w", err)
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("report: write PDF: %w", err)
	}
	return nil
}

func (r *Report) pdfHeader(pdf *fpdf.Fpdf) {
	unit, period, asOf := r.headerLines()
	half := 136.0
	y := pdf.GetY()
	pdf.SetFont(font, "B", 10)
	pdf.MultiCell(half, 5, unit+"\nBỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ", "", "C", false)
	y2 := pdf.GetY()
	pdf.SetXY(12+half, y)
	pdf.MultiCell(half, 5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc", "", "C", false)
	pdf.SetY(max(y2, pdf.GetY()) + 4)
	pdf.SetFont(font, "B", 14)
	pdf.CellFormat(0, 7, r.Title, "", 1, "C", false, 0, "")
	pdf.SetFont(font, "", 10)
	pdf.CellFormat(0, 5, period, "", 1, "C", false, 0, "")
	pdf.CellFormat(0, 5, asOf, "", 1, "C", false, 0, "")
	if r.Figures.Training {
		pdf.SetFont(font, "B", 10)
		pdf.SetFillColor(bands.Red.RGB())
		pdf.CellFormat(0, 6, trainingLine, "1", 1, "C", true, 0, "")
	}
	pdf.Ln(3)
}

func section(pdf *fpdf.Fpdf, title string, need float64) {
	_, h := pdf.GetPageSize()
	_, _, _, bottom := pdf.GetMargins()
	if pdf.GetY()+need > h-bottom-6 {
		pdf.AddPage()
	}
	pdf.SetFont(font, "B", 11)
	pdf.CellFormat(0, 7, title, "", 1, "L", false, 0, "")
}

func (r *Report) pdfRates(pdf *fpdf.Fpdf) {
	lines := r.rates()
	section(pdf, "I. CÁC TỶ LỆ VÀ MỨC MÀU", float64(len(lines)+1)*6+7)
	w := []float64{90, 40, 30, 60}
	head(pdf, w, "Tỷ lệ", "Giá trị", "Mức", "Ngưỡng xanh / vàng / cam (%)")
	pdf.SetFont(font, "", 9)
	for _, l := range lines {
		pdf.CellFormat(w[0], 6, l.Name, "1", 0, "L", false, 0, "")
		pdf.CellFormat(w[1], 6, percent(l.Value), "1", 0, "R", false, 0, "")
		pdf.SetFillColor(l.Band.RGB())
		pdf.SetFont(font, "B", 9)
		pdf.CellFormat(w[2], 6, l.Band.Label(), "1", 0, "C", true, 0, "")
		pdf.SetFont(font, "", 9)
		pdf.CellFormat(w[3], 6, thresholds(l.Threshold), "1", 1, "C", false, 0, "")
	}
	pdf.SetFont(font, "", 7.5)
	pdf.MultiCell(0, 3.6, "Ngưỡng xanh của nộp trực tuyến, số hóa, tái sử dụng, thanh toán trực tuyến, hài lòng: mức điểm tối đa theo Quyết định 766/QĐ-TTg; "+
		"ngưỡng vàng, cam và ngưỡng đúng hạn, VNeID: mặc định của phần mềm, đơn vị có thể điều chỉnh.", "", "L", false)
	pdf.Ln(2)
}

func (r *Report) pdfMetrics(pdf *fpdf.Fpdf) {
	section(pdf, "II. SỐ LIỆU TỔNG HỢP", 8*6)
	w := []float64{110, 30, 30}
	head(pdf, w, "Chỉ tiêu", "Số liệu", "Đơn vị")
	pdf.SetFont(font, "", 9)
	for _, m := range metrics {
		pdf.CellFormat(w[0], 5.5, m.Label, "1", 0, "L", false, 0, "")
		pdf.CellFormat(w[1], 5.5, number(m.Value(r.Figures.Total)), "1", 0, "R", false, 0, "")
		pdf.CellFormat(w[2], 5.5, m.Unit, "1", 1, "C", false, 0, "")
	}
	pdf.Ln(2)
}

// number prints 12, 1.234 or 42,5 the Vietnamese way.
func number(v float64) string {
	s := fmt.Sprintf("%.1f", v)
	s = strings.TrimSuffix(s, ".0")
	intPart, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 && intPart[i-1] != '-' {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	if hasFrac {
		b.WriteString("," + frac)
	}
	return b.String()
}

func head(pdf *fpdf.Fpdf, w []float64, titles ...string) {
	pdf.SetFont(font, "B", 8.5)
	pdf.SetFillColor(0xdd, 0xe4, 0xee)
	for i, t := range titles {
		ln := 0
		if i == len(titles)-1 {
			ln = 1
		}
		pdf.CellFormat(w[i], 6, t, "1", ln, "C", true, 0, "")
	}
}

func (r *Report) pdfTable(pdf *fpdf.Fpdf, numeral, title string, rows []figures.Row) {
	section(pdf, numeral+". "+strings.ToUpper(title), 3*6)
	w := []float64{64}
	titles := []string{strings.TrimPrefix(title, "Theo ")}
	for _, m := range shortMetrics {
		w = append(w, 16)
		titles = append(titles, m.Head)
	}
	titles[0] = upperFirst(titles[0])
	head(pdf, w, titles...)
	line := func(label string, c figures.Counts, bold bool) {
		style := ""
		if bold {
			style = "B"
		}
		pdf.SetFont(font, style, 8)
		pdf.CellFormat(w[0], 5, fit(pdf, label, w[0]-2), "1", 0, "L", false, 0, "")
		for i, m := range shortMetrics {
			ln := 0
			if i == len(shortMetrics)-1 {
				ln = 1
			}
			pdf.CellFormat(w[i+1], 5, number(m.Value(c)), "1", ln, "R", false, 0, "")
		}
	}
	for _, row := range rows {
		line(row.Label, row.Counts, false)
	}
	line("Tổng cộng", r.Figures.Total, true)
	pdf.Ln(2)
}

// upperFirst capitalises the first letter.
func upperFirst(s string) string {
	rs := []rune(s)
	if len(rs) == 0 {
		return s
	}
	return strings.ToUpper(string(rs[0])) + string(rs[1:])
}

// fit shortens s with "…" until it fits in width mm.
func fit(pdf *fpdf.Fpdf, s string, width float64) string {
	if pdf.GetStringWidth(s) <= width {
		return s
	}
	rs := []rune(s)
	for len(rs) > 1 && pdf.GetStringWidth(string(rs)+"…") > width {
		rs = rs[:len(rs)-1]
	}
	return string(rs) + "…"
}

func (r *Report) pdfProblems(pdf *fpdf.Fpdf) {
	section(pdf, fmt.Sprintf("VI. HỒ SƠ GỬI LỖI HOẶC QUÁ HẠN (%d)", r.Figures.ProblemsTotal), 3*6)
	if r.Figures.ProblemsTotal == 0 {
		pdf.SetFont(font, "", 9)
		pdf.CellFormat(0, 6, "Không có hồ sơ gửi lỗi hoặc quá hạn.", "", 1, "L", false, 0, "")
		return
	}
	w := []float64{52, 48, 36, 28, 28, 46, 35}
	head(pdf, w, "Mã hồ sơ", "Thủ tục", "Cán bộ", "Tiếp nhận", "Hẹn trả", "Tình trạng", "Lỗi gửi")
	pdf.SetFont(font, "", 7.5)
	for i, p := range r.Figures.Problems {
		if i == MaxPDFProblems {
			break
		}
		proc := p.ProcedureCode
		if p.ProcedureName != "" {
			proc += " " + p.ProcedureName
		}
		cells := []string{p.ID, proc, p.Officer, dateTime(p.CreatedAt), dateTime(p.AppointmentAt), problemText(p), p.LastError}
		for j, c := range cells {
			ln := 0
			if j == len(cells)-1 {
				ln = 1
			}
			pdf.CellFormat(w[j], 5, fit(pdf, c, w[j]-2), "1", ln, "L", false, 0, "")
		}
	}
	if more := r.Figures.ProblemsTotal - min(len(r.Figures.Problems), MaxPDFProblems); more > 0 {
		pdf.SetFont(font, "B", 8)
		pdf.CellFormat(0, 6, fmt.Sprintf("… và %d hồ sơ khác: xem tệp XLSX của cùng kỳ báo cáo hoặc hàng đợi trên máy.", more), "", 1, "L", false, 0, "")
	}
}
