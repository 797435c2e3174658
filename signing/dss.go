// The Document Security Store (ISO 32000-2 §12.8.4.3, ETSI EN 319 142-1 B-LT): the chain and the OCSP/CRL
// answers added after the signature as an incremental update, so the signature can be validated later.

package signing

import (
	"bytes"
	"crypto/sha1"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/digitorus/pdf"
)

// validationData is what goes into the /DSS.
type validationData struct {
	certs []*x509.Certificate
	ocsps [][]byte
	crls  [][]byte
}

// appendDSS returns signed with an incremental update holding a /DSS (Certs, OCSPs, CRLs, and a VRI
// entry for the last signature) referenced from a new catalog. signed must end with the update pdfsign
// wrote (a plain catalog object and a classic xref table or xref stream).
func appendDSS(signed []byte, vd validationData) ([]byte, error) {
	rdr, err := openPDF(signed)
	if err != nil {
		return nil, err
	}
	tr := rdr.Trailer()
	rootPtr := tr.Key("Root").GetPtr()
	if rootPtr.GetID() == 0 {
		return nil, errors.New("no catalog reference")
	}
	size := int(tr.Key("Size").Int64())
	if size <= 0 {
		return nil, errors.New("no /Size in the trailer")
	}
	prev := bytes.LastIndex(signed, []byte("startxref"))
	if prev < 0 {
		return nil, errors.New("no startxref")
	}
	prevXref, err := strconv.Atoi(strings.Fields(string(signed[prev+len("startxref"):]))[0])
	if err != nil {
		return nil, fmt.Errorf("startxref: %w", err)
	}
	catalog, err := catalogDict(signed, int(rootPtr.GetID()), int(rootPtr.GetGen()))
	if err != nil {
		return nil, err
	}
	// An earlier /DSS (a counter-signature): its entries are kept by reference in the new one.
	old := tr.Key("Root").Key("DSS")
	catalog = dssRef.ReplaceAll(catalog, nil)
	if bytes.Contains(catalog, []byte("/DSS")) {
		return nil, errors.New("the catalog's /DSS is not an indirect reference")
	}
	oldRefs := func(key string) []int {
		var ns []int
		for a, i := old.Key(key), 0; i < a.Len(); i++ {
			if p := a.Index(i).GetPtr(); p.GetID() != 0 && p.GetGen() == 0 {
				ns = append(ns, int(p.GetID()))
			}
		}
		return ns
	}
	var oldVRI []string
	for _, k := range old.Key("VRI").Keys() {
		if p := old.Key("VRI").Key(k).GetPtr(); p.GetID() != 0 && vriKey.MatchString(k) {
			oldVRI = append(oldVRI, fmt.Sprintf("/%s %d %d R", k, p.GetID(), p.GetGen()))
		}
	}

	var buf bytes.Buffer
	size0 := len(signed) + 1024
	for _, c := range vd.certs {
		size0 += len(c.Raw) + 64
	}
	for _, d := range append(vd.ocsps, vd.crls...) {
		size0 += len(d) + 64
	}
	buf.Grow(size0) // sized once
	buf.Write(signed)
	if !bytes.HasSuffix(signed, []byte("\n")) {
		buf.WriteByte('\n')
	}
	// pdfsign's xref stream may leave itself out of /Size: start after every object of its update.
	next := size
	for _, m := range objHeader.FindAllSubmatch(signed[lastUpdateStart(signed):], -1) {
		if n, err := strconv.Atoi(string(m[1])); err == nil && n >= next {
			next = n + 1
		}
	}
	offsets := map[int]int{}
	stream := func(data []byte) int {
		n := next
		next++
		offsets[n] = buf.Len()
		fmt.Fprintf(&buf, "%d 0 obj\n<< /Length %d >>\nstream\n", n, len(data))
		buf.Write(data)
		buf.WriteString("\nendstream\nendobj\n")
		return n
	}
	refs := func(ns []int) string {
		var sb strings.Builder
		sb.WriteByte('[')
		for i, n := range ns {
			if i > 0 {
				sb.WriteByte(' ')
			}
			fmt.Fprintf(&sb, "%d 0 R", n)
		}
		sb.WriteByte(']')
		return sb.String()
	}
	var certs, ocsps, crls []int
	var newCerts, newOCSPs, newCRLs []int
	for _, c := range vd.certs {
		certs = append(certs, stream(c.Raw))
	}
	for _, o := range vd.ocsps {
		ocsps = append(ocsps, stream(o))
	}
	for _, c := range vd.crls {
		crls = append(crls, stream(c))
	}
	newCerts, newOCSPs, newCRLs = certs, ocsps, crls
	certs = append(oldRefs("Certs"), certs...)
	ocsps = append(oldRefs("OCSPs"), ocsps...)
	crls = append(oldRefs("CRLs"), crls...)
	var dss strings.Builder
	dss.WriteString("<< /Type /DSS")
	if len(certs) > 0 {
		dss.WriteString(" /Certs " + refs(certs))
	}
	if len(ocsps) > 0 {
		dss.WriteString(" /OCSPs " + refs(ocsps))
	}
	if len(crls) > 0 {
		dss.WriteString(" /CRLs " + refs(crls))
	}
	// VRI: keyed by the upper-case SHA-1 of the last signature's /Contents value; earlier entries kept.
	if key, ok := lastSignatureVRIKey(signed); ok {
		var vri strings.Builder
		vri.WriteString("<< /Type /VRI")
		if len(newCerts) > 0 {
			vri.WriteString(" /Cert " + refs(newCerts))
		}
		if len(newOCSPs) > 0 {
			vri.WriteString(" /OCSP " + refs(newOCSPs))
		}
		if len(newCRLs) > 0 {
			vri.WriteString(" /CRL " + refs(newCRLs))
		}
		vri.WriteString(" >>")
		n := next
		next++
		offsets[n] = buf.Len()
		fmt.Fprintf(&buf, "%d 0 obj\n%s\nendobj\n", n, vri.String())
		dss.WriteString(fmt.Sprintf(" /VRI << %s /%s %d 0 R >>", strings.Join(oldVRI, " "), key, n))
	}
	dss.WriteString(" >>")
	dssNum := next
	next++
	offsets[dssNum] = buf.Len()
	fmt.Fprintf(&buf, "%d 0 obj\n%s\nendobj\n", dssNum, dss.String())

	// The catalog, rewritten under its own number with the /DSS entry.
	root := int(rootPtr.GetID())
	end := bytes.LastIndex(catalog, []byte(">>"))
	offsets[root] = buf.Len()
	fmt.Fprintf(&buf, "%d %d obj\n%s /DSS %d 0 R\n>>\nendobj\n", root, rootPtr.GetGen(), bytes.TrimSpace(catalog[:end]), dssNum)

	extra := ""
	if info := tr.Key("Info").GetPtr(); tr.Key("Info").Kind() == pdf.Dict && info.GetID() != 0 {
		extra += fmt.Sprintf(" /Info %d %d R", info.GetID(), info.GetGen())
	}
	if id := tr.Key("ID"); id.Len() == 2 {
		extra += fmt.Sprintf(" /ID [<%X> <%X>]", id.Index(0).RawString(), id.Index(1).RawString())
	}
	xrefAt := buf.Len()
	if xrefStream := !bytes.Contains(signed[lastUpdateStart(signed):], []byte("\nxref")); xrefStream {
		writeXrefStream(&buf, offsets, next, root, int(rootPtr.GetGen()), prevXref, extra)
	} else {
		writeXrefTable(&buf, offsets, root, int(rootPtr.GetGen()), next, prevXref, extra)
	}
	fmt.Fprintf(&buf, "startxref\n%d\n%%%%EOF\n", xrefAt)
	return buf.Bytes(), nil
}

