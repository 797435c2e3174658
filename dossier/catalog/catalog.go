// Loading and searching the procedure catalog.

package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"sort"
	"strings"

	"sohoa/assets"
	"sohoa/errs"
)

// Component roles: what the applicant does with a component at the counter.
const (
	RoleSubmit = "nop"        // handed in; the desk digitizes it
	RoleShow   = "xuat_trinh" // shown for inspection, then returned; never copied on demand
	RoleNote   = "luu_y"      // a note to the officer, no paper
)

// Procedure levels: the tier of government that decides the procedure.
const (
	LevelCentral  = 1 // a ministry or central agency
	LevelProvince = 2 // the provincial People's Committee or its departments
	LevelCommune  = 3 // the commune, ward or special-zone People's Committee (cấp xã)
	LevelDistrict = 4 // the district People's Committee (cấp huyện), abolished on 01/07/2025; kept for older lists
)

// Fee channels: the submission channel a fee row applies to ("" = every channel).
const (
	ChannelInPerson = "truc_tiep"
	ChannelOnline   = "truc_tuyen"
	ChannelPost     = "buu_chinh"
)

// Fee is one fee or charge row of a procedure. Amount is in VND per Unit;
// 0 with a Note means free or "set by the provincial People's Council".
// Per says what the amount is multiplied by (see Charge): "" or PerCase once per dossier,
// PerCopy per copy asked for, PerPage per page of the original and per copy, limited to the
// pages FromPage…ToPage (ToPage 0: no end); CapPerCopy caps what the page rows charge for one copy.
type Fee struct {
	Code       string `json:"code,omitempty"`
	Name       string `json:"name"`
	Amount     int64  `json:"amount"`
	Unit       string `json:"unit,omitempty"`    // what one Amount pays for, e.g. "trang", "bản sao", "trường hợp"
	Channel    string `json:"channel,omitempty"` // "" (all), ChannelInPerson, ChannelOnline or ChannelPost
	Per        string `json:"per,omitempty"`     // "", PerCase, PerCopy or PerPage
	FromPage   int    `json:"from_page,omitempty"`
	ToPage     int    `json:"to_page,omitempty"`
	CapPerCopy int64  `json:"cap_per_copy,omitempty"`
	Note       string `json:"note,omitempty"` // exemptions, "free when on time", caps
	Inferred   bool   `json:"inferred,omitempty"`
	// Set by Charge on the rows it returns: the rate (Amount per Unit) and how many units were
	// charged; Amount is then the row's total.
	Rate     int64 `json:"rate,omitempty"`
	Quantity int   `json:"quantity,omitempty"`
}

// Component is one paper of a dossier (thành phần hồ sơ).
type Component struct {
	Code      string `json:"code"` // "TP1", "TP2", … unique within the procedure
	Name      string `json:"name"`
	Role      string `json:"role"` // RoleSubmit, RoleShow or RoleNote
	Required  bool   `json:"required"`
	Originals int    `json:"originals"` // bản chính
	Copies    int    `json:"copies"`    // bản sao
	Note      string `json:"note,omitempty"`
	Form      string `json:"form,omitempty"` // the form template (file name or address), when the component is a form
	Inferred  bool   `json:"inferred,omitempty"`
}

// Procedure is one administrative procedure of the catalog.
type Procedure struct {
	Code          string      `json:"code"` // national TTHC code, e.g. "1.001193", or a local variant "2.000815.000.00.00.H55"
	Name          string      `json:"name"` // full Vietnamese name
	Field         string      `json:"field"`
	FieldCode     string      `json:"field_code,omitempty"`
	Level         int         `json:"level"`                     // LevelCentral, LevelProvince, LevelCommune or LevelDistrict
	Levels        []int       `json:"levels,omitempty"`          // every tier that carries it out, when several (multi-level procedures)
	Agency        string      `json:"agency,omitempty"`          // who decides, when not the commune People's Committee
	Days          int         `json:"days"`                      // processing time in working days; 0 = the same day
	ExtendedDays  int         `json:"extended_days,omitempty"`   // working days when verification is needed; 0 = none
	SameDayCutoff string      `json:"same_day_cutoff,omitempty"` // "15:00": received later → next working day
	Fees          []Fee       `json:"fees,omitempty"`
	Components    []Component `json:"components"`
	LegalBasis    []string    `json:"legal_basis,omitempty"`
	Related       []string    `json:"related,omitempty"` // codes of linked procedures
	Notes         []string    `json:"notes,omitempty"`
	Sources       []string    `json:"sources,omitempty"` // "S1 https://…" references, see assets/catalog/README.md
	Inferred      bool        `json:"inferred,omitempty"`
	InferredParts []string    `json:"inferred_parts,omitempty"` // names of fields that are inferred, e.g. "days"
}

