// Test pages for the clean-up tests and benchmarks: A4 text pages drawn with the embedded font,
// then "scanned" with paper tint, sensor noise, skew, a dark lid border or show-through.

package cleanup

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"sohoa/assets"
)

// paragraphs is the body text of generated pages (Vietnamese, with many diacritics).
var paragraphs = []string{
	"Căn cứ Luật Hộ tịch ngày 20 tháng 11 năm 2014 và Nghị định số 123/2015/NĐ-CP quy định chi tiết một số điều và biện pháp thi hành Luật Hộ tịch, Ủy ban nhân dân xã đã tiếp nhận hồ sơ đăng ký khai sinh của công dân theo đúng quy định.",
	"Người yêu cầu đăng ký khai sinh cam đoan những nội dung khai trên đây là đúng sự thật, được sự thỏa thuận nhất trí của các bên liên quan theo quy định pháp luật và chịu trách nhiệm trước pháp luật về cam đoan của mình.",
	"Hồ sơ gồm tờ khai theo mẫu, giấy chứng sinh do cơ sở y tế cấp, bản sao căn cước công dân của cha hoặc mẹ; trường hợp không có giấy chứng sinh thì nộp văn bản của người làm chứng xác nhận về việc sinh.",
	"Thời hạn giải quyết: ngay trong ngày làm việc, nếu nhận hồ sơ sau 15 giờ mà không giải quyết được ngay thì trả kết quả trong ngày làm việc tiếp theo. Phí, lệ phí: miễn lệ phí đăng ký khai sinh đúng hạn.",
}

var (
	faceMu    sync.Mutex
	faceCache = map[[2]int]font.Face{}
)

// testFace returns the embedded DejaVu Sans at pt points for dpi.
func testFace(t testing.TB, pt float64, dpi int) font.Face {
	faceMu.Lock()
	defer faceMu.Unlock()
	key := [2]int{int(pt * 10), dpi}
	if f, ok := faceCache[key]; ok {
		return f
	}
	fnt, err := opentype.Parse(assets.Font(false))
	if err != nil {
		t.Fatalf("parse font: %v", err)
	}
	f, err := opentype.NewFace(fnt, &opentype.FaceOptions{Size: pt, DPI: float64(dpi), Hinting: font.HintingFull})
	if err != nil {
		t.Fatalf("font face: %v", err)
	}
	faceCache[key] = f
	return f
}

// pageSpec describes a generated page.
type pageSpec struct {
	DPI         int
	Paras       int      // paragraphs of body text (0: none)
	Lines       []string // extra single lines drawn at the top instead of/besides paragraphs
	Table       bool
	Stamp       bool
	Tint        color.RGBA // paper colour; zero means white
	Noise       int        // amplitude of sensor noise (0: none)
	Specks      int        // number of dust specks
	Skew        float64    // degrees, counter-clockwise positive
	Border      int        // width in pixels of a dark lid border around the paper (0: none)
	ShowThrough bool       // mirrored, faint, blurred text from the back side
	Seed        uint64
}

var (
	pageMu    sync.Mutex
	pageCache = map[string]*image.RGBA{}
)

func (s pageSpec) key() string { return fmt.Sprintf("%+v", s) }

// makePage draws (and caches) the page described by s. Callers must not modify the result.
func makePage(t testing.TB, s pageSpec) *image.RGBA {
	t.Helper()
	pageMu.Lock()
	defer pageMu.Unlock()
	if p, ok := pageCache[s.key()]; ok {
		return p
	}
	p := renderPage(t, s)
	pageCache[s.key()] = p
	return p
}

// clonePage returns a private copy of a cached page.
func clonePage(p *image.RGBA) *image.RGBA {
	c := *p
	c.Pix = append([]byte(nil), p.Pix...)
	return &c
}

func mm(dpi int, v float64) int { return int(math.Round(v * float64(dpi) / 25.4)) }

