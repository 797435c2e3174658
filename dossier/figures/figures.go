// The figures: counts and rates over a period, read from the local database.

package figures

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"sohoa/assets/bands"
	"sohoa/desk/model"
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

	// Payments asked for by the portal (fee > 0) and those paid online, for the payment rate. Counted
	// for the period's total only (rows of days, officers and procedures leave them at zero).
	PaymentsRequested int `json:"payments_requested"`
	PaidOnline        int `json:"paid_online"`

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
	case bands.Payment:
		return pct(c.PaidOnline, c.PaymentsRequested)
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
	officer, proc string
	state         int   // one of the state* codes
	status        int   // portal status 0–10; noStatus for anything else
	vneid         bool  // submitted with a VNeID-authenticated account
	outcome       int   // outcome* code
	pages, comps  int   // page images and components with pages
	created       int64 // unix nanoseconds
	submitDur     int64 // submitted_at − created_at of a submitted dossier that has it; -1 otherwise
	rowid         int64 // the row, to read a problem's details or a procedure's name
}

// State codes of the figures, from the dossier's state column (the store's names, not spelt here).
const (
	stateDraft = iota
	stateCaptured
	stateSigned
	stateQueued
	stateSubmitted
	stateFailed
)

var stateNames = []string{string(model.Draft), string(model.Captured), string(model.Signed), string(model.Queued), string(model.Submitted), string(model.Failed)}

// noStatus is a portal status outside 0–10 (counted in no Status cell).
const noStatus = 15

// Outcome codes of the on-time judgement.
const (
	outcomeNone    = iota // not judged
	outcomeOnTime         // result on or before the appointment
	outcomeOverdue        // result after the appointment, or none and the appointment passed
	outcomeOpen           // no result yet (stored); judged against "now" as overdue or not due
	outcomeNotDue         // no result yet, the appointment still ahead
)

// dossierQuery reads one row per dossier of the period from the covering index dossiers_figures alone
// (storage migration 00004): typed columns the desk writes in the same transaction as each change. The
// rules (states, statuses, the on-time judgement) are applied here, in Go, not in SQL.
// The officer and procedure come as fig_key, their pair in figure_keys (one integer, not two strings); the
// state as its code, from the names given as parameters ?4… (stateNames).
var dossierQuery = func() string {
	var q strings.Builder
	q.WriteString("SELECT created_at, fig_key, CASE state")
	for i := range stateNames {
		fmt.Fprintf(&q, " WHEN ?%d THEN %d", i+4, i)
	}
	fmt.Fprintf(&q, ` ELSE %d END, portal_status, vneid, appointment_at, result_at, submitted_at, updated_at, page_count,
	component_count, rowid
FROM dossiers INDEXED BY dossiers_figures
WHERE training = ?3 AND created_at >= ?1 AND created_at < ?2
ORDER BY created_at`, stateFailed)
	return q.String()
}()

// nameTries is how many dossiers of a procedure procedureNames reads at most to find its name.
const nameTries = 8

// Store is the desk's database the figures are read from (*storage.DB is one); figures reads it
// through SQL and never imports the storage package, so the screens can use these types.
type Store interface {
	SQL() *sql.DB
}