var (
	dssRef    = regexp.MustCompile(`/DSS\s+\d+\s+\d+\s+R`)
	objHeader = regexp.MustCompile(`(?m)^(\d+)\s+\d+\s+obj\b`)
	vriKey    = regexp.MustCompile(`^[0-9A-Fa-f]{40}$`)
)

// lastUpdateStart is where the last incremental update begins (after the previous %%EOF).
func lastUpdateStart(data []byte) int {
	end := bytes.LastIndex(data, []byte("%%EOF"))
	if end < 0 {
		return 0
	}
	if i := bytes.LastIndex(data[:end], []byte("%%EOF")); i >= 0 {
		return i
	}
	return 0
}

// catalogDict finds the last "n g obj << … >> endobj" in data and returns the dictionary text.
func catalogDict(data []byte, n, g int) ([]byte, error) {
	re := regexp.MustCompile(`(?m)(^|[\r\n])` + strconv.Itoa(n) + `\s+` + strconv.Itoa(g) + `\s+obj\b`)
	locs := re.FindAllIndex(data, -1)
	if len(locs) == 0 {
		return nil, fmt.Errorf("catalog object %d not found", n)
	}
	body := data[locs[len(locs)-1][1]:]
	e := bytes.Index(body, []byte("endobj"))
	if e < 0 {
		return nil, errors.New("catalog object has no endobj")
	}
	d := bytes.TrimSpace(body[:e])
	if !bytes.HasPrefix(d, []byte("<<")) || !bytes.HasSuffix(d, []byte(">>")) {
		return nil, errors.New("catalog object is not a plain dictionary")
	}
	return d, nil
}

