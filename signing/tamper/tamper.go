// Incremental updates that change page 1 of a signed PDF after signing, written as an attacker would.

package tamper

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/digitorus/pdf"
)

// AddContent appends a content stream to page 1 that paints a red box at rect (llx lly urx ury, points):
// the page then shows something that was not signed.
func AddContent(in []byte, rect [4]float64) ([]byte, error) {
	u, err := begin(in)
	if err != nil {
		return nil, err
	}
	content := fmt.Sprintf("q 1 0 0 rg %s re f Q", box(rect))
	id := u.add(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content))
	page := u.page
	var refs []string
	switch c := page.Key("Contents"); c.Kind() {
	case pdf.Array:
		for i := 0; i < c.Len(); i++ {
			refs = append(refs, ser(c, c.Index(i)))
		}
	case pdf.Stream:
		refs = append(refs, ser(page, c))
	}
	refs = append(refs, fmt.Sprintf("%d 0 R", id))
	u.set(u.pageID, dictWith(page, "Contents", "["+strings.Join(refs, " ")+"]"))
	return u.finish(), nil
}

// AddOverlay lays an opaque red square annotation at rect over page 1.
func AddOverlay(in []byte, rect [4]float64) ([]byte, error) {
	u, err := begin(in)
	if err != nil {
		return nil, err
	}
	w, h := rect[2]-rect[0], rect[3]-rect[1]
	ap := fmt.Sprintf("1 0 0 rg 0 0 %g %g re f", w, h)
	apID := u.add(fmt.Sprintf("<< /Type /XObject /Subtype /Form /BBox [0 0 %g %g] /Length %d >>\nstream\n%s\nendstream", w, h, len(ap), ap))
	annot := u.add(fmt.Sprintf("<< /Type /Annot /Subtype /Square /Rect [%s] /C [1 0 0] /IC [1 0 0] /F 4 /P %d 0 R /AP << /N %d 0 R >> >>",
		box4(rect), u.pageID, apID))
	var refs []string
	if a := u.page.Key("Annots"); a.Kind() == pdf.Array {
		for i := 0; i < a.Len(); i++ {
			refs = append(refs, ser(a, a.Index(i)))
		}
	}
	refs = append(refs, fmt.Sprintf("%d 0 R", annot))
	u.set(u.pageID, dictWith(u.page, "Annots", "["+strings.Join(refs, " ")+"]"))
	return u.finish(), nil
}

func box(r [4]float64) string { return fmt.Sprintf("%g %g %g %g", r[0], r[1], r[2]-r[0], r[3]-r[1]) }
func box4(r [4]float64) string {
	return fmt.Sprintf("%g %g %g %g", r[0], r[1], r[2], r[3])
}

// update collects the objects of one incremental update.
type update struct {
	in     []byte
	rdr    *pdf.Reader
	page   pdf.Value
	pageID uint32
	next   uint32
	objs   map[uint32]string
}

func begin(in []byte) (*update, error) {
	rdr, err := pdf.NewReader(bytes.NewReader(in), int64(len(in)))
	if err != nil {
		return nil, err
	}
	node := rdr.Trailer().Key("Root").Key("Pages")
	for depth := 0; node.Key("Type").Name() != "Page" && depth < 32; depth++ {
		node = node.Key("Kids").Index(0)
	}
	if node.Key("Type").Name() != "Page" {
		return nil, fmt.Errorf("no first page")
	}
	p := node.GetPtr()
	return &update{in: in, rdr: rdr, page: node, pageID: p.GetID(), next: uint32(rdr.Trailer().Key("Size").Int64()), objs: map[uint32]string{}}, nil
}

func (u *update) add(body string) uint32 {
	id := u.next
	u.next++
	u.objs[id] = body
	return id
}

func (u *update) set(id uint32, body string) { u.objs[id] = body }

var reStartxref = regexp.MustCompile(`startxref\s+(\d+)`)

