// Fee arithmetic: what a dossier pays for its procedure on its channel, with per-page and per-copy
// quantities, and a unit's own fee rows overriding the catalog's by procedure code and channel.

package catalog

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// What a fee row's amount is multiplied by.
const (
	PerCase = "truong_hop" // once per dossier (also the meaning of "")
	PerCopy = "ban"        // per copy asked for
	PerPage = "trang"      // per page of the original, for each copy
)

// Quantity is what a dossier asks for: the pages of the original and the copies wanted (0 = 1).
type Quantity struct {
	Pages  int
	Copies int
}

// Charge returns the rows a dossier on channel pays, each with Rate (the catalog amount), Quantity
// and Amount = the row's total. Rows for every channel ("") and for this channel apply; a page
// row charges the pages of its range for each copy, capped per copy by the smallest CapPerCopy of
// the page rows. Rows that charge nothing for this quantity (pages beyond the original) are left out.
// Example (Circular 226/2016, certified copies): 2,000 đ/page for pages 1–2 and 1,000 đ/page from
// page 3: 3 pages, 1 copy → 2×2,000 + 1×1,000 = 5,000 đ.
func Charge(fees []Fee, channel string, q Quantity) []Fee {
	copies := max(q.Copies, 1)
	pages := max(q.Pages, 0)
	var out []Fee
	var capc int64
	pageRows := []int{}
	for _, f := range fees {
		if f.Channel != "" && f.Channel != channel {
			continue
		}
		r := f
		r.Rate = f.Amount
		switch f.Per {
		case PerPage:
			lo, hi := max(f.FromPage, 1), pages
			if f.ToPage > 0 {
				hi = min(f.ToPage, pages)
			}
			n := max(hi-lo+1, 0)
			if n == 0 {
				continue
			}
			r.Quantity = n
			if f.CapPerCopy > 0 && (capc == 0 || f.CapPerCopy < capc) {
				capc = f.CapPerCopy
			}
			pageRows = append(pageRows, len(out))
		case PerCopy:
			r.Quantity = copies
		default:
			r.Quantity = 1
		}
		r.Amount = r.Rate * int64(r.Quantity)
		out = append(out, r)
	}
	// Page rows so far hold one copy: apply the cap per copy, then multiply by the copies.
	var perCopy int64
	for _, i := range pageRows {
		perCopy += out[i].Amount
	}
	for k := len(pageRows) - 1; capc > 0 && perCopy > capc && k >= 0; k-- {
		r := &out[pageRows[k]]
		cut := min(r.Amount, perCopy-capc)
		r.Amount -= cut
		perCopy -= cut
	}
	for _, i := range pageRows {
		out[i].Amount *= int64(copies)
		out[i].Quantity *= copies
	}
	return out
}

// Total adds up the Amount of rows returned by Charge.
func Total(rows []Fee) int64 {
	var sum int64
	for _, r := range rows {
		sum += max(r.Amount, 0)
	}
	return sum
}

// ForChannel returns the rows of fees that apply on channel ("" rows and that channel's rows).
func ForChannel(fees []Fee, channel string) []Fee {
	var out []Fee
	for _, f := range fees {
		if f.Channel == "" || f.Channel == channel {
			out = append(out, f)
		}
	}
	return out
}

// UnitFee is one row of a unit's fee file: a fee row of one procedure. A unit's rows for a
// (procedure, channel) pair replace the catalog's rows of that procedure and channel.
type UnitFee struct {
	Procedure string `json:"procedure"`
	Fee
}

// FeeTable is a unit's fee file, read by LoadFees.
type FeeTable struct {
	Rows []UnitFee
}

