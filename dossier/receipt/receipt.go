// Drawing the receipt PDF with its QR code, appointment date and hotlines.

package receipt

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/skip2/go-qrcode"

	"sohoa/assets"
	"sohoa/dossier/workdays"
	"sohoa/errs"
)

// Item is one component handed in, as listed in section 1 of the receipt.
type Item struct {
	Name      string
	Originals int // bản chính
	Copies    int // bản sao
	Pages     int // 0 = not counted
}

// Hotline is one feedback line printed at the bottom (directive: hotline and the 1022 switchboard).
type Hotline struct {
	Label string // e.g. "Tổng đài 1022 tỉnh Quảng Nam"
	Phone string // e.g. "0235.1022"
	Email string
}

// Data is everything printed on a receipt. Times are shown in Asia/Ho_Chi_Minh.
type Data struct {
	AgencyName string // e.g. "UBND xã Tam Xuân" (printed in capitals)
	UnitName   string // the receiving unit, e.g. "Trung tâm Phục vụ hành chính công xã"; optional
	Province   string
	Place      string // place name in the date line, e.g. "Tam Xuân"

	DossierCode   string
	ProcedureCode string
	ProcedureName string

	ApplicantName string
	ApplicantID   string
	Address       string
	Phone         string
	Email         string

	Components     []Item
	Sets           int // number of dossier sets; 0 prints 1
	ProcessingDays int // 0 = the same day
	ReceivedAt     time.Time
	AppointmentAt  time.Time
	IssuedAt       time.Time // receipt issue time for the QR code; zero = ReceivedAt
	ResultPlace    string
	ByPost         bool
	RegisterBook   string // Quyển số
	RegisterEntry  string // Số thứ tự
	Officer        string
	Hotlines       []Hotline
	IssuingSystem  string
	PortalCode     string // the portal's dossier code, when different from DossierCode
	Training       bool
	Fee            int64 // VND; 0 with no PaymentNote prints nothing
	PaymentNote    string
}

// ErrInvalid is wrapped by Render when Data lacks something the receipt must show.
var ErrInvalid = errs.New("error.receipt.invalid", errs.Permanent, "receipt: the receipt data is incomplete")

// FieldError names the Data field that is missing or wrong; it wraps ErrInvalid.
type FieldError struct {
	Field  string // Data field name, e.g. "DossierCode"
	Reason string
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("receipt: %s %s; complete the dossier before printing the receipt", e.Field, e.Reason)
}

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *FieldError) Unwrap() error { return ErrInvalid }

func (d Data) check() error {
	for _, f := range []struct{ name, v string }{
		{"AgencyName", d.AgencyName}, {"DossierCode", d.DossierCode}, {"ProcedureCode", d.ProcedureCode},
		{"ProcedureName", d.ProcedureName}, {"ApplicantName", d.ApplicantName},
	} {
		if strings.TrimSpace(f.v) == "" {
			return &FieldError{f.name, "is empty"}
		}
	}
	switch {
	case d.ReceivedAt.IsZero():
		return &FieldError{"ReceivedAt", "is not set"}
	case d.AppointmentAt.IsZero():
		return &FieldError{"AppointmentAt", "is not set"}
	case d.AppointmentAt.Before(d.ReceivedAt):
		return &FieldError{"AppointmentAt", "is before the time of receipt"}
	case d.Sets < 0 || d.ProcessingDays < 0 || d.Fee < 0:
		return &FieldError{"Sets/ProcessingDays/Fee", "is negative"}
	case len(d.Components) > 200:
		return &FieldError{"Components", "lists more than 200 items"}
	}
	for i, c := range d.Components {
		if strings.TrimSpace(c.Name) == "" || c.Originals < 0 || c.Copies < 0 || c.Pages < 0 {
			return &FieldError{fmt.Sprintf("Components[%d]", i), "has no name or a negative count"}
		}
	}
	return nil
}