// cleanPage draws the content on white paper, black ink, red stamp.
func cleanPage(t testing.TB, s pageSpec) *image.RGBA {
	w, h := mm(s.DPI, 210), mm(s.DPI, 297)
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	paper := s.Tint
	if paper == (color.RGBA{}) {
		paper = color.RGBA{255, 255, 255, 255}
	}
	draw.Draw(img, img.Bounds(), image.NewUniform(paper), image.Point{}, draw.Src)
	ink := image.NewUniform(color.RGBA{25, 25, 30, 255})
	body := testFace(t, 12, s.DPI)
	title := testFace(t, 15, s.DPI)
	left, right := mm(s.DPI, 25), w-mm(s.DPI, 20)
	y := mm(s.DPI, 30)
	lineH := body.Metrics().Height.Ceil() * 13 / 10
	d := &font.Drawer{Dst: img, Src: ink}
	drawAt := func(f font.Face, x, y int, str string) {
		d.Face = f
		d.Dot = fixed.P(x, y)
		d.DrawString(str)
	}
	for _, l := range s.Lines {
		drawAt(body, left, y, l)
		y += lineH * 2
	}
	if s.Paras > 0 {
		drawAt(title, left+mm(s.DPI, 30), y, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
		y += lineH * 2
	}
	for i := 0; i < s.Paras; i++ {
		words := strings.Fields(paragraphs[i%len(paragraphs)])
		line := ""
		for _, wd := range words {
			next := strings.TrimSpace(line + " " + wd)
			if font.MeasureString(body, next).Ceil() > right-left {
				drawAt(body, left, y, line)
				y += lineH
				line = wd
				continue
			}
			line = next
		}
		drawAt(body, left, y, line)
		y += lineH * 3 / 2
	}
	if s.Table {
		y += lineH
		rows, cols := 6, 3
		colW := (right - left) / cols
		top := y - lineH
		th := max(1, s.DPI/100)
		for r := 0; r <= rows; r++ {
			yy := top + r*lineH*3/2
			draw.Draw(img, image.Rect(left, yy, right, yy+th), ink, image.Point{}, draw.Src)
		}
		for c := 0; c <= cols; c++ {
			xx := left + c*colW
			draw.Draw(img, image.Rect(xx, top, xx+th, top+rows*lineH*3/2+th), ink, image.Point{}, draw.Src)
		}
		labels := []string{"Thành phần hồ sơ", "Số lượng", "Ghi chú"}
		for r := 0; r < rows; r++ {
			for c := 0; c < cols; c++ {
				txt := labels[c]
				if r > 0 {
					txt = []string{"Tờ khai đăng ký", "01 bản chính", "Bắt buộc"}[c]
				}
				drawAt(body, left+c*colW+mm(s.DPI, 2), top+r*lineH*3/2+lineH, txt)
			}
		}
		y = top + rows*lineH*3/2 + 2*lineH
	}
	if s.Stamp {
		drawStamp(img, right-mm(s.DPI, 45), y+mm(s.DPI, 25), mm(s.DPI, 20), max(2, s.DPI/50))
		red := image.NewUniform(color.RGBA{200, 30, 40, 255})
		d.Src = red
		drawAt(testFace(t, 10, s.DPI), right-mm(s.DPI, 62), y+mm(s.DPI, 26), "ỦY BAN NHÂN DÂN")
		d.Src = ink
	}
	return img
}

// drawStamp draws a red ring of radius r and thickness th centred on (cx, cy).
func drawStamp(img *image.RGBA, cx, cy, r, th int) {
	for y := cy - r - th; y <= cy+r+th; y++ {
		for x := cx - r - th; x <= cx+r+th; x++ {
			d := math.Hypot(float64(x-cx), float64(y-cy))
			if d >= float64(r-th) && d <= float64(r) && image.Pt(x, y).In(img.Rect) {
				i := img.PixOffset(x, y)
				img.Pix[i], img.Pix[i+1], img.Pix[i+2] = 200, 30, 40
			}
		}
	}
}

// renderPage draws the page and applies the scan degradations of s.
func renderPage(t testing.TB, s pageSpec) *image.RGBA {
	img := cleanPage(t, s)
	rng := rand.New(rand.NewPCG(s.Seed, 99))
	if s.ShowThrough {
		back := cleanPage(t, pageSpec{DPI: s.DPI, Paras: 4, Table: true})
		addShowThrough(img, back)
	}
	if s.Skew != 0 {
		paper := s.Tint
		if paper == (color.RGBA{}) {
			paper = color.RGBA{255, 255, 255, 255}
		}
		fill := paper
		if s.Border > 0 {
			fill = color.RGBA{35, 35, 38, 255}
		}
		img = rotateForTest(img, s.Skew, fill)
	}
	if s.Border > 0 {
		b := s.Border
		big := image.NewRGBA(image.Rect(0, 0, img.Rect.Dx()+2*b, img.Rect.Dy()+2*b+b/2))
		draw.Draw(big, big.Bounds(), image.NewUniform(color.RGBA{35, 35, 38, 255}), image.Point{}, draw.Src)
		draw.Draw(big, img.Rect.Add(image.Pt(b, b)), img, image.Point{}, draw.Src)
		// A soft shadow line along the paper's right edge.
		for y := b; y < b+img.Rect.Dy(); y++ {
			for k := 0; k < 4; k++ {
				i := big.PixOffset(b+img.Rect.Dx()-1-k, y)
				for c := 0; c < 3; c++ {
					big.Pix[i+c] = uint8(int(big.Pix[i+c]) * (6 + k) / 10)
				}
			}
		}
		img = big
	}
	if s.Noise > 0 {
		for i := 0; i < len(img.Pix); i += 4 {
			n := rng.IntN(2*s.Noise+1) - s.Noise
			for c := 0; c < 3; c++ {
				img.Pix[i+c] = clampTest(int(img.Pix[i+c]) + n)
			}
		}
	}
	for range s.Specks {
		x, y := rng.IntN(img.Rect.Dx()), rng.IntN(img.Rect.Dy())
		sz := 1 + rng.IntN(3)
		g := uint8(60 + rng.IntN(100))
		draw.Draw(img, image.Rect(x, y, x+sz, y+sz), image.NewUniform(color.RGBA{g, g, g, 255}), image.Point{}, draw.Src)
	}
	return img
}

func clampTest(v int) uint8 {
	return uint8(min(255, max(0, v)))
}

// addShowThrough blends the mirrored back page, blurred and at a third of its strength, into img.
func addShowThrough(img, back *image.RGBA) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	for y := 1; y < h-1; y++ {
		for x := 1; x < w-1; x++ {
			// 3x3 box blur of the mirrored back side's luma.
			sum := 0
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					sum += int(back.Pix[back.PixOffset(w-1-(x+dx), y+dy)])
				}
			}
			dark := 255 - sum/9
			i := img.PixOffset(x, y)
			for c := 0; c < 3; c++ {
				img.Pix[i+c] = uint8(int(img.Pix[i+c]) * (255 - dark/3) / 255)
			}
		}
	}
}

