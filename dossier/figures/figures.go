// Package figures computes the desk's figures from the local database alone (no second
// bookkeeping): per day, ISO week, month and peak-month quarter, per officer and per procedure.
//
// Rules (each figure is a count over the dossiers opened — "New dossier", CreatedAt — in the
// period, whatever happened to them since; Compute reads the store as it is at Options.Now):
//
//   - Received: every dossier opened at this desk in the period (training dossiers are counted
//     only in training mode, real ones only outside it).
//   - Pages: page images captured at the desk (scanned, or phone photos imported as pages;
//     blank-flagged pages included: they are kept, never dropped). Components: components with
//     at least one page image. Digitized: dossiers with at least one page image. A PDF the
//     citizen brought is already electronic: it is not counted as digitized.
//   - Signed: dossiers in state signed, queued, submitted or failed (failed happens only after
//     signing). Submitted: state submitted — at this desk every online submission goes through
//     the citizen's own portal account (Desk.Submit refuses without it), so Submitted is also
//     the count "submitted through the citizen's account". VNeID: submitted dossiers whose
//     record says the citizen's token carried the VNeID claim (Data "vneid").
//   - InProgress: draft, captured or signed (still at the desk); Waiting: queued (in the
//     outbox); Failed: state failed.
//   - Time to submit: Data "submitted_at" − CreatedAt, over submitted dossiers that have it;
//     the average and the 90th percentile (nearest rank: the ⌈0.9·n⌉-th smallest).
//   - Portal statuses come from storage.Dossier.PortalStatus (TrangThaiHoSo 1–10): Status[k]
//     counts each; PortalReceived counts every status the agency reached after taking the
//     dossier in (2, 4, 5, 6, 7, 8, 9, 10); Refused is 3; Supplement is 5 (supplement requested).
//   - On time / overdue (Decision 766: on time when the end of processing ≤ the appointment):
//     dossiers with an appointment that are not refused (3), withdrawn (7) or stopped (8). The
//     result time is Data "result_at" (RFC 3339, the portal's NgayKetThucXuLy) if present; for a
//     dossier the portal reports processed (9) or returned (10) without it, the row's UpdatedAt;
//     otherwise the dossier is open and its result time is "now". On time when the result time
//     ≤ AppointmentAt; overdue when it is later; an open dossier whose appointment is still
//     ahead is NotDue.
//
// Rates (percent, NaN when the denominator is 0 or the desk holds no data for them):
// online = Submitted/Received, digitization = Digitized/Received, on_time = OnTime/(OnTime+Overdue),
// vneid = VNeID/Submitted; reuse, payment and satisfaction are not in the local database yet.
package figures

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"sohoa/assets/bands"
	"sohoa/storage"
)

// Options tune Compute.
type Options struct {
	Now         time.Time // the moment open dossiers are judged at; zero: time.Now()
	Training    bool      // count the training dossiers instead of the real ones
	MaxProblems int       // how many failed or overdue dossiers to list, oldest first; 0: DefaultMaxProblems
}

// DefaultMaxProblems is how many failed or overdue dossiers Compute lists by default.
const DefaultMaxProblems = 1000

// Portal statuses (TrangThaiHoSo) the figures name.
const (
	StatusNew        = 1  // newly registered
	StatusReceived   = 2  // received by the agency
	StatusRefused    = 3  // refused
	StatusInProgress = 4  // being processed
	StatusSupplement = 5  // supplement requested
	StatusPayment    = 6  // payment requested
	StatusWithdrawn  = 7  // withdrawn by the citizen
	StatusStopped    = 8  // processing stopped
	StatusProcessed  = 9  // processed
	StatusReturned   = 10 // result returned
)

