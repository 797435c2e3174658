// PDF import: pdfcpu reads and validates the file; encrypted files are refused; existing signatures
// are found (/ByteRange signature dictionaries) and named from their CMS, and the bytes are kept as given.

package importer

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/digitorus/pkcs7"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

func importPDF(name string, data []byte) (res Result, err error) {
	defer func() {
		// pdfcpu is not hardened against every hostile file; a panic is a damaged file, not a crash.
		if p := recover(); p != nil {
			res, err = Result{}, fmt.Errorf("%w: %s: the PDF could not be read (%v); ask for the file again", ErrCorrupt, name, p)
		}
	}()
	if !bytes.Contains(data[max(0, len(data)-2048):], []byte("%%EOF")) {
		return Result{}, fmt.Errorf("%w: %s: the PDF is cut short (no end-of-file marker); ask for the complete file", ErrCorrupt, name)
	}
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	ctx, err := api.ReadContext(bytes.NewReader(data), conf)
	if err != nil {
		if errors.Is(err, pdfcpu.ErrWrongPassword) || strings.Contains(strings.ToLower(err.Error()), "password") {
			return Result{}, encrypted(name)
		}
		return Result{}, fmt.Errorf("%w: %s: the PDF is damaged (%v); ask for the file again", ErrCorrupt, name, err)
	}
	if ctx.Encrypt != nil || ctx.E != nil {
		return Result{}, encrypted(name)
	}
	sigs := signatures(ctx)
	if err := api.ValidateContext(ctx); err != nil && len(sigs) == 0 {
		// A signed file is kept as it is whatever a validator thinks; signing.Verify judges it.
		return Result{}, fmt.Errorf("%w: %s: the PDF does not follow the PDF format (%v); ask for the file again or print and scan it", ErrCorrupt, name, err)
	}
	if err := ctx.EnsurePageCount(); err != nil || ctx.PageCount <= 0 {
		return Result{}, fmt.Errorf("%w: %s: the PDF has no readable pages; ask for the file again", ErrCorrupt, name)
	}
	var notes []Note
	if len(sigs) > 0 {
		// Kept byte for byte so the signatures stay valid; the officer is warned.
		if found := activeContent(ctx, false); len(found) > 0 {
			list := strings.Join(found, ", ")
			notes = append(notes, Note{Key: NoteSignedActive, Args: map[string]any{"Found": list},
				Text: fmt.Sprintf("%s is signed and carries active content, kept unchanged: %s", name, list)})
		}
	} else {
		cleaned, note, err := cleanPDF(name, ctx, data)
		if err != nil {
			return Result{}, err
		}
		if note != nil {
			data, notes = cleaned, append(notes, *note)
		}
	}
	return Result{
		Kind:       KindPDF,
		PDF:        data,
		PageCount:  ctx.PageCount,
		Signed:     len(sigs) > 0,
		Signatures: sigs,
		Notes:      notes,
	}, nil
}

func encrypted(name string) error {
	return fmt.Errorf("%w: %s is protected with a password or encryption; ask the citizen for an unprotected copy (or print it and scan the paper)", ErrEncrypted, name)
}

// signatures lists every signature and document timestamp dictionary in the file (any object
// with /ByteRange and /Contents), in object order, described as "signer, date".
func signatures(ctx *model.Context) []string {
	var nums []int
	for n, e := range ctx.Table {
		if e == nil || e.Free {
			continue
		}
		if d, ok := e.Object.(types.Dict); ok && isSigDict(d) {
			nums = append(nums, n)
		}
	}
	sort.Ints(nums)
	out := make([]string, 0, len(nums))
	for _, n := range nums {
		out = append(out, describeSig(ctx.Table[n].Object.(types.Dict)))
	}
	return out
}

func isSigDict(d types.Dict) bool {
	if _, ok := d.Find("ByteRange"); !ok {
		return false
	}
	_, ok := d.Find("Contents")
	return ok
}

// describeSig names the signer from the signing certificate's common name, or the /Name entry,
// and adds the /M date; a document timestamp is labelled as such.
func describeSig(d types.Dict) string {
	who := ""
	if b, err := d.StringEntryBytes("Contents"); err == nil && len(b) > 0 {
		who = cmsSigner(b)
	}
	if who == "" {
		if s := d.StringEntry("Name"); s != nil {
			who = *s
		}
	}
	if who == "" {
		who = "unknown signer"
	}
	if sf := d.NameEntry("SubFilter"); sf != nil && *sf == "ETSI.RFC3161" {
		who = "document timestamp: " + who
	}
	if m := d.StringEntry("M"); m != nil {
		if t, ok := types.DateTime(*m, true); ok {
			who += ", " + t.Format("2006-01-02")
		}
	}
	return who
}

// cmsSigner returns the common name (or subject) of the first signer in a CMS blob; trailing
// zero padding of /Contents is tolerated.
func cmsSigner(b []byte) (name string) {
	defer func() {
		if recover() != nil {
			name = ""
		}
	}()
	p7, err := pkcs7.Parse(derPrefix(b))
	if err != nil || len(p7.Signers) == 0 {
		return ""
	}
	cert := p7.GetOnlySigner()
	if cert == nil {
		serial := p7.Signers[0].IssuerAndSerialNumber.SerialNumber
		for _, c := range p7.Certificates {
			if serial != nil && c.SerialNumber.Cmp(serial) == 0 {
				cert = c
			}
		}
	}
	if cert == nil {
		// Signer identified by key identifier, which this parser does not match: take the one
		// end-entity certificate if there is exactly one.
		for _, c := range p7.Certificates {
			if !c.IsCA && !slices.Contains(c.ExtKeyUsage, x509.ExtKeyUsageOCSPSigning) && !slices.Contains(c.ExtKeyUsage, x509.ExtKeyUsageTimeStamping) {
				if cert != nil {
					return ""
				}
				cert = c
			}
		}
	}
	if cert == nil {
		return ""
	}
	name = cert.Subject.CommonName
	if name == "" {
		name = cert.Subject.String()
	}
	return latin1ToUTF8(name)
}

// derPrefix cuts the DER element at the start of b to its encoded length, dropping the zero padding
// of a /Contents placeholder (which may not be trimmed blindly: DER may end in 0x00).
func derPrefix(b []byte) []byte {
	if len(b) < 2 || b[0] != 0x30 {
		return b
	}
	n, hdr := int(b[1]), 2
	if n&0x80 != 0 {
		k := n & 0x7f
		if k == 0 || k > 4 || len(b) < 2+k {
			return b // indefinite length (BER) or nonsense: let the parser decide
		}
		n = 0
		for _, c := range b[2 : 2+k] {
			n = n<<8 | int(c)
		}
		hdr += k
	}
	if n < 0 || hdr+n > len(b) {
		return b
	}
	return b[:hdr+n]
}

// latin1ToUTF8 repairs names stored as T61/Latin-1 strings, which Go returns as raw bytes.
func latin1ToUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	r := make([]rune, 0, len(s))
	for i := 0; i < len(s); i++ {
		r = append(r, rune(s[i]))
	}
	return string(r)
}
