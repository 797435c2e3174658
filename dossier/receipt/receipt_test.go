// Tests for the receipt PDF, checked from outside with qpdf, pdftotext, pdftoppm and a QR decoder.

package receipt

import (
	"errors"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	gzqr "github.com/makiuchi-d/gozxing/qrcode"

	"sohoa/dossier/workdays"
)

func sample() Data {
	loc := workdays.Location()
	return Data{
		AgencyName:    "UBND xã Tam Xuân",
		UnitName:      "Trung tâm Phục vụ hành chính công xã Tam Xuân",
		Province:      "Đà Nẵng",
		Place:         "Tam Xuân",
		DossierCode:   "000.00.00.H47-260306-0007",
		ProcedureCode: "1.001193",
		ProcedureName: "Thủ tục đăng ký khai sinh",
		ApplicantName: "Nguyễn Thị Hương Giang",
		ApplicantID:   "049190001234",
		Address:       "Thôn Phú Ninh, xã Tam Xuân, thành phố Đà Nẵng",
		Phone:         "0905123456",
		Email:         "giang@example.vn",
		Components: []Item{
			{Name: "Tờ khai đăng ký khai sinh theo mẫu", Originals: 1, Pages: 2},
			{Name: "Giấy chứng sinh", Originals: 1, Pages: 1},
			{Name: "Văn bản ủy quyền (không phải chứng thực nếu người được ủy quyền là ông, bà, cha, mẹ, con, vợ, chồng, anh, chị, em ruột của người ủy quyền)", Originals: 1, Copies: 1, Pages: 1},
		},
		Sets:           1,
		ProcessingDays: 0,
		ReceivedAt:     time.Date(2026, 3, 6, 15, 30, 0, 0, loc),
		AppointmentAt:  time.Date(2026, 3, 9, 16, 30, 0, 0, loc),
		ResultPlace:    "Trung tâm Phục vụ hành chính công xã Tam Xuân",
		RegisterBook:   "01/2026",
		RegisterEntry:  "123",
		Officer:        "Trần Văn Bình",
		Hotlines: []Hotline{
			{Label: "Tổng đài 1022 thành phố", Phone: "0235.1022", Email: "1022@quangnam.gov.vn"},
			{Label: "Đường dây nóng UBND xã", Phone: "0235.3812.345"},
		},
		IssuingSystem: "sohoa",
		PortalCode:    "G22.99-260306-0001",
		Fee:           8000,
		PaymentNote:   "đã nộp qua Cổng Dịch vụ công",
	}
}

// render writes the PDF to a temp dir and returns its path.
func render(t *testing.T, d Data) string {
	t.Helper()
	b, err := Render(d)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	p := filepath.Join(t.TempDir(), "receipt.pdf")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("SOHOA_KEEP_RECEIPT"); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, filepath.Base(t.Name())+".pdf"), b, 0o644)
	}
	return p
}

var pagesRE = regexp.MustCompile(`(?m)^Pages:\s+(\d+)`)

