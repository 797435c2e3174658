// PDF signing: a PAdES baseline approval signature (ETSI.CAdES.detached, SHA-256; B-B, B-T with a TSA, B-LT
// with validation data) with a visible stamp at the top-left of page 1.

package signing

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pdfsign/sign"
	"golang.org/x/text/unicode/norm"
)

// Sign returns pdf with one more approval signature appended as an incremental update, so earlier
// signatures stay valid. The certificate is checked first (CheckCertificate at opt.Now against opt.Roots);
// a failed check is returned as is and nothing is signed. The stamp shows app at the top-left of page 1.
// Sign never modifies pdf and returns nil bytes on any error. Revocation warnings are dropped: a caller
// that keeps an audit log uses SignDetailed.
func Sign(ctx context.Context, pdfIn []byte, id Identity, app Appearance, opt Options) ([]byte, error) {
	res, err := SignDetailed(ctx, pdfIn, id, app, opt)
	return res.PDF, err
}

// SignDetailed is Sign reporting the verified chain, the revocation answers (OCSP, else CRL, for every
// certificate of the chain below the anchor; with the chain they are added after the signature in a /DSS
// dictionary, which makes the signature PAdES B-LT) and the warnings to record. A revoked certificate stops it with a *CertError wrapping ErrCertRevoked.
func SignDetailed(ctx context.Context, pdfIn []byte, id Identity, app Appearance, opt Options) (res SignResult, err error) {
	if id == nil {
		return res, ErrNoCertificate
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	now := opt.Now
	if now.IsZero() {
		now = time.Now()
	}
	cert := id.Certificate()
	verified, err := checkCertificate(cert, id.Chain(), opt.Roots, now)
	if err != nil {
		return res, err
	}
	res.Chain = verified
	chain := verified[1:]
	rev := opt.Revocation
	if rev.Now.IsZero() {
		rev.Now = now
	}
	var vd validationData
	for i := 0; i+1 < len(verified); i++ {
		st, err := CheckRevocation(ctx, verified[i], verified[i+1], rev)
		if err != nil {
			return res, err
		}
		res.Revocation = append(res.Revocation, st)
		if st.Warning != nil {
			res.Warnings = append(res.Warnings, fmt.Errorf("certificate %q: %w", st.Subject, st.Warning))
		}
		if st.OCSP != nil {
			vd.ocsps = append(vd.ocsps, st.OCSP)
		} else if st.CRL != nil {
			vd.crls = append(vd.crls, st.CRL)
		}
	}
	out, pss, err := signPDF(ctx, pdfIn, id, chain, app, opt, now)
	res.PSS = pss
	if err != nil {
		return res, err
	}
	// B-LT: the chain and the revocation answers go into a /DSS added after the signature, when there
	// are answers (an online desk) and the caller did not turn it off.
	if !opt.NoDSS && len(vd.ocsps)+len(vd.crls) > 0 {
		vd.certs = verified
		withDSS, err := appendDSS(out, vd)
		if err != nil {
			return res, fmt.Errorf("%w: adding the validation data: %w", ErrSignFailed, err)
		}
		out = withDSS
		res.DSS = true
	}
	res.PDF = out
	return res, nil
}

// signPDF writes the signature once the certificate checks are done.
func signPDF(ctx context.Context, pdfIn []byte, id Identity, chain []*x509.Certificate,
	app Appearance, opt Options, now time.Time) (out []byte, pss bool, err error) {
	cert := id.Certificate()
	if app.SignerName == "" {
		app.SignerName = cert.Subject.CommonName
	}
	if app.ScanTime.IsZero() {
		app.ScanTime = now
	}

	// pdfsign and the PDF reader panic on some malformed files: turn that into ErrInvalidPDF.
	defer func() {
		if r := recover(); r != nil {
			out, pss, err = nil, false, fmt.Errorf("%w: %v", ErrInvalidPDF, r)
		}
	}()

	in := pdfIn // only ever read through bytes.Readers: the caller's slice is never written
	rdr, err := openPDF(in)
	if err != nil {
		return nil, false, err
	}
	// pdfsign adds /Version /1.5 to the new catalog when the header is older, and also copies the
	// catalog's own /Version: a second signature would write the key twice. Tell it the real version.
	if v := rdr.Trailer().Key("Root").Key("Version").Name(); v > rdr.PDFVersion && len(v) == 3 {
		rdr.PDFVersion = v
	}
	geo, err := firstPageGeometry(rdr)
	if err != nil {
		return nil, false, err
	}
	rect, turns := placeStamp(geo, AppearanceWidthMM, app.heightMM(), AppearanceMarginMM)
	wmm, hmm := (rect[2]-rect[0])/mmPt, (rect[3]-rect[1])/mmPt
	if turns%2 == 1 {
		wmm, hmm = hmm, wmm
	}
	img, err := app.Render(wmm, hmm)
	if err != nil {
		return nil, false, err
	}
	pngBytes, err := encodePNG(rotateCCW(img, turns))
	if err != nil {
		return nil, false, err
	}

	reason := opt.Reason
	if app.Training {
		reason = strings.TrimSpace(TrainingMark + " " + reason)
	}
	signer := &guardedSigner{ctx: ctx, inner: id}
	layout := &layoutSigner{pub: id.Public(), size: signatureSize(cert)}
	sd := sign.SignData{
		Signature: sign.SignDataSignature{
			CertType: sign.ApprovalSignature,
			Info: sign.SignDataSignatureInfo{
				Name:        pdfText(app.SignerName),
				Location:    pdfText(opt.Location),
				Reason:      pdfText(reason),
				ContactInfo: pdfText(opt.Contact),
				Date:        now,
			},
		},
		Signer:            layout,
		DigestAlgorithm:   crypto.SHA256,
		Certificate:       sizingCertificate(cert, reserveFor(cert, opt.TSAURL != "")),
		CertificateChains: [][]*x509.Certificate{append([]*x509.Certificate{cert}, chain...)},
		Appearance: sign.Appearance{
			Visible:     true,
			Page:        1,
			LowerLeftX:  rect[0],
			LowerLeftY:  rect[1],
			UpperRightX: rect[2],
			UpperRightY: rect[3],
			Image:       pngBytes,
		},
	}

	// pdfsign lays out the incremental update (signature field, stamp, catalog, xref) around a placeholder;
	// its own CMS, made with a stand-in signer, is replaced below by the PAdES one.
	var buf bytes.Buffer
	buf.Grow(len(in) + 64<<10 + 2*reserveFor(cert, opt.TSAURL != "")) // the output, sized once
	if err := sign.Sign(bytes.NewReader(in), &buf, rdr, int64(len(in)), sd); err != nil {
		if ctx.Err() != nil {
			return nil, false, ctx.Err()
		}
		return nil, false, fmt.Errorf("%w: %w", ErrSignFailed, err)
	}
	if layout.calls != 1 {
		// pdfsign re-runs itself when its placeholder was too small and then writes a broken xref.
		return nil, false, fmt.Errorf("%w: signature placeholder too small (%d layout passes)", ErrSignFailed, layout.calls)
	}
	out = buf.Bytes()
	if !bytes.HasPrefix(out, pdfIn) {
		return nil, false, fmt.Errorf("%w: the output is not an incremental update of the input", ErrSignFailed)
	}
	pss, err = fillPAdES(ctx, out, len(pdfIn), signer, cadesInput{cert: cert, chain: chain, pss: opt.PSS, tsaURL: opt.TSAURL})
	if err != nil {
		switch {
		case ctx.Err() != nil:
			return nil, false, ctx.Err()
		case errors.Is(err, ErrTimestamp):
			return nil, false, err
		case signer.err != nil:
			return nil, false, fmt.Errorf("%w: %w", ErrSignFailed, signer.err)
		}
		return nil, false, fmt.Errorf("%w: %w", ErrSignFailed, err)
	}
	if err := checkOwnSignature(out); err != nil {
		return nil, false, fmt.Errorf("%w: self-check of the new signature failed: %w", ErrSignFailed, err)
	}
	return out, pss, nil
}

// layoutSigner stands in for the identity while pdfsign lays out the document: it returns a signature
// value of the real size and counts the passes.
type layoutSigner struct {
	pub   crypto.PublicKey
	size  int
	calls int
}

func (l *layoutSigner) Public() crypto.PublicKey { return l.pub }

func (l *layoutSigner) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) {
	l.calls++
	return make([]byte, l.size), nil
}

