// The crop/orientation regression set: real pages (testdata/pages) with their expected crop box and
// orientation written down. Clean-up must never cut into the paper's content, and must turn a page
// only on strong evidence.

package cleanup

import (
	"image"
	"image/color"
	"image/draw"
	_ "image/jpeg"
	_ "image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/math/f64"

	"sohoa/internal/testdata"
	"sohoa/scanner"
)

// regressionPage is one page of the set and what clean-up must make of it.
type regressionPage struct {
	file string
	mode scanner.ColorMode
	// bed, when set, puts the page on a dark scanner backing (an ADF's black roller side) with
	// this skew in degrees; the expected crop is then the paper, not the whole raster.
	bed  bool
	skew float64
	// rotation expected (clockwise quarter turn); pages here are all upright.
	rotation int
}

var regressionSet = []regressionPage{
	// A colour datasheet with dark full-width header and footer bands: both must stay.
	{file: "datasheet-colour.jpg", mode: scanner.ModeColor},
	{file: "datasheet-colour.jpg", mode: scanner.ModeGray},
	// The same paper fed through an ADF against a dark backing, slightly skewed: crop to the
	// paper's edge, and still keep the bands.
	{file: "datasheet-colour.jpg", mode: scanner.ModeColor, bed: true, skew: 1.2},
	{file: "datasheet-colour.jpg", mode: scanner.ModeGray, bed: true, skew: -0.7},
	// Sparse upright pages: a greeting line, a header rule and one word, a letterhead footer.
	{file: "sparse-hello-grey.png", mode: scanner.ModeGray},
	{file: "sparse-hola-grey.png", mode: scanner.ModeGray},
	{file: "sparse-letterhead-colour.png", mode: scanner.ModeColor},
	{file: "sparse-letterhead-colour.png", mode: scanner.ModeColor, bed: true, skew: 0.8},
}

func loadRegressionPage(t *testing.T, name string) image.Image {
	t.Helper()
	f, err := os.Open(filepath.Join(testdata.Dir(t, "pages"), name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return img
}

// onBed draws page turned by deg onto a dark, slightly noisy backing with a margin of m pixels
// on every side, and returns the result with the paper's rectangle (before turning) in it.
func onBed(page image.Image, deg float64, m int) (*image.RGBA, image.Rectangle) {
	b := page.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx()+2*m, b.Dy()+2*m))
	rng := rand.New(rand.NewPCG(7, 11))
	for i := 0; i < len(out.Pix); i += 4 {
		v := uint8(28 + rng.IntN(12))
		out.Pix[i], out.Pix[i+1], out.Pix[i+2], out.Pix[i+3] = v, v, v, 255
	}
	// Turn about the page's centre, placed at the centre of the bed.
	th := deg * math.Pi / 180
	c, s := math.Cos(th), math.Sin(th)
	cx, cy := float64(b.Dx())/2, float64(b.Dy())/2
	ox, oy := float64(out.Rect.Dx())/2, float64(out.Rect.Dy())/2
	aff := f64.Aff3{c, -s, ox - c*cx + s*cy, s, c, oy - s*cx - c*cy}
	xdraw.BiLinear.Transform(out, aff, page, b, draw.Over, nil)
	return out, image.Rect(m, m, m+b.Dx(), m+b.Dy())
}

func TestRegressionSetKeepsPaper(t *testing.T) {
	for _, rp := range regressionSet {
		name := rp.file + "/" + modeName(rp.mode)
		if rp.bed {
			name += "/bed"
		}
		t.Run(name, func(t *testing.T) {
			src := loadRegressionPage(t, rp.file)
			paper := src.Bounds()
			img := src
			if rp.bed {
				img, paper = onBed(src, rp.skew, 60)
			}
			res, err := Process(scanner.Page{Image: img, DPI: 200}, Options{Mode: rp.mode})
			if err != nil {
				t.Fatal(err)
			}
			if res.Rotation != rp.rotation {
				t.Errorf("rotation %d°, want %d° (an upright page must stay upright)", res.Rotation, rp.rotation)
			}
			got := res.Image.Bounds()
			// Every row and column of the paper is kept: the result is at least the paper's size
			// (less 1 % for the shadow at a lid edge), and no more than the paper plus 2 % of lid.
			w, h := paper.Dx(), paper.Dy()
			if got.Dx() < w*99/100 || got.Dy() < h*99/100 {
				t.Errorf("cropped into the paper: result %d×%d, paper %d×%d", got.Dx(), got.Dy(), w, h)
			}
			if rp.bed && (got.Dx() > w*102/100 || got.Dy() > h*102/100) {
				t.Errorf("kept the scanner's backing: result %d×%d, paper %d×%d", got.Dx(), got.Dy(), w, h)
			}
			if rp.file == "datasheet-colour.jpg" {
				// The header band's dark blue is at the top of the result and the footer's at
				// the bottom.
				top, bottom := rowLuma(res.Image, got.Min.Y+got.Dy()/100), rowLuma(res.Image, got.Max.Y-1-got.Dy()/100)
				if top > 120 || bottom > 120 {
					t.Errorf("header/footer band lost: mean luma at top %d, at bottom %d (band ≈ 70)", top, bottom)
				}
			}
		})
	}
}

