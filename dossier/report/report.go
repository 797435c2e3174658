// The weekly, period and peak-month reports as XLSX and PDF.

package report

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"sohoa/assets/bands"
	"sohoa/desk/model"
	"sohoa/dossier/figures"
	"sohoa/errs"
	"sohoa/internal/atomicfile"
)

// ErrFormat reports an output file whose extension is neither .xlsx nor .pdf.
var ErrFormat = errs.New("error.report.format", errs.NeedsOfficer, "report: unknown report format; end the output file name with .xlsx or .pdf")

// Kinds of report.
const (
	KindWeekly = "weekly"
	KindPeriod = "period"
	KindPeak   = "peak"
)

// Spec says which report to make: its kind, its title and its period [From, To).
type Spec struct {
	Kind     string
	Title    string
	From, To time.Time
}

// WeeklySpec is the Friday report of ISO week week of isoYear (Monday to Sunday).
func WeeklySpec(isoYear, week int) Spec {
	from, to := figures.Week(isoYear, week)
	return Spec{Kind: KindWeekly, Title: fmt.Sprintf("BÁO CÁO SỐ LIỆU TUẦN %d/%d", week, isoYear), From: from, To: to}
}

// PeriodSpec is the report of the days first to last, both included.
func PeriodSpec(first, last time.Time) Spec {
	loc := figures.Location()
	first, last = first.In(loc), last.In(loc)
	from := time.Date(first.Year(), first.Month(), first.Day(), 0, 0, 0, 0, loc)
	to := time.Date(last.Year(), last.Month(), last.Day(), 0, 0, 0, 0, loc).AddDate(0, 0, 1)
	return Spec{Kind: KindPeriod, Title: "BÁO CÁO SỐ LIỆU " + strings.ToUpper(figures.PeriodLabel(from, to)), From: from, To: to}
}

// PeakSpec is the report at the end of the peak month of quarter q of year: it covers the
// quarter that the peak month closes, or the peak month alone when monthOnly.
func PeakSpec(year, q int, monthOnly bool) Spec {
	m := figures.PeakMonth(q)
	s := Spec{Kind: KindPeak, Title: fmt.Sprintf("BÁO CÁO SỐ LIỆU THÁNG CAO ĐIỂM %d/%d", int(m), year)}
	if monthOnly {
		s.From, s.To = figures.Month(year, m)
	} else {
		s.From, s.To = figures.Quarter(year, q)
		s.Title += fmt.Sprintf(" (QUÝ %s)", [5]string{"", "I", "II", "III", "IV"}[q])
	}
	return s
}

// Unit names the unit a report is about.
type Unit struct {
	Code, Name string
}

// Report is a computed report, ready to write.
type Report struct {
	Spec
	Unit    Unit
	Figures figures.Figures
	Bands   *bands.Bands
}

// Build computes the figures of s for the unit's desk.
func Build(ctx context.Context, db figures.Store, unit Unit, s Spec, b *bands.Bands, opt figures.Options) (*Report, error) {
	if b == nil {
		var err error
		if b, err = bands.Load(); err != nil {
			return nil, err
		}
	}
	f, err := figures.Compute(ctx, db, s.From, s.To, opt)
	if err != nil {
		return nil, err
	}
	return &Report{Spec: s, Unit: unit, Figures: f, Bands: b}, nil
}

// WriteFile writes the report to path, as XLSX or PDF by the file's extension, through a
// temporary file renamed into place (a failed write leaves no half file).
func (r *Report) WriteFile(path string) error {
	var write func(io.Writer) error
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xlsx":
		write = r.WriteXLSX
	case ".pdf":
		write = r.WritePDF
	default:
		return fmt.Errorf("%w: %s", ErrFormat, filepath.Base(path))
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".report-*")
	if err != nil {
		return fmt.Errorf("write report %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("write report %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write report %s: %w", path, err)
	}
	if err := atomicfile.Rename(tmp.Name(), path); err != nil { // waits for a viewer holding the old report, on Windows
		return fmt.Errorf("write report %s: %w", path, err)
	}
	return nil
}

// metric is one line of the figures table.
type metric struct {
	Label string
	Value func(figures.Counts) float64
	Unit  string // "hồ sơ", "trang", "thành phần" or "phút"
}