// Scanned returns, in catalog order, the components the desk digitizes: those handed in (RoleSubmit).
func (p Procedure) Scanned() []Component {
	var out []Component
	for _, c := range p.Components {
		if c.Role == RoleSubmit {
			out = append(out, c)
		}
	}
	return out
}

// Catalog is an immutable, ordered set of procedures; safe for concurrent use.
type Catalog struct {
	Version   int    // schema version of the file (1)
	Effective string // date the texts are current as of, "2006-01-02"
	procs     []Procedure
	sources   map[string]string // "S1" → address
	byCode    map[string]int
	folded    []string // Fold(name) per procedure
	lowered   []string // lowerNFC(name) per procedure
}

// ErrInvalid is wrapped by every error Load returns for a well-formed but invalid catalog.
var ErrInvalid = errs.New("error.catalog.invalid", errs.Permanent, "catalog: invalid procedure catalog")

// ErrSyntax is wrapped by Load when the file is not valid JSON.
var ErrSyntax = errs.New("error.catalog.syntax", errs.Permanent, "catalog: the catalog file is not valid JSON")

// FieldError says which procedure and which field of a catalog file is wrong.
// It wraps ErrInvalid.
type FieldError struct {
	Procedure string // the procedure code, or "#n" (1-based position) when it has no code
	Field     string // JSON field name, e.g. "components[2].role"
	Reason    string
}

func (e *FieldError) Error() string {
	where := "catalog"
	if e.Procedure != "" {
		where = "procedure " + e.Procedure
	}
	return fmt.Sprintf("catalog: %s: field %q %s; correct the catalog file and load it again", where, e.Field, e.Reason)
}

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *FieldError) Unwrap() error { return ErrInvalid }

type fileJSON struct {
	Version    int               `json:"version"`
	Effective  string            `json:"effective"`
	Sources    map[string]string `json:"sources"`
	Procedures []json.RawMessage `json:"procedures"`
}

// Default returns the catalog embedded in the binary (assets/catalog/procedures.json).
func Default() (*Catalog, error) {
	b, err := fs.ReadFile(assets.FS, "catalog/procedures.json")
	if err != nil {
		return nil, fmt.Errorf("catalog: read embedded catalog: %w", err)
	}
	return Load(bytes.NewReader(b))
}

var (
	codeRE   = regexp.MustCompile(`^[0-9]\.[0-9]{6}(\.[0-9A-Za-z]+)*$`)
	cutoffRE = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)
	unknownR = regexp.MustCompile(`unknown field "([^"]*)"`)
)

// Load reads a catalog in the JSON format of assets/catalog/procedures.json.
// It is strict: an unknown field, a missing required field (code, name, field,
// level, components, and each component's code, name and role), a duplicate
// code or an out-of-range value is a *FieldError naming the procedure and the field.
func Load(r io.Reader) (*Catalog, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var f fileJSON
	if err := dec.Decode(&f); err != nil {
		if m := unknownR.FindStringSubmatch(err.Error()); m != nil {
			return nil, &FieldError{Field: m[1], Reason: "is not a known field"}
		}
		return nil, fmt.Errorf("%w: %w", ErrSyntax, err)
	}
	if f.Version != 1 {
		return nil, &FieldError{Field: "version", Reason: fmt.Sprintf("is %d; only version 1 is understood", f.Version)}
	}
	if len(f.Procedures) == 0 {
		return nil, &FieldError{Field: "procedures", Reason: "is missing or empty"}
	}
	c := &Catalog{Version: f.Version, Effective: f.Effective, byCode: make(map[string]int, len(f.Procedures)), sources: f.Sources}
	for i, raw := range f.Procedures {
		p, err := decodeProcedure(raw, i)
		if err != nil {
			return nil, err
		}
		for k, ref := range p.Sources {
			if id := strings.Fields(ref); len(f.Sources) > 0 && len(id) > 0 && strings.HasPrefix(id[0], "S") && f.Sources[id[0]] == "" {
				return nil, &FieldError{Procedure: p.Code, Field: fmt.Sprintf("sources[%d]", k), Reason: "names " + id[0] + ", which the file's sources table does not list"}
			}
		}
		if _, dup := c.byCode[p.Code]; dup {
			return nil, &FieldError{Procedure: p.Code, Field: "code", Reason: "appears twice in the catalog"}
		}
		c.byCode[p.Code] = len(c.procs)
		c.procs = append(c.procs, p)
		c.folded = append(c.folded, Fold(p.Name))
		c.lowered = append(c.lowered, lowerNFC(p.Name))
	}
	return c, nil
}

