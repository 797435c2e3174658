// Page rendering for the virtual scanner: a filled birth-registration declaration, a birth
// certificate, continuation pages and blank backs, drawn at the requested resolution.

package virtual

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"strings"

	"sohoa/scanner"
)

// A4 in millimetres.
const (
	pageWidthMM  = 210.0
	pageHeightMM = 297.0
)

var (
	printInk = color.RGBA{28, 28, 30, 255}
	penInk   = color.RGBA{22, 48, 150, 255} // ballpoint blue
	stampInk = color.RGBA{200, 30, 40, 255}
	guideInk = color.RGBA{95, 95, 95, 255}
	lidColor = color.RGBA{236, 236, 234, 255}
)

// canvas draws on one page in millimetre coordinates.
type canvas struct {
	img *image.RGBA
	dpi int
	rng *rand.Rand
	err error // first font error; drawing stops quietly after it
}

func (c *canvas) px(mm float64) int { return int(math.Round(mm * float64(c.dpi) / 25.4)) }

func (c *canvas) face(pt float64, bold bool) *face {
	fc, err := getFace(bold, pt, c.dpi)
	if err != nil && c.err == nil {
		c.err = err
	}
	return fc
}

// text draws s with its baseline at (x, y) mm and returns the end x in mm.
func (c *canvas) text(x, y, pt float64, bold bool, s string, ink color.RGBA) float64 {
	fc := c.face(pt, bold)
	if fc == nil {
		return x
	}
	var jitter *rand.Rand
	if ink == penInk {
		jitter = c.rng
	}
	end := fc.draw(c.img, c.px(x), c.px(y), s, ink, jitter)
	return float64(end) * 25.4 / float64(c.dpi)
}

// centre draws s centred on the page at baseline y mm.
func (c *canvas) centre(y, pt float64, bold bool, s string) {
	fc := c.face(pt, bold)
	if fc == nil {
		return
	}
	w := float64(fc.width(s)) * 25.4 / float64(c.dpi)
	c.text(pageWidthMM/2-w/2, y, pt, bold, s, printInk)
}

// centreAt draws s centred on x mm.
func (c *canvas) centreAt(x, y, pt float64, bold bool, s string, ink color.RGBA) {
	fc := c.face(pt, bold)
	if fc == nil {
		return
	}
	w := float64(fc.width(s)) * 25.4 / float64(c.dpi)
	c.text(x-w/2, y, pt, bold, s, ink)
}

// rule draws a horizontal line from x0 to x1 mm at y mm.
func (c *canvas) rule(x0, x1, y, thickMM float64) {
	t := max(c.px(thickMM), 1)
	fillRect(c.img, image.Rect(c.px(x0), c.px(y), c.px(x1), c.px(y)+t), printInk)
}

// field draws "label" followed by a dotted line up to x1, with value handwritten on it.
func (c *canvas) field(x, x1, y float64, label, value string) float64 {
	end := c.text(x, y, 11, false, label, printInk)
	dots(c.img, c.px(end+1), c.px(x1), c.px(y), max(c.px(1.2), 2), max(c.px(0.25), 1), guideInk)
	if value != "" {
		end = c.text(end+3, y-0.8, 12, false, value, penInk)
	}
	return end
}

// paragraph wraps s between x0 and x1 mm starting at baseline y and returns the next baseline.
func (c *canvas) paragraph(x0, x1, y, pt float64, s string) float64 {
	fc := c.face(pt, false)
	if fc == nil {
		return y
	}
	lead := pt * 0.3528 * 1.45 // points to mm, with line spacing
	maxW := c.px(x1 - x0)
	line := ""
	for _, w := range strings.Fields(s) {
		try := w
		if line != "" {
			try = line + " " + w
		}
		if fc.width(try) > maxW && line != "" {
			c.text(x0, y, pt, false, line, printInk)
			y += lead
			line = w
			continue
		}
		line = try
	}
	if line != "" {
		c.text(x0, y, pt, false, line, printInk)
		y += lead
	}
	return y
}

