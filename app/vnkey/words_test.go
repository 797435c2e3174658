// The word table: at least 200 Vietnamese words and names, typed in Telex and VNI in several key
// orders, each of which must give the word back.

package vnkey_test

import (
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"sohoa/app/vnkey"
)

// words is written in the traditional tone style (hòa, khỏe, thủy), Unikey's default.
const words = `
Nguyễn Thị Thủy Trần Văn Hùng Lê Hoàng Long Phạm Minh Tuấn Hoàng Thu Hương Huỳnh Ngọc Ánh
Phan Thanh Bình Vũ Đức Thắng Võ Quốc Việt Đặng Thùy Dung Bùi Xuân Trường Đỗ Hữu Nghĩa
Hồ Khánh Linh Ngô Bảo Châu Dương Quỳnh Như Lý Gia Huy Đinh Tiến Dũng Trịnh Công Sơn
Mai Phương Thúy Lương Thế Vinh Tạ Quang Bửu Châu Ngọc Quyết Lâm Tường Vy Kiều Oanh Tôn Nữ
Quách Tuyết Nhung Hà Anh Tuấn Khổng Tú Quỳnh Ông Ích Khiêm Thái Hòa Nguyệt Ánh Khuê
Huệ Loan Diệp Chi Nhàn Hạnh Giang Hằng Hiếu Thảo Khôi Nguyên Lộc Phúc Thịnh Toàn Khỏe
Việt Nam Hà Nội Thành phố Hồ Chí Minh Đà Nẵng Cần Thơ Huế Quảng Ngãi Thừa Thiên Nghệ An
Bắc Ninh Hải Phòng Khánh Hòa Lạng Sơn Điện Biên Tuyên Quang Thanh Hóa Quảng Trị Bến Tre
Đồng Tháp Kiên Giang Sóc Trăng Bạc Liêu Cà Mau Vĩnh Long Hậu Giang Lào Cai Yên Bái Gia Lai
Đắk Lắk Lâm Đồng Bình Dương Tây Ninh Long An Phú Thọ Hưng Yên Nam Định Ninh Bình Hòa Bình
phường xã thị trấn quận huyện tỉnh ủy ban nhân dân bộ phận một cửa tiếp nhận hồ sơ
trả kết quả giấy hẹn công dân căn cước cư trú khai sinh kết hôn chứng thực bản sao
chữ ký số điện tử thủ tục hành chính cán bộ công chức người nộp đơn đề nghị cấp
lần đầu đổi lại bổ sung xác nhận tình trạng quyền sử dụng đất nhà ở giấy phép xây dựng
đăng ký thường trú tạm vắng hộ khẩu kinh doanh thuế phí lệ miễn giảm được không
tiếng Việt gõ dấu học sinh giáo viên trường làng quê hương nước non đường phố
người ngoài trời mưa gió khuya khoắt ngoằn ngoèo khuỷu tay quở trách thuở xưa huơ
khuyến khích luyện tập truyện cổ tích chuyện nhỏ quyển sách huyền thoại tuyệt vời
giữ gìn già trẻ giếng nước giường ngủ giọng nói quốc gia quý giá quà tặng quạt máy
hươu nai rượu bia cứu giúp cừu non mưu kế bướu cổ lưu trữ hưu trí ngưỡng cửa
nghiêng ngả nghĩa vụ nghỉ ngơi ngẫm nghĩ nghèo khó nghề nghiệp nghị định nghìn năm
thuyền buồm khuyết điểm xoáy nước ngoáy tai quấy rầy khoảnh khắc hoạch định
tuần lễ xuân hè thu đông sáng trưa chiều tối nửa đêm hôm qua hôm nay ngày mai
một hai ba bốn năm sáu bảy tám chín mười trăm nghìn triệu tỷ
yêu thương yếu ớt uyển chuyển oẳn tù tì ước mơ ưng ý ổn định ấm áp ông bà
đẹp đẽ đầy đủ đứng đắn điều lệ đoàn kết đội ngũ đối chiếu đơn vị đại diện
`