// Counts are the figures of one group of dossiers.
type Counts struct {
	Received   int `json:"received"`
	Digitized  int `json:"digitized"`  // dossiers with a digitized component
	Components int `json:"components"` // components digitized
	Pages      int `json:"pages"`      // pages digitized
	Signed     int `json:"signed"`
	Submitted  int `json:"submitted"` // online, through the citizen's account
	VNeID      int `json:"vneid"`     // submitted with a VNeID-authenticated account
	InProgress int `json:"in_progress"`
	Waiting    int `json:"waiting"`
	Failed     int `json:"failed"`

	Status         [11]int `json:"status"` // by portal status 0–10 (0: none reported yet)
	PortalReceived int     `json:"portal_received"`
	Refused        int     `json:"refused"`
	Supplement     int     `json:"supplement"`
	OnTime         int     `json:"on_time"`
	Overdue        int     `json:"overdue"`
	NotDue         int     `json:"not_due"`

	Timed      int           `json:"timed"`      // submitted dossiers with a submission time
	AvgSubmit  time.Duration `json:"avg_submit"` // average "New dossier" → submitted
	P90Submit  time.Duration `json:"p90_submit"` // 90th percentile of the same
	MaxSubmit  time.Duration `json:"max_submit"` // longest
	totalNanos int64         // sum of the durations, while accumulating
	durations  []int64       // the durations, while accumulating
}

// Rate returns the named rate in percent (see bands.Known); NaN when it cannot be computed.
func (c Counts) Rate(name string) float64 {
	pct := func(n, d int) float64 {
		if d == 0 {
			return math.NaN()
		}
		return float64(n) * 100 / float64(d)
	}
	switch name {
	case bands.Online:
		return pct(c.Submitted, c.Received)
	case bands.Digitization:
		return pct(c.Digitized, c.Received)
	case bands.OnTime:
		return pct(c.OnTime, c.OnTime+c.Overdue)
	case bands.VNeID:
		return pct(c.VNeID, c.Submitted)
	}
	return math.NaN()
}

// Row is the figures of one day, week, month, quarter, officer or procedure.
type Row struct {
	Key      string    `json:"key"`   // "2026-11-23", "2026-W48", "2026-11", "2026-Q4", the officer, the procedure code
	Label    string    `json:"label"` // Vietnamese label
	From, To time.Time `json:"-"`     // the row's period clipped to the figures' period (zero for officer and procedure rows)
	Counts
}

// Problem is a failed or overdue dossier, for the list at the end of a report.
type Problem struct {
	ID            string        `json:"id"`
	ProcedureCode string        `json:"procedure_code"`
	ProcedureName string        `json:"procedure_name"`
	Officer       string        `json:"officer"`
	State         string        `json:"state"`
	PortalStatus  int           `json:"portal_status"`
	CreatedAt     time.Time     `json:"created_at"`
	AppointmentAt time.Time     `json:"appointment_at"`
	ResultAt      time.Time     `json:"result_at"` // zero while open
	Failed        bool          `json:"failed"`
	Overdue       bool          `json:"overdue"`
	LateBy        time.Duration `json:"late_by"` // result (or now) − appointment, when overdue
	LastError     string        `json:"last_error,omitempty"`
}

// Figures are the desk's figures over [From, To).
type Figures struct {
	From       time.Time `json:"from"`
	To         time.Time `json:"to"`
	Now        time.Time `json:"now"`
	Training   bool      `json:"training"`
	Total      Counts    `json:"total"`
	Days       []Row     `json:"days"`       // every day of the period (nil for periods over MaxDays)
	Weeks      []Row     `json:"weeks"`      // ISO weeks touching the period
	Months     []Row     `json:"months"`     // months touching the period
	Quarters   []Row     `json:"quarters"`   // peak-month quarters touching the period
	Officers   []Row     `json:"officers"`   // by officer name
	Procedures []Row     `json:"procedures"` // by procedure code
	Problems   []Problem `json:"problems"`   // failed or overdue, oldest first, at most Options.MaxProblems
	// ProblemsTotal counts every failed or overdue dossier, listed or not.
	ProblemsTotal int `json:"problems_total"`
}

// MaxDays is the longest period for which Compute lists every day.
const MaxDays = 400

// fact is what one dossier contributes.
type fact struct {
	id, officer, proc, state, lastErr string
	created, updated, appointment     int64 // unix nanoseconds, 0 = not set
	submitted, result                 int64
	status                            int
	vneid                             bool
	pages, comps                      int
}