func decodeProcedure(raw json.RawMessage, i int) (Procedure, error) {
	id := fmt.Sprintf("#%d", i+1)
	var probe struct {
		Code string `json:"code"`
	}
	if json.Unmarshal(raw, &probe) == nil && strings.TrimSpace(probe.Code) != "" {
		id = strings.TrimSpace(probe.Code)
	}
	// A map pass finds missing required keys, which the struct pass cannot tell from zero values.
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(raw, &keys); err != nil {
		return Procedure{}, &FieldError{Procedure: id, Reason: "is not a JSON object", Field: "procedures[" + fmt.Sprint(i) + "]"}
	}
	for _, k := range []string{"code", "name", "field", "level", "days", "components"} {
		if _, ok := keys[k]; !ok {
			return Procedure{}, &FieldError{Procedure: id, Field: k, Reason: "is required but missing"}
		}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var p Procedure
	if err := dec.Decode(&p); err != nil {
		if m := unknownR.FindStringSubmatch(err.Error()); m != nil {
			return Procedure{}, &FieldError{Procedure: id, Field: m[1], Reason: "is not a known field"}
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return Procedure{}, &FieldError{Procedure: id, Field: te.Field, Reason: "has the wrong type (" + te.Value + ")"}
		}
		return Procedure{}, &FieldError{Procedure: id, Reason: err.Error()}
	}
	if err := validate(&p, id, raw); err != nil {
		return Procedure{}, err
	}
	return p, nil
}

func validate(p *Procedure, id string, raw json.RawMessage) error {
	bad := func(field, reason string) error { return &FieldError{Procedure: id, Field: field, Reason: reason} }
	p.Code = strings.TrimSpace(p.Code)
	switch {
	case !codeRE.MatchString(p.Code):
		return bad("code", "must look like 1.001193 (optionally followed by a local suffix such as .000.00.00.H55)")
	case strings.TrimSpace(p.Name) == "":
		return bad("name", "is empty")
	case strings.TrimSpace(p.Field) == "":
		return bad("field", "is empty")
	case p.Level < LevelCentral || p.Level > LevelDistrict:
		return bad("level", "must be 1 (central), 2 (province), 3 (commune) or 4 (district)")
	case p.Days < 0:
		return bad("days", "is negative")
	case p.ExtendedDays != 0 && p.ExtendedDays < p.Days:
		return bad("extended_days", "is shorter than days")
	case p.SameDayCutoff != "" && !cutoffRE.MatchString(p.SameDayCutoff):
		return bad("same_day_cutoff", "must be a time HH:MM such as 15:00")
	case len(p.Components) == 0:
		return bad("components", "is empty; list at least one component")
	}
	for i, l := range p.Levels {
		if l < LevelCentral || l > LevelDistrict {
			return bad(fmt.Sprintf("levels[%d]", i), "must be 1 (central), 2 (province), 3 (commune) or 4 (district)")
		}
	}
	var rawComps struct {
		Components []map[string]json.RawMessage `json:"components"`
	}
	_ = json.Unmarshal(raw, &rawComps)
	seen := map[string]bool{}
	for i, c := range p.Components {
		f := func(name string) string { return fmt.Sprintf("components[%d].%s", i, name) }
		if i < len(rawComps.Components) {
			for _, k := range []string{"code", "name", "role", "required"} {
				if _, ok := rawComps.Components[i][k]; !ok {
					return bad(f(k), "is required but missing")
				}
			}
		}
		switch {
		case strings.TrimSpace(c.Code) == "":
			return bad(f("code"), "is empty")
		case seen[c.Code]:
			return bad(f("code"), "repeats "+c.Code+"; component codes must be unique")
		case strings.TrimSpace(c.Name) == "":
			return bad(f("name"), "is empty")
		case c.Role != RoleSubmit && c.Role != RoleShow && c.Role != RoleNote:
			return bad(f("role"), `must be "nop", "xuat_trinh" or "luu_y"`)
		case c.Originals < 0 || c.Copies < 0:
			return bad(f("originals"), "is negative")
		case c.Role == RoleNote && c.Required:
			return bad(f("required"), "cannot be true for a note (luu_y)")
		}
		seen[c.Code] = true
	}
	for i, fe := range p.Fees {
		switch {
		case strings.TrimSpace(fe.Name) == "":
			return bad(fmt.Sprintf("fees[%d].name", i), "is empty")
		case fe.Amount < 0:
			return bad(fmt.Sprintf("fees[%d].amount", i), "is negative")
		case fe.Per != "" && fe.Per != PerCase && fe.Per != PerCopy && fe.Per != PerPage:
			return bad(fmt.Sprintf("fees[%d].per", i), `must be "", "truong_hop", "ban" or "trang"`)
		case fe.FromPage < 0 || fe.ToPage < 0 || (fe.ToPage > 0 && fe.ToPage < fe.FromPage) || ((fe.FromPage > 0 || fe.ToPage > 0) && fe.Per != PerPage):
			return bad(fmt.Sprintf("fees[%d].from_page", i), `must be a page range (from ≤ to) on a "trang" row`)
		case fe.CapPerCopy < 0:
			return bad(fmt.Sprintf("fees[%d].cap_per_copy", i), "is negative")
		case fe.Channel != "" && fe.Channel != ChannelInPerson && fe.Channel != ChannelOnline && fe.Channel != ChannelPost:
			return bad(fmt.Sprintf("fees[%d].channel", i), `must be "", "truc_tiep", "truc_tuyen" or "buu_chinh"`)
		}
	}
	return nil
}

// Source returns the address of a source reference such as "S1" from the file's sources table.
func (c *Catalog) Source(id string) (string, bool) {
	u, ok := c.sources[id]
	return u, ok
}

// Get returns the procedure with exactly this code (surrounding spaces ignored).
func (c *Catalog) Get(code string) (Procedure, bool) {
	i, ok := c.byCode[strings.TrimSpace(code)]
	if !ok {
		return Procedure{}, false
	}
	return c.procs[i], true
}

// All returns every procedure in catalog order. The slice is a copy.
func (c *Catalog) All() []Procedure {
	return append([]Procedure(nil), c.procs...)
}

// Search finds procedures by code or name. The query is folded (case and
// diacritics ignored, đ = d) and split into words; every word must occur in the
// name, or the query must match the code. Results are ranked: exact code, code
// prefix, whole phrase in the name, words at word starts, an exact match with
// diacritics, and shorter names first. An empty query returns nothing.
func (c *Catalog) Search(q string) []Procedure {
	fq := Fold(q)
	if fq == "" {
		return nil
	}
	lq := lowerNFC(q)
	words := strings.Fields(fq)
	type hit struct{ i, score int }
	var hits []hit
	for i, p := range c.procs {
		score := 0
		code := strings.ToLower(p.Code)
		switch {
		case code == fq:
			score = 10000
		case strings.HasPrefix(code, fq):
			score = 5000
		}
		name := c.folded[i]
		all := true
		for _, w := range words {
			pos := strings.Index(name, w)
			if pos < 0 {
				all = false
				break
			}
			score += 10
			if pos == 0 || name[pos-1] == ' ' || name[pos-1] == ',' || name[pos-1] == '(' {
				score += 10
			}
		}
		if !all && score < 5000 {
			continue
		}
		if all {
			score += 100
			if pos := strings.Index(name, fq); pos >= 0 {
				score += 200 - min(pos, 100)
			}
			if strings.Contains(c.lowered[i], lq) {
				score += 50
			}
			score -= min(len(name)/20, 40)
		}
		hits = append(hits, hit{i, score})
	}
	sort.SliceStable(hits, func(a, b int) bool { return hits[a].score > hits[b].score })
	out := make([]Procedure, len(hits))
	for k, h := range hits {
		out[k] = c.procs[h.i]
	}
	return out
}

// Vietnamese is the error as a sentence for the officer: which row or procedure, which field, and to
// correct the file (the English Reason, which names the expected values, is in Error()).
func (e *FieldError) Vietnamese() string {
	where := "Tệp danh mục thủ tục"
	if e.Procedure != "" {
		where += ", " + strings.NewReplacer("fee row ", "dòng phí ", "row ", "dòng ", "procedure ", "thủ tục ").Replace(e.Procedure)
	}
	return fmt.Sprintf("%s: cột hoặc trường %q bị thiếu hoặc không hợp lệ. Hãy sửa tệp theo hướng dẫn định dạng (sohoa catalog import --help) rồi nhập lại.", where, e.Field)
}
