// What import changed in a citizen's file, for the officer to see and the audit log to keep.

package importer

import (
	"fmt"
	"image"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	xdraw "golang.org/x/image/draw"

	"sohoa/scanner"
)

// Keys of Note; assets/i18n has a Vietnamese and an English sentence for each
// ("import.note.<key>"), filled with Note.Args.
const (
	// NoteDownscaled: a page had more pixels than pdfcpu embeds and was reduced to its
	// physical size at 300 dpi. Args: Page, From ("WxH"), To ("WxH"), DPI.
	NoteDownscaled = "downscaled"
	// NotePDFCleaned: active content was removed from an unsigned PDF. Args: Removed
	// (comma-separated list of what: javascript, open_action, additional_actions, embedded_files).
	NotePDFCleaned = "pdf_cleaned"
	// NoteSignedActive: a signed PDF carries active content that was kept (the file stays
	// byte for byte). Args: Found (same list as NotePDFCleaned).
	NoteSignedActive = "signed_active_content"
)

// Note is one change import made to the citizen's file (or one thing it found and kept).
type Note struct {
	Key  string         // one of the Note* constants
	Page int            // 1-based page it concerns, 0 for the whole file
	Args map[string]any // values for the sentence
	Text string         // the same in English, for logs and the audit trail
}

// downscaleDPI is the resolution pages above PDFMaxPixels are reduced to.
const downscaleDPI = 300

// PDFMaxPixels is the largest image (width × height) pdfcpu embeds with its default
// limits; import reduces larger pages so that assembling and signing never meet it.
func PDFMaxPixels() int64 {
	l := model.DefaultResourceLimits()
	return min(l.MaxImagePixels, l.MaxImageBytes/4)
}

// fitForPDF reduces page p (number n, 1-based) to its physical size at 300 dpi when it has
// more pixels than pdfcpu embeds, and says so in a note; other pages are returned as they are.
func fitForPDF(p scanner.Page, n int) (scanner.Page, *Note) {
	b := p.Image.Bounds()
	if int64(b.Dx())*int64(b.Dy()) <= PDFMaxPixels() || p.DPI <= downscaleDPI {
		return p, nil
	}
	w := max(int(float64(b.Dx())*downscaleDPI/float64(p.DPI)+0.5), 1)
	h := max(int(float64(b.Dy())*downscaleDPI/float64(p.DPI)+0.5), 1)
	var dst image.Image
	switch src := p.Image.(type) {
	case *image.YCbCr: // what image/jpeg returns for photos
		d := image.NewYCbCr(image.Rect(0, 0, w, h), src.SubsampleRatio)
		sy, dy := planeSize(src.Rect, image.YCbCrSubsampleRatio444), planeSize(d.Rect, image.YCbCrSubsampleRatio444)
		sc, dc := planeSize(src.Rect, src.SubsampleRatio), planeSize(d.Rect, d.SubsampleRatio)
		boxPlane(src.Y, src.YStride, sy, d.Y, d.YStride, dy)
		boxPlane(src.Cb, src.CStride, sc, d.Cb, d.CStride, dc)
		boxPlane(src.Cr, src.CStride, sc, d.Cr, d.CStride, dc)
		dst = d
	case *image.Gray:
		d := image.NewGray(image.Rect(0, 0, w, h))
		boxPlane(src.Pix, src.Stride, b.Size(), d.Pix, d.Stride, d.Rect.Size())
		dst = d
	default:
		d := image.NewRGBA(image.Rect(0, 0, w, h))
		xdraw.ApproxBiLinear.Scale(d, d.Bounds(), p.Image, b, xdraw.Src, nil)
		dst = d
	}
	from, to := fmt.Sprintf("%dx%d", b.Dx(), b.Dy()), fmt.Sprintf("%dx%d", w, h)
	note := &Note{Key: NoteDownscaled, Page: n,
		Args: map[string]any{"Page": n, "From": from, "To": to, "DPI": downscaleDPI},
		Text: fmt.Sprintf("page %d was %s pixels, more than a PDF page can hold; reduced to %s (its paper size at %d dpi)", n, from, to, downscaleDPI)}
	return scanner.Page{Image: dst, DPI: downscaleDPI, Index: p.Index, Back: p.Back}, note
}

// planeSize is the size of one plane of a YCbCr image of rectangle r (Y: ratio 4:4:4).
func planeSize(r image.Rectangle, ratio image.YCbCrSubsampleRatio) image.Point {
	w, h := r.Dx(), r.Dy()
	switch ratio {
	case image.YCbCrSubsampleRatio422:
		return image.Pt((w+1)/2, h)
	case image.YCbCrSubsampleRatio420:
		return image.Pt((w+1)/2, (h+1)/2)
	case image.YCbCrSubsampleRatio440:
		return image.Pt(w, (h+1)/2)
	case image.YCbCrSubsampleRatio411:
		return image.Pt((w+3)/4, h)
	case image.YCbCrSubsampleRatio410:
		return image.Pt((w+3)/4, (h+1)/2)
	}
	return image.Pt(w, h)
}

// boxPlane reduces one 8-bit plane by averaging the source pixels each destination
// pixel covers (an area filter: no aliasing, one pass over the source).
func boxPlane(src []uint8, sstride int, ss image.Point, dst []uint8, dstride int, ds image.Point) {
	if ds.X <= 0 || ds.Y <= 0 || ss.X <= 0 || ss.Y <= 0 {
		return
	}
	x0s := make([]int, ds.X+1)
	for x := range x0s {
		x0s[x] = x * ss.X / ds.X
	}
	sum := make([]uint32, ds.X)
	for y := 0; y < ds.Y; y++ {
		y0, y1 := y*ss.Y/ds.Y, max((y+1)*ss.Y/ds.Y, y*ss.Y/ds.Y+1)
		clear(sum)
		for sy := y0; sy < y1 && sy < ss.Y; sy++ {
			row := src[sy*sstride : sy*sstride+ss.X]
			for x := range sum {
				a, e := x0s[x], max(x0s[x+1], x0s[x]+1)
				var s uint32
				for _, v := range row[a:min(e, ss.X)] {
					s += uint32(v)
				}
				sum[x] += s
			}
		}
		out := dst[y*dstride : y*dstride+ds.X]
		for x := range out {
			n := uint32((min(x0s[x+1], ss.X) - x0s[x])) // may be 0 when enlarging: guarded below
			n = max(n, 1) * uint32(min(y1, ss.Y)-y0)
			out[x] = uint8((sum[x] + n/2) / max(n, 1))
		}
	}
}

// NoteTexts returns the English text of each note, for the audit log; nil when there are none.
func (r Result) NoteTexts() []string {
	var out []string
	for _, n := range r.Notes {
		out = append(out, n.Text)
	}
	return out
}