// dossierQuery reads one row per dossier of the period; the record JSON only where a
// submission or a portal status can have written something the figures use.
const dossierQuery = `
SELECT id, officer, procedure_code, state, created_at, updated_at, appointment_at, portal_status,
	CASE WHEN state = 'failed' THEN last_error ELSE '' END,
	CASE WHEN state = 'submitted' OR portal_status <> 0 THEN data END
FROM dossiers
WHERE created_at >= ?1 AND created_at < ?2 AND training = ?3
ORDER BY created_at`

// pagesQuery counts the page images and the components with pages of each dossier of the period.
const pagesQuery = `
SELECT dossier_id, count(*), count(DISTINCT component_code) FROM pages
WHERE dossier_id IN (SELECT id FROM dossiers WHERE created_at >= ?1 AND created_at < ?2 AND training = ?3)
GROUP BY dossier_id`

// pageCount is what pagesQuery says about one dossier.
type pageCount struct{ pages, comps int }

// Compute returns the figures of the dossiers opened in [from, to). It reads the dossiers and
// their pages concurrently, on two connections, and waits for both.
func Compute(ctx context.Context, db *storage.DB, from, to time.Time, opt Options) (Figures, error) {
	if !from.Before(to) {
		return Figures{}, fmt.Errorf("%w: the start %s is not before the end %s", ErrPeriod, from.Format(time.DateOnly), to.Format(time.DateOnly))
	}
	if to.Sub(from) > MaxSpan {
		return Figures{}, fmt.Errorf("%w: %s to %s is longer than ten years", ErrPeriod, from.Format(time.DateOnly), to.Format(time.DateOnly))
	}
	if y1, y2 := from.Year(), to.Year(); y1 < 1678 || y2 > 2261 {
		return Figures{}, fmt.Errorf("%w: years %d–%d are out of range", ErrPeriod, y1, y2)
	}
	now := opt.Now
	if now.IsZero() {
		now = time.Now()
	}
	loc := Location()
	f := Figures{From: from.In(loc), To: to.In(loc), Now: now.In(loc), Training: opt.Training}
	args := []any{from.UnixNano(), to.UnixNano(), opt.Training}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var pages map[string]pageCount
	var pagesErr error
	var wg sync.WaitGroup
	wg.Go(func() {
		pages, pagesErr = readPages(ctx, db, args)
		if pagesErr != nil {
			cancel()
		}
	})
	facts, names, err := readDossiers(ctx, db, args)
	if err != nil {
		cancel()
	}
	wg.Wait()
	if err == nil {
		err = pagesErr
	}
	if err != nil {
		return Figures{}, fmt.Errorf("compute figures: %w", err)
	}
	if err := procedureNames(ctx, db, facts, names); err != nil {
		return Figures{}, fmt.Errorf("compute figures: %w", err)
	}

	maxProblems := opt.MaxProblems
	if maxProblems <= 0 {
		maxProblems = DefaultMaxProblems
	}
	g := newGroups(f.From, f.To)
	officers := map[string]*acc{}
	procs := map[string]*acc{}
	total := &acc{}
	nowN := now.UnixNano()
	for i := range facts {
		x := &facts[i]
		pc := pages[x.id]
		x.pages, x.comps = pc.pages, pc.comps
		o := judge(x, nowN)
		for _, a := range g.of(x.created) {
			a.add(x, o)
		}
		total.add(x, o)
		groupOf(officers, x.officer).add(x, o)
		groupOf(procs, x.proc).add(x, o)
		if x.state == storage.StateFailed || o.overdue {
			f.ProblemsTotal++
			if len(f.Problems) < maxProblems {
				f.Problems = append(f.Problems, problem(x, names[x.proc], o))
			}
		}
	}
	f.Total = total.counts()
	f.Days, f.Weeks, f.Months, f.Quarters = g.rows(g.days), g.rows(g.weeks), g.rows(g.months), g.rows(g.quarters)
	f.Officers = keyed(officers, func(k string) string {
		if k == "" {
			return "(chưa ghi tên cán bộ)"
		}
		return k
	})
	f.Procedures = keyed(procs, func(k string) string {
		if n := names[k]; n != "" {
			return k + " — " + n
		}
		return k
	})
	sort.SliceStable(f.Problems, func(i, j int) bool {
		a, b := f.Problems[i], f.Problems[j]
		if !a.CreatedAt.Equal(b.CreatedAt) {
			return a.CreatedAt.Before(b.CreatedAt)
		}
		return a.ID < b.ID
	})
	return f, nil
}

