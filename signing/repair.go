// Reading damaged PDFs for verification: when the cross-reference chain is broken (a /Prev that points
// nowhere or loops, an unreadable xref stream), the objects are found again by scanning the file, the way
// poppler and qpdf reconstruct a damaged file.

package signing

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strconv"

	"github.com/digitorus/pdf"
)

// openForVerify opens data as it is and, when its cross-reference chain cannot be followed, as repaired
// by repairXref. repaired tells which happened. Signing never uses the repaired reader: its offsets point
// into a rebuilt copy, not the citizen's bytes.
func openForVerify(data []byte) (rdr *pdf.Reader, repaired bool, err error) {
	data = sanitizeNumbers(data)
	rdr, err = openPDFSafe(data)
	if err == nil {
		return rdr, false, nil
	}
	if len(data) < 8 || !bytes.HasPrefix(data, []byte("%PDF-")) {
		return nil, false, err
	}
	fixed, ok := repairXref(data)
	if !ok {
		return nil, false, err
	}
	if r2, err2 := openPDFSafe(fixed); err2 == nil {
		return r2, true, nil
	}
	return nil, false, err
}

// openPDFSafe is openPDF turning a panic of the parser into an error.
func openPDFSafe(data []byte) (rdr *pdf.Reader, err error) {
	defer func() {
		if r := recover(); r != nil {
			rdr, err = nil, fmt.Errorf("%w: %v", ErrInvalidPDF, r)
		}
	}()
	rdr, err = openPDF(data)
	if err == nil {
		// Touch the catalog's page tree: a broken chain often shows only when objects are resolved.
		_ = rdr.Trailer().Key("Root").Key("Pages").Key("Count").Int64()
	}
	return rdr, err
}

// sanitizeNumbers rewrites numbers some Windows producers print as "-1.#INF" or "1.#QNAN" into zeros of
// the same length, so that the parser reads the object and every offset stays where it was.
func sanitizeNumbers(data []byte) []byte {
	var out []byte
	for _, bad := range []string{".#INF", ".#IND", ".#QNAN", ".#SNAN"} {
		for off := 0; ; {
			i := bytes.Index(data[off:], []byte(bad))
			if i < 0 {
				break
			}
			i += off
			off = i + len(bad)
			if i == 0 || data[i-1] < '0' || data[i-1] > '9' {
				continue
			}
			if out == nil {
				out = bytes.Clone(data)
			}
			start, end := i-1, off
			for start > 0 && out[start-1] >= '0' && out[start-1] <= '9' {
				start--
			}
			for end < len(out) && (out[end] >= '0' && out[end] <= '9' || out[end] >= 'A' && out[end] <= 'Z') {
				end++
			}
			for k := start; k < end; k++ {
				out[k] = '0'
			}
		}
	}
	if out == nil {
		return data
	}
	return out
}

var (
	reObjHeader = regexp.MustCompile(`(?m)(?:^|[\r\n\s>])(\d{1,10})[ \t\r\n]+(\d{1,5})[ \t\r\n]+obj\b`)
	reRoot      = regexp.MustCompile(`/Root[ \t\r\n]+(\d+)[ \t\r\n]+(\d+)[ \t\r\n]+R`)
	reInfo      = regexp.MustCompile(`/Info[ \t\r\n]+(\d+)[ \t\r\n]+(\d+)[ \t\r\n]+R`)
)

// repairXref returns data with a fresh cross-reference table appended that lists every "N G obj" found
// by scanning (the last definition of a number wins, as in an incremental update) and the last /Root
// named by any trailer. Objects kept only inside object streams stay reachable through the object
// streams' own entries only when the original xref streams can still be read; the scan covers the
// classic layout damaged files have in practice.
func repairXref(data []byte) ([]byte, bool) {
	type loc struct {
		off int64
		gen int
	}
	objs := map[int]loc{}
	for _, m := range reObjHeader.FindAllSubmatchIndex(data, -1) {
		n, err1 := strconv.Atoi(string(data[m[2]:m[3]]))
		g, err2 := strconv.Atoi(string(data[m[4]:m[5]]))
		if err1 != nil || err2 != nil || n <= 0 {
			continue
		}
		objs[n] = loc{int64(m[2]), g}
	}
	roots := reRoot.FindAllSubmatch(data, -1)
	if len(objs) == 0 || len(roots) == 0 {
		return nil, false
	}
	root := roots[len(roots)-1]
	maxN := 0
	nums := make([]int, 0, len(objs))
	for n := range objs {
		nums = append(nums, n)
		maxN = max(maxN, n)
	}
	sort.Ints(nums)
	var b bytes.Buffer
	b.Grow(len(data) + 20*(maxN+1) + 200)
	b.Write(data)
	b.WriteString("\n")
	xrefAt := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n", maxN+1)
	for n := 0; n <= maxN; n++ {
		if l, ok := objs[n]; ok {
			fmt.Fprintf(&b, "%010d %05d n\r\n", l.off, l.gen)
		} else {
			b.WriteString("0000000000 65535 f\r\n")
		}
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root %s %s R", maxN+1, root[1], root[2])
	if infos := reInfo.FindAllSubmatch(data, -1); len(infos) > 0 {
		i := infos[len(infos)-1]
		fmt.Fprintf(&b, " /Info %s %s R", i[1], i[2])
	}
	fmt.Fprintf(&b, " >>\nstartxref\n%d\n%%%%EOF\n", xrefAt)
	return b.Bytes(), true
}
