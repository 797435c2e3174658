// Tampering tests: unsigned incremental updates that change page 1 after signing.

package signing_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/digitorus/pdf"

	"sohoa/signing"
	"sohoa/signing/tamper"
)

// appendPageChange appends an incremental update (xref table) that gives page 1 a new content stream.
func appendPageChange(t *testing.T, in []byte, text string) []byte {
	t.Helper()
	rdr, err := pdf.NewReader(bytes.NewReader(in), int64(len(in)))
	if err != nil {
		t.Fatal(err)
	}
	page := rdr.Trailer().Key("Root").Key("Pages").Key("Kids").Index(0).GetPtr()
	size := rdr.Trailer().Key("Size").Int64()
	root := rdr.Trailer().Key("Root").GetPtr()
	// The latest definition of the page object, rewritten with the new /Contents.
	defs := regexp.MustCompile(fmt.Sprintf(`(?s)\n%d 0 obj\s*(<<.*?>>)\s*endobj`, page.GetID())).FindAllSubmatch(in, -1)
	if len(defs) == 0 {
		t.Fatalf("page object %d not found", page.GetID())
	}
	dict := regexp.MustCompile(`/Contents\s+\d+\s+0\s+R`).ReplaceAll(defs[len(defs)-1][1], []byte(fmt.Sprintf("/Contents %d 0 R", size)))
	if bytes.Equal(dict, defs[len(defs)-1][1]) {
		t.Fatal("page has no /Contents reference")
	}
	sx := regexp.MustCompile(`startxref\s+(\d+)`).FindAllSubmatch(in, -1)
	prev, _ := strconv.Atoi(string(sx[len(sx)-1][1]))

	var b bytes.Buffer
	b.Write(in)
	if !bytes.HasSuffix(in, []byte("\n")) {
		b.WriteString("\n")
	}
	font := regexp.MustCompile(`/(\w+) [\d.]+ Tf`).FindSubmatch(in) // a font page 1 already uses (uncompressed test PDF)
	if font == nil {
		t.Fatal("no font in the content")
	}
	content := "BT /" + string(font[1]) + " 24 Tf 72 400 Td (" + text + ") Tj ET"
	offContent := b.Len()
	fmt.Fprintf(&b, "%d 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n", size, len(content), content)
	offPage := b.Len()
	fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", page.GetID(), dict)
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 1\n0000000000 65535 f \n%d 1\n%010d 00000 n \n%d 1\n%010d 00000 n \n", page.GetID(), offPage, size, offContent)
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root %d %d R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n", size+1, root.GetID(), root.GetGen(), prev, xref)
	return b.Bytes()
}

func TestUnsignedIncrementalUpdateChangingAPage(t *testing.T) {
	dir := t.TempDir()
	ca := newCA(t, "CA")
	ctx := context.Background()
	one, err := signing.Sign(ctx, makePDF(t, 2), ca.issue(t, leafOpts{name: "Cán bộ Một"}), signing.Appearance{ScanTime: scanTime}, signing.Options{Roots: ca.pool()})
	if err != nil {
		t.Fatal(err)
	}
	two, err := signing.Sign(ctx, one, ca.issue(t, leafOpts{name: "Cán bộ Hai"}), signing.Appearance{ScanTime: scanTime}, signing.Options{Roots: ca.pool()})
	if err != nil {
		t.Fatal(err)
	}
	bad := appendPageChange(t, two, "DA SUA SAU KHI KY")
	f := writeFile(t, dir, "changed.pdf", bad)
	qpdfCheck(t, f) // a well-formed file: only the signatures can tell
	if out, _ := run(t, "pdftotext", f, "-"); !strings.Contains(out, "DA SUA SAU KHI KY") {
		t.Fatalf("the change is not visible:\n%s", out)
	}

	rep, err := signing.Verify(bad, ca.pool())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Signatures) != 2 || rep.Valid() {
		t.Fatalf("report:\n%s", rep.Text("en"))
	}
	for _, s := range rep.Signatures {
		if !s.DigestValid || s.CoversWholeDocument || s.LaterChanges != signing.ChangesContent {
			t.Fatalf("signature %d: intact=%v whole=%v later=%s", s.Index, s.DigestValid, s.CoversWholeDocument, s.LaterChanges)
		}
	}
	if vi := rep.Text("vi"); !strings.Contains(vi, "NỘI DUNG TÀI LIỆU ĐÃ BỊ THAY ĐỔI SAU KHI KÝ") || !strings.Contains(vi, "KẾT LUẬN: KHÔNG HỢP LỆ") {
		t.Fatalf("Vietnamese report:\n%s", vi)
	}
	// pdfsig: each signature still verifies over its range, and neither covers the whole document.
	p := pdfsig(t, f, "")
	if strings.Count(p, "Signature is Valid") != 2 || strings.Count(p, "Not total document signed") != 2 || strings.Contains(p, "- Total document signed") {
		t.Fatalf("pdfsig:\n%s", p)
	}
	// Before the change, the second signature covers the whole file and both are valid.
	rep, _ = signing.Verify(two, ca.pool())
	if !rep.Valid() || !rep.Signatures[1].CoversWholeDocument || rep.Signatures[0].LaterChanges != signing.ChangesSignaturesOnly {
		t.Fatalf("two signatures:\n%s", rep.Text("en"))
	}
	if p := pdfsig(t, writeFile(t, dir, "two.pdf", two), ""); strings.Count(p, "Signature is Valid") != 2 || !strings.Contains(p, "- Total document signed") {
		t.Fatalf("pdfsig on two signatures:\n%s", p)
	}
}