func pages(t *testing.T, p string) int {
	t.Helper()
	m := pagesRE.FindStringSubmatch(run(t, "pdfinfo", p))
	if m == nil {
		t.Fatal("pdfinfo shows no page count")
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

func TestRenderStructureAndText(t *testing.T) {
	p := render(t, sample())
	run(t, "qpdf", "--check", p)
	if n := pages(t, p); n != 2 {
		t.Errorf("%d pages, want 2 (one per copy)", n)
	}
	if info := run(t, "pdfinfo", p); !strings.Contains(info, "595.28 x 841.89") {
		t.Errorf("not A4:\n%s", info)
	}
	txt := run(t, "pdftotext", "-layout", p, "-")
	for _, want := range []string{
		"GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
		"Mã hồ sơ: 000.00.00.H47-260306-0007",
		"Nguyễn Thị Hương Giang",
		"BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ",
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
		"Độc lập - Tự do - Hạnh phúc",
		"Tam Xuân, ngày 06 tháng 03 năm 2026",
		"Liên 1: Lưu",
		"Liên 2: Giao cho người nộp hồ sơ",
		"Thủ tục đăng ký khai sinh",
		"15 giờ 30 phút, ngày 06 tháng 03 năm 2026",
		"16 giờ 30 phút, ngày 09 tháng 03 năm 2026",
		"0235.1022",
		"1022@quangnam.gov.vn",
		"Quyển số: 01/2026",
		"NGƯỜI TIẾP NHẬN HỒ SƠ",
		"Trần Văn Bình",
		"8.000 đồng",
		"Giấy chứng sinh",
	} {
		if !strings.Contains(txt, want) {
			t.Errorf("pdftotext lacks %q", want)
		}
	}
	if strings.Contains(txt, "ĐÀO TẠO") {
		t.Error("a real receipt carries the training mark")
	}
}

func TestTrainingMark(t *testing.T) {
	d := sample()
	d.Training = true
	p := render(t, d)
	run(t, "qpdf", "--check", p)
	txt := run(t, "pdftotext", p, "-")
	if strings.Count(txt, "ĐÀO TẠO — TRAINING") < 2 {
		t.Errorf("training mark missing:\n%s", txt)
	}
	if !strings.Contains(QRPayload(d), "\ndao_tao=1") {
		t.Error("training payload lacks dao_tao=1")
	}
}

// decodeQR renders page 1 and decodes the QR code in its top-left quarter.
func decodeQR(t *testing.T, pdfPath string, dpi string) string {
	t.Helper()
	prefix := filepath.Join(t.TempDir(), "page")
	run(t, "pdftoppm", "-png", "-r", dpi, "-f", "1", "-l", "1", "-singlefile", pdfPath, prefix)
	f, err := os.Open(prefix + ".png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	corner := img.(interface {
		SubImage(image.Rectangle) image.Image
	}).SubImage(image.Rect(0, 0, b.Dx()/4, b.Dy()/6))
	bmp, err := gozxing.NewBinaryBitmapFromImage(corner)
	if err != nil {
		t.Fatal(err)
	}
	res, err := gzqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]interface{}{
		gozxing.DecodeHintType_TRY_HARDER:    true,
		gozxing.DecodeHintType_CHARACTER_SET: "UTF-8",
	})
	if err != nil {
		t.Fatalf("no QR code decoded in the top-left corner at %s dpi: %v", dpi, err)
	}
	return res.GetText()
}

func TestQRCodeDecodesFromRenderedPage(t *testing.T) {
	d := sample()
	p := render(t, d)
	for _, dpi := range []string{"150", "300"} {
		got := decodeQR(t, p, dpi)
		if got != QRPayload(d) {
			t.Fatalf("%s dpi: decoded\n%q\nwant\n%q", dpi, got, QRPayload(d))
		}
		q, err := ParseQRPayload(got)
		if err != nil {
			t.Fatal(err)
		}
		if q.DossierCode != d.DossierCode || q.ProcedureCode != "1.001193" || q.ApplicantID != d.ApplicantID ||
			q.Title != Title || q.System != "sohoa" || !q.IssuedAt.Equal(d.ReceivedAt) ||
			!q.AppointmentAt.Equal(d.AppointmentAt) || q.PortalCode != d.PortalCode || q.Training {
			t.Errorf("parsed %+v", q)
		}
	}
}

func TestQRPayloadFormat(t *testing.T) {
	d := sample()
	d.IssuedAt = d.ReceivedAt.Add(time.Minute)
	d.DossierCode = "A\nB"
	want := "SOHOA-GTN/1\nma_ho_so=A B\nma_tthc=1.001193\ndinh_danh=049190001234\ntieu_de=Giấy tiếp nhận hồ sơ và hẹn trả kết quả\nhe_thong=sohoa\nthoi_gian_cap=20260306153100\nngay_hen_tra=20260309163000\nma_cong=G22.99-260306-0001"
	if got := QRPayload(d); got != want {
		t.Errorf("payload\n%s\nwant\n%s", got, want)
	}
	// Times given in UTC are written in Vietnam time.
	d.AppointmentAt = time.Date(2026, 3, 9, 9, 30, 0, 0, time.UTC)
	if !strings.Contains(QRPayload(d), "ngay_hen_tra=20260309163000") {
		t.Error("appointment not converted to Asia/Ho_Chi_Minh")
	}
}

