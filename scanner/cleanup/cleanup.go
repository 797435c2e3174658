// The clean-up entry point: crop, deskew, orientation and blank-page flagging of one page.

package cleanup

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"sohoa/errs"
	"sohoa/scanner"
)

// Errors from Process and Encode, for errors.Is.
var (
	// ErrNoImage: the page has no pixels. Scan the page again.
	ErrNoImage = errs.New("error.cleanup.no_image", errs.NeedsOfficer, "cleanup: the page has no image; scan it again")
	// ErrTooLarge: the page is larger than any scanner produces (over 20000 pixels a side or
	// 300 megapixels). Scan at a lower resolution.
	ErrTooLarge = errs.New("error.cleanup.too_large", errs.NeedsOfficer, "cleanup: the page image is too large; scan it at a lower resolution")
	// ErrEncode: the encoder failed (it should not on a valid page). Scan the page again.
	ErrEncode = errs.New("error.cleanup.encode", errs.NeedsOfficer, "cleanup: the page could not be encoded; scan it again")
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
	// A colour page that was straightened is an *image.YCbCr (4:2:0) that already went through
	// the encoder's tone curves (paper whitened unless KeepBackground): the pixels of the PDF.
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
	var page image.Image
	if y, ok := p.Image.(*image.YCbCr); ok && o.Mode != scanner.ModeColor {
		// A JPEG page kept in grey: its luma plane is the grey page, no colour round trip.
		page = lumaPlane(y)
	} else {
		page = toPage(p.Image)
	}
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
		// Straightening moves the lid's edges into view: crop again, on the analysis raster
		// turned the same way (a sixteenth of the pixels of the page), then turn only the part
		// of the page that crop keeps.
		fill := paperColor(page, a.paper)
		a = subAnalysis(a, r)
		// What turning brings into the raster's corners is filled like the raster's own rim
		// (the lid, or the paper when there is none), so the lid still ends in a straight edge.
		a.g = rotatePage(a.g, -res.Angle, grayColor(rimLevel(a.g))).(*image.Gray)
		pb := page.Bounds()
		a.b = image.Rect(0, 0, pb.Dx(), pb.Dy())
		r = pageRect(a)
		page = straighten(page, -res.Angle, fill, a.toPageRect(r), o)
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

// straighten turns page by deg, keeping only the part crop of the turned page. A colour page
// in colour mode is converted once to the encoder's 4:2:0 YCbCr through the tone curves (see
// Encode) and its planes are turned (a byte and a half per pixel instead of four); the result is
// then that *image.YCbCr, as the PDF will show it, and encode takes its planes as they are.
func straighten(page image.Image, deg float64, fill color.RGBA, crop image.Rectangle, o Options) image.Image {
	rgba, ok := page.(*image.RGBA)
	if !ok || o.Mode != scanner.ModeColor {
		return rotatePageRect(page, deg, fill, crop)
	}
	// Start the crop on even coordinates, where a chroma sample starts.
	if crop.Dx() > 2 && crop.Dy() > 2 {
		crop.Min.X += crop.Min.X & 1
		crop.Min.Y += crop.Min.Y & 1
	}
	lut := toneCurves(rgba, o)
	ycc := toYCbCr(rgba, &lut)
	defer releaseYCbCr(ycc)
	return rotateYCbCr(ycc, deg, yccOf(fill, &lut), crop)
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

// lumaPlane returns the Y plane of m as an *image.Gray sharing its pixels: JPEG's Y is the same
// BT.601 luma that toGray computes from RGB.
func lumaPlane(m *image.YCbCr) *image.Gray {
	return &image.Gray{Pix: m.Y[m.YOffset(m.Rect.Min.X, m.Rect.Min.Y):], Stride: m.YStride,
		Rect: image.Rect(0, 0, m.Rect.Dx(), m.Rect.Dy())}
}
