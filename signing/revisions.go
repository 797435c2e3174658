// Incremental updates: does a signature cover the whole file, and what do later revisions change?
// The signed revision and the final one are compared as trees from the catalog, and every difference is
// sorted into EU DSS's classes: extensions (DSS/VRI, document timestamps, metadata), signatures and form
// fill, annotations, and undefined changes (anything else: page content, resources, the page tree).

package signing

import (
	"bytes"
	"hash/fnv"
	"io"
	"slices"
	"strings"

	"github.com/digitorus/pdf"
)

// Modifications lists what the revisions after a signature changed, in EU DSS's terms.
type Modifications struct {
	Extensions   []string `json:"extensions,omitempty"`    // /DSS, /VRI, document timestamps, metadata: allowed
	FormFill     []string `json:"form_fill,omitempty"`     // new signatures, filled form fields: allowed unless DocMDP 1
	Annotations  []string `json:"annotations,omitempty"`   // annotations added, changed or removed: allowed unless DocMDP 1 or 2
	Undefined    []string `json:"undefined,omitempty"`     // anything else: page content, resources, page tree
	PagesAdded   []int    `json:"pages_added,omitempty"`   // page numbers in the final document
	PagesRemoved []int    `json:"pages_removed,omitempty"` // page numbers in the signed revision
	// Overlays: pages on which an annotation added after signing paints an opaque area over the signed page.
	Overlays []int `json:"overlays,omitempty"`
	// SignatureDictionary: the signature's own dictionary (/Reason, /M, /Name …) was replaced after signing;
	// the report shows the signed values.
	SignatureDictionary []string `json:"signature_dictionary,omitempty"`
	DocMDP              int      `json:"docmdp,omitempty"`          // the certification level in force (1, 2, 3), 0: none
	DocMDPViolated      bool     `json:"docmdp_violated,omitempty"` // the changes exceed what the certification allows
}

// Disallowed tells whether the changes make the signature's document no longer the signed one.
func (m *Modifications) Disallowed() bool {
	return m != nil && (len(m.Undefined) > 0 || len(m.PagesAdded) > 0 || len(m.PagesRemoved) > 0 ||
		len(m.Overlays) > 0 || len(m.SignatureDictionary) > 0 || m.DocMDPViolated)
}

// revisionEnds lists the offsets just past each "%%EOF" marker (and its line end).
func revisionEnds(data []byte) []int64 {
	var ends []int64
	for off := 0; ; {
		i := bytes.Index(data[off:], []byte("%%EOF"))
		if i < 0 {
			break
		}
		e := off + i + 5
		for e < len(data) && (data[e] == '\r' || data[e] == '\n') {
			e++
		}
		ends = append(ends, int64(e))
		off = e
	}
	return ends
}

func onlyWhitespace(b []byte) bool {
	return len(bytes.TrimSpace(bytes.Trim(b, "\x00"))) == 0
}

// revisionCache opens each signed revision once.
type revisionCache map[int64]*pdf.Reader

func (rc revisionCache) open(data []byte, end int64) *pdf.Reader {
	if r, ok := rc[end]; ok {
		return r
	}
	r, _, err := openForVerify(data[:end])
	if err != nil {
		r = nil
	}
	rc[end] = r
	return r
}

// coverage fills CoversWholeDocument, LaterRevisions, Modifications and LaterChanges for sr, and replaces
// the signature dictionary's values by the signed ones when a later revision changed them.
func coverage(data []byte, cur *pdf.Reader, s sigDict, sr *SignatureReport, ends []int64, rc revisionCache) {
	end := sr.ByteRange[2] + sr.ByteRange[3]
	if end <= 0 || end > int64(len(data)) {
		sr.LaterChanges = ChangesUnknown
		return
	}
	if onlyWhitespace(data[end:]) {
		sr.CoversWholeDocument, sr.LaterChanges = true, ChangesNone
		return
	}
	last := end
	for _, e := range ends {
		if e > end && !onlyWhitespace(data[last:e]) {
			sr.LaterRevisions++
			last = e
		}
	}
	if !onlyWhitespace(data[last:]) {
		sr.LaterRevisions++
	}
	old := rc.open(data, end)
	if old == nil {
		sr.LaterChanges = ChangesUnknown
		return
	}
	m := &Modifications{}
	sr.Modifications = m
	signedValues(old, data[:end], s, sr, m)
	if !compareRevisions(old, cur, m) {
		sr.LaterChanges = ChangesUnknown
		return
	}
	switch {
	case m.Disallowed():
		sr.LaterChanges = ChangesContent
	case len(m.Annotations) > 0:
		sr.LaterChanges = ChangesAnnotations
	default:
		sr.LaterChanges = ChangesSignaturesOnly
	}
}

