// Tampering tests: an unsigned incremental update that changes page 1 after two signatures.

package signing_test

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/digitorus/pdf"

	"sohoa/signing"
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
	if vi := rep.Text("vi"); !strings.Contains(vi, "NỘI DUNG TÀI LIỆU ĐÃ BỊ THAY ĐỔI SAU KHI KÝ") || !strings.Contains(vi, "KẾT LUẬN: có chữ ký không hợp lệ") {
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
