// Importing a unit's procedure list from CSV, XLSX or JSON (the format is in assets/catalog/README.md),
// writing a catalog back as JSON, and merging a unit's list over the shipped one.

package catalog

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Columns of the CSV/XLSX import format, in the order the header usually has them. One row per
// component (and/or fee) of a procedure: the rows of one procedure share its code, and its own
// columns (name, level, field, days…) need only be filled on its first row.
var Columns = []string{
	"code", "name", "level", "field", "days", "extended_days", "same_day_cutoff", "agency",
	"component", "role", "required", "originals", "copies", "form",
	"fee_name", "fee_amount", "fee_per", "fee_channel", "fee_from_page", "fee_to_page", "fee_cap_per_copy",
	"sources", "notes",
}

// Import reads a procedure list; the format comes from the file name's extension (.csv, .xlsx or
// .json). Errors are *FieldError values that name the row (or procedure) and the field.
func Import(name string, data []byte) (*Catalog, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".json":
		return Load(bytes.NewReader(data))
	case ".csv":
		recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))).ReadAll()
		if err != nil {
			return nil, &FieldError{Field: "csv", Reason: "cannot be read as CSV (" + err.Error() + ")"}
		}
		return fromRows(recs)
	case ".xlsx":
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			return nil, &FieldError{Field: "xlsx", Reason: "cannot be read as an Excel workbook (" + err.Error() + ")"}
		}
		defer f.Close()
		sheets := f.GetSheetList()
		if len(sheets) == 0 {
			return nil, &FieldError{Field: "xlsx", Reason: "has no sheet"}
		}
		rows, err := f.GetRows(sheets[0])
		if err != nil {
			return nil, &FieldError{Field: "xlsx", Reason: "cannot be read (" + err.Error() + ")"}
		}
		return fromRows(rows)
	}
	return nil, &FieldError{Field: "file", Reason: fmt.Sprintf("is %q; give a .csv, .xlsx or .json file", filepath.Base(name))}
}

// levelWords maps a level cell (a number or the Vietnamese tier name) to its constant.
var levelWords = map[string]int{
	"1": LevelCentral, "trung uong": LevelCentral, "bo": LevelCentral,
	"2": LevelProvince, "tinh": LevelProvince, "cap tinh": LevelProvince,
	"3": LevelCommune, "xa": LevelCommune, "cap xa": LevelCommune, "phuong": LevelCommune,
	"4": LevelDistrict, "huyen": LevelDistrict, "cap huyen": LevelDistrict,
}