// An officer-signed PDF that someone changes afterwards — a content stream added to the page, or an
// opaque red box laid over it as an annotation — is well formed, pdfsig still calls the signature valid
// (it checks the signed bytes only), and our verifier fails it and says what was done.
func TestAddedContentAndOverlayAfterSigningFail(t *testing.T) {
	dir := t.TempDir()
	ca := newCA(t, "CA")
	signed, err := signing.Sign(context.Background(), makePDF(t, 2), ca.issue(t, leafOpts{name: "Cán bộ Một"}), signing.Appearance{ScanTime: scanTime}, signing.Options{Roots: ca.pool()})
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := signing.Verify(signed, ca.pool()); err != nil || rep.Indication != signing.IndicationPassed {
		t.Fatalf("untouched: %v\n%s", err, rep.Text("en"))
	}
	added, err := tamper.AddContent(signed, [4]float64{100, 500, 400, 560})
	if err != nil {
		t.Fatal(err)
	}
	overlay, err := tamper.AddOverlay(signed, [4]float64{100, 500, 400, 560})
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		pdf  []byte
		want func(m *signing.Modifications) bool
		vi   string
	}{
		"added-content": {added, func(m *signing.Modifications) bool { return len(m.Undefined) > 0 && len(m.Overlays) == 0 }, "Nội dung trang hoặc cấu trúc tài liệu đã bị sửa sau khi ký."},
		"overlay": {overlay, func(m *signing.Modifications) bool {
			return slices.Equal(m.Overlays, []int{1}) && len(m.Undefined) == 0
		}, "Có hình che phủ được đặt lên trang 1 sau khi ký."},
	} {
		f := writeFile(t, dir, name+".pdf", c.pdf)
		qpdfCheck(t, f)
		if p := pdfsig(t, f, ""); !strings.Contains(p, "Signature is Valid") {
			t.Fatalf("%s: pdfsig:\n%s", name, p)
		}
		rep, err := signing.Verify(c.pdf, ca.pool())
		if err != nil {
			t.Fatal(err)
		}
		s := rep.Signatures[0]
		if rep.Indication != signing.IndicationFailed || s.SubIndication != signing.SubModified || !c.want(s.Modifications) {
			t.Fatalf("%s: %s %s %+v", name, rep.Indication, s.SubIndication, s.Modifications)
		}
		if vi := rep.Text("vi"); !strings.Contains(vi, c.vi) || !strings.Contains(vi, "KẾT LUẬN: KHÔNG HỢP LỆ") {
			t.Errorf("%s: Vietnamese report:\n%s", name, vi)
		}
		if err := signing.CheckReceived(c.pdf, ca.pool()); !errors.Is(err, signing.ErrChangedAfterSigning) {
			t.Errorf("%s: CheckReceived = %v", name, err)
		}
	}
}

// A later revision that rewrites the second signature's dictionary so that it no longer looks like a
// signature must not make the signature disappear from the report: it is reported from the revision
// it signed, as changed after signing.
func TestEditedSignatureDictionaryIsStillReported(t *testing.T) {
	ca := newCA(t, "CA")
	ctx := context.Background()
	one, err := signing.Sign(ctx, makePDF(t, 1), ca.issue(t, leafOpts{name: "Cán bộ Một"}), signing.Appearance{ScanTime: scanTime}, signing.Options{Roots: ca.pool()})
	if err != nil {
		t.Fatal(err)
	}
	two, err := signing.Sign(ctx, one, ca.issue(t, leafOpts{name: "Cán bộ Hai"}), signing.Appearance{ScanTime: scanTime}, signing.Options{Roots: ca.pool()})
	if err != nil {
		t.Fatal(err)
	}
	ids, err := tamper.SignatureObjects(two)
	if err != nil || len(ids) != 2 {
		t.Fatalf("signature objects %v %v", ids, err)
	}
	edited, err := tamper.ReplaceObject(two, ids[1], "<< /Type /Sig /Filter /Adobe.PPKLite /Reason (edited later) >>")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := signing.Verify(edited, ca.pool())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Signatures) != 2 || rep.Indication != signing.IndicationFailed {
		t.Fatalf("%d signatures, %s:\n%s", len(rep.Signatures), rep.Indication, rep.Text("en"))
	}
	s := rep.Signatures[1]
	if s.SignerName != "Cán bộ Hai" || !s.DigestValid || s.SubIndication != signing.SubModified || len(s.Modifications.SignatureDictionary) == 0 {
		t.Fatalf("second signature: %q intact=%v %s %+v", s.SignerName, s.DigestValid, s.SubIndication, s.Modifications)
	}
}