// LoadFees reads a unit's fee file: JSON ({"fees": [{"procedure": "2.000815", "name": …,
// "amount": …, "channel": …, "per": …}]}) or CSV with the header
// procedure,name,amount,channel,per,from_page,to_page,cap_per_copy,unit,note. Errors name the row.
func LoadFees(r io.Reader) (FeeTable, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return FeeTable{}, err
	}
	var t FeeTable
	if trimmed := bytes.TrimSpace(b); len(trimmed) > 0 && trimmed[0] == '{' {
		var f struct {
			Fees []UnitFee `json:"fees"`
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			return FeeTable{}, &FieldError{Field: "fees", Reason: "is not readable JSON: " + err.Error()}
		}
		t.Rows = f.Fees
	} else {
		recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")))).ReadAll()
		if err != nil {
			return FeeTable{}, &FieldError{Field: "csv", Reason: "is not readable CSV: " + err.Error()}
		}
		if len(recs) < 2 {
			return FeeTable{}, &FieldError{Field: "fees", Reason: "has no rows"}
		}
		col := map[string]int{}
		for i, h := range recs[0] {
			col[strings.ToLower(strings.TrimSpace(h))] = i
		}
		for _, need := range []string{"procedure", "name", "amount"} {
			if _, ok := col[need]; !ok {
				return FeeTable{}, &FieldError{Field: need, Reason: "column is missing from the header row"}
			}
		}
		for i, rec := range recs[1:] {
			row := fmt.Sprintf("row %d", i+2)
			get := func(k string) string {
				if j, ok := col[k]; ok && j < len(rec) {
					return strings.TrimSpace(rec[j])
				}
				return ""
			}
			num := func(k string) (int64, error) {
				v := get(k)
				if v == "" {
					return 0, nil
				}
				n, err := strconv.ParseInt(strings.NewReplacer(".", "", ",", "", " ", "").Replace(v), 10, 64)
				if err != nil {
					return 0, &FieldError{Procedure: row, Field: k, Reason: fmt.Sprintf("is %q, not a whole number of đồng", v)}
				}
				return n, nil
			}
			var u UnitFee
			u.Procedure, u.Name, u.Channel, u.Per, u.Unit, u.Note = get("procedure"), get("name"), get("channel"), get("per"), get("unit"), get("note")
			var from, to int64
			for k, dst := range map[string]*int64{"amount": &u.Amount, "from_page": &from, "to_page": &to, "cap_per_copy": &u.CapPerCopy} {
				if *dst, err = num(k); err != nil {
					return FeeTable{}, err
				}
			}
			u.FromPage, u.ToPage = int(from), int(to)
			t.Rows = append(t.Rows, u)
		}
	}
	for i, u := range t.Rows {
		row := fmt.Sprintf("fee row %d", i+1)
		if !codeRE.MatchString(strings.TrimSpace(u.Procedure)) {
			return FeeTable{}, &FieldError{Procedure: row, Field: "procedure", Reason: fmt.Sprintf("is %q; write a procedure code such as 2.000815", u.Procedure)}
		}
		p := Procedure{Code: u.Procedure, Name: "x", Field: "x", Level: LevelCommune,
			Components: []Component{{Code: "TP1", Name: "x", Role: RoleSubmit}}, Fees: []Fee{u.Fee}}
		if err := validate(&p, row, nil); err != nil {
			return FeeTable{}, err
		}
	}
	return t, nil
}

// WithFees returns a copy of the catalog in which the unit's rows replace, for each procedure and
// channel they name, the catalog's rows of that procedure and channel. Rows for procedures not in
// the catalog are ignored (a unit may set fees ahead of loading a procedure).
func (c *Catalog) WithFees(t FeeTable) *Catalog {
	if len(t.Rows) == 0 {
		return c
	}
	type key struct{ code, channel string }
	repl := map[key][]Fee{}
	var order []key
	for _, u := range t.Rows {
		k := key{strings.TrimSpace(u.Procedure), u.Channel}
		if _, ok := repl[k]; !ok {
			order = append(order, k)
		}
		repl[k] = append(repl[k], u.Fee)
	}
	n := *c
	n.procs = append([]Procedure(nil), c.procs...)
	for _, k := range order {
		i, ok := c.byCode[k.code]
		if !ok {
			continue
		}
		p := &n.procs[i]
		var kept []Fee
		for _, f := range p.Fees {
			if f.Channel != k.channel {
				kept = append(kept, f)
			}
		}
		p.Fees = append(kept, repl[k]...)
	}
	return &n
}