// signatureSize is the largest signature value cert's key can give.
func signatureSize(cert *x509.Certificate) int {
	switch k := cert.PublicKey.(type) {
	case *rsa.PublicKey:
		return k.Size()
	case *ecdsa.PublicKey:
		return 2*((k.Curve.Params().BitSize+7)/8) + 9
	}
	return 512
}

// TSAReserve is the room kept in the signature for the timestamp token.
const TSAReserve = 12000

// reserveFor is what the PAdES CMS needs beyond pdfsign's estimate (which counts the certificates but
// not the signature value): the signature value, the issuer and serial named twice, the attributes, and
// the timestamp token.
func reserveFor(cert *x509.Certificate, timestamped bool) int {
	n := signatureSize(cert) + 2*len(cert.RawIssuer) + 2*len(cert.SerialNumber.Bytes()) + 512
	if timestamped {
		n += TSAReserve
	}
	return n
}

// fillPAdES turns the signature dictionary pdfsign wrote after inLen into an ETSI.CAdES.detached one and
// writes the CAdES signature over the byte ranges into its /Contents, in place.
func fillPAdES(ctx context.Context, out []byte, inLen int, signer crypto.Signer, in cadesInput) (pss bool, err error) {
	tail := out[inLen:]
	i := bytes.Index(tail, []byte("/SubFilter /adbe.pkcs7.detached"))
	if i < 0 {
		return false, errors.New("the new signature dictionary was not found")
	}
	copy(tail[i:], "/SubFilter /ETSI.CAdES.detached")
	br, err := lastByteRange(out, inLen)
	if err != nil {
		return false, err
	}
	h := sha256.New()
	h.Write(out[br[0] : br[0]+br[1]])
	h.Write(out[br[2] : br[2]+br[3]])
	in.digest = h.Sum(nil)
	res, err := buildCAdES(ctx, signer, in)
	if err != nil {
		return false, err
	}
	room := out[br[1]+1 : br[2]-1] // between < and >
	if hex.EncodedLen(len(res.der)) > len(room) {
		return false, fmt.Errorf("signature placeholder too small (%d bytes for %d)", len(room)/2, len(res.der))
	}
	n := hex.Encode(room, res.der)
	for j := n; j < len(room); j++ {
		room[j] = '0'
	}
	return res.usedPSS, nil
}

