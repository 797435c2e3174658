// Per-year holiday tables: the government's yearly decisions on days off and swaps.

package workdays

import (
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"strconv"
	"time"

	"sohoa/assets"
	"sohoa/errs"
)

// ErrTable is wrapped by every error about a malformed holiday table.
var ErrTable = errs.New("error.workdays.table", errs.Permanent, "workdays: invalid holiday table")

// Day is one dated entry of a Table.
type Day struct {
	Date     string `json:"date"` // "2006-01-02"
	Name     string `json:"name"`
	Inferred bool   `json:"inferred,omitempty"`
	date     date
}

// Table adjusts one year's computed calendar; it is the JSON of assets/holidays/<year>.json.
type Table struct {
	Year              int      `json:"year"`
	SeptemberAdjacent int      `json:"september_adjacent,omitempty"` // 1 or 3; 0 = the calendar's default
	Off               []Day    `json:"off,omitempty"`                // days off added (swaps, decided days)
	Work              []Day    `json:"work,omitempty"`               // working days whatever the rules say
	Sources           []string `json:"sources,omitempty"`
	Notes             []string `json:"notes,omitempty"`
	Inferred          bool     `json:"inferred,omitempty"`
}

// ParseTable reads and checks one year's table: known fields only, dates in that year.
func ParseTable(r io.Reader) (Table, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var t Table
	if err := dec.Decode(&t); err != nil {
		return Table{}, fmt.Errorf("%w: %w", ErrTable, err)
	}
	if t.Year < 1900 || t.Year > 2200 {
		return Table{}, fmt.Errorf("%w: year %d is out of range 1900–2200", ErrTable, t.Year)
	}
	if t.SeptemberAdjacent != 0 && t.SeptemberAdjacent != 1 && t.SeptemberAdjacent != 3 {
		return Table{}, fmt.Errorf("%w: september_adjacent must be 1 or 3", ErrTable)
	}
	seen := map[string]bool{}
	for _, list := range [][]Day{t.Off, t.Work} {
		for i := range list {
			d, err := time.Parse("2006-01-02", list[i].Date)
			if err != nil {
				return Table{}, fmt.Errorf("%w: %d: date %q is not YYYY-MM-DD", ErrTable, t.Year, list[i].Date)
			}
			if d.Year() != t.Year {
				return Table{}, fmt.Errorf("%w: %d: date %s is not in that year", ErrTable, t.Year, list[i].Date)
			}
			if seen[list[i].Date] {
				return Table{}, fmt.Errorf("%w: %d: date %s is listed twice", ErrTable, t.Year, list[i].Date)
			}
			seen[list[i].Date] = true
			list[i].date = dateOf(d)
		}
	}
	return t, nil
}

// SetTable installs (or replaces) the table for t.Year, e.g. a unit's own file
// read with ParseTable when the government publishes a new decision.
func (c *Calendar) SetTable(t Table) {
	c.mu.Lock()
	c.tables[t.Year] = t
	delete(c.years, t.Year)
	c.mu.Unlock()
}

var tableName = regexp.MustCompile(`^([0-9]{4})\.json$`)

func embeddedTables() ([]Table, error) {
	entries, err := fs.ReadDir(assets.FS, "holidays")
	if err != nil {
		return nil, fmt.Errorf("workdays: read embedded holiday tables: %w", err)
	}
	var out []Table
	for _, e := range entries {
		m := tableName.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		f, err := assets.FS.Open(path.Join("holidays", e.Name()))
		if err != nil {
			return nil, fmt.Errorf("workdays: %w", err)
		}
		t, err := ParseTable(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("holidays/%s: %w", e.Name(), err)
		}
		if y, _ := strconv.Atoi(m[1]); y != t.Year {
			return nil, fmt.Errorf("%w: holidays/%s holds year %d", ErrTable, e.Name(), t.Year)
		}
		out = append(out, t)
	}
	return out, nil
}

// ImportTable reads a table a unit supplies (`sohoa holidays import`): ParseTable's checks, plus a
// name on every day and at least one source (the decision it comes from), since an unsourced table
// would silently change every appointment.
func ImportTable(r io.Reader) (Table, error) {
	t, err := ParseTable(r)
	if err != nil {
		return Table{}, err
	}
	for _, list := range [][]Day{t.Off, t.Work} {
		for _, d := range list {
			if d.Name == "" {
				return Table{}, fmt.Errorf("%w: %d: date %s has no name; say what the day is (e.g. \"Nghỉ bù Tết\")", ErrTable, t.Year, d.Date)
			}
		}
	}
	if len(t.Sources) == 0 {
		return Table{}, fmt.Errorf("%w: %d: \"sources\" is empty; name the decision the table comes from", ErrTable, t.Year)
	}
	return t, nil
}

// Table returns the table installed for year y, if any.
func (c *Calendar) Table(y int) (Table, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.tables[y]
	return t, ok
}