// Compute returns the figures of the dossiers opened in [from, to).
func Compute(ctx context.Context, db Store, from, to time.Time, opt Options) (Figures, error) {
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
	maxProblems := opt.MaxProblems
	if maxProblems <= 0 {
		maxProblems = DefaultMaxProblems
	}
	g := newGroups(f.From, f.To)
	officers := map[string]*acc{}
	procs := map[string]*acc{}
	total := &acc{}
	nowN := now.UnixNano()
	byProc := map[string][]int64{}
	var problems []fact
	err := readDossiers(ctx, db, []any{from.UnixNano(), to.UnixNano(), opt.Training}, nowN, func(x *fact) {
		for _, a := range g.of(x.created) {
			a.add(x)
		}
		total.add(x)
		groupOf(officers, x.officer).add(x)
		groupOf(procs, x.proc).add(x)
		if ids := byProc[x.proc]; len(ids) < nameTries {
			byProc[x.proc] = append(ids, x.rowid)
		}
		if x.state == stateFailed || x.outcome == outcomeOverdue {
			f.ProblemsTotal++
			if len(problems) < maxProblems {
				problems = append(problems, *x)
			}
		}
	})
	if err != nil {
		return Figures{}, fmt.Errorf("compute figures: %w", err)
	}
	if err := countPayments(ctx, db, from, to, opt.Training, total); err != nil {
		return Figures{}, fmt.Errorf("compute figures: %w", err)
	}
	names, err := procedureNames(ctx, db, byProc)
	if err != nil {
		return Figures{}, fmt.Errorf("compute figures: %w", err)
	}
	stmt, err := db.SQL().PrepareContext(ctx, problemQuery)
	if err != nil {
		return Figures{}, fmt.Errorf("compute figures: %w", err)
	}
	defer stmt.Close()
	for i := range problems {
		p, err := problem(ctx, stmt, &problems[i], names[problems[i].proc], nowN)
		if err != nil {
			return Figures{}, fmt.Errorf("compute figures: %w", err)
		}
		f.Problems = append(f.Problems, p)
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

// readDossiers runs dossierQuery and calls fn with each dossier's fact (valid during the call only). It
// reads the driver's rows directly: database/sql's Scan converts every column of every row (through
// reflection for integers), which costs more than the rest of the figures together.
func readDossiers(ctx context.Context, db Store, args []any, now int64, fn func(*fact)) error {
	conn, err := readConn(ctx, db)
	if err != nil {
		return err
	}
	defer conn.Close()
	type pair struct{ officer, proc string }
	keys := map[int64]pair{}
	krows, err := conn.QueryContext(ctx, `SELECT id, officer, procedure_code FROM figure_keys`)
	if err != nil {
		return err
	}
	for krows.Next() {
		var id int64
		var p pair
		if err := krows.Scan(&id, &p.officer, &p.proc); err != nil {
			krows.Close()
			return err
		}
		keys[id] = p
	}
	if err := krows.Close(); err != nil {
		return err
	}
	for _, n := range stateNames {
		args = append(args, n)
	}
	named := make([]driver.NamedValue, len(args))
	for i, a := range args {
		named[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	return conn.Raw(func(dc any) error {
		q, ok := dc.(driver.QueryerContext)
		if !ok {
			return fmt.Errorf("the database driver cannot query directly")
		}
		rows, err := q.QueryContext(ctx, dossierQuery, named)
		if err != nil {
			return err
		}
		defer rows.Close()
		col := make([]driver.Value, len(rows.Columns()))
		if len(col) != 12 {
			return fmt.Errorf("figures query: %d columns", len(col))
		}
		var x fact
		for {
			if err := rows.Next(col); err == io.EOF {
				return nil
			} else if err != nil {
				return err
			}
			k := keys[num(col[1])]
			x.created, x.officer, x.proc, x.state = num(col[0]), k.officer, k.proc, int(num(col[2]))
			x.status = int(num(col[3]))
			if x.status < 0 || x.status > StatusReturned {
				x.status = noStatus
			}
			x.vneid = num(col[4]) != 0
			appointment, result, submitted, updated := num(col[5]), num(col[6]), num(col[7]), num(col[8])
			x.pages, x.comps, x.rowid = int(num(col[9])), int(num(col[10])), num(col[11])
			x.outcome = outcome(x.status, appointment, result, updated, now)
			x.submitDur = -1
			if x.state == stateSubmitted && submitted != 0 {
				x.submitDur = max(submitted-x.created, 0)
			}
			fn(&x)
		}
	})
}

// num reads an integer column value (0 for anything else).
func num(v driver.Value) int64 {
	switch n := v.(type) {
	case int64:
		return n
	case bool:
		if n {
			return 1
		}
	}
	return 0
}

// outcome judges a dossier on time or overdue (Decision 766): not judged without an appointment or when
// refused, withdrawn or stopped; the result time is result_at, or the last change for processed and returned
// without it; with no result yet it is overdue once the appointment has passed at now.
func outcome(status int, appointment, result, updated, now int64) int {
	switch {
	case appointment == 0, status == StatusRefused, status == StatusWithdrawn, status == StatusStopped:
		return outcomeNone
	}
	if result == 0 && (status == StatusProcessed || status == StatusReturned) {
		result = updated
	}
	switch {
	case result == 0 && now > appointment:
		return outcomeOverdue
	case result == 0:
		return outcomeNotDue
	case result <= appointment:
		return outcomeOnTime
	}
	return outcomeOverdue
}

// readConn takes a connection for a long read and lets SQLite read the file through a memory map
// (256 MiB) instead of a read call per page: the figures walk most of a year's index.
// The setting only affects how this connection reads.
func readConn(ctx context.Context, db Store) (*sql.Conn, error) {
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

// procedureNames finds each procedure's name in the record of one of its first dossiers of the
// period (the first whose record names it); a procedure none of them names has no name.
func procedureNames(ctx context.Context, db Store, byProc map[string][]int64) (map[string]string, error) {
	names := make(map[string]string, len(byProc))
	for proc, ids := range byProc {
		for _, id := range ids {
			var data sql.NullString
			if err := db.SQL().QueryRowContext(ctx, `SELECT data FROM dossiers WHERE rowid = ?`, id).Scan(&data); err != nil {
				return nil, err
			}
			var r struct {
				Name string `json:"procedure_name"` // dossier.Record's field
			}
			if json.Unmarshal([]byte(data.String), &r) == nil && r.Name != "" {
				names[proc] = r.Name
				break
			}
		}
	}
	return names, nil
}

// problemQuery reads the rest of a failed or overdue dossier's row for the list of problems.
const problemQuery = `SELECT id, appointment_at, result_at, updated_at, last_error FROM dossiers WHERE rowid = ?`

// problem makes the list entry of a failed or overdue dossier.
func problem(ctx context.Context, stmt *sql.Stmt, x *fact, name string, now int64) (Problem, error) {
	var id, lastErr string
	var appointment, result, updated int64
	if err := stmt.QueryRowContext(ctx, x.rowid).Scan(&id, &appointment, &result, &updated, &lastErr); err != nil {
		return Problem{}, err
	}
	if result == 0 && (x.status == StatusProcessed || x.status == StatusReturned) {
		result = updated
	}
	p := Problem{ID: id, ProcedureCode: x.proc, ProcedureName: name, Officer: x.officer, State: stateNames[x.state],
		PortalStatus: x.status, CreatedAt: at(x.created), AppointmentAt: at(appointment), ResultAt: at(result),
		Failed: x.state == stateFailed, Overdue: x.outcome == outcomeOverdue}
	if p.Overdue {
		end := result
		if end == 0 {
			end = now
		}
		p.LateBy = time.Duration(end - appointment)
	}
	if p.Failed {
		p.LastError = lastErr
	}
	if x.status == noStatus {
		p.PortalStatus = 0
	}
	return p, nil
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

func (a *acc) add(x *fact) {
	c := &a.c
	c.Received++
	c.Pages += x.pages
	c.Components += x.comps
	if x.comps > 0 {
		c.Digitized++
	}
	switch x.state {
	case stateDraft, stateCaptured:
		c.InProgress++
	case stateSigned:
		c.InProgress++
		c.Signed++
	case stateQueued:
		c.Signed++
		c.Waiting++
	case stateSubmitted:
		c.Signed++
		c.Submitted++
		if x.vneid {
			c.VNeID++
		}
		if x.submitDur >= 0 {
			c.Timed++
			c.totalNanos += x.submitDur
			c.durations = append(c.durations, x.submitDur)
		}
	case stateFailed:
		c.Signed++
		c.Failed++
	}
	if x.status < len(c.Status) {
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
	switch x.outcome {
	case outcomeOnTime:
		c.OnTime++
	case outcomeOverdue:
		c.Overdue++
	case outcomeNotDue:
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

// countPayments adds the period's payment requests and online payments to the total. Payments exist
// only for dossiers with a fee, a small share, so this is a separate indexed join rather than a part
// of the index-only scan over every dossier.
func countPayments(ctx context.Context, db Store, from, to time.Time, training bool, total *acc) error {
	var requested, paid int
	err := db.SQL().QueryRowContext(ctx, `SELECT count(*), coalesce(sum(p.paid <> 0), 0)
		FROM payments p JOIN dossiers d ON d.id = p.dossier_id
		WHERE d.training = ? AND d.created_at >= ? AND d.created_at < ? AND p.amount > 0`,
		training, from.UnixNano(), to.UnixNano()).Scan(&requested, &paid)
	if err != nil {
		return err
	}
	total.c.PaymentsRequested += requested
	total.c.PaidOnline += paid
	return nil
}