// Page geometry, millimetres.
const (
	pageW   = 210.0
	marginL = 18.0
	marginR = 15.0
	bodyW   = pageW - marginL - marginR
	qrX     = 10.0
	qrY     = 8.0
	qrSize  = 30.0
	font    = "dejavu"
)

// Render returns the receipt as a PDF: two copies (liên), each starting on a new
// A4 page — "Liên 1: Lưu" for the office and "Liên 2: Giao cho người nộp hồ sơ".
func Render(d Data) ([]byte, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	qr, err := qrcode.New(QRPayload(d), qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("receipt: encode QR code: %w", err)
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetMargins(marginL, 12, marginR)
	pdf.SetAutoPageBreak(true, 12)
	pdf.AddUTF8FontFromBytes(font, "", assets.Font(false))
	pdf.AddUTF8FontFromBytes(font, "B", assets.Font(true))
	title := Title
	if d.Training {
		title = "[ĐÀO TẠO] " + title
	}
	pdf.SetTitle(title+" "+d.DossierCode, true)
	pdf.SetCreator(nonEmpty(d.IssuingSystem, "sohoa"), true)
	pdf.SetCreationDate(d.ReceivedAt)
	pdf.SetModificationDate(d.ReceivedAt)
	for _, label := range []string{"Liên 1: Lưu", "Liên 2: Giao cho người nộp hồ sơ"} {
		pdf.AddPage()
		if d.Training {
			trainingMark(pdf)
		}
		drawQR(pdf, qr.Bitmap())
		page(pdf, d, label)
	}
	if err := pdf.Error(); err != nil {
		return nil, fmt.Errorf("receipt: build PDF: %w", err)
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("receipt: write PDF: %w", err)
	}
	return buf.Bytes(), nil
}

// drawQR paints the QR modules as vector squares (sharp at any printer resolution);
// the bitmap already holds the 4-module quiet zone.
func drawQR(pdf *fpdf.Fpdf, bm [][]bool) {
	n := float64(len(bm))
	m := qrSize / n
	pdf.SetFillColor(255, 255, 255)
	pdf.Rect(qrX, qrY, qrSize, qrSize, "F")
	pdf.SetFillColor(0, 0, 0)
	for y, row := range bm {
		for x := 0; x < len(row); {
			if !row[x] {
				x++
				continue
			}
			run := x
			for run < len(row) && row[run] {
				run++
			}
			// Slight overlap avoids hairline gaps between adjacent squares in viewers.
			pdf.Rect(qrX+float64(x)*m, qrY+float64(y)*m, float64(run-x)*m+0.01, m+0.01, "F")
			x = run
		}
	}
}

func trainingMark(pdf *fpdf.Fpdf) {
	pdf.SetAlpha(0.13, "Normal")
	pdf.SetTextColor(200, 0, 0)
	pdf.SetFont(font, "B", 54)
	pdf.TransformBegin()
	pdf.TransformRotate(55, 105, 160)
	txt := "ĐÀO TẠO — TRAINING"
	w := pdf.GetStringWidth(txt)
	pdf.Text(105-w/2, 170, txt)
	pdf.TransformEnd()
	pdf.SetAlpha(1, "Normal")
	pdf.SetTextColor(0, 0, 0)
}

func page(pdf *fpdf.Fpdf, d Data, copyLabel string) {
	loc := workdays.Location()
	// Header: agency (left of the QR code's right edge) and the national motto (right).
	leftX, leftW := qrX+qrSize+1, 72.0 // 9 pt bold lines measure 67.7 mm (left) and 72.7 mm (right)
	rightX := leftX + leftW
	rightW := pageW - marginR - rightX
	pdf.SetXY(leftX, 12)
	pdf.SetFont(font, "", 10)
	pdf.MultiCell(leftW, 4.6, strings.ToUpper(oneLine(d.AgencyName)), "", "C", false)
	if d.UnitName != "" {
		pdf.SetX(leftX)
		pdf.MultiCell(leftW, 4.6, oneLine(d.UnitName), "", "C", false)
	}
	pdf.SetX(leftX)
	pdf.SetFont(font, "B", 9)
	pdf.MultiCell(leftW, 4.6, "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ", "", "C", false)
	leftBottom := pdf.GetY()
	pdf.Line(leftX+leftW/2-12, leftBottom+0.8, leftX+leftW/2+12, leftBottom+0.8)

	pdf.SetXY(rightX, 12)
	pdf.SetFont(font, "B", 9)
	pdf.CellFormat(rightW, 4.6, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "", 2, "C", false, 0, "")
	pdf.SetFont(font, "B", 10.5)
	pdf.CellFormat(rightW, 5.2, "Độc lập - Tự do - Hạnh phúc", "", 2, "C", false, 0, "")
	mw := pdf.GetStringWidth("Độc lập - Tự do - Hạnh phúc")
	pdf.Line(rightX+(rightW-mw)/2, pdf.GetY()+0.4, rightX+(rightW+mw)/2, pdf.GetY()+0.4)
	pdf.SetXY(rightX, pdf.GetY()+3)
	pdf.SetFont(font, "", 10)
	r := d.ReceivedAt.In(loc)
	place := nonEmpty(oneLine(d.Place), oneLine(d.Province))
	dateLine := fmt.Sprintf("ngày %02d tháng %02d năm %d", r.Day(), int(r.Month()), r.Year())
	if place != "" {
		dateLine = place + ", " + dateLine
	}
	pdf.MultiCell(rightW, 4.6, dateLine, "", "C", false)

	y := max(leftBottom+4, pdf.GetY()+2, qrY+qrSize+3)
	if d.Training {
		pdf.SetXY(marginL, y)
		pdf.SetTextColor(200, 0, 0)
		pdf.SetFont(font, "B", 10)
		pdf.CellFormat(bodyW, 5, "ĐÀO TẠO — TRAINING: bản in thử, không có giá trị pháp lý", "1", 1, "C", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
		y = pdf.GetY() + 2
	}
	pdf.SetXY(marginL, y)
	pdf.SetFont(font, "B", 13)
	pdf.CellFormat(bodyW, 7, strings.ToUpper(Title), "", 1, "C", false, 0, "")
	pdf.SetFont(font, "B", 11)
	pdf.CellFormat(bodyW, 6, "Mã hồ sơ: "+oneLine(d.DossierCode), "", 1, "C", false, 0, "")
	pdf.SetFont(font, "", 10)
	pdf.CellFormat(bodyW, 5, "("+copyLabel+")", "", 1, "C", false, 0, "")
	pdf.Ln(2)

	lh := 5.6
	para := func(label, value string) {
		pdf.SetX(marginL)
		pdf.SetFont(font, "", 11)
		if value == "" {
			pdf.MultiCell(bodyW, lh, label, "", "L", false)
			return
		}
		pdf.MultiCell(bodyW, lh, label+" "+oneLine(value), "", "L", false)
	}
	unit := nonEmpty(oneLine(d.UnitName), strings.TrimSpace(oneLine(d.AgencyName)))
	para("Bộ phận tiếp nhận và trả kết quả:", unit)
	para("Tiếp nhận hồ sơ của:", d.ApplicantName)
	if d.ApplicantID != "" {
		para("Số định danh cá nhân:", d.ApplicantID)
	}
	para("Địa chỉ:", nonEmpty(d.Address, "……………………………………"))
	contact := "Số điện thoại: " + nonEmpty(oneLine(d.Phone), "…………………")
	contact += "        Email: " + nonEmpty(oneLine(d.Email), "…………………")
	para(contact, "")
	para("Nội dung yêu cầu giải quyết:", d.ProcedureName+" (mã thủ tục "+oneLine(d.ProcedureCode)+")")
	if d.PortalCode != "" && d.PortalCode != d.DossierCode {
		para("Mã hồ sơ trên Cổng Dịch vụ công:", d.PortalCode)
	}

	para("1. Thành phần hồ sơ nộp gồm:", "")
	componentTable(pdf, d.Components)

	sets := max(d.Sets, 1)
	para("2. Số lượng hồ sơ:", strconv.Itoa(sets)+" (bộ)")
	days := "trong ngày"
	if d.ProcessingDays > 0 {
		days = strconv.Itoa(d.ProcessingDays) + " ngày làm việc"
	}
	para("3. Thời gian giải quyết hồ sơ theo quy định là:", days)
	para("4. Thời gian nhận hồ sơ:", vnTime(d.ReceivedAt.In(loc)))
	para("5. Thời gian trả kết quả giải quyết hồ sơ:", vnTime(d.AppointmentAt.In(loc)))
	where := nonEmpty(oneLine(d.ResultPlace), unit)
	if d.ByPost {
		where = "qua dịch vụ bưu chính công ích"
		if d.ResultPlace != "" {
			where += " đến: " + oneLine(d.ResultPlace)
		}
	}
	para("6. Đăng ký nhận kết quả tại:", where)
	if d.Fee > 0 || d.PaymentNote != "" {
		fee := ""
		if d.Fee > 0 {
			fee = vnd(d.Fee) + " đồng"
		}
		if d.PaymentNote != "" {
			fee = strings.TrimSpace(fee + " (" + oneLine(d.PaymentNote) + ")")
		}
		para("Phí, lệ phí:", fee)
	}
	para(fmt.Sprintf("Vào Sổ theo dõi hồ sơ, Quyển số: %s    Số thứ tự: %s",
		nonEmpty(oneLine(d.RegisterBook), "……"), nonEmpty(oneLine(d.RegisterEntry), "……")), "")

	signatures(pdf, d)
	hotlines(pdf, d)
}

func componentTable(pdf *fpdf.Fpdf, items []Item) {
	cols := []struct {
		title string
		w     float64
	}{{"STT", 11}, {"Tên giấy tờ", bodyW - 11 - 3*21}, {"Bản chính", 21}, {"Bản sao", 21}, {"Số trang", 21}}
	header := func() {
		pdf.SetFont(font, "B", 9.5)
		pdf.SetFillColor(235, 235, 235)
		pdf.SetX(marginL)
		for _, c := range cols {
			pdf.CellFormat(c.w, 6.5, c.title, "1", 0, "C", true, 0, "")
		}
		pdf.Ln(-1)
		pdf.SetFont(font, "", 10)
	}
	header()
	if len(items) == 0 {
		pdf.SetX(marginL)
		pdf.CellFormat(bodyW, 6, "(không có)", "1", 1, "C", false, 0, "")
		return
	}
	const lh = 5.0
	for i, it := range items {
		lines := pdf.SplitText(oneLine(it.Name), cols[1].w-2)
		h := float64(len(lines))*lh + 1.5
		if pdf.GetY()+h > 297-14 {
			pdf.AddPage()
			header()
		}
		x, y := marginL, pdf.GetY()
		cells := []string{strconv.Itoa(i + 1), "", count(it.Originals), count(it.Copies), count(it.Pages)}
		for k, c := range cols {
			pdf.Rect(x, y, c.w, h, "D")
			if k == 1 {
				for j, l := range lines {
					pdf.SetXY(x+1, y+0.75+float64(j)*lh)
					pdf.CellFormat(c.w-2, lh, l, "", 0, "L", false, 0, "")
				}
			} else {
				pdf.SetXY(x, y)
				pdf.CellFormat(c.w, h, cells[k], "", 0, "C", false, 0, "")
			}
			x += c.w
		}
		pdf.SetXY(marginL, y+h)
	}
	pdf.Ln(1.5)
}

func signatures(pdf *fpdf.Fpdf, d Data) {
	half := bodyW / 2
	pdf.SetFont(font, "B", 10.5)
	// Names longer than two lines are cut with "…": the block must stay on one page.
	nameLines := func(name string) []string {
		l := pdf.SplitText(oneLine(name), half-4)
		if len(l) > 2 {
			l = append(l[:1], strings.TrimSpace(l[1])+" …")
		}
		return l
	}
	people := []struct {
		title string
		lines []string
	}{
		{"NGƯỜI NỘP HỒ SƠ", nameLines(d.ApplicantName)},
		{"NGƯỜI TIẾP NHẬN HỒ SƠ", nameLines(d.Officer)},
	}
	blockH := 28 + 5*float64(max(len(people[0].lines), len(people[1].lines))) + 3
	if pdf.GetY()+3+blockH > 297-14 {
		pdf.AddPage()
	}
	y := pdf.GetY() + 3
	for i, who := range people {
		x := marginL + float64(i)*half
		pdf.SetXY(x, y)
		pdf.SetFont(font, "B", 10.5)
		pdf.CellFormat(half, 5.5, who.title, "", 2, "C", false, 0, "")
		pdf.SetFont(font, "", 9.5)
		pdf.CellFormat(half, 5, "(Ký và ghi rõ họ tên)", "", 2, "C", false, 0, "")
		pdf.SetFont(font, "B", 10.5)
		for j, l := range who.lines {
			pdf.SetXY(x, y+28+5*float64(j))
			pdf.CellFormat(half, 5, l, "", 0, "C", false, 0, "")
		}
	}
	pdf.SetXY(marginL, y+blockH)
}

func hotlines(pdf *fpdf.Fpdf, d Data) {
	n := len(d.Hotlines)
	if n == 0 && d.IssuingSystem == "" {
		return
	}
	need := float64(n)*5 + 14
	if pdf.GetY()+need > 297-12 {
		pdf.AddPage()
	}
	y := pdf.GetY() + 1
	pdf.SetDrawColor(120, 120, 120)
	pdf.Line(marginL, y, pageW-marginR, y)
	pdf.SetDrawColor(0, 0, 0)
	pdf.SetXY(marginL, y+1.5)
	pdf.SetFont(font, "", 9)
	if n > 0 {
		pdf.MultiCell(bodyW, 4.6, "Mọi ý kiến phản ánh, kiến nghị về việc giải quyết hồ sơ, xin liên hệ:", "", "L", false)
	}
	for _, h := range d.Hotlines {
		line := oneLine(h.Label)
		if h.Phone != "" {
			line += " — điện thoại: " + oneLine(h.Phone)
		}
		if h.Email != "" {
			line += " — email: " + oneLine(h.Email)
		}
		pdf.SetX(marginL)
		pdf.SetFont(font, "B", 9)
		pdf.MultiCell(bodyW, 4.6, "• "+line, "", "L", false)
	}
	if d.IssuingSystem != "" {
		pdf.SetX(marginL)
		pdf.SetFont(font, "", 8)
		pdf.SetTextColor(90, 90, 90)
		pdf.MultiCell(bodyW, 4.2, "Phát hành bởi hệ thống: "+oneLine(d.IssuingSystem)+". Quét mã QR ở góc trên bên trái để tra cứu hồ sơ.", "", "L", false)
		pdf.SetTextColor(0, 0, 0)
	}
}

// vnTime formats t as "hh giờ mm phút, ngày dd tháng mm năm yyyy".
func vnTime(t time.Time) string {
	return fmt.Sprintf("%02d giờ %02d phút, ngày %02d tháng %02d năm %d", t.Hour(), t.Minute(), t.Day(), int(t.Month()), t.Year())
}

// vnd formats an amount with dots between thousands: 200000 → "200.000".
func vnd(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func count(n int) string {
	if n == 0 {
		return "—"
	}
	return strconv.Itoa(n)
}

func nonEmpty(s, alt string) string {
	if strings.TrimSpace(s) == "" {
		return alt
	}
	return s
}