func minutes(d time.Duration) float64 { return math.Round(d.Minutes()*10) / 10 }

// metrics lists the figures in report order.
var metrics = []metric{
	{"Hồ sơ tiếp nhận tại quầy", func(c figures.Counts) float64 { return float64(c.Received) }, "hồ sơ"},
	{"Hồ sơ có thành phần được số hóa", func(c figures.Counts) float64 { return float64(c.Digitized) }, "hồ sơ"},
	{"Thành phần hồ sơ được số hóa", func(c figures.Counts) float64 { return float64(c.Components) }, "thành phần"},
	{"Trang được số hóa", func(c figures.Counts) float64 { return float64(c.Pages) }, "trang"},
	{"Hồ sơ đã ký số", func(c figures.Counts) float64 { return float64(c.Signed) }, "hồ sơ"},
	{"Hồ sơ đã nộp trực tuyến qua tài khoản công dân", func(c figures.Counts) float64 { return float64(c.Submitted) }, "hồ sơ"},
	{"Trong đó: tài khoản xác thực VNeID", func(c figures.Counts) float64 { return float64(c.VNeID) }, "hồ sơ"},
	{"Đang xử lý tại quầy", func(c figures.Counts) float64 { return float64(c.InProgress) }, "hồ sơ"},
	{"Đang chờ gửi", func(c figures.Counts) float64 { return float64(c.Waiting) }, "hồ sơ"},
	{"Gửi lỗi", func(c figures.Counts) float64 { return float64(c.Failed) }, "hồ sơ"},
	{"Cổng DVC đã tiếp nhận", func(c figures.Counts) float64 { return float64(c.PortalReceived) }, "hồ sơ"},
	{"Bị từ chối", func(c figures.Counts) float64 { return float64(c.Refused) }, "hồ sơ"},
	{"Yêu cầu bổ sung", func(c figures.Counts) float64 { return float64(c.Supplement) }, "hồ sơ"},
	{"Trả kết quả đúng hạn", func(c figures.Counts) float64 { return float64(c.OnTime) }, "hồ sơ"},
	{"Quá hạn", func(c figures.Counts) float64 { return float64(c.Overdue) }, "hồ sơ"},
	{"Chưa đến hạn", func(c figures.Counts) float64 { return float64(c.NotDue) }, "hồ sơ"},
	{"Thời gian trung bình từ tiếp nhận đến khi nộp", func(c figures.Counts) float64 { return minutes(c.AvgSubmit) }, "phút"},
	{"Thời gian (phân vị 90) từ tiếp nhận đến khi nộp", func(c figures.Counts) float64 { return minutes(c.P90Submit) }, "phút"},
}

// shortMetrics are the columns of the breakdown tables.
var shortMetrics = []struct {
	Head  string
	Value func(figures.Counts) float64
}{
	{"Tiếp nhận", func(c figures.Counts) float64 { return float64(c.Received) }},
	{"Trang số hóa", func(c figures.Counts) float64 { return float64(c.Pages) }},
	{"Đã ký", func(c figures.Counts) float64 { return float64(c.Signed) }},
	{"Nộp trực tuyến", func(c figures.Counts) float64 { return float64(c.Submitted) }},
	{"VNeID", func(c figures.Counts) float64 { return float64(c.VNeID) }},
	{"Chờ gửi", func(c figures.Counts) float64 { return float64(c.Waiting) }},
	{"Lỗi", func(c figures.Counts) float64 { return float64(c.Failed) }},
	{"Từ chối", func(c figures.Counts) float64 { return float64(c.Refused) }},
	{"Bổ sung", func(c figures.Counts) float64 { return float64(c.Supplement) }},
	{"Đúng hạn", func(c figures.Counts) float64 { return float64(c.OnTime) }},
	{"Quá hạn", func(c figures.Counts) float64 { return float64(c.Overdue) }},
	{"TB (phút)", func(c figures.Counts) float64 { return minutes(c.AvgSubmit) }},
	{"P90 (phút)", func(c figures.Counts) float64 { return minutes(c.P90Submit) }},
}

// rateLine is one rate of the bands table.
type rateLine struct {
	Name      string
	Value     float64 // NaN: no data
	Band      bands.Band
	Threshold bands.Threshold
}