// lastByteRange reads the /ByteRange pdfsign wrote after from.
func lastByteRange(out []byte, from int) ([4]int, error) {
	var br [4]int
	i := bytes.LastIndex(out[from:], []byte("/ByteRange ["))
	if i < 0 {
		return br, errors.New("the new /ByteRange was not found")
	}
	s := out[from+i+len("/ByteRange ["):]
	end := bytes.IndexByte(s, ']')
	if end < 0 {
		return br, errors.New("bad /ByteRange")
	}
	f := strings.Fields(string(s[:end]))
	if len(f) != 4 {
		return br, errors.New("bad /ByteRange")
	}
	for k := range f {
		v, err := strconv.Atoi(f[k])
		if err != nil || v < 0 {
			return br, errors.New("bad /ByteRange")
		}
		br[k] = v
	}
	if br[0] != 0 || br[1]+2 > br[2] || br[2]+br[3] != len(out) || out[br[1]] != '<' || out[br[2]-1] != '>' {
		return br, errors.New("bad /ByteRange")
	}
	return br, nil
}

// guardedSigner refuses to sign once ctx is done and counts the signing operations.
type guardedSigner struct {
	ctx   context.Context
	inner crypto.Signer
	calls int
	err   error
}

func (g *guardedSigner) Public() crypto.PublicKey { return g.inner.Public() }

