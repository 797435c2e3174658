// Raster helpers for the virtual scanner: cached glyph drawing with the embedded font, lines, skew and noise.

package virtual

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"math/rand/v2"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"sohoa/assets"
)

// glyph is one rasterised rune, positioned relative to the dot at the origin.
type glyph struct {
	mask    *image.Alpha // bounds are relative to the dot
	advance int          // pixels
}

// face is a font at one pixel size with its glyph cache.
type face struct {
	mu      sync.Mutex
	f       font.Face
	glyphs  map[rune]*glyph
	ascent  int
	descent int
}

type faceKey struct {
	bold bool
	dpi  int
	pt10 int // size in tenths of a point
}

var (
	fontsOnce sync.Once
	fonts     [2]*opentype.Font // regular, bold
	fontsErr  error

	facesMu sync.Mutex
	faces   = map[faceKey]*face{}
)

func loadFonts() error {
	fontsOnce.Do(func() {
		for i, bold := range []bool{false, true} {
			f, err := opentype.Parse(assets.Font(bold))
			if err != nil {
				fontsErr = fmt.Errorf("virtual scanner: parse embedded font: %w", err)
				return
			}
			fonts[i] = f
		}
	})
	return fontsErr
}

// getFace returns the cached face of size pt at dpi.
func getFace(bold bool, pt float64, dpi int) (*face, error) {
	if err := loadFonts(); err != nil {
		return nil, err
	}
	k := faceKey{bold: bold, dpi: dpi, pt10: int(math.Round(pt * 10))}
	facesMu.Lock()
	defer facesMu.Unlock()
	if fc, ok := faces[k]; ok {
		return fc, nil
	}
	i := 0
	if bold {
		i = 1
	}
	f, err := opentype.NewFace(fonts[i], &opentype.FaceOptions{Size: float64(k.pt10) / 10, DPI: float64(dpi), Hinting: font.HintingNone})
	if err != nil {
		return nil, fmt.Errorf("virtual scanner: font face: %w", err)
	}
	m := f.Metrics()
	fc := &face{f: f, glyphs: map[rune]*glyph{}, ascent: m.Ascent.Round(), descent: m.Descent.Round()}
	faces[k] = fc
	return fc, nil
}

// glyph returns the cached raster of r; fc.mu must be held.
func (fc *face) glyph(r rune) *glyph {
	if g, ok := fc.glyphs[r]; ok {
		return g
	}
	dr, mask, maskp, adv, ok := fc.f.Glyph(fixed.Point26_6{}, r)
	if !ok {
		dr, mask, maskp, adv, _ = fc.f.Glyph(fixed.Point26_6{}, '?')
	}
	a := image.NewAlpha(dr)
	if mask != nil && !dr.Empty() {
		draw.Draw(a, dr, mask, maskp, draw.Src)
	}
	g := &glyph{mask: a, advance: adv.Round()}
	fc.glyphs[r] = g
	return g
}

// width measures s in pixels.
func (fc *face) width(s string) int {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	w := 0
	for _, r := range s {
		w += fc.glyph(r).advance
	}
	return w
}

// draw paints s with its baseline at (x, y) and returns the x after the last glyph.
// jitter, when not nil, moves each glyph up or down by a pixel or two (handwriting).
func (fc *face) draw(dst *image.RGBA, x, y int, s string, ink color.RGBA, jitter *rand.Rand) int {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	src := image.NewUniform(ink)
	for _, r := range s {
		g := fc.glyph(r)
		dy := 0
		if jitter != nil {
			dy = jitter.IntN(3) - 1
		}
		b := g.mask.Bounds()
		draw.DrawMask(dst, b.Add(image.Pt(x, y+dy)), src, image.Point{}, g.mask, b.Min, draw.Over)
		x += g.advance
	}
	return x
}

// fillRect paints r with c.
func fillRect(dst *image.RGBA, r image.Rectangle, c color.RGBA) {
	draw.Draw(dst, r, image.NewUniform(c), image.Point{}, draw.Over)
}

// dots draws a dotted guide line from x0 to x1 at y.
func dots(dst *image.RGBA, x0, x1, y, step, size int, c color.RGBA) {
	for x := x0; x+size <= x1; x += step {
		fillRect(dst, image.Rect(x, y, x+size, y+size), c)
	}
}