func (r *Report) rates() []rateLine {
	var out []rateLine
	for _, k := range r.Bands.Rates() {
		th, _ := r.Bands.Threshold(k)
		v := r.Figures.Total.Rate(k)
		out = append(out, rateLine{Name: th.Name, Value: v, Band: r.Bands.Band(k, v), Threshold: th})
	}
	return out
}

// percent prints a rate truncated (never rounded up into a better band) to one decimal: "55,5 %".
func percent(v float64) string {
	if math.IsNaN(v) {
		return "chưa có dữ liệu"
	}
	return strings.Replace(fmt.Sprintf("%.1f %%", math.Floor(v*10)/10), ".", ",", 1)
}

// thresholds prints "≥ 50 / ≥ 40 / ≥ 25".
func thresholds(t bands.Threshold) string {
	f := func(v float64) string { return strings.Replace(fmt.Sprintf("%g", v), ".", ",", 1) }
	return "≥ " + f(t.Green) + " / ≥ " + f(t.Yellow) + " / ≥ " + f(t.Orange)
}

// timeRows are the time breakdown the PDF shows: days for up to a month, months beyond.
func (r *Report) timeRows() (string, []figures.Row) {
	if r.Figures.Days != nil && len(r.Figures.Days) <= 31 {
		return "Theo ngày", r.Figures.Days
	}
	return "Theo tháng", r.Figures.Months
}

// problemText says what is wrong with a dossier: "Gửi lỗi; quá hạn 8 ngày 19 giờ".
func problemText(p figures.Problem) string {
	var parts []string
	if p.Failed {
		parts = append(parts, "Gửi lỗi")
	}
	if p.Overdue {
		parts = append(parts, "quá hạn "+lateText(p.LateBy))
	}
	return upperFirst(strings.Join(parts, "; "))
}

// lateText is "8 ngày 19 giờ", "17 giờ 30 phút" or "45 phút".
func lateText(d time.Duration) string {
	days := int(d / (24 * time.Hour))
	hours := int(d % (24 * time.Hour) / time.Hour)
	mins := int(d % time.Hour / time.Minute)
	switch {
	case days > 0:
		return fmt.Sprintf("%d ngày %d giờ", days, hours)
	case hours > 0:
		return fmt.Sprintf("%d giờ %d phút", hours, mins)
	}
	return fmt.Sprintf("%d phút", mins)
}

// statusText names a portal status (TrangThaiHoSo).
func statusText(s int) string {
	names := [...]string{"", "Mới đăng ký", "Đã tiếp nhận", "Từ chối", "Đang xử lý", "Yêu cầu bổ sung", "Yêu cầu thanh toán", "Công dân rút hồ sơ", "Dừng xử lý", "Đã xử lý xong", "Đã trả kết quả"}
	if s > 0 && s < len(names) {
		return names[s]
	}
	return ""
}

// stateText names a dossier state at the desk.
func stateText(s string) string {
	switch s {
	case string(model.Draft):
		return "Đang số hóa"
	case string(model.Captured):
		return "Đã số hóa"
	case string(model.Signed):
		return "Đã ký số"
	case string(model.Queued):
		return "Chờ gửi"
	case string(model.Submitted):
		return "Đã nộp"
	case string(model.Failed):
		return "Gửi lỗi"
	}
	return s
}

// dateTime prints "14:00 02/12/2026"; "" for the zero time.
func dateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(figures.Location()).Format("15:04 02/01/2006")
}

// header lines shared by both formats.
func (r *Report) headerLines() (unit, periodLine, asOf string) {
	unit = strings.ToUpper(r.Unit.Name)
	if unit == "" {
		unit = "ĐƠN VỊ " + r.Unit.Code
	}
	periodLine = "Kỳ báo cáo: " + figures.PeriodLabel(r.From, r.To)
	asOf = "Số liệu tính đến " + r.Figures.Now.Format("15:04 ngày 02/01/2006") + " — mã đơn vị " + r.Unit.Code
	return unit, periodLine, asOf
}

// trainingLine marks every training report.
const trainingLine = "ĐÀO TẠO — TRAINING: số liệu hồ sơ đào tạo, không dùng để báo cáo"
