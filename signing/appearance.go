// The visible signature's picture: the officer's name, unit and scan time drawn with the embedded Unicode font.

package signing

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"strings"
	"sync"
	"time"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/unicode/norm"

	"sohoa/assets"
)

// Size and resolution of the visible signature (Circular 01/2023 Art. 8: top-left of page 1).
const (
	AppearanceWidthMM  = 60.0
	AppearanceHeightMM = 22.0
	AppearanceMarginMM = 8.0
	AppearanceDPI      = 300.0
	// TrainingMark is printed on every signature made in training mode.
	TrainingMark = "ĐÀO TẠO — TRAINING"
)

// Vietnam has no daylight saving time: UTC+7 all year.
var vietnamTime = time.FixedZone("ICT", 7*3600)

var (
	inkBlue  = color.NRGBA{R: 0x10, G: 0x2a, B: 0x83, A: 0xff}
	inkRed   = color.NRGBA{R: 0xc0, G: 0x10, B: 0x10, A: 0xff}
	paper    = color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff} // opaque: pdfsign writes premultiplied colours
	redPaper = color.NRGBA{R: 0xff, G: 0xe4, B: 0xe4, A: 0xff}
)

type fonts struct{ regular, bold *opentype.Font }

var loadFonts = sync.OnceValues(func() (fonts, error) {
	r, err := opentype.Parse(assets.Font(false))
	if err != nil {
		return fonts{}, fmt.Errorf("parse embedded font: %w", err)
	}
	b, err := opentype.Parse(assets.Font(true))
	if err != nil {
		return fonts{}, fmt.Errorf("parse embedded bold font: %w", err)
	}
	return fonts{r, b}, nil
})

// appearanceLine is one line of the stamp: a label in the regular face and a value in bold.
type appearanceLine struct {
	label, value string
	color        color.NRGBA
}

// lines returns the stamp's text, normalised to NFC so the font's precomposed Vietnamese glyphs are used.
func (a Appearance) lines() []appearanceLine {
	nfc := func(s string) string { return norm.NFC.String(strings.Join(strings.Fields(s), " ")) }
	var ls []appearanceLine
	if a.Training {
		ls = append(ls, appearanceLine{value: TrainingMark, color: inkRed})
	}
	ls = append(ls, appearanceLine{label: "Người số hóa: ", value: nfc(a.SignerName), color: inkBlue})
	if a.Unit != "" {
		ls = append(ls, appearanceLine{label: "Đơn vị: ", value: nfc(a.Unit), color: inkBlue})
	}
	if !a.ScanTime.IsZero() {
		ls = append(ls, appearanceLine{label: "Thời gian quét: ", value: a.ScanTime.In(vietnamTime).Format("02/01/2006 15:04"), color: inkBlue})
	}
	return ls
}

// Render draws the stamp upright at AppearanceDPI, sized widthMM × heightMM.
func (a Appearance) Render(widthMM, heightMM float64) (*image.NRGBA, error) {
	fs, err := loadFonts()
	if err != nil {
		return nil, err
	}
	px := func(mm float64) int { return int(mm/25.4*AppearanceDPI + 0.5) }
	w, h := px(widthMM), px(heightMM)
	if w < 20 || h < 20 {
		return nil, fmt.Errorf("signature box %.1f×%.1f mm is too small", widthMM, heightMM)
	}
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.NewUniform(paper), image.Point{}, draw.Src)
	border := max(2, px(0.35))
	frame := inkBlue
	if a.Training {
		frame = inkRed
	}
	for i := range border {
		drawRect(img, image.Rect(i, i, w-i, h-i), frame)
	}

	ls := a.lines()
	pad := px(1.5)
	availW, availH := float64(w-2*pad), float64(h-2*pad)
	// Font size in pixels: fill the height with 1.22 line spacing, then shrink until every line fits.
	size := availH / (float64(len(ls)) * 1.22)
	minSize := float64(px(1.6)) // ≈ 4.5 pt: the smallest size still legible on paper
	var reg, bold font.Face
	for {
		reg, bold, err = faces(fs, size)
		if err != nil {
			return nil, err
		}
		widest := 0.0
		for _, l := range ls {
			widest = max(widest, lineWidth(reg, bold, l))
		}
		if widest <= availW || size <= minSize {
			break
		}
		size = max(minSize, size*availW/widest*0.98)
	}
	lineH := availH / float64(len(ls))
	for i, l := range ls {
		top := pad + int(float64(i)*lineH)
		if a.Training && i == 0 {
			draw.Draw(img, image.Rect(border, max(border, top-pad/2), w-border, top+int(lineH)), image.NewUniform(redPaper), image.Point{}, draw.Src)
		}
		base := top + int((lineH+size*0.72)/2)
		x := fixed.I(pad)
		if l.label != "" {
			d := font.Drawer{Dst: img, Src: image.NewUniform(l.color), Face: reg, Dot: fixed.Point26_6{X: x, Y: fixed.I(base)}}
			d.DrawString(l.label)
			x = d.Dot.X
		}
		value := fitText(bold, l.value, availW-float64(x.Round()-pad))
		d := font.Drawer{Dst: img, Src: image.NewUniform(l.color), Face: bold, Dot: fixed.Point26_6{X: x, Y: fixed.I(base)}}
		if a.Training && i == 0 {
			// Centre the training mark.
			d.Dot.X = fixed.I(w/2) - font.MeasureString(bold, value)/2
		}
		d.DrawString(value)
	}
	return img, nil
}