func fromRows(rows [][]string) (*Catalog, error) {
	if len(rows) < 2 {
		return nil, &FieldError{Field: "rows", Reason: "are missing: the file needs a header row and at least one procedure"}
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if h == "" {
			continue
		}
		known := false
		for _, c := range Columns {
			known = known || c == h
		}
		if !known {
			return nil, &FieldError{Procedure: "row 1", Field: h, Reason: "is not a known column; the columns are " + strings.Join(Columns, ", ")}
		}
		col[h] = i
	}
	for _, need := range []string{"code", "name", "field", "level", "days", "component"} {
		if _, ok := col[need]; !ok {
			return nil, &FieldError{Procedure: "row 1", Field: need, Reason: "column is missing from the header row"}
		}
	}
	type proc struct {
		p   Procedure
		row int
	}
	var order []*proc
	byCode := map[string]*proc{}
	for ri, rec := range rows[1:] {
		rowN := ri + 2
		get := func(k string) string {
			if j, ok := col[k]; ok && j < len(rec) {
				return strings.TrimSpace(rec[j])
			}
			return ""
		}
		empty := true
		for _, v := range rec {
			empty = empty && strings.TrimSpace(v) == ""
		}
		if empty {
			continue
		}
		where := fmt.Sprintf("row %d", rowN)
		bad := func(field, reason string) error { return &FieldError{Procedure: where, Field: field, Reason: reason} }
		num := func(k string) (int64, error) {
			v := get(k)
			if v == "" {
				return 0, nil
			}
			n, err := strconv.ParseInt(strings.NewReplacer(".", "", ",", "", " ", "", "\u00a0", "").Replace(v), 10, 64)
			if err != nil || n < 0 {
				return 0, bad(k, fmt.Sprintf("is %q, not a whole number of 0 or more", v))
			}
			return n, nil
		}
		code := get("code")
		if code == "" {
			return nil, bad("code", "is empty; every row names the procedure code, e.g. 1.001193")
		}
		where = fmt.Sprintf("row %d (%s)", rowN, code)
		if !codeRE.MatchString(code) {
			return nil, bad("code", "must look like 1.001193 (optionally followed by a local suffix such as .000.00.00.H55)")
		}
		pr, seen := byCode[code]
		if !seen {
			pr = &proc{row: rowN, p: Procedure{Code: code}}
			byCode[code] = pr
			order = append(order, pr)
		}
		p := &pr.p
		if v := get("name"); v != "" {
			p.Name = v
		}
		if v := get("field"); v != "" {
			p.Field = v
		}
		if v := get("agency"); v != "" {
			p.Agency = v
		}
		if v := get("same_day_cutoff"); v != "" {
			p.SameDayCutoff = v
		}
		if v := get("level"); v != "" {
			p.Level, p.Levels = 0, nil
			for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' || r == '/' }) {
				l, ok := levelWords[Fold(part)]
				if !ok {
					return nil, bad("level", fmt.Sprintf("is %q; write 3 or xã, 2 or tỉnh, 4 or huyện, 1 or trung ương (several split by commas)", v))
				}
				if p.Level == 0 {
					p.Level = l
				}
				p.Levels = append(p.Levels, l)
			}
			if len(p.Levels) < 2 {
				p.Levels = nil
			}
		}
		if get("days") != "" {
			n, err := num("days")
			if err != nil {
				return nil, err
			}
			p.Days = int(n)
		} else if !seen {
			return nil, bad("days", "is empty; write the processing time in working days (0 = the same day)")
		}
		if get("extended_days") != "" {
			n, err := num("extended_days")
			if err != nil {
				return nil, err
			}
			p.ExtendedDays = int(n)
		}
		for _, s := range splitList(get("sources")) {
			p.Sources = append(p.Sources, s)
		}
		for _, s := range splitList(get("notes")) {
			p.Notes = append(p.Notes, s)
		}
		if name := get("component"); name != "" {
			c := Component{Code: fmt.Sprintf("TP%d", len(p.Components)+1), Name: name, Role: RoleSubmit, Required: true, Form: get("form")}
			if v := get("role"); v != "" {
				switch Fold(v) {
				case "nop", "giay to phai nop":
					c.Role = RoleSubmit
				case "xuat_trinh", "xuat trinh", "giay to phai xuat trinh":
					c.Role = RoleShow
				case "luu_y", "luu y":
					c.Role, c.Required = RoleNote, false
				default:
					return nil, bad("role", fmt.Sprintf("is %q; write nop (handed in), xuat_trinh (shown) or luu_y (a note)", v))
				}
			}
			if v := get("required"); v != "" {
				switch Fold(v) {
				case "1", "x", "true", "co", "bat buoc", "yes":
					c.Required = true
				case "0", "false", "khong", "tuy chon", "neu co", "no":
					c.Required = false
				default:
					return nil, bad("required", fmt.Sprintf("is %q; write có (required) or không / nếu có (optional)", v))
				}
			}
			o, err := num("originals")
			if err != nil {
				return nil, err
			}
			cp, err := num("copies")
			if err != nil {
				return nil, err
			}
			c.Originals, c.Copies = int(o), int(cp)
			p.Components = append(p.Components, c)
		}
		if fname := get("fee_name"); fname != "" || get("fee_amount") != "" {
			f := Fee{Name: fname, Per: get("fee_per"), Channel: get("fee_channel")}
			var from, to int64
			for k, dst := range map[string]*int64{"fee_amount": &f.Amount, "fee_from_page": &from, "fee_to_page": &to, "fee_cap_per_copy": &f.CapPerCopy} {
				v, err := num(k)
				if err != nil {
					return nil, err
				}
				*dst = v
			}
			f.FromPage, f.ToPage = int(from), int(to)
			p.Fees = append(p.Fees, f)
		}
	}
	c := &Catalog{Version: 1, byCode: make(map[string]int, len(order))}
	for _, pr := range order {
		raw, _ := json.Marshal(pr.p)
		if err := validate(&pr.p, fmt.Sprintf("row %d (%s)", pr.row, pr.p.Code), raw); err != nil {
			return nil, err
		}
		c.add(pr.p)
	}
	return c, nil
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ";") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

func (c *Catalog) add(p Procedure) {
	c.byCode[p.Code] = len(c.procs)
	c.procs = append(c.procs, p)
	c.folded = append(c.folded, Fold(p.Name))
	c.lowered = append(c.lowered, lowerNFC(p.Name))
}

// Len is the number of procedures.
func (c *Catalog) Len() int { return len(c.procs) }

// Encode writes the catalog in the JSON format Load reads (version 1).
func (c *Catalog) Encode(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(struct {
		Version    int               `json:"version"`
		Effective  string            `json:"effective,omitempty"`
		Sources    map[string]string `json:"sources,omitempty"`
		Procedures []Procedure       `json:"procedures"`
	}{1, c.Effective, c.sources, c.procs})
}

// Merge returns the unit's catalog followed by the procedures of base it does not list: a unit's
// row for a code replaces the shipped one. Sources of both are kept (the unit's win on a clash).
func Merge(unit, base *Catalog) *Catalog {
	m := &Catalog{Version: 1, Effective: unit.Effective, byCode: make(map[string]int, len(unit.procs)+len(base.procs)), sources: map[string]string{}}
	for k, v := range base.sources {
		m.sources[k] = v
	}
	for k, v := range unit.sources {
		m.sources[k] = v
	}
	for _, p := range unit.procs {
		m.add(p)
	}
	for _, p := range base.procs {
		if _, dup := m.byCode[p.Code]; !dup {
			m.add(p)
		}
	}
	return m
}
