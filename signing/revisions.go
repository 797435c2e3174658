// Incremental updates: does a signature cover the whole file, and what do later revisions change?

package signing

import (
	"bytes"
	"hash/fnv"
	"io"

	"github.com/digitorus/pdf"
)

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

// coverage fills CoversWholeDocument, LaterRevisions and LaterChanges for sr.
func coverage(data []byte, cur *pdf.Reader, sr *SignatureReport, ends []int64) {
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
	sr.LaterChanges = classifyChanges(data[:end], cur)
}

// classifyChanges compares the signed revision with the final one, object by object.
func classifyChanges(signed []byte, cur *pdf.Reader) (verdict string) {
	defer func() {
		if recover() != nil {
			verdict = ChangesUnknown
		}
	}()
	old, err := pdf.NewReader(bytes.NewReader(signed), int64(len(signed)))
	if err != nil {
		return ChangesUnknown
	}
	oldIDs := map[uint32]bool{}
	for _, x := range old.Xref() {
		p := x.Ptr()
		oldIDs[p.GetID()] = true
	}
	verdict = ChangesSignaturesOnly
	for _, x := range cur.Xref() {
		p := x.Ptr()
		if !oldIDs[p.GetID()] {
			continue // a new object matters only through a changed object that refers to it
		}
		nv := cur.Resolve(p, p)
		ov := old.Resolve(p, p)
		if sameValue(ov, nv, 0) {
			continue
		}
		switch changeKind(ov, nv) {
		case ChangesContent:
			return ChangesContent
		case ChangesAnnotations:
			verdict = ChangesAnnotations
		}
	}
	return verdict
}

// changeKind classifies one changed object.
func changeKind(ov, nv pdf.Value) string {
	typ := nv.Key("Type").Name()
	switch {
	case typ == "Sig" || typ == "DocTimeStamp" || typ == "XRef" || typ == "ObjStm" || typ == "DSS":
		return ChangesSignaturesOnly
	case nv.Key("FT").Name() == "Sig":
		return ChangesSignaturesOnly
	case typ == "Catalog":
		if sameExcept(ov, nv, "AcroForm", "DSS", "Version", "Perms", "Extensions", "Metadata") {
			return ChangesSignaturesOnly
		}
		return ChangesContent
	case typ == "Page":
		if !sameExcept(ov, nv, "Annots") {
			return ChangesContent
		}
		if onlyAddsSignatureFields(ov.Key("Annots"), nv.Key("Annots")) {
			return ChangesSignaturesOnly
		}
		return ChangesAnnotations
	case !nv.Key("Fields").IsNull() && nv.Key("Type").IsNull(): // an AcroForm dictionary
		if sameExcept(ov, nv, "Fields", "SigFlags", "DA", "DR", "NeedAppearances") && onlyAddsSignatureFields(ov.Key("Fields"), nv.Key("Fields")) {
			return ChangesSignaturesOnly
		}
		return ChangesAnnotations
	case !nv.Key("VRI").IsNull() || !nv.Key("Certs").IsNull() || !nv.Key("OCSPs").IsNull() || !nv.Key("CRLs").IsNull():
		return ChangesSignaturesOnly
	case typ == "Annot" || nv.Key("Subtype").Name() == "Widget" || typ == "Metadata":
		return ChangesAnnotations
	}
	return ChangesContent
}

// onlyAddsSignatureFields tells whether array nv keeps every reference of ov and adds only signature fields.
func onlyAddsSignatureFields(ov, nv pdf.Value) bool {
	had := map[uint32]bool{}
	for i := 0; i < ov.Len(); i++ {
		p := ov.Index(i).GetPtr()
		had[p.GetID()] = true
	}
	kept := 0
	for i := 0; i < nv.Len(); i++ {
		e := nv.Index(i)
		p := e.GetPtr()
		if had[p.GetID()] {
			kept++
			continue
		}
		if e.Key("FT").Name() != "Sig" && e.Key("Parent").Key("FT").Name() != "Sig" {
			return false
		}
	}
	return kept == len(had)
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
	ap, bp := a.GetPtr(), b.GetPtr()
	for k := range keys {
		if ignore[k] {
			continue
		}
		if !sameRef(a.Key(k), b.Key(k), ap.GetID(), bp.GetID(), 1) {
			return false
		}
	}
	return true
}

// sameValue compares one object in two revisions; references inside it compare by object number,
// since every changed object is examined on its own.
func sameValue(a, b pdf.Value, depth int) bool {
	if a.Kind() == pdf.Stream && b.Kind() == pdf.Stream {
		if a.String() == b.String() {
			return true // same header at the same offset: the same bytes
		}
		if !sameExcept(a, b, "Length") {
			return false
		}
		ha, hb := streamHash(a), streamHash(b)
		return ha != 0 && ha == hb
	}
	ap, bp := a.GetPtr(), b.GetPtr()
	return sameRef(a, b, ap.GetID(), bp.GetID(), depth)
}

// sameRef compares values found inside objects aParent and bParent.
func sameRef(a, b pdf.Value, aParent, bParent uint32, depth int) bool {
	ap, bp := a.GetPtr(), b.GetPtr()
	aInd, bInd := ap.GetID() != aParent, bp.GetID() != bParent
	if aInd && bInd {
		return ap.GetID() == bp.GetID() && ap.GetGen() == bp.GetGen()
	}
	if a.Kind() != b.Kind() {
		return false
	}
	if depth > 12 {
		return a.String() == b.String()
	}
	// At most one side is a reference: compare its target's content with the direct value.
	na, nb := aParent, bParent
	if aInd {
		na = ap.GetID()
	}
	if bInd {
		nb = bp.GetID()
	}
	switch a.Kind() {
	case pdf.Dict:
		ak, bk := a.Keys(), b.Keys()
		if len(ak) != len(bk) {
			return false
		}
		for _, k := range ak {
			if !sameRef(a.Key(k), b.Key(k), na, nb, depth+1) {
				return false
			}
		}
		return true
	case pdf.Array:
		if a.Len() != b.Len() {
			return false
		}
		for i := 0; i < a.Len(); i++ {
			if !sameRef(a.Index(i), b.Index(i), na, nb, depth+1) {
				return false
			}
		}
		return true
	case pdf.Stream:
		return sameValue(a, b, depth)
	}
	return a.String() == b.String()
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