// signedValues finds the signature's dictionary as it was signed and reports its values; a later
// revision that replaced them (a shadow attack on /Reason, say) is a finding.
func signedValues(old *pdf.Reader, raw []byte, s sigDict, sr *SignatureReport, m *Modifications) {
	var signed *sigDict
	for _, o := range findSignatures(old, raw) {
		if o.br == s.br {
			signed = &o
			break
		}
	}
	if signed == nil {
		m.SignatureDictionary = append(m.SignatureDictionary, "ByteRange")
		return
	}
	for _, k := range []string{"Reason", "Location", "ContactInfo", "Name", "M", "SubFilter", "Filter", "Contents", "Type"} {
		if signed.v.Key(k).RawString() != s.v.Key(k).RawString() || signed.v.Key(k).Kind() != s.v.Key(k).Kind() {
			m.SignatureDictionary = append(m.SignatureDictionary, k)
		}
	}
	if len(m.SignatureDictionary) > 0 {
		v := signed.v
		sr.Reason, sr.Location, sr.Contact = v.Key("Reason").Text(), v.Key("Location").Text(), v.Key("ContactInfo").Text()
		if sr.TimeSource == TimeFromPDF || sr.SigningTime.IsZero() {
			if t, err := parsePDFDate(v.Key("M").Text()); err == nil {
				sr.SigningTime, sr.TimeSource = t, TimeFromPDF
			}
		}
	}
}

// Classes of a difference.
const (
	modExtension = iota
	modFormFill
	modAnnotation
	modUndefined
	modSkip
)

// differ walks the signed revision and the final one side by side.
type differ struct {
	old, cur *pdf.Reader
	m        *Modifications
	seen     map[uint32]bool // final-revision objects already compared
	overlay  map[int]bool
	steps    int
}

// compareRevisions fills m; false when the comparison could not be completed.
func compareRevisions(old, cur *pdf.Reader, m *Modifications) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	d := &differ{old: old, cur: cur, m: m, seen: map[uint32]bool{}, overlay: map[int]bool{}}
	d.pages()
	d.walk(old.Trailer().Key("Root"), cur.Trailer().Key("Root"), nil, ctx{}, 0)
	for p := range d.overlay {
		m.Overlays = append(m.Overlays, p)
	}
	slices.Sort(m.Overlays)
	d.docMDP()
	return true
}

// ctx is what the walk knows about where it is.
type ctx struct {
	annot   pdf.Value // the annotation being compared (inside /Annots or /Fields)
	inAnnot bool
	page    int // 1-based page number in the final document, 0 outside pages
	direct  int // nesting of direct values inside the current object
}

// pageList flattens a page tree into its pages' object numbers.
func pageList(r *pdf.Reader) []uint32 {
	var out []uint32
	var walk func(v pdf.Value, depth int)
	walk = func(v pdf.Value, depth int) {
		if depth > 32 || len(out) > 100000 {
			return
		}
		if v.Key("Type").Name() == "Pages" || (v.Key("Kids").Kind() == pdf.Array && v.Key("Type").Name() != "Page") {
			kids := v.Key("Kids")
			for i := 0; i < kids.Len(); i++ {
				walk(kids.Index(i), depth+1)
			}
			return
		}
		p := v.GetPtr()
		out = append(out, p.GetID())
	}
	walk(r.Trailer().Key("Root").Key("Pages"), 0)
	return out
}