// PNG renders the stamp as PNG bytes (for a preview in the UI).
func (a Appearance) PNG() ([]byte, error) {
	img, err := a.Render(AppearanceWidthMM, a.heightMM())
	if err != nil {
		return nil, err
	}
	return encodePNG(img)
}

// heightMM grows the box a little for the extra training line.
func (a Appearance) heightMM() float64 {
	if a.Training {
		return AppearanceHeightMM + 5
	}
	return AppearanceHeightMM
}

func encodePNG(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("encode signature appearance: %w", err)
	}
	return buf.Bytes(), nil
}

func faces(fs fonts, sizePx float64) (font.Face, font.Face, error) {
	// With DPI 72, Size is in pixels.
	opt := &opentype.FaceOptions{Size: sizePx, DPI: 72, Hinting: font.HintingNone}
	r, err := opentype.NewFace(fs.regular, opt)
	if err != nil {
		return nil, nil, fmt.Errorf("font face: %w", err)
	}
	b, err := opentype.NewFace(fs.bold, opt)
	if err != nil {
		return nil, nil, fmt.Errorf("font face: %w", err)
	}
	return r, b, nil
}

func lineWidth(reg, bold font.Face, l appearanceLine) float64 {
	return float64(font.MeasureString(reg, l.label)+font.MeasureString(bold, l.value)) / 64
}

// fitText shortens s with an ellipsis until it fits in width pixels.
func fitText(f font.Face, s string, width float64) string {
	if float64(font.MeasureString(f, s))/64 <= width {
		return s
	}
	r := []rune(s)
	for len(r) > 0 {
		r = r[:len(r)-1]
		t := strings.TrimSpace(string(r)) + "…"
		if float64(font.MeasureString(f, t))/64 <= width {
			return t
		}
	}
	return "…"
}

func drawRect(img *image.NRGBA, r image.Rectangle, c color.NRGBA) {
	for x := r.Min.X; x < r.Max.X; x++ {
		img.SetNRGBA(x, r.Min.Y, c)
		img.SetNRGBA(x, r.Max.Y-1, c)
	}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		img.SetNRGBA(r.Min.X, y, c)
		img.SetNRGBA(r.Max.X-1, y, c)
	}
}

// rotateCCW turns img a quarter turn counter-clockwise, n times.
func rotateCCW(img *image.NRGBA, n int) *image.NRGBA {
	for range ((n % 4) + 4) % 4 {
		b := img.Bounds()
		out := image.NewNRGBA(image.Rect(0, 0, b.Dy(), b.Dx()))
		for y := 0; y < b.Dy(); y++ {
			for x := 0; x < b.Dx(); x++ {
				// (x, y) → (y, W-1-x)
				out.SetNRGBA(y, b.Dx()-1-x, img.NRGBAAt(b.Min.X+x, b.Min.Y+y))
			}
		}
		img = out
	}
	return img
}