func (g *guardedSigner) Sign(rand io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	if err := g.ctx.Err(); err != nil {
		g.err = err
		return nil, err
	}
	g.calls++
	sig, err := g.inner.Sign(rand, digest, opts)
	if err != nil {
		g.err = err
	}
	return sig, err
}

// sizingCertificate makes pdfsign reserve extra bytes for the signature: its placeholder estimate reads
// Certificate.RawIssuer's length (and forgets the signature value for SHA-256 certificates), while the
// CMS it is sized for is replaced by ours. Padding RawIssuer enlarges the placeholder.
func sizingCertificate(cert *x509.Certificate, extra int) *x509.Certificate {
	c := *cert
	c.RawIssuer = append(bytes.Clone(cert.RawIssuer), make([]byte, extra)...)
	return &c
}

// openPDF parses data with the reader pdfsign uses.
func openPDF(data []byte) (*pdf.Reader, error) {
	if len(data) < 8 || !bytes.HasPrefix(data, []byte("%PDF-")) {
		return nil, fmt.Errorf("%w: no %%PDF- header", ErrInvalidPDF)
	}
	rdr, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidPDF, err)
	}
	if !rdr.Trailer().Key("Encrypt").IsNull() {
		return nil, fmt.Errorf("%w: the PDF is encrypted; save it without a password first", ErrInvalidPDF)
	}
	if rdr.Trailer().Key("Root").Key("Pages").IsNull() {
		return nil, fmt.Errorf("%w: no page tree", ErrInvalidPDF)
	}
	return rdr, nil
}

// pageGeometry is page 1's visible box in default user space and its /Rotate.
type pageGeometry struct {
	box    [4]float64 // llx, lly, urx, ury
	rotate int        // 0, 90, 180, 270
}

const mmPt = 72 / 25.4

// firstPageGeometry finds page 1 and its inherited MediaBox, CropBox and Rotate.
func firstPageGeometry(rdr *pdf.Reader) (pageGeometry, error) {
	node := rdr.Trailer().Key("Root").Key("Pages")
	var media, crop pdf.Value
	rotate := int64(0)
	inherit := func(n pdf.Value) {
		if v := n.Key("MediaBox"); v.Kind() == pdf.Array {
			media = v
		}
		if v := n.Key("CropBox"); v.Kind() == pdf.Array {
			crop = v
		}
		if v := n.Key("Rotate"); v.Kind() == pdf.Integer {
			rotate = v.Int64()
		}
	}
	for depth := 0; ; depth++ {
		if depth > 64 || node.IsNull() {
			return pageGeometry{}, fmt.Errorf("%w: page 1 not found", ErrInvalidPDF)
		}
		inherit(node)
		if node.Key("Type").Name() == "Page" || node.Key("Kids").IsNull() {
			break
		}
		if node.Key("Kids").Len() == 0 {
			return pageGeometry{}, fmt.Errorf("%w: the document has no pages", ErrInvalidPDF)
		}
		node = node.Key("Kids").Index(0)
	}
	box, ok := readBox(media)
	if !ok {
		box = [4]float64{0, 0, 595.28, 841.89} // A4, the default when MediaBox is missing or broken
	}
	if c, ok := readBox(crop); ok {
		// The visible region is the CropBox clipped to the MediaBox.
		c = [4]float64{math.Max(c[0], box[0]), math.Max(c[1], box[1]), math.Min(c[2], box[2]), math.Min(c[3], box[3])}
		if c[2]-c[0] > 1 && c[3]-c[1] > 1 {
			box = c
		}
	}
	r := int(((rotate % 360) + 360) % 360)
	if r%90 != 0 {
		r = 0
	}
	return pageGeometry{box: box, rotate: r}, nil
}