// pages records pages added or removed as EU DSS does: by the page count, naming the pages past the
// shorter document's end.
func (d *differ) pages() {
	o, n := len(pageList(d.old)), len(pageList(d.cur))
	for p := n + 1; p <= o; p++ {
		d.m.PagesRemoved = append(d.m.PagesRemoved, p)
	}
	for p := o + 1; p <= n; p++ {
		d.m.PagesAdded = append(d.m.PagesAdded, p)
	}
}

func isRef(child, parent pdf.Value) bool {
	cp, pp := child.GetPtr(), parent.GetPtr()
	return cp.GetID() != pp.GetID() || cp.GetGen() != pp.GetGen()
}

// extensionKeys are the catalog entries whose changes DSS counts as extensions.
var extensionKeys = map[string]bool{"DSS": true, "Extensions": true, "Version": true, "Metadata": true, "StructTreeRoot": true, "MarkInfo": true}

// skipKeys are back-pointers and chain links the walk must not follow.
var skipKeys = map[string]bool{"Parent": true, "P": true, "Prev": true, "Next": true, "First": true, "Last": true,
	"Dest": true, "D": true, "ParentTree": true, "Pg": true, "Obj": true, "Popup": true, "IRT": true}

// walk compares ov (signed revision) with nv (final) found at path.
func (d *differ) walk(ov, nv pdf.Value, path []string, c ctx, depth int) {
	d.steps++
	if depth > 40 || d.steps > 300_000 {
		return
	}
	if ov.IsNull() && nv.IsNull() {
		return
	}
	if ov.IsNull() || nv.IsNull() || ov.Kind() != nv.Kind() {
		what := nv
		if what.IsNull() {
			what = ov
		}
		d.record(path, c, what, ov.IsNull())
		return
	}
	switch ov.Kind() {
	case pdf.Dict, pdf.Stream:
		if ov.Kind() == pdf.Stream && ov.String() != nv.String() {
			if !sameExcept(ov, nv, "Length", "Filter", "DecodeParms") || streamHash(ov) != streamHash(nv) || streamHash(nv) == 0 {
				d.record(path, c, nv, false)
				return
			}
		}
		if nv.Key("Type").Name() == "Page" {
			c.page = d.pageNumber(nv)
		}
		keys := map[string]bool{}
		for _, k := range ov.Keys() {
			keys[k] = true
		}
		for _, k := range nv.Keys() {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		slices.Sort(sorted)
		for _, k := range sorted {
			if skipKeys[k] || (k == "Length" && ov.Kind() == pdf.Stream) {
				continue
			}
			ok, nk := ov.Key(k), nv.Key(k)
			if (k == "Annots" || k == "Fields" || k == "Kids") && ok.Kind() == pdf.Array && nk.Kind() == pdf.Array {
				d.walkByID(ok, nk, append(path, k), c, depth+1, k != "Kids" || c.inAnnot)
				continue
			}
			d.child(ov, nv, ok, nk, append(path, k), c, depth+1)
		}
	case pdf.Array:
		if ov.Len() != nv.Len() {
			d.record(path, c, nv, false)
			return
		}
		for i := 0; i < ov.Len(); i++ {
			d.child(ov, nv, ov.Index(i), nv.Index(i), path, c, depth+1)
		}
	default:
		if ov.String() != nv.String() {
			d.record(path, c, nv, false)
		}
	}
}

// child walks into a value found inside ov and nv, each indirect pair of objects once.
func (d *differ) child(ov, nv, oc, nc pdf.Value, path []string, c ctx, depth int) {
	if isRef(nc, nv) {
		np := nc.GetPtr()
		if d.seen[np.GetID()] {
			return
		}
		d.seen[np.GetID()] = true
		c.direct = 0
	} else if c.direct++; c.direct > 10 {
		return // an object that refers to itself looks like a deep direct value: stop
	}
	if len(path) == 1 && (extensionKeys[path[0]] || path[0] == "PieceInfo") {
		// Extensions (validation data, metadata, structure) are allowed whatever they hold: compare shallowly.
		if !sameShallow(ov, nv, oc, nc) || (isRef(nc, nv) && oc.String() != nc.String()) {
			d.record(path, c, nc, oc.IsNull())
		}
		return
	}
	d.walk(oc, nc, path, c, depth)
}

// walkByID compares arrays of references (annotations, fields, kids) element by element by object
// number, so that an added element is one creation, not a shift of every later one.
func (d *differ) walkByID(ov, nv pdf.Value, path []string, c ctx, depth int, annots bool) {
	old := map[uint32]pdf.Value{}
	for i := 0; i < ov.Len(); i++ {
		e := ov.Index(i)
		p := e.GetPtr()
		old[p.GetID()] = e
	}
	now := map[uint32]bool{}
	for i := 0; i < nv.Len(); i++ {
		e := nv.Index(i)
		p := e.GetPtr()
		now[p.GetID()] = true
		cc := c
		if annots {
			cc.annot, cc.inAnnot = e, true
		}
		o, had := old[p.GetID()]
		if !had || !isRef(e, nv) {
			if !had && isRef(e, nv) {
				d.record(path, cc, e, true)
				continue
			}
			o = ov.Index(min(i, ov.Len()-1))
			if ov.Len() == 0 {
				d.record(path, cc, e, true)
				continue
			}
		}
		d.child(ov, nv, o, e, path, cc, depth+1)
	}
	if len(now) == nv.Len() { // all references: look for removed ones
		for id, e := range old {
			if !now[id] {
				cc := c
				if annots {
					cc.annot, cc.inAnnot = e, true
				}
				d.record(path, cc, e, false)
			}
		}
	}
}

func (d *differ) pageNumber(pg pdf.Value) int {
	p := pg.GetPtr()
	for i, id := range pageList(d.cur) {
		if id == p.GetID() {
			return i + 1
		}
	}
	return 0
}

// record classifies one difference found at path; created tells that the value is new.
func (d *differ) record(path []string, c ctx, v pdf.Value, created bool) {
	where := "/" + strings.Join(path, "/")
	switch d.classify(path, c, v, created) {
	case modExtension:
		d.m.Extensions = appendOnce(d.m.Extensions, where)
	case modFormFill:
		d.m.FormFill = appendOnce(d.m.FormFill, where)
	case modAnnotation:
		d.m.Annotations = appendOnce(d.m.Annotations, where)
		if created && c.page > 0 && coversPage(v) {
			d.overlay[c.page] = true
		}
	case modUndefined:
		d.m.Undefined = appendOnce(d.m.Undefined, where)
	}
}

func appendOnce(list []string, s string) []string {
	if len(list) >= 20 || slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

func (d *differ) classify(path []string, c ctx, v pdf.Value, created bool) int {
	last := ""
	if len(path) > 0 {
		last = path[len(path)-1]
	}
	if (!created && (last == "Type" || last == "F")) || last == "ITXT" {
		return modSkip // DSS skips annotation-flag and type rewrites, and iText's version stamp
	}
	if slices.Contains(path, "DSS") || slices.Contains(path, "VRI") {
		return modExtension
	}
	if len(path) > 0 {
		switch path[0] {
		case "Extensions", "Version", "Metadata", "StructTreeRoot", "MarkInfo":
			return modExtension
		case "AcroForm", "Perms", "Names", "PieceInfo", "OutputIntents":
			if isDocTimestampField(c.annot) || isDocTimestampField(v) {
				return modExtension
			}
			return modFormFill
		}
	}
	if c.inAnnot {
		a := c.annot
		if isDocTimestampField(a) {
			return modExtension
		}
		if isWidget(a) {
			return modFormFill
		}
		return modAnnotation
	}
	if last == "Annots" && created && v.Kind() == pdf.Array {
		return modFormFill // an /Annots array created for a new signature widget
	}
	return modUndefined
}

func isWidget(a pdf.Value) bool {
	return a.Key("Subtype").Name() == "Widget" || !a.Key("FT").IsNull() || a.Key("Parent").Key("FT").Name() != ""
}

func isDocTimestampField(a pdf.Value) bool {
	for _, v := range []pdf.Value{a.Key("V"), a.Key("Parent").Key("V"), a} {
		if v.Key("Type").Name() == "DocTimeStamp" || v.Key("SubFilter").Name() == "ETSI.RFC3161" {
			return true
		}
	}
	return false
}

// coversPage tells whether an annotation paints an opaque area (a fill or an image) in its normal
// appearance, or declares an interior colour (a filled square or circle): laid on a signed page it
// can hide what was signed. Zero-area annotations cover nothing.
func coversPage(a pdf.Value) (covers bool) {
	defer func() {
		if recover() != nil {
			covers = false
		}
	}()
	r := a.Key("Rect")
	if r.Len() == 4 {
		w := r.Index(2).Float64() - r.Index(0).Float64()
		h := r.Index(3).Float64() - r.Index(1).Float64()
		if w*h == 0 || (w < 1 && w > -1) || (h < 1 && h > -1) {
			return false
		}
	}
	if a.Key("F").Int64()&(1|2|32) != 0 { // invisible, hidden, no-view
		return false
	}
	if st := a.Key("Subtype").Name(); (st == "Square" || st == "Circle" || st == "Polygon") && a.Key("IC").Len() > 0 {
		return true
	}
	ap := a.Key("AP").Key("N")
	if ap.Kind() != pdf.Stream {
		return false
	}
	pdf.Interpret(ap, func(stk *pdf.Stack, op string) {
		switch op {
		case "f", "F", "f*", "B", "B*", "b", "b*", "Do", "sh", "BI":
			covers = true
		}
		for stk.Len() > 0 {
			stk.Pop()
		}
	})
	return covers
}

// docMDP reads the certification signature's permission level and checks the changes against it.
func (d *differ) docMDP() {
	sig := d.old.Trailer().Key("Root").Key("Perms").Key("DocMDP")
	if sig.IsNull() {
		return
	}
	p := int64(2)
	ref := sig.Key("Reference")
	for i := 0; i < ref.Len(); i++ {
		if r := ref.Index(i); r.Key("TransformMethod").Name() == "DocMDP" {
			if v := r.Key("TransformParams").Key("P"); v.Kind() == pdf.Integer {
				p = v.Int64()
			}
		}
	}
	if p < 1 || p > 3 {
		p = 2
	}
	d.m.DocMDP = int(p)
	switch p {
	case 1:
		d.m.DocMDPViolated = len(d.m.FormFill)+len(d.m.Annotations) > 0
	case 2:
		d.m.DocMDPViolated = len(d.m.Annotations) > 0
	}
}

// sameExcept compares two dictionaries ignoring some keys.
func sameExcept(a, b pdf.Value, skip ...string) bool {
	if a.Kind() != b.Kind() || (a.Kind() != pdf.Dict && a.Kind() != pdf.Stream) {
		return false
	}
	ignore := map[string]bool{}
	for _, s := range skip {
		ignore[s] = true
	}
	keys := map[string]bool{}
	for _, k := range a.Keys() {
		keys[k] = true
	}
	for _, k := range b.Keys() {
		keys[k] = true
	}
	for k := range keys {
		if ignore[k] {
			continue
		}
		if !sameShallow(a, b, a.Key(k), b.Key(k)) {
			return false
		}
	}
	return true
}

// sameShallow compares values inside parents a and b: references by object number, direct values by text.
func sameShallow(pa, pb, a, b pdf.Value) bool {
	ra, rb := isRef(a, pa), isRef(b, pb)
	if ra || rb {
		ap, bp := a.GetPtr(), b.GetPtr()
		return ra && rb && ap.GetID() == bp.GetID()
	}
	return a.Kind() == b.Kind() && a.String() == b.String()
}

func streamHash(v pdf.Value) (sum uint64) {
	defer func() {
		if recover() != nil {
			sum = 0
		}
	}()
	h := fnv.New64a()
	rc := v.Reader()
	defer rc.Close()
	if _, err := io.Copy(h, rc); err != nil {
		return 0
	}
	return h.Sum64()
}