// lastSignatureVRIKey is the VRI key of the signature pdfsign wrote last: the SHA-1 of its /Contents bytes.
func lastSignatureVRIKey(signed []byte) (string, bool) {
	br, err := lastByteRange(signed, lastUpdateStart(signed))
	if err != nil {
		return "", false
	}
	raw, err := hex.DecodeString(string(signed[br[1]+1 : br[2]-1]))
	if err != nil {
		return "", false
	}
	raw = trimDERPadding(raw)
	sum := sha1.Sum(raw)
	return strings.ToUpper(hex.EncodeToString(sum[:])), true
}

// trimDERPadding cuts the zero padding after a DER SEQUENCE.
func trimDERPadding(b []byte) []byte {
	if len(b) < 2 || b[0] != 0x30 {
		return b
	}
	l, hdr := int(b[1]), 2
	if b[1]&0x80 != 0 {
		n := int(b[1] & 0x7f)
		if n == 0 || n > 4 || len(b) < 2+n {
			return b
		}
		l = 0
		for _, c := range b[2 : 2+n] {
			l = l<<8 | int(c)
		}
		hdr = 2 + n
	}
	if hdr+l <= len(b) {
		return b[:hdr+l]
	}
	return b
}

func writeXrefTable(buf *bytes.Buffer, offsets map[int]int, root, rootGen, size, prev int, extra string) {
	buf.WriteString("xref\n")
	nums := sortedKeys(offsets)
	for i := 0; i < len(nums); {
		j := i
		for j+1 < len(nums) && nums[j+1] == nums[j]+1 {
			j++
		}
		fmt.Fprintf(buf, "%d %d\n", nums[i], j-i+1)
		for k := i; k <= j; k++ {
			gen := 0
			if nums[k] == root {
				gen = rootGen
			}
			fmt.Fprintf(buf, "%010d %05d n\r\n", offsets[nums[k]], gen)
		}
		i = j + 1
	}
	fmt.Fprintf(buf, "trailer\n<< /Size %d /Root %d %d R /Prev %d%s >>\n", size, root, rootGen, prev, extra)
}

func writeXrefStream(buf *bytes.Buffer, offsets map[int]int, next, root, rootGen, prev int, extra string) {
	self := next
	offsets[self] = buf.Len()
	nums := sortedKeys(offsets)
	var index strings.Builder
	var rows []byte
	for i := 0; i < len(nums); {
		j := i
		for j+1 < len(nums) && nums[j+1] == nums[j]+1 {
			j++
		}
		fmt.Fprintf(&index, "%d %d ", nums[i], j-i+1)
		for k := i; k <= j; k++ {
			o := offsets[nums[k]]
			gen := 0
			if nums[k] == root {
				gen = rootGen
			}
			rows = append(rows, 1, byte(o>>24), byte(o>>16), byte(o>>8), byte(o), byte(gen))
		}
		i = j + 1
	}
	fmt.Fprintf(buf, "%d 0 obj\n<< /Type /XRef /Size %d /Index [%s] /W [1 4 1] /Root %d %d R /Prev %d%s /Length %d >>\nstream\n",
		self, self+1, strings.TrimSpace(index.String()), root, rootGen, prev, extra, len(rows))
	buf.Write(rows)
	buf.WriteString("\nendstream\nendobj\n")
}

func sortedKeys(m map[int]int) []int { return slices.Sorted(maps.Keys(m)) }