func readBox(v pdf.Value) ([4]float64, bool) {
	if v.Kind() != pdf.Array || v.Len() != 4 {
		return [4]float64{}, false
	}
	var b [4]float64
	for i := range 4 {
		k := v.Index(i).Kind()
		if k != pdf.Integer && k != pdf.Real {
			return b, false
		}
		b[i] = v.Index(i).Float64()
		if math.IsNaN(b[i]) || math.IsInf(b[i], 0) {
			return b, false
		}
	}
	b = [4]float64{math.Min(b[0], b[2]), math.Min(b[1], b[3]), math.Max(b[0], b[2]), math.Max(b[1], b[3])}
	return b, b[2]-b[0] > 1 && b[3]-b[1] > 1
}

// placeStamp returns the widget rectangle (in unrotated page space) that appears at the visual top-left
// of the page once /Rotate is applied, and how many quarter turns counter-clockwise the upright stamp
// picture needs so it reads upright on screen. The stamp shrinks to fit small pages.
func placeStamp(g pageGeometry, wmm, hmm, marginMM float64) ([4]float64, int) {
	x0, y0, x1, y1 := g.box[0], g.box[1], g.box[2], g.box[3]
	visW, visH := x1-x0, y1-y0
	if g.rotate == 90 || g.rotate == 270 {
		visW, visH = visH, visW
	}
	m := math.Min(marginMM*mmPt, math.Min(visW, visH)*0.05)
	w := math.Min(wmm*mmPt, visW-2*m)
	h := math.Min(hmm*mmPt, visH-2*m)
	if s := math.Min(w/(wmm*mmPt), h/(hmm*mmPt)); s < 1 { // keep the aspect ratio
		w, h = wmm*mmPt*s, hmm*mmPt*s
	}
	switch g.rotate {
	case 90:
		return [4]float64{x0 + m, y0 + m, x0 + m + h, y0 + m + w}, 1
	case 180:
		return [4]float64{x1 - m - w, y0 + m, x1 - m, y0 + m + h}, 2
	case 270:
		return [4]float64{x1 - m - h, y1 - m - w, x1 - m, y1 - m}, 3
	default:
		return [4]float64{x0 + m, y1 - m - h, x0 + m + w, y1 - m}, 0
	}
}

// pdfText makes s safe for pdfsign's string writer, which puts UTF-16BE bytes into a literal string
// without escaping: any code unit holding a byte 0x28 '(', 0x29 ')', 0x5C '\' or 0x0D would end or
// corrupt the string (Vietnamese "ĩ" is U+0129). Such characters are decomposed (ĩ → i + U+0303,
// canonically equivalent) or replaced by look-alikes.
func pdfText(s string) string {
	s = norm.NFC.String(s)
	ascii := true
	for _, r := range s {
		if r >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s // pdfsign escapes ASCII strings itself
	}
	bad := func(r rune) bool {
		for _, u := range utf16.Encode([]rune{r}) {
			for _, b := range []byte{byte(u >> 8), byte(u)} {
				if b == 0x28 || b == 0x29 || b == 0x5C || b == 0x0D {
					return true
				}
			}
		}
		return false
	}
	var sb strings.Builder
	for _, r := range s {
		if !bad(r) {
			sb.WriteRune(r)
			continue
		}
		switch r {
		case '(':
			sb.WriteRune('（')
		case ')':
			sb.WriteRune('）')
		case '\\':
			sb.WriteRune('／')
		case '\r':
			sb.WriteRune(' ')
		default:
			dec := norm.NFD.String(string(r))
			ok := true
			for _, d := range dec {
				ok = ok && !bad(d)
			}
			if ok {
				sb.WriteString(dec)
			} else {
				sb.WriteRune('?')
			}
		}
	}
	return sb.String()
}