// signature scribbles a handwritten-looking signature centred on (x, y) mm.
func (c *canvas) signature(x, y float64) {
	var pts []image.Point
	n := 60
	for i := 0; i <= n; i++ {
		t := float64(i) / float64(n)
		px := x - 18 + 36*t
		py := y + 4*math.Sin(t*5*math.Pi+c.rng.Float64()*0.3) - 3*t
		pts = append(pts, image.Pt(c.px(px), c.px(py)))
	}
	stroke(c.img, pts, max(c.px(0.35), 1), penInk)
}

// stampRing draws a red round seal with a star centred on (x, y) mm.
func (c *canvas) stampRing(x, y, r float64) {
	for _, rr := range []float64{r, r - 1.2, r * 0.55} {
		var pts []image.Point
		for i := 0; i <= 120; i++ {
			a := float64(i) / 120 * 2 * math.Pi
			pts = append(pts, image.Pt(c.px(x+rr*math.Cos(a)), c.px(y+rr*math.Sin(a))))
		}
		stroke(c.img, pts, max(c.px(0.5), 1), stampInk)
	}
	c.centreAt(x, y+1.5, 9, true, "★", stampInk)
}

// motto draws the national name and motto centred on x.
func (c *canvas) motto(x, y float64) {
	c.centreAt(x, y, 11, true, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", printInk)
	c.centreAt(x, y+5.5, 11.5, true, "Độc lập - Tự do - Hạnh phúc", printInk)
	c.rule(x-24, x+24, y+7.3, 0.3)
}

// trainingMark prints the small "training material" notice in the top margin.
func (c *canvas) trainingMark(page int) {
	c.text(12, 9, 7, false, fmt.Sprintf("TÀI LIỆU ĐÀO TẠO - MẪU GIẢ LẬP - trang %d", page+1), color.RGBA{150, 150, 150, 255})
}

// declaration is page 1: the filled birth-registration declaration.
func (c *canvas) declaration() {
	const l, r = 22.0, 190.0
	c.motto(pageWidthMM/2, 22)
	c.centre(44, 15, true, "TỜ KHAI ĐĂNG KÝ KHAI SINH")
	c.centre(53, 11, false, "Kính gửi: Ủy ban nhân dân xã Tam Xuân, thành phố Đà Nẵng")
	y := 66.0
	step := 8.2
	c.field(l, r, y, "Họ, chữ đệm, tên người yêu cầu:", "Nguyễn Văn An")
	y += step
	c.field(l, r, y, "Nơi cư trú:", "thôn Phú Đông, xã Tam Xuân, TP. Đà Nẵng")
	y += step
	c.field(l, r, y, "Giấy tờ tùy thân:", "Căn cước công dân số 049085001234")
	y += step
	c.field(l, r, y, "Quan hệ với người được khai sinh:", "Cha")
	y += step + 1
	c.text(l, y, 11, true, "Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:", printInk)
	y += step
	c.field(l, r, y, "Họ, chữ đệm, tên:", "NGUYỄN THỊ BẢO NGỌC")
	y += step
	c.field(l, r, y, "Ngày, tháng, năm sinh:", "12/03/2025")
	y += step
	c.field(l, r, y, "ghi bằng chữ:", "Ngày mười hai, tháng ba, năm hai nghìn không trăm hai mươi lăm")
	y += step
	c.field(l, 90, y, "Giới tính:", "Nữ")
	c.field(92, 140, y, "Dân tộc:", "Kinh")
	c.field(142, r, y, "Quốc tịch:", "Việt Nam")
	y += step
	c.field(l, r, y, "Nơi sinh:", "Bệnh viện Đa khoa Quảng Nam")
	y += step
	c.field(l, r, y, "Quê quán:", "xã Tam Xuân, thành phố Đà Nẵng")
	y += step + 1
	c.field(l, r, y, "Họ, chữ đệm, tên người mẹ:", "Trần Thị Hoa")
	y += step
	c.field(l, 90, y, "Năm sinh:", "1992")
	c.field(92, 140, y, "Dân tộc:", "Kinh")
	c.field(142, r, y, "Quốc tịch:", "Việt Nam")
	y += step
	c.field(l, r, y, "Nơi cư trú:", "thôn Phú Đông, xã Tam Xuân, TP. Đà Nẵng")
	y += step + 1
	c.field(l, r, y, "Họ, chữ đệm, tên người cha:", "Nguyễn Văn An")
	y += step
	c.field(l, 90, y, "Năm sinh:", "1989")
	c.field(92, 140, y, "Dân tộc:", "Kinh")
	c.field(142, r, y, "Quốc tịch:", "Việt Nam")
	y += step
	c.field(l, r, y, "Nơi cư trú:", "thôn Phú Đông, xã Tam Xuân, TP. Đà Nẵng")
	y += step + 3
	y = c.paragraph(l, r, y, 11, "Tôi cam đoan nội dung đề nghị đăng ký khai sinh trên đây là đúng sự thật, "+
		"được sự thỏa thuận nhất trí của các bên liên quan theo quy định pháp luật. "+
		"Tôi chịu hoàn toàn trách nhiệm trước pháp luật về nội dung cam đoan của mình.")
	y += 4
	c.text(100, y, 11, false, "Làm tại: Tam Xuân, ngày 20 tháng 3 năm 2025", printInk)
	y += 7
	c.centreAt(150, y, 11, true, "Người yêu cầu", printInk)
	c.centreAt(150, y+5, 10, false, "(Ký, ghi rõ họ, chữ đệm, tên)", printInk)
	c.signature(150, y+17)
	c.centreAt(150, y+30, 12, false, "Nguyễn Văn An", penInk)
}

// birthCertificate is page 2: the medical facility's "Giấy chứng sinh".
func (c *canvas) birthCertificate() {
	const l, r = 22.0, 190.0
	c.centreAt(58, 20, 10, false, "SỞ Y TẾ THÀNH PHỐ ĐÀ NẴNG", printInk)
	c.centreAt(58, 25, 10, true, "BỆNH VIỆN ĐA KHOA QUẢNG NAM", printInk)
	c.rule(40, 76, 27, 0.3)
	c.centreAt(58, 33, 10, false, "Số: 1287/GCS", printInk)
	c.motto(140, 20)
	c.centre(52, 17, true, "GIẤY CHỨNG SINH")
	y := 68.0
	step := 8.6
	c.field(l, r, y, "Họ và tên mẹ / Người nuôi dưỡng:", "Trần Thị Hoa")
	y += step
	c.field(l, 100, y, "Năm sinh:", "1992")
	c.field(102, r, y, "Dân tộc:", "Kinh")
	y += step
	c.field(l, r, y, "Số định danh cá nhân:", "049192004321")
	y += step
	c.field(l, r, y, "Nơi đăng ký thường trú:", "thôn Phú Đông, xã Tam Xuân, TP. Đà Nẵng")
	y += step
	c.field(l, r, y, "Đã sinh con vào lúc:", "08 giờ 30 phút, ngày 12 tháng 03 năm 2025")
	y += step
	c.field(l, r, y, "Tại:", "Khoa Sản, Bệnh viện Đa khoa Quảng Nam")
	y += step
	c.field(l, 100, y, "Số con trong lần sinh:", "01")
	c.field(102, r, y, "Giới tính của con:", "Nữ")
	y += step
	c.field(l, r, y, "Cân nặng:", "3.100 gam")
	y += step
	c.field(l, r, y, "Hiện trạng sức khỏe của con:", "Bình thường")
	y += step
	c.field(l, r, y, "Dự định đặt tên con:", "Nguyễn Thị Bảo Ngọc")
	y += step + 8
	c.text(112, y, 11, false, "Đà Nẵng, ngày 12 tháng 3 năm 2025", printInk)
	y += 7
	c.centreAt(55, y, 11, true, "Người đỡ đẻ", printInk)
	c.centreAt(55, y+5, 10, false, "(Ký, ghi rõ họ, tên)", printInk)
	c.centreAt(150, y, 11, true, "Thủ trưởng cơ sở y tế", printInk)
	c.centreAt(150, y+5, 10, false, "(Ký, ghi rõ họ, tên, đóng dấu)", printInk)
	c.signature(55, y+18)
	c.centreAt(55, y+31, 12, false, "Lê Thị Mai", penInk)
	c.stampRing(143, y+18, 16)
	c.signature(153, y+19)
	c.centreAt(150, y+38, 12, false, "BS. Phạm Minh Tuấn", penInk)
}

// continuation is page 3 and later: a typed annex with the page number.
func (c *canvas) continuation(page int) {
	const l, r = 22.0, 190.0
	c.centre(26, 13, true, "BẢN CAM KẾT VỀ NỘI DUNG KHAI SINH")
	c.centre(33, 10, false, fmt.Sprintf("(trang %d, tiếp theo)", page+1))
	y := 48.0
	texts := []string{
		"Căn cứ Luật Hộ tịch ngày 20 tháng 11 năm 2014 và các văn bản hướng dẫn thi hành, người yêu cầu đăng ký khai sinh cam kết " +
			"các thông tin đã kê khai trong tờ khai là đúng sự thật và chịu trách nhiệm trước pháp luật.",
		"Trường hợp không có giấy chứng sinh, người yêu cầu nộp văn bản của người làm chứng xác nhận về việc sinh; nếu không có người " +
			"làm chứng thì phải có giấy cam đoan về việc sinh.",
		"Công chức tư pháp - hộ tịch kiểm tra giấy tờ, đối chiếu với bản chính, số hóa thành phần hồ sơ và ký số theo quy định, " +
			"sau đó cập nhật vào Cơ sở dữ liệu hộ tịch điện tử.",
		"Kết quả được trả trong ngày; trường hợp nhận hồ sơ sau 15 giờ thì trả kết quả trong ngày làm việc tiếp theo.",
	}
	for i := 0; i < 3; i++ {
		for k, t := range texts {
			y = c.paragraph(l, r, y, 11, fmt.Sprintf("%d.%d. %s", page+1, i*len(texts)+k+1, t))
			y += 2.5
		}
	}
	c.field(l, r, y+4, "Ghi chú của người yêu cầu:", "Đã đối chiếu bản chính.")
	c.centreAt(pageWidthMM/2, 285, 9, false, fmt.Sprintf("Trang %d", page+1), printInk)
}

// paperTint is the slightly warm white of office paper, varied per sheet.
func paperTint(rng *rand.Rand) color.RGBA {
	d := uint8(rng.IntN(6))
	return color.RGBA{250 - d, 248 - d, 240 - d, 255}
}

// renderPage draws page number index (0-based) of the batch; back selects the blank reverse side.
// progress receives fractions 0..1; it returns ctx.Err() when cancelled mid-page.
func renderPage(ctx context.Context, seed uint64, index int, back bool, dpi int, mode scanner.ColorMode, progress func(float64)) (image.Image, error) {
	rng := rand.New(rand.NewPCG(seed, uint64(index)*2+b2u(back)))
	w, h := int(math.Round(pageWidthMM*float64(dpi)/25.4)), int(math.Round(pageHeightMM*float64(dpi)/25.4))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	tint := paperTint(rng)
	fillBytes(img.Pix, tint)
	c := &canvas{img: img, dpi: dpi, rng: rng}
	if !back {
		c.trainingMark(index)
		switch index {
		case 0:
			c.declaration()
		case 1:
			c.birthCertificate()
		default:
			c.continuation(index)
		}
		if c.err != nil {
			return nil, c.err
		}
	}
	progress(0.35)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !back {
		angle := (rng.Float64()*3 - 1.5) * math.Pi / 180
		img = skew(img, angle, lidColor)
	}
	progress(0.6)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	specks(img, rng, 8+rng.IntN(12), max(dpi/150, 1))
	if !addNoise(img, rng, func() bool { return ctx.Err() != nil }) {
		return nil, ctx.Err()
	}
	progress(0.9)
	switch mode {
	case scanner.ModeGray:
		return toGray(img, 0), nil
	case scanner.ModeBW:
		return toGray(img, 150), nil
	}
	return img, nil
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}