func modeName(m scanner.ColorMode) string {
	if m == scanner.ModeGray {
		return "grey"
	}
	return "colour"
}

// rowLuma is the mean luma of the middle half of row y.
func rowLuma(img image.Image, y int) int {
	b := img.Bounds()
	sum, n := 0, 0
	for x := b.Min.X + b.Dx()/4; x < b.Max.X-b.Dx()/4; x++ {
		g := color.GrayModel.Convert(img.At(x, y)).(color.Gray)
		sum += int(g.Y)
		n++
	}
	return sum / max(n, 1)
}

// A sparse page gives too little evidence for a turn: whichever way up it comes, it is left as
// handed (the officer turns it by hand), never turned the wrong way.
func TestRegressionSparsePagesNeverTurned(t *testing.T) {
	for _, name := range []string{"sparse-hello-grey.png", "sparse-hola-grey.png", "sparse-letterhead-colour.png"} {
		src := loadRegressionPage(t, name)
		for _, turn := range []int{0, 90, 180, 270} {
			img := rotateQuarter(toPage(src), turn)
			if got := Orientation(img); got != 0 {
				t.Errorf("%s handed turned %d°: Orientation says turn %d°, want 0 (too sparse to tell)", name, turn, got)
			}
		}
	}
}

// A colour JPEG cleaned in grey mode is read straight from its luma plane: the same crop,
// orientation and, within JPEG rounding, the same pixels as through RGBA.
func TestGreyFromJPEGLumaMatchesRGBA(t *testing.T) {
	src := loadRegressionPage(t, "datasheet-colour.jpg")
	y, ok := src.(*image.YCbCr)
	if !ok {
		t.Fatalf("the JPEG decoded to %T", src)
	}
	direct, err := Process(scanner.Page{Image: y, DPI: 200}, Options{Mode: scanner.ModeGray})
	if err != nil {
		t.Fatal(err)
	}
	viaRGBA, err := Process(scanner.Page{Image: toRGBA(y), DPI: 200}, Options{Mode: scanner.ModeGray})
	if err != nil {
		t.Fatal(err)
	}
	if direct.Image.Bounds().Size() != viaRGBA.Image.Bounds().Size() || direct.Rotation != viaRGBA.Rotation {
		t.Fatalf("luma path %v rot %d, RGBA path %v rot %d", direct.Image.Bounds(), direct.Rotation, viaRGBA.Image.Bounds(), viaRGBA.Rotation)
	}
	a, b := direct.Image.(*image.Gray), viaRGBA.Image.(*image.Gray)
	// Through RGBA, clamping to 0–255 shifts the luma of saturated pixels (this page's blue bands
	// and their edges: 1.5 % of it); everywhere else the two agree to rounding.
	off, sum := 0, 0
	for yy := 0; yy < a.Rect.Dy(); yy++ {
		for x := 0; x < a.Rect.Dx(); x++ {
			d := int(a.Pix[yy*a.Stride+x]) - int(b.Pix[yy*b.Stride+x])
			d = max(d, -d)
			sum += d
			if d > 2 {
				off++
			}
		}
	}
	n := a.Rect.Dx() * a.Rect.Dy()
	if float64(off) > 0.02*float64(n) || float64(sum) > 0.5*float64(n) {
		t.Errorf("luma path differs from the RGBA path: %d of %d pixels by more than 2 levels, mean %.2f", off, n, float64(sum)/float64(n))
	}
	t.Logf("%d of %d pixels differ by more than 2 levels, mean difference %.3f", off, n, float64(sum)/float64(n))
}