func (u *update) finish() []byte {
	var b bytes.Buffer
	b.Write(u.in)
	if !bytes.HasSuffix(u.in, []byte("\n")) {
		b.WriteString("\n")
	}
	ids := make([]int, 0, len(u.objs))
	for id := range u.objs {
		ids = append(ids, int(id))
	}
	sort.Ints(ids)
	offs := map[int]int{}
	for _, id := range ids {
		offs[id] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", id, u.objs[uint32(id)])
	}
	xref := b.Len()
	b.WriteString("xref\n0 1\n0000000000 65535 f \n")
	for _, id := range ids {
		fmt.Fprintf(&b, "%d 1\n%010d 00000 n \n", id, offs[id])
	}
	sx := reStartxref.FindAllSubmatch(u.in, -1)
	prev, _ := strconv.Atoi(string(sx[len(sx)-1][1]))
	tr := u.rdr.Trailer()
	root := tr.Key("Root").GetPtr()
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root %d %d R /Prev %d", u.next, root.GetID(), root.GetGen(), prev)
	if id := tr.Key("ID"); id.Kind() == pdf.Array {
		fmt.Fprintf(&b, " /ID %s", ser(tr, id))
	}
	fmt.Fprintf(&b, " >>\nstartxref\n%d\n%%%%EOF\n", xref)
	return b.Bytes()
}

// dictWith serialises d with key set to raw.
func dictWith(d pdf.Value, key, raw string) string {
	var b strings.Builder
	b.WriteString("<<")
	for _, k := range d.Keys() {
		if k == key {
			continue
		}
		fmt.Fprintf(&b, " /%s %s", k, ser(d, d.Key(k)))
	}
	fmt.Fprintf(&b, " /%s %s >>", key, raw)
	return b.String()
}

// ser writes v, found inside parent, as PDF syntax: references stay references.
func ser(parent, v pdf.Value) string {
	pp, vp := parent.GetPtr(), v.GetPtr()
	if vp.GetID() != pp.GetID() || vp.GetGen() != pp.GetGen() {
		return fmt.Sprintf("%d %d R", vp.GetID(), vp.GetGen())
	}
	switch v.Kind() {
	case pdf.Null:
		return "null"
	case pdf.Bool:
		return strconv.FormatBool(v.Bool())
	case pdf.Integer:
		return strconv.FormatInt(v.Int64(), 10)
	case pdf.Real:
		return strconv.FormatFloat(v.Float64(), 'f', -1, 64)
	case pdf.Name:
		return "/" + v.Name()
	case pdf.String:
		return fmt.Sprintf("<%x>", v.RawString())
	case pdf.Array:
		parts := make([]string, v.Len())
		for i := range parts {
			parts[i] = ser(v, v.Index(i))
		}
		return "[" + strings.Join(parts, " ") + "]"
	case pdf.Dict:
		var b strings.Builder
		b.WriteString("<<")
		for _, k := range v.Keys() {
			fmt.Fprintf(&b, " /%s %s", k, ser(v, v.Key(k)))
		}
		b.WriteString(" >>")
		return b.String()
	}
	return "null"
}

// ReplaceObject appends an incremental update that redefines object id with body (PDF syntax).
func ReplaceObject(in []byte, id uint32, body string) ([]byte, error) {
	u, err := begin(in)
	if err != nil {
		return nil, err
	}
	u.set(id, body)
	return u.finish(), nil
}

// SignatureObjects lists the object numbers of the signature dictionaries the form's fields refer to,
// in field order.
func SignatureObjects(in []byte) ([]uint32, error) {
	rdr, err := pdf.NewReader(bytes.NewReader(in), int64(len(in)))
	if err != nil {
		return nil, err
	}
	var ids []uint32
	fields := rdr.Trailer().Key("Root").Key("AcroForm").Key("Fields")
	for i := 0; i < fields.Len(); i++ {
		f := fields.Index(i)
		if v := f.Key("V"); v.Kind() == pdf.Dict {
			p := v.GetPtr()
			ids = append(ids, p.GetID())
		}
	}
	return ids, nil
}
