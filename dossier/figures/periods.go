// Report periods in Asia/Ho_Chi_Minh: ISO weeks, months, quarters and their peak months, and their Vietnamese labels.

package figures

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"sohoa/dossier/workdays"
	"sohoa/errs"
)

// ErrPeriod reports a report period that cannot be used: a malformed week or month, a start
// that is not before the end, or a span longer than MaxSpan. Choose another period.
var ErrPeriod = errs.New("error.figures.period", errs.NeedsOfficer, "figures: the report period is invalid")

// MaxSpan is the longest period Compute accepts.
const MaxSpan = 10 * 366 * 24 * time.Hour

// Location is the time zone of every period: Asia/Ho_Chi_Minh.
func Location() *time.Location { return workdays.Location() }

// Week returns ISO week week of isoYear: from Monday 00:00 to the next Monday 00:00
// (exclusive), Asia/Ho_Chi_Minh. Out-of-range weeks roll over like time.Date does;
// ParseWeek validates.
func Week(isoYear, week int) (from, to time.Time) {
	jan4 := time.Date(isoYear, 1, 4, 0, 0, 0, 0, Location()) // 4 January is always in week 1
	monday := jan4.AddDate(0, 0, -mondayIndex(jan4.Weekday())+(week-1)*7)
	return monday, monday.AddDate(0, 0, 7)
}

// mondayIndex numbers the days of the week from Monday (0) to Sunday (6).
func mondayIndex(d time.Weekday) int { return (int(d) + 6) % 7 }

// WeeksIn is the number of ISO weeks of isoYear (52 or 53).
func WeeksIn(isoYear int) int {
	_, w := time.Date(isoYear, 12, 28, 12, 0, 0, 0, Location()).ISOWeek()
	return w
}

var weekRE = regexp.MustCompile(`^(\d{4})-?[Ww](\d{1,2})$`)

// ParseWeek reads an ISO week such as "2026-W48" and returns its bounds (see Week).
func ParseWeek(s string) (isoYear, week int, err error) {
	m := weekRE.FindStringSubmatch(s)
	if m == nil {
		return 0, 0, fmt.Errorf("%w: week %q is not like 2026-W48", ErrPeriod, s)
	}
	isoYear, _ = strconv.Atoi(m[1])
	week, _ = strconv.Atoi(m[2])
	if week < 1 || week > WeeksIn(isoYear) {
		return 0, 0, fmt.Errorf("%w: %d has weeks 1 to %d, not %d", ErrPeriod, isoYear, WeeksIn(isoYear), week)
	}
	return isoYear, week, nil
}

// Month returns month m of year: from the 1st 00:00 to the 1st of the next month (exclusive).
func Month(year int, m time.Month) (from, to time.Time) {
	from = time.Date(year, m, 1, 0, 0, 0, 0, Location())
	return from, from.AddDate(0, 1, 0)
}

var monthRE = regexp.MustCompile(`^(\d{4})-(\d{1,2})$`)

// ParseMonth reads "2026-12".
func ParseMonth(s string) (year int, m time.Month, err error) {
	p := monthRE.FindStringSubmatch(s)
	if p == nil {
		return 0, 0, fmt.Errorf("%w: month %q is not like 2026-12", ErrPeriod, s)
	}
	year, _ = strconv.Atoi(p[1])
	n, _ := strconv.Atoi(p[2])
	if n < 1 || n > 12 {
		return 0, 0, fmt.Errorf("%w: month %d is not 1 to 12", ErrPeriod, n)
	}
	return year, time.Month(n), nil
}

// ParseDay reads "2026-11-23" as that day's midnight in Asia/Ho_Chi_Minh.
func ParseDay(s string) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01-02", s, Location())
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: date %q is not like 2026-11-23", ErrPeriod, s)
	}
	return t, nil
}

// Quarter returns quarter q (1–4) of year. The directive's peak months (March, June,
// September, December) close the quarters: the peak-month report covers its quarter.
func Quarter(year, q int) (from, to time.Time) {
	from = time.Date(year, time.Month(3*(q-1)+1), 1, 0, 0, 0, 0, Location())
	return from, from.AddDate(0, 3, 0)
}

// PeakMonth is the peak month that closes quarter q: March, June, September or December.
func PeakMonth(q int) time.Month { return time.Month(3 * q) }

// QuarterOf is the quarter (1–4) month m belongs to.
func QuarterOf(m time.Month) int { return (int(m)-1)/3 + 1 }

// IsPeakMonth reports whether m is March, June, September or December.
func IsPeakMonth(m time.Month) bool { return m%3 == 0 }

// weekdayVI names the days of the week in Vietnamese, from Sunday.
var weekdayVI = [7]string{"Chủ nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"}

// romanQ writes quarter numbers the Vietnamese way.
var romanQ = [5]string{"", "I", "II", "III", "IV"}

// DayLabel is "Thứ Hai 23/11/2026".
func DayLabel(t time.Time) string {
	t = t.In(Location())
	return weekdayVI[t.Weekday()] + " " + t.Format("02/01/2006")
}

// WeekLabel is "Tuần 48/2026 (23/11–29/11/2026)".
func WeekLabel(isoYear, week int) string {
	from, to := Week(isoYear, week)
	return fmt.Sprintf("Tuần %d/%d (%s–%s)", week, isoYear, from.Format("02/01"), to.AddDate(0, 0, -1).Format("02/01/2006"))
}

// MonthLabel is "Tháng 12/2026", with "(cao điểm)" for a peak month.
func MonthLabel(year int, m time.Month) string {
	s := fmt.Sprintf("Tháng %d/%d", int(m), year)
	if IsPeakMonth(m) {
		s += " (cao điểm)"
	}
	return s
}

// QuarterLabel is "Quý IV/2026 (tháng cao điểm 12)".
func QuarterLabel(year, q int) string {
	return fmt.Sprintf("Quý %s/%d (tháng cao điểm %d)", romanQ[q], year, int(PeakMonth(q)))
}

// PeriodLabel is "23/11/2026 – 29/11/2026" for [from, to): the last day shown is the day before to.
func PeriodLabel(from, to time.Time) string {
	from, to = from.In(Location()), to.In(Location())
	last := to.Add(-time.Nanosecond)
	return from.Format("02/01/2006") + " – " + last.Format("02/01/2006")
}