// stroke draws a thick polyline through pts (a signature or a stamp ring).
func stroke(dst *image.RGBA, pts []image.Point, width int, c color.RGBA) {
	h := width / 2
	for i := 1; i < len(pts); i++ {
		a, b := pts[i-1], pts[i]
		n := max(abs(b.X-a.X), abs(b.Y-a.Y), 1)
		for k := 0; k <= n; k++ {
			x := a.X + (b.X-a.X)*k/n
			y := a.Y + (b.Y-a.Y)*k/n
			fillRect(dst, image.Rect(x-h, y-h, x-h+width, y-h+width), c)
		}
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// skew rotates img by a small angle (radians) about its centre with two shears
// (rows, then column runs), filling uncovered corners with bg. It returns a new image.
func skew(src *image.RGBA, angle float64, bg color.RGBA) *image.RGBA {
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	t := math.Tan(angle)
	cx, cy := float64(w)/2, float64(h)/2

	// Pass 1, horizontal shear in place: row y moves by -(y-cy)*t; the uncovered end shows bg.
	for y := 0; y < h; y++ {
		s := int(math.Round(-(float64(y) - cy) * t))
		if s == 0 {
			continue
		}
		line := src.Pix[y*src.Stride : y*src.Stride+w*4]
		if s > 0 {
			copy(line[s*4:], line[:(w-s)*4])
			fillBytes(line[:s*4], bg)
		} else {
			copy(line, line[-s*4:])
			fillBytes(line[(w+s)*4:], bg)
		}
	}

	// Pass 2, vertical shear: column x moves by (x-cx)*t, copied as runs of equal shift.
	dst := &image.RGBA{Pix: make([]byte, len(src.Pix)), Stride: src.Stride, Rect: b}
	type run struct{ x0, x1, s int }
	var runs []run
	for x := 0; x < w; x++ {
		s := int(math.Round((float64(x) - cx) * t))
		if n := len(runs); n > 0 && runs[n-1].s == s {
			runs[n-1].x1 = x + 1
			continue
		}
		runs = append(runs, run{x, x + 1, s})
	}
	for y := 0; y < h; y++ {
		d := dst.Pix[y*dst.Stride:]
		for _, r := range runs {
			sy := y - r.s
			if sy < 0 || sy >= h {
				fillBytes(d[r.x0*4:r.x1*4], bg)
				continue
			}
			copy(d[r.x0*4:r.x1*4], src.Pix[sy*src.Stride+r.x0*4:sy*src.Stride+r.x1*4])
		}
	}
	return dst
}

func fillBytes(p []byte, c color.RGBA) {
	if len(p) < 4 {
		return
	}
	p[0], p[1], p[2], p[3] = c.R, c.G, c.B, c.A
	for n := 4; n < len(p); n *= 2 {
		copy(p[n:], p[:n])
	}
}

// noiseTable is a fixed pool of small signed offsets; rows read it from random starting points.
var noiseTable = func() []int8 {
	r := rand.New(rand.NewPCG(7, 11))
	t := make([]int8, 1<<16)
	for i := range t {
		// A rough bell shape: sum of three uniforms in [-3, 3].
		t[i] = int8(r.IntN(7) + r.IntN(7) + r.IntN(7) - 9)
	}
	return t
}()

// addNoise adds sensor noise to every pixel; stop is polled every few rows and aborts when true.
func addNoise(img *image.RGBA, rng *rand.Rand, stop func() bool) bool {
	b := img.Bounds()
	w := b.Dx()
	mask := len(noiseTable) - 1
	for y := 0; y < b.Dy(); y++ {
		if y%256 == 0 && stop() {
			return false
		}
		off := rng.IntN(len(noiseTable))
		line := img.Pix[y*img.Stride : y*img.Stride+w*4]
		for i := 0; i < len(line); i += 4 {
			n := int(noiseTable[(off+i/4)&mask])
			line[i] = clamp8(int(line[i]) + n)
			line[i+1] = clamp8(int(line[i+1]) + n)
			line[i+2] = clamp8(int(line[i+2]) + n)
		}
	}
	return true
}

// specks scatters a few dust dots over the page.
func specks(img *image.RGBA, rng *rand.Rand, n, size int) {
	b := img.Bounds()
	for range n {
		x, y := rng.IntN(b.Dx()), rng.IntN(b.Dy())
		s := 1 + rng.IntN(max(size, 1))
		g := uint8(60 + rng.IntN(100))
		fillRect(img, image.Rect(x, y, x+s, y+s), color.RGBA{g, g, g, 255})
	}
}

func clamp8(v int) uint8 {
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return uint8(v)
}

// toGray converts img to 8-bit grey; with threshold > 0 every pixel becomes 0 or 255 (black and white).
func toGray(img *image.RGBA, threshold int) *image.Gray {
	b := img.Bounds()
	g := image.NewGray(b)
	w := b.Dx()
	for y := 0; y < b.Dy(); y++ {
		s := img.Pix[y*img.Stride : y*img.Stride+w*4]
		d := g.Pix[y*g.Stride : y*g.Stride+w]
		for x := range d {
			// ITU-R BT.601 luma, integer form.
			l := (299*int(s[4*x]) + 587*int(s[4*x+1]) + 114*int(s[4*x+2])) / 1000
			if threshold > 0 {
				if l < threshold {
					l = 0
				} else {
					l = 255
				}
			}
			d[x] = uint8(l)
		}
	}
	return g
}