var telexMark = map[rune]string{'\u0302': "", '\u0306': "w", '\u031b': "w"}
var vniMark = map[rune]string{'\u0302': "6", '\u0306': "8", '\u031b': "7"}
var telexTone = map[rune]string{'\u0301': "s", '\u0300': "f", '\u0309': "r", '\u0303': "x", '\u0323': "j"}
var vniTone = map[rune]string{'\u0301': "1", '\u0300': "2", '\u0309': "3", '\u0303': "4", '\u0323': "5"}

// keysFor spells a word as keys, independently of the engine: each letter's base, then its mark
// key (the base again for Telex ^), and the tone key either right after its vowel or at the end of
// the word.
func keysFor(word string, vni, toneLast bool) string {
	markKeys, toneKeys := telexMark, telexTone
	if vni {
		markKeys, toneKeys = vniMark, vniTone
	}
	var b strings.Builder
	tone := ""
	for _, r := range word {
		if r == 'đ' || r == 'Đ' {
			if vni {
				b.WriteString(map[rune]string{'đ': "d9", 'Đ': "D9"}[r])
			} else {
				b.WriteString(map[rune]string{'đ': "dd", 'Đ': "DD"}[r])
			}
			continue
		}
		d := []rune(norm.NFD.String(string(r)))
		base := d[0]
		b.WriteRune(base)
		t := ""
		for _, m := range d[1:] {
			if k, ok := markKeys[m]; ok {
				if k == "" {
					k = string(base)
				}
				b.WriteString(k)
			}
			if k, ok := toneKeys[m]; ok {
				t = k
			}
		}
		if toneLast {
			if t != "" {
				tone = t
			}
		} else {
			b.WriteString(t)
		}
	}
	b.WriteString(tone)
	return b.String()
}

func tableWords(t *testing.T) []string {
	ws := strings.Fields(words)
	seen := map[string]bool{}
	var out []string
	for _, w := range ws {
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	if len(out) < 200 {
		t.Fatalf("the table has %d distinct words, want at least 200", len(out))
	}
	return out
}

func TestWordTable(t *testing.T) {
	ws := tableWords(t)
	t.Logf("%d distinct words and names", len(ws))
	for _, w := range ws {
		for _, c := range []struct {
			method   vnkey.Method
			vni      bool
			toneLast bool
		}{
			{vnkey.Telex, false, true}, {vnkey.Telex, false, false},
			{vnkey.VNI, true, true}, {vnkey.VNI, true, false},
		} {
			keys := keysFor(w, c.vni, c.toneLast)
			if got := vnkey.Type(c.method, vnkey.StyleOld, keys); got != w {
				t.Errorf("%v %q = %q, want %q", c.method, keys, got, w)
			}
		}
	}
}

// TestWordTableAsText types the whole table as one text with spaces and newlines, as an officer would.
func TestWordTableAsText(t *testing.T) {
	ws := tableWords(t)
	var keys, want []string
	for _, w := range ws {
		keys = append(keys, keysFor(w, false, true))
		want = append(want, w)
	}
	if got := vnkey.Type(vnkey.Telex, vnkey.StyleOld, strings.Join(keys, " ")); got != strings.Join(want, " ") {
		t.Errorf("whole table typed in Telex differs:\n got %q\nwant %q", got, strings.Join(want, " "))
	}
}

// TestWordTableUppercase types the names in capitals, as on an ID card.
func TestWordTableUppercase(t *testing.T) {
	for _, w := range tableWords(t)[:60] {
		up := strings.ToUpper(w)
		for _, vni := range []bool{false, true} {
			m := vnkey.Telex
			if vni {
				m = vnkey.VNI
			}
			keys := keysFor(up, vni, true)
			if got := vnkey.Type(m, vnkey.StyleOld, keys); got != up {
				t.Errorf("%v %q = %q, want %q", m, keys, got, up)
			}
		}
	}
}
