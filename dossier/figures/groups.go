// Time buckets of a period: days, ISO weeks, months and peak-month quarters, clipped to the period.

package figures

import (
	"fmt"
	"sort"
	"time"
)

// bucket is one day, week, month or quarter of the period.
type bucket struct {
	key, label string
	from, to   time.Time // clipped to the period
	start      int64     // from, in unix nanoseconds
	acc        acc
}

// groups holds the time buckets of a period; each list is sorted and covers the period.
type groups struct {
	days, weeks, months, quarters []*bucket
	hit                           []*acc // scratch for of
}

func newGroups(from, to time.Time) *groups {
	g := &groups{}
	clip := func(a, b time.Time) (time.Time, time.Time) {
		if a.Before(from) {
			a = from
		}
		if b.After(to) {
			b = to
		}
		return a, b
	}
	add := func(list *[]*bucket, key, label string, a, b time.Time) {
		a, b = clip(a, b)
		*list = append(*list, &bucket{key: key, label: label, from: a, to: b, start: a.UnixNano()})
	}
	loc := Location()
	if to.Sub(from) <= MaxDays*24*time.Hour {
		d := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, loc)
		for ; d.Before(to); d = d.AddDate(0, 0, 1) {
			add(&g.days, d.Format(time.DateOnly), DayLabel(d), d, d.AddDate(0, 0, 1))
		}
	}
	y, w := from.ISOWeek()
	for a, b := Week(y, w); a.Before(to); a, b = b, b.AddDate(0, 0, 7) {
		y, w := a.ISOWeek()
		add(&g.weeks, fmt.Sprintf("%d-W%02d", y, w), WeekLabel(y, w), a, b)
	}
	for a, b := Month(from.Year(), from.Month()); a.Before(to); a, b = b, b.AddDate(0, 1, 0) {
		add(&g.months, a.Format("2006-01"), MonthLabel(a.Year(), a.Month()), a, b)
	}
	q := QuarterOf(from.Month())
	for a, b := Quarter(from.Year(), q); a.Before(to); a, b = b, b.AddDate(0, 3, 0) {
		q := QuarterOf(a.Month())
		add(&g.quarters, fmt.Sprintf("%d-Q%d", a.Year(), q), QuarterLabel(a.Year(), q), a, b)
	}
	return g
}

// of returns the accumulators of the buckets that contain t (unix nanoseconds, inside the period).
func (g *groups) of(t int64) []*acc {
	g.hit = g.hit[:0]
	for _, list := range [][]*bucket{g.days, g.weeks, g.months, g.quarters} {
		if len(list) == 0 {
			continue
		}
		i := sort.Search(len(list), func(i int) bool { return list[i].start > t }) - 1
		if i >= 0 {
			g.hit = append(g.hit, &list[i].acc)
		}
	}
	return g.hit
}

// rows turns buckets into rows.
func (g *groups) rows(list []*bucket) []Row {
	if list == nil {
		return nil
	}
	out := make([]Row, len(list))
	for i, b := range list {
		out[i] = Row{Key: b.key, Label: b.label, From: b.from, To: b.to, Counts: b.acc.counts()}
	}
	return out
}
