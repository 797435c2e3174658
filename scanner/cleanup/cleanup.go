// Package cleanup cleans scanned pages for every scan source: it crops the scanner lid, straightens
// skewed pages, turns pages upright, flags blank pages (never drops them) and encodes pages for
// the dossier PDF at a size tuned for the digitization standard (colour, ≥ 200 dpi).
//
// Everything works on *image.RGBA or *image.Gray pixel slices; other image types are converted
// once. Analysis runs on a copy reduced to about 100 dpi (after straightening, the reduced copy is
// turned rather than the page reduced again). A page is processed on one goroutine: callers
// parallelise across pages (Process is safe for concurrent use; its scratch buffers are pooled).
package cleanup

import (
	"errors"
	"fmt"
	"image"
	"math"

	"sohoa/scanner"
)

// Errors from Process and Encode, for errors.Is.
var (
	// ErrNoImage: the page has no pixels. Scan the page again.
	ErrNoImage = errors.New("cleanup: the page has no image; scan it again")
	// ErrTooLarge: the page is larger than any scanner produces (over 20000 pixels a side or
	// 300 megapixels). Scan at a lower resolution.
	ErrTooLarge = errors.New("cleanup: the page image is too large; scan it at a lower resolution")
	// ErrEncode: the encoder failed (it should not on a valid page). Scan the page again.
	ErrEncode = errors.New("cleanup: the page could not be encoded; scan it again")
)

// Limits on the page size Process and Encode accept.
const (
	maxSide   = 20000
	maxPixels = 300_000_000
)

func checkImage(img image.Image) error {
	if img == nil || img.Bounds().Empty() {
		return ErrNoImage
	}
	b := img.Bounds()
	if b.Dx() > maxSide || b.Dy() > maxSide || b.Dx()*b.Dy() > maxPixels {
		return fmt.Errorf("%w (%d×%d pixels)", ErrTooLarge, b.Dx(), b.Dy())
	}
	return nil
}

// Result is a cleaned page.
type Result struct {
	// Image is the page after crop, deskew and orientation; it may share pixels with the input.
	Image    image.Image
	Data     []byte  // the encoded page, ready for the PDF
	Format   string  // FormatJPEG or FormatPNG
	Quality  int     // JPEG quality chosen (0 for PNG)
	Blank    bool    // the page looks blank: show it flagged, let the officer decide
	Angle    float64 // skew corrected, degrees counter-clockwise positive (see Deskew)
	Rotation int     // clockwise quarter turn applied to make the text upright (see Orientation)
	InkRatio float64 // share of the page's inner area covered by ink (see IsBlank)
}

// Process runs the clean-up pipeline on one scanned page: crop → deskew → orientation →
// blank flag → encode. In ModeGray and ModeBW colour input is reduced to grey first.
func Process(p scanner.Page, opts Options) (Result, error) {
	if err := checkImage(p.Image); err != nil {
		return Result{}, err
	}
	o := opts.withDefaults()
	page := toPage(p.Image)
	if rgba, ok := page.(*image.RGBA); ok && o.Mode != scanner.ModeColor {
		identity := identityLUT()
		page = toGray(rgba, &identity)
	}
	var res Result

	// Crop and measure skew on one analysis raster.
	a := analyse(page)
	r := pageRect(a)
	res.Angle = skewAngle(a, inset(r, 0.03))
	page = subImage(page, a.toPageRect(r))
	if math.Abs(res.Angle) >= minSkewDeg {
		page = rotatePage(page, -res.Angle, paperColor(page, a.paper))
		// Straightening moves the lid's edges into view: crop again, on the analysis raster
		// turned the same way (a sixteenth of the pixels of the page).
		a = subAnalysis(a, r)
		a.g = rotatePage(a.g, -res.Angle, grayColor(a.paper)).(*image.Gray)
		a.b = page.Bounds()
		r = pageRect(a)
		page = subImage(page, a.toPageRect(r))
	}
	// The crop's raster, re-based on the cropped page, serves the remaining analysis.
	a = subAnalysis(a, r)
	inner := inset(a.g.Rect, 0.03)
	res.Rotation = orientation(a, inner)
	res.Blank, res.InkRatio = blankTest(a, inset(a.g.Rect, 0.04))
	if res.Rotation != 0 {
		page = rotateQuarter(page, res.Rotation)
	}
	res.Image = page

	data, format, q, err := encode(page, p.DPI, o)
	if err != nil {
		return Result{}, fmt.Errorf("page %d: %w", p.Index+1, err)
	}
	res.Data, res.Format, res.Quality = data, format, q
	return res, nil
}

// subAnalysis restricts a to the part r of its raster, as the analysis of the cropped page.
func subAnalysis(a *analysis, r image.Rectangle) *analysis {
	g := a.g.SubImage(r).(*image.Gray)
	// Re-base to the origin so the raster's rectangle is (0,0)-(w,h).
	g = &image.Gray{Pix: g.Pix, Stride: g.Stride, Rect: image.Rect(0, 0, r.Dx(), r.Dy())}
	return &analysis{g: g, f: a.f, b: a.toPageRect(r), paper: a.paper}
}

func identityLUT() [256]uint8 {
	var l [256]uint8
	for i := range l {
		l[i] = uint8(i)
	}
	return l
}
