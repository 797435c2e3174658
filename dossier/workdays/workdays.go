// Working-day arithmetic over the Vietnamese holiday calendar.

package workdays

import (
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/6tail/lunar-go/calendar"
)

// DefaultReturnTime is the hour results are handed back on the appointment day.
const DefaultReturnTime = "16:30"

// Calendar decides which days are working days at a one-stop counter.
// It is safe for concurrent use.
type Calendar struct {
	loc *time.Location

	mu       sync.Mutex
	returnAt time.Duration // since midnight
	septAdj  int           // 1 or 3
	tables   map[int]Table
	years    map[int]*year
}

type year struct {
	off  map[date]string // holidays, substitutes and decided days off
	work map[date]bool   // forced working days
}

type date struct {
	y int
	m time.Month
	d int
}

func dateOf(t time.Time) date {
	y, m, d := t.Date()
	return date{y, m, d}
}

func (d date) next(n int) date {
	return dateOf(time.Date(d.y, d.m, d.d+n, 12, 0, 0, 0, time.UTC))
}

func (d date) weekday() time.Weekday {
	return time.Date(d.y, d.m, d.d, 12, 0, 0, 0, time.UTC).Weekday()
}

var (
	locOnce sync.Once
	vnLoc   *time.Location
)

// Location returns Asia/Ho_Chi_Minh, or a fixed UTC+07:00 zone named "ICT" when the
// system has no time-zone database.
func Location() *time.Location {
	locOnce.Do(func() {
		l, err := time.LoadLocation("Asia/Ho_Chi_Minh")
		if err != nil {
			l = time.FixedZone("ICT", 7*60*60)
		}
		vnLoc = l
	})
	return vnLoc
}

// New returns a calendar with the computed rules only (no per-year tables),
// results returned at 16:30 and 1/9 as the day adjacent to 2/9.
func New() *Calendar {
	return &Calendar{
		loc:      Location(),
		returnAt: 16*time.Hour + 30*time.Minute,
		septAdj:  1,
		tables:   map[int]Table{},
		years:    map[int]*year{},
	}
}

// Default returns a calendar with the computed rules and the per-year tables
// shipped in assets/holidays (government decisions for 2025 and 2026).
// It panics only if an embedded table is corrupt, which the package tests rule out.
func Default() *Calendar {
	c := New()
	tables, err := embeddedTables()
	if err != nil {
		panic(err)
	}
	for _, t := range tables {
		c.tables[t.Year] = t
	}
	return c
}

// SetReturnTime sets the hour of day ("HH:MM") written on appointments.
func (c *Calendar) SetReturnTime(hhmm string) error {
	d, err := parseClock(hhmm)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.returnAt = d
	c.mu.Unlock()
	return nil
}

// SetSeptemberAdjacent chooses the day added to National Day for years without a
// table that says otherwise: 1 (1 September, the default) or 3 (3 September).
func (c *Calendar) SetSeptemberAdjacent(day int) error {
	if day != 1 && day != 3 {
		return fmt.Errorf("workdays: the day adjacent to 2 September must be 1 or 3, not %d", day)
	}
	c.mu.Lock()
	c.septAdj = day
	c.years = map[int]*year{}
	c.mu.Unlock()
	return nil
}

// Holiday reports whether t's date is a day off other than a plain weekend
// (a public holiday, a substitute day or a decided day off) and its name.
func (c *Calendar) Holiday(t time.Time) (string, bool) {
	d := dateOf(t.In(c.loc))
	y := c.year(d.y)
	if y.work[d] {
		return "", false
	}
	name, ok := y.off[d]
	return name, ok
}

// IsWorkingDay reports whether t's date (in Asia/Ho_Chi_Minh) is a working day.
func (c *Calendar) IsWorkingDay(t time.Time) bool {
	return c.isWorking(dateOf(t.In(c.loc)))
}

func (c *Calendar) isWorking(d date) bool {
	y := c.year(d.y)
	if y.work[d] {
		return true
	}
	if _, off := y.off[d]; off {
		return false
	}
	wd := d.weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// AddWorkingDays returns t moved by n working days, keeping its time of day:
// the nth working day after t's date (before it when n < 0). n = 0 returns t.
// t's own date need not be a working day.
func (c *Calendar) AddWorkingDays(t time.Time, n int) time.Time {
	t = t.In(c.loc)
	d := dateOf(t)
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.next(step)
		if c.isWorking(d) {
			n--
		}
	}
	return time.Date(d.y, d.m, d.d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), c.loc)
}