// readDossiers reads the facts of the period and the procedure names their records give.
func readDossiers(ctx context.Context, db *storage.DB, args []any) ([]fact, map[string]string, error) {
	conn, err := readConn(ctx, db)
	if err != nil {
		return nil, nil, err
	}
	defer conn.Close()
	var n int // an upper bound (both modes), from the index alone: the slice never grows
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM dossiers WHERE created_at >= ?1 AND created_at < ?2`, args...).Scan(&n); err != nil {
		return nil, nil, err
	}
	rows, err := conn.QueryContext(ctx, dossierQuery, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	facts := make([]fact, 0, n)
	names := map[string]string{}
	intern := map[string]string{} // officers and procedure codes repeat: one string each
	str := func(b sql.RawBytes) string {
		if s, ok := intern[string(b)]; ok {
			return s
		}
		s := string(b)
		intern[s] = s
		return s
	}
	var id, officer, proc, state, lastErr, data sql.RawBytes
	for rows.Next() {
		var x fact
		if err := rows.Scan(&id, &officer, &proc, &state, &x.created, &x.updated, &x.appointment, &x.status, &lastErr, &data); err != nil {
			return nil, nil, err
		}
		x.id, x.officer, x.proc, x.state = string(id), str(officer), str(proc), str(state)
		if len(lastErr) > 0 {
			x.lastErr = string(lastErr)
		}
		if len(data) > 0 {
			_, known := names[x.proc]
			r := readRecord(data, !known)
			x.submitted, x.result, x.vneid = r.submitted, r.result, r.vneid
			if r.procName != "" {
				names[x.proc] = r.procName
			}
		}
		facts = append(facts, x)
	}
	return facts, names, rows.Err()
}

// readConn takes a connection for a long read and lets SQLite read the file through a memory map
// (256 MiB) instead of a read call per page: the figures walk most of a year's database.
// The setting only affects how this connection reads.
func readConn(ctx context.Context, db *storage.DB) (*sql.Conn, error) {
	conn, err := db.SQL().Conn(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, `PRAGMA mmap_size = 268435456`); err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}

// readPages runs pagesQuery.
func readPages(ctx context.Context, db *storage.DB, args []any) (map[string]pageCount, error) {
	conn, err := readConn(ctx, db)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	rows, err := conn.QueryContext(ctx, pagesQuery, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]pageCount{}
	var id sql.RawBytes
	for rows.Next() {
		var pc pageCount
		if err := rows.Scan(&id, &pc.pages, &pc.comps); err != nil {
			return nil, err
		}
		out[string(id)] = pc
	}
	return out, rows.Err()
}

// procedureNames fills in the names of procedures none of whose dossiers had a record read,
// from one dossier of each.
func procedureNames(ctx context.Context, db *storage.DB, facts []fact, names map[string]string) error {
	asked := map[string]bool{}
	for i := range facts {
		x := &facts[i]
		if _, ok := names[x.proc]; ok || asked[x.proc] {
			continue
		}
		asked[x.proc] = true
		var data sql.NullString
		err := db.SQL().QueryRowContext(ctx, `SELECT data FROM dossiers WHERE id = ?`, x.id).Scan(&data)
		if err != nil {
			return err
		}
		if r := readRecord([]byte(data.String), true); r.procName != "" {
			names[x.proc] = r.procName
		}
	}
	return nil
}

// outcome is the on-time judgement of one dossier.
type outcome struct {
	onTime, overdue, notDue bool
	result                  int64 // the result time used, 0 while open
	lateBy                  int64
}

// judge applies the on-time / overdue rule of the package comment.
func judge(x *fact, now int64) outcome {
	var o outcome
	if x.appointment == 0 {
		return o
	}
	switch x.status {
	case StatusRefused, StatusWithdrawn, StatusStopped:
		return o
	}
	o.result = x.result
	if o.result == 0 && (x.status == StatusProcessed || x.status == StatusReturned) {
		o.result = x.updated
	}
	at := o.result
	if at == 0 {
		at = now
	}
	switch {
	case at <= x.appointment && o.result != 0:
		o.onTime = true
	case at > x.appointment:
		o.overdue, o.lateBy = true, at-x.appointment
	default:
		o.notDue = true
	}
	return o
}

func problem(x *fact, name string, o outcome) Problem {
	p := Problem{ID: x.id, ProcedureCode: x.proc, ProcedureName: name, Officer: x.officer, State: x.state,
		PortalStatus: x.status, CreatedAt: at(x.created), AppointmentAt: at(x.appointment), ResultAt: at(o.result),
		Failed: x.state == storage.StateFailed, Overdue: o.overdue, LateBy: time.Duration(o.lateBy)}
	if p.Failed {
		p.LastError = x.lastErr
	}
	return p
}

// at turns unix nanoseconds into a time in Asia/Ho_Chi_Minh; 0 is the zero time.
func at(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).In(Location())
}

// acc accumulates the counts of one group.
type acc struct{ c Counts }

func (a *acc) add(x *fact, o outcome) {
	c := &a.c
	c.Received++
	c.Pages += x.pages
	c.Components += x.comps
	if x.comps > 0 {
		c.Digitized++
	}
	switch x.state {
	case storage.StateDraft, storage.StateCaptured:
		c.InProgress++
	case storage.StateSigned:
		c.InProgress++
		c.Signed++
	case storage.StateQueued:
		c.Signed++
		c.Waiting++
	case storage.StateSubmitted:
		c.Signed++
		c.Submitted++
		if x.vneid {
			c.VNeID++
		}
		if x.submitted != 0 {
			d := max(x.submitted-x.created, 0)
			c.Timed++
			c.totalNanos += d
			c.durations = append(c.durations, d)
		}
	case storage.StateFailed:
		c.Signed++
		c.Failed++
	}
	if x.status >= 0 && x.status < len(c.Status) {
		c.Status[x.status]++
	}
	switch x.status {
	case StatusReceived, StatusInProgress, StatusSupplement, StatusPayment, StatusWithdrawn, StatusStopped, StatusProcessed, StatusReturned:
		c.PortalReceived++
	case StatusRefused:
		c.Refused++
	}
	if x.status == StatusSupplement {
		c.Supplement++
	}
	switch {
	case o.onTime:
		c.OnTime++
	case o.overdue:
		c.Overdue++
	case o.notDue:
		c.NotDue++
	}
}

// counts finishes the average and the percentile.
func (a *acc) counts() Counts {
	c := a.c
	if n := len(c.durations); n > 0 {
		slices.Sort(c.durations)
		c.AvgSubmit = time.Duration(c.totalNanos / int64(n))
		c.P90Submit = time.Duration(c.durations[(9*n+9)/10-1]) // ⌈0.9·n⌉-th smallest
		c.MaxSubmit = time.Duration(c.durations[n-1])
	}
	c.durations, c.totalNanos = nil, 0
	return c
}

func groupOf(m map[string]*acc, k string) *acc {
	a := m[k]
	if a == nil {
		a = &acc{}
		m[k] = a
	}
	return a
}

// keyed turns a map of groups into rows sorted by key.
func keyed(m map[string]*acc, label func(string) string) []Row {
	out := make([]Row, 0, len(m))
	for k, a := range m {
		out = append(out, Row{Key: k, Label: label(k), Counts: a.counts()})
	}
	sort.Slice(out, func(i, j int) bool { return strings.Compare(out[i].Key, out[j].Key) < 0 })
	return out
}