// rotateForTest turns img counter-clockwise by deg degrees about its centre (bilinear, same size),
// written independently from the package's own rotation.
func rotateForTest(src *image.RGBA, deg float64, fill color.RGBA) *image.RGBA {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	dst := image.NewRGBA(src.Rect)
	th := deg * math.Pi / 180
	c, s := math.Cos(th), math.Sin(th)
	cx, cy := float64(w-1)/2, float64(h-1)/2
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			// Content turned counter-clockwise on screen (y down): sample the source at the
			// destination point turned clockwise.
			dx, dy := float64(x)-cx, float64(y)-cy
			sx := c*dx - s*dy + cx
			sy := s*dx + c*dy + cy
			x0, y0 := int(math.Floor(sx)), int(math.Floor(sy))
			fx, fy := sx-float64(x0), sy-float64(y0)
			i := dst.PixOffset(x, y)
			if x0 < 0 || y0 < 0 || x0+1 >= w || y0+1 >= h {
				dst.Pix[i], dst.Pix[i+1], dst.Pix[i+2], dst.Pix[i+3] = fill.R, fill.G, fill.B, 255
				continue
			}
			for ch := 0; ch < 3; ch++ {
				p := func(xx, yy int) float64 { return float64(src.Pix[src.PixOffset(xx, yy)+ch]) }
				v := (1-fy)*((1-fx)*p(x0, y0)+fx*p(x0+1, y0)) + fy*((1-fx)*p(x0, y0+1)+fx*p(x0+1, y0+1))
				dst.Pix[i+ch] = uint8(math.Round(v))
			}
			dst.Pix[i+3] = 255
		}
	}
	return dst
}

func colorRGBA(r, g, b uint8) color.RGBA { return color.RGBA{r, g, b, 255} }