// Appointment returns when the result is due for a dossier received at
// received, with a processing time of days working days, at the return time (16:30).
//
//   - days == 0: the same day; the next working day when received on a non-working
//     day, at or after sameDayCutoff ("15:00"; "" = no cutoff), or at or after the return
//     time itself. A cutoff that is not a valid HH:MM is treated as already passed
//     (the later, safe date).
//   - days > 0: the days-th working day after the day of receipt; a dossier received on
//     a non-working day counts from the next working day. The cutoff does not apply.
func (c *Calendar) Appointment(received time.Time, days int, sameDayCutoff string) time.Time {
	c.mu.Lock()
	ret := c.returnAt
	c.mu.Unlock()
	r := received.In(c.loc)
	d := dateOf(r)
	tod := time.Duration(r.Hour())*time.Hour + time.Duration(r.Minute())*time.Minute + time.Duration(r.Second())*time.Second
	at := func(d date) time.Time {
		return time.Date(d.y, d.m, d.d, 0, 0, 0, 0, c.loc).Add(ret)
	}
	nextWorking := func(d date) date {
		for d = d.next(1); !c.isWorking(d); d = d.next(1) {
		}
		return d
	}
	if !c.isWorking(d) {
		d = nextWorking(d)
		tod = 0
	}
	if days <= 0 {
		late := tod >= ret
		if sameDayCutoff != "" {
			cut, err := parseClock(sameDayCutoff)
			late = late || err != nil || tod >= cut
		}
		if late {
			d = nextWorking(d)
		}
		return at(d)
	}
	for ; days > 0; days-- {
		d = nextWorking(d)
	}
	return at(d)
}

func parseClock(s string) (time.Duration, error) {
	bad := fmt.Errorf("workdays: time %q is not HH:MM", s)
	if len(s) != 5 || s[2] != ':' {
		return 0, bad
	}
	for _, i := range []int{0, 1, 3, 4} {
		if s[i] < '0' || s[i] > '9' {
			return 0, bad
		}
	}
	h := int(s[0]-'0')*10 + int(s[1]-'0')
	m := int(s[3]-'0')*10 + int(s[4]-'0')
	if h > 23 || m > 59 {
		return 0, bad
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute, nil
}

// year returns the computed and table-adjusted days of year y, cached.
func (c *Calendar) year(y int) *year {
	c.mu.Lock()
	defer c.mu.Unlock()
	if yr, ok := c.years[y]; ok {
		return yr
	}
	tab, hasTab := c.tables[y]
	sept := c.septAdj
	if hasTab && tab.SeptemberAdjacent != 0 {
		sept = tab.SeptemberAdjacent
	}
	yr := &year{off: computed(y, sept), work: map[date]bool{}}
	if hasTab {
		for _, d := range tab.Off {
			yr.off[d.date] = d.Name
		}
		for _, d := range tab.Work {
			yr.work[d.date] = true
		}
	}
	c.years[y] = yr
	return yr
}

// computed returns the holidays of Art. 112 for year y plus substitute days.
func computed(y, septAdj int) map[date]string {
	hol := map[date]string{
		{y, time.January, 1}:         "Tết Dương lịch",
		{y, time.April, 30}:          "Ngày Chiến thắng",
		{y, time.May, 1}:             "Ngày Quốc tế Lao động",
		{y, time.September, 2}:       "Quốc khánh",
		{y, time.September, septAdj}: "Quốc khánh (ngày liền kề)",
	}
	if newYear, hung, ok := lunarDates(y); ok {
		for i := -1; i <= 3; i++ {
			hol[newYear.next(i)] = "Tết Âm lịch"
		}
		hol[hung] = "Giỗ Tổ Hùng Vương"
	}
	days := make([]date, 0, len(hol))
	for d := range hol {
		days = append(days, d)
	}
	sort.Slice(days, func(i, j int) bool { return less(days[i], days[j]) })
	out := make(map[date]string, len(hol)+4)
	for d, n := range hol {
		out[d] = n
	}
	for _, d := range days {
		if wd := d.weekday(); wd != time.Saturday && wd != time.Sunday {
			continue
		}
		s := d.next(1)
		for {
			_, taken := out[s]
			wd := s.weekday()
			if !taken && wd != time.Saturday && wd != time.Sunday {
				break
			}
			s = s.next(1)
		}
		out[s] = "Nghỉ bù " + hol[d]
	}
	return out
}

func less(a, b date) bool {
	if a.y != b.y {
		return a.y < b.y
	}
	if a.m != b.m {
		return a.m < b.m
	}
	return a.d < b.d
}

// lunarDates returns the solar dates of lunar new year's day and of 10/3 lunar in
// lunar year y; ok is false outside the range lunar-go handles.
func lunarDates(y int) (newYear, hung date, ok bool) {
	if y < 1900 || y > 2200 {
		return date{}, date{}, false
	}
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	s := calendar.NewLunarFromYmd(y, 1, 1).GetSolar()
	h := calendar.NewLunarFromYmd(y, 3, 10).GetSolar()
	return date{s.GetYear(), time.Month(s.GetMonth()), s.GetDay()},
		date{h.GetYear(), time.Month(h.GetMonth()), h.GetDay()}, true
}