func TestParseQRPayloadBad(t *testing.T) {
	good := QRPayload(sample())
	if _, err := ParseQRPayload(good + "\nkhoa_moi=x"); err != nil {
		t.Errorf("unknown key rejected: %v", err)
	}
	if _, err := ParseQRPayload(strings.ReplaceAll(good, "\n", "\r\n")); err != nil {
		t.Errorf("CRLF rejected: %v", err)
	}
	bad := []string{
		"",
		"hello",
		"SOHOA-GTN/2\nma_ho_so=x",
		strings.Replace(good, "ma_ho_so=", "ma_ho_so_x=", 1),
		strings.Replace(good, "thoi_gian_cap=20260306153000", "thoi_gian_cap=2026-03-06", 1),
		strings.Replace(good, "ngay_hen_tra=20260309163000", "ngay_hen_tra=20261309163000", 1),
		good + "\nma_ho_so=again",
		good + "\nno equals sign",
		good + "\n=value",
	}
	for _, s := range bad {
		if _, err := ParseQRPayload(s); !errors.Is(err, ErrQRPayload) {
			t.Errorf("ParseQRPayload(%q) err = %v", s, err)
		}
	}
}

func TestRenderRejectsIncomplete(t *testing.T) {
	cases := map[string]func(*Data){
		"DossierCode":   func(d *Data) { d.DossierCode = " " },
		"AgencyName":    func(d *Data) { d.AgencyName = "" },
		"ApplicantName": func(d *Data) { d.ApplicantName = "" },
		"ReceivedAt":    func(d *Data) { d.ReceivedAt = time.Time{} },
		"AppointmentAt": func(d *Data) { d.AppointmentAt = d.ReceivedAt.Add(-time.Hour) },
		"Components[1]": func(d *Data) { d.Components[1].Name = "" },
	}
	for field, mod := range cases {
		d := sample()
		mod(&d)
		_, err := Render(d)
		var fe *FieldError
		if !errors.As(err, &fe) || !errors.Is(err, ErrInvalid) || fe.Field != field {
			t.Errorf("%s: err = %v", field, err)
		}
	}
}

func TestRenderHostileAndLong(t *testing.T) {
	d := sample()
	d.ByPost = true
	d.ProcessingDays = 5
	d.ApplicantName = "Nguyễn\x00 Văn\r\nAn (tên rất dài) " + strings.Repeat("Dương ", 30)
	d.Address = strings.Repeat("Số 1 đường Trần Hưng Đạo, ", 20)
	for i := 0; i < 40; i++ {
		d.Components = append(d.Components, Item{Name: "Giấy tờ bổ sung số " + strings.Repeat("rất dài ", i%5), Copies: 1, Pages: i})
	}
	p := render(t, d)
	run(t, "qpdf", "--check", p)
	txt := run(t, "pdftotext", p, "-")
	if !strings.Contains(txt, "qua dịch vụ bưu chính công ích") || !strings.Contains(txt, "5 ngày làm việc") {
		t.Error("post delivery or processing days missing")
	}
	if !strings.Contains(txt, "0235.1022") {
		t.Error("hotline lost on a long receipt")
	}
	// Each copy overflows onto more pages; the second copy starts on a fresh page.
	n := pages(t, p)
	if n < 4 || n%2 != 0 {
		t.Errorf("%d pages, want an even number >= 4", n)
	}
	second := run(t, "pdftotext", "-f", strconv.Itoa(n/2+1), "-l", strconv.Itoa(n/2+1), p, "-")
	if !strings.Contains(second, "Liên 2: Giao cho người nộp hồ sơ") {
		t.Errorf("page %d does not start copy 2", n/2+1)
	}
}

func TestVND(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1.000", 200000: "200.000", 1234567: "1.234.567"} {
		if got := vnd(n); got != want {
			t.Errorf("vnd(%d) = %q", n, got)
		}
	}
}

func FuzzParseQRPayload(f *testing.F) {
	f.Add(QRPayload(sample()))
	f.Fuzz(func(t *testing.T, s string) {
		q, err := ParseQRPayload(s)
		if err == nil && (q.DossierCode == "" || q.IssuedAt.IsZero()) {
			t.Fatalf("accepted %q", s)
		}
	})
}

func BenchmarkRender(b *testing.B) {
	d := sample()
	for b.Loop() {
		if _, err := Render(d); err != nil {
			b.Fatal(err)
		}
	}
}
