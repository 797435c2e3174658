// The wire manifest of a dossier, modelled on the national portal's DVCQG dossier schema, and its validation.

package portal

import (
	"fmt"
	"net/mail"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ManifestSchemaVersion is the manifest version this package writes and accepts.
const ManifestSchemaVersion = 1

// DateLayout is the DVCQG date layout, yyyyMMddHHmmss, in Asia/Ho_Chi_Minh time.
const DateLayout = "20060102150405"

// VietnamTime is Asia/Ho_Chi_Minh (UTC+7, no daylight saving time), fixed so no tz database is needed.
var VietnamTime = time.FixedZone("ICT", 7*60*60)

// FormatDate formats t as a DVCQG date (yyyyMMddHHmmss in Vietnam time).
func FormatDate(t time.Time) string { return t.In(VietnamTime).Format(DateLayout) }

// ParseDate parses a DVCQG date (yyyyMMddHHmmss in Vietnam time).
func ParseDate(s string) (time.Time, error) { return time.ParseInLocation(DateLayout, s, VietnamTime) }

// Manifest is the wire manifest of a dossier; the JSON names are the DVCQG field names.
type Manifest struct {
	SchemaVersion               int    `json:"SchemaVersion"`
	MaHoSo                      string `json:"MaHoSo"`          // the desk's dossier code
	MaTTHC                      string `json:"MaTTHC"`          // procedure code, e.g. 1.001193
	TenTTHC                     string `json:"TenTTHC"`         // procedure name
	MaLinhVuc                   string `json:"MaLinhVuc"`       // field code
	TenLinhVuc                  string `json:"TenLinhVuc"`      // field name
	KenhThucHien                int    `json:"KenhThucHien"`    // 1 in person, 2 online, 3 postal
	ChuHoSo                     string `json:"ChuHoSo"`         // applicant's full name
	LoaiDoiTuong                int    `json:"LoaiDoiTuong"`    // applicant kind (1 citizen, 2 organization)
	SoGiayToChuHoSo             string `json:"SoGiayToChuHoSo"` // applicant's ID number (12-digit CCCD for a citizen)
	DiaChiChuHoSo               string `json:"DiaChiChuHoSo"`
	SoDienThoai                 string `json:"SoDienThoai"`
	Email                       string `json:"Email"`
	TrichYeuHoSo                string `json:"TrichYeuHoSo"`         // summary
	NgayTiepNhan                string `json:"NgayTiepNhan"`         // received, yyyyMMddHHmmss
	NgayHenTra                  string `json:"NgayHenTra"`           // appointment, yyyyMMddHHmmss, may be empty
	TrangThaiHoSo               int    `json:"TrangThaiHoSo"`        // 1..10, see vn-egov.md §3
	HoSoCoThanhPhanSoHoa        int    `json:"HoSoCoThanhPhanSoHoa"` // 1 when components carry digitized files
	TaiKhoanDuocXacThucVoiVNeID int    `json:"TaiKhoanDuocXacThucVoiVNeID"`
	DuocThanhToanTrucTuyen      int    `json:"DuocThanhToanTrucTuyen"`
	NoiNopHoSo                  string `json:"NoiNopHoSo"`
	DonViXuLy                   string `json:"DonViXuLy"`
	CanBoTiepNhan               string `json:"CanBoTiepNhan"`
	// ChucDanhCanBoTiepNhan is the receiving officer's role, e.g. "Nhân viên bưu chính" at a transferred
	// postal counter (a sohoa extension; absent when not recorded).
	ChucDanhCanBoTiepNhan string `json:"ChucDanhCanBoTiepNhan,omitempty"`
	// DiaChiNhanKetQuaBuuChinh is the address the result is posted to when the citizen asked for delivery
	// by post (a sohoa extension; absent otherwise).
	DiaChiNhanKetQuaBuuChinh string     `json:"DiaChiNhanKetQuaBuuChinh,omitempty"`
	DaoTao                   bool       `json:"DaoTao"` // training dossier
	DinhDanhCHS              []DinhDanh `json:"DinhDanhCHS"`
	TaiLieuNop               []TaiLieu  `json:"TaiLieuNop"`
	DanhSachLePhi            []LePhi    `json:"DanhSachLePhi"`
	// ChuoiNhatKy is the desk's audit-log chain head when the dossier was sent (a sohoa extension;
	// absent from older desks). The portal keeps it, so a desk log rewritten or cut short later is
	// found against it. It is not part of the content an Idempotency-Key identifies.
	ChuoiNhatKy *AuditHead `json:"ChuoiNhatKy,omitempty"`
}

// AuditHead is the newest row of a desk's audit log: its id and its HMAC-SHA-256 (64 hex digits).
type AuditHead struct {
	ID  int64  `json:"ID"`
	MAC string `json:"MAC"`
}

// DinhDanh is one identifier of the applicant.
type DinhDanh struct {
	LoaiDinhDanh string `json:"LoaiDinhDanh"`
	SoDinhDanh   string `json:"SoDinhDanh"`
}

// TaiLieu is one submitted file (one component PDF).
type TaiLieu struct {
	TepDinhKemId     string `json:"TepDinhKemId"`
	TenTepDinhKem    string `json:"TenTepDinhKem"` // file name, matches File.Name
	MaThanhPhanHoSo  string `json:"MaThanhPhanHoSo"`
	TenThanhPhanHoSo string `json:"TenThanhPhanHoSo"`
	DuocSoHoa        int    `json:"DuocSoHoa"`
	DuocTaiSuDung    int    `json:"DuocTaiSuDung"`
	DuocLayTuKhoDMQG int    `json:"DuocLayTuKhoDMQG"`
	SoTrang          int    `json:"SoTrang"`
	KichThuoc        int64  `json:"KichThuoc"` // bytes
	SHA256           string `json:"SHA256"`    // lowercase hex
}

// LePhi is one fee or charge.
type LePhi struct {
	TenPhiLePhi  string `json:"TenPhiLePhi"`
	MaPhiLePhi   string `json:"MaPhiLePhi"`
	HinhThucThu  int    `json:"HinhThucThu"`
	Gia          int64  `json:"Gia"` // VND
	LoaiPhiLePhi int    `json:"LoaiPhiLePhi"`
}

// Validate checks required fields, codes, date formats and that every file entry has a name, a size and a
// SHA-256. The error is an *Error with Code CodeInvalidManifest (errors.Is(err, ErrInvalidManifest)) naming the field.
func (m Manifest) Validate() error {
	bad := func(field, format string, args ...any) error {
		return &Error{Class: Permanent, Code: CodeInvalidManifest,
			Message: "manifest field " + field + ": " + fmt.Sprintf(format, args...) + "; correct the dossier"}
	}
	if m.SchemaVersion != ManifestSchemaVersion {
		return bad("SchemaVersion", "version %d is not supported (want %d)", m.SchemaVersion, ManifestSchemaVersion)
	}
	if h := m.ChuoiNhatKy; h != nil && (h.ID <= 0 || !isHex64(h.MAC)) {
		return bad("ChuoiNhatKy", "the audit chain head needs a row id and a 64-digit hex MAC")
	}
	for _, f := range []struct{ name, v string }{
		{"MaHoSo", m.MaHoSo}, {"MaTTHC", m.MaTTHC}, {"TenTTHC", m.TenTTHC},
		{"ChuHoSo", m.ChuHoSo}, {"SoGiayToChuHoSo", m.SoGiayToChuHoSo},
	} {
		if strings.TrimSpace(f.v) == "" {
			return bad(f.name, "is required")
		}
	}
	if strings.ContainsFunc(m.SoGiayToChuHoSo, unicode.IsSpace) || len(m.SoGiayToChuHoSo) > 32 {
		return bad("SoGiayToChuHoSo", "%q is not an ID number", m.SoGiayToChuHoSo)
	}
	if m.KenhThucHien < 1 || m.KenhThucHien > 3 {
		return bad("KenhThucHien", "%d is not 1 (in person), 2 (online) or 3 (postal)", m.KenhThucHien)
	}
	if m.TrangThaiHoSo < 1 || m.TrangThaiHoSo > 10 {
		return bad("TrangThaiHoSo", "%d is not a status 1..10", m.TrangThaiHoSo)
	}
	for _, f := range []struct {
		name string
		v    int
	}{
		{"HoSoCoThanhPhanSoHoa", m.HoSoCoThanhPhanSoHoa},
		{"TaiKhoanDuocXacThucVoiVNeID", m.TaiKhoanDuocXacThucVoiVNeID},
		{"DuocThanhToanTrucTuyen", m.DuocThanhToanTrucTuyen},
	} {
		if f.v != 0 && f.v != 1 {
			return bad(f.name, "%d is not 0 or 1", f.v)
		}
	}
	received, err := ParseDate(m.NgayTiepNhan)
	if err != nil {
		return bad("NgayTiepNhan", "%q is not a date yyyyMMddHHmmss", m.NgayTiepNhan)
	}
	if m.NgayHenTra != "" {
		due, err := ParseDate(m.NgayHenTra)
		if err != nil {
			return bad("NgayHenTra", "%q is not a date yyyyMMddHHmmss", m.NgayHenTra)
		}
		if due.Before(received) {
			return bad("NgayHenTra", "appointment %s is before reception %s", m.NgayHenTra, m.NgayTiepNhan)
		}
	}
	if m.Email != "" {
		if _, err := mail.ParseAddress(m.Email); err != nil {
			return bad("Email", "%q is not an e-mail address", m.Email)
		}
	}
	for i, d := range m.DinhDanhCHS {
		if strings.TrimSpace(d.LoaiDinhDanh) == "" || strings.TrimSpace(d.SoDinhDanh) == "" {
			return bad(fmt.Sprintf("DinhDanhCHS[%d]", i), "kind and number are required")
		}
	}
	if len(m.TaiLieuNop) == 0 {
		return bad("TaiLieuNop", "the dossier has no files")
	}
	seen := make(map[string]bool, len(m.TaiLieuNop))
	for i, t := range m.TaiLieuNop {
		field := fmt.Sprintf("TaiLieuNop[%d]", i)
		if err := ValidFileName(t.TenTepDinhKem); err != nil {
			return bad(field+".TenTepDinhKem", "%v", err)
		}
		if seen[t.TenTepDinhKem] {
			return bad(field+".TenTepDinhKem", "%q appears twice", t.TenTepDinhKem)
		}
		seen[t.TenTepDinhKem] = true
		if strings.TrimSpace(t.MaThanhPhanHoSo) == "" {
			return bad(field+".MaThanhPhanHoSo", "is required")
		}
		if !validSHA256(t.SHA256) {
			return bad(field+".SHA256", "%q is not a lowercase hex SHA-256", t.SHA256)
		}
		if t.KichThuoc <= 0 {
			return bad(field+".KichThuoc", "size %d is not positive", t.KichThuoc)
		}
		if t.SoTrang < 0 {
			return bad(field+".SoTrang", "page count %d is negative", t.SoTrang)
		}
		for _, f := range []struct {
			name string
			v    int
		}{{"DuocSoHoa", t.DuocSoHoa}, {"DuocTaiSuDung", t.DuocTaiSuDung}, {"DuocLayTuKhoDMQG", t.DuocLayTuKhoDMQG}} {
			if f.v != 0 && f.v != 1 {
				return bad(field+"."+f.name, "%d is not 0 or 1", f.v)
			}
		}
	}
	for i, l := range m.DanhSachLePhi {
		if strings.TrimSpace(l.TenPhiLePhi) == "" {
			return bad(fmt.Sprintf("DanhSachLePhi[%d].TenPhiLePhi", i), "is required")
		}
		if l.Gia < 0 {
			return bad(fmt.Sprintf("DanhSachLePhi[%d].Gia", i), "fee %d is negative", l.Gia)
		}
	}
	return nil
}

// File returns the manifest's entry for the named file.
func (m Manifest) File(name string) (TaiLieu, bool) {
	for _, t := range m.TaiLieuNop {
		if t.TenTepDinhKem == name {
			return t, true
		}
	}
	return TaiLieu{}, false
}

// ValidFileName reports whether name is safe as a stored file name: a plain base name, valid UTF-8,
// no separators, control characters or dot names, at most 255 bytes.
func ValidFileName(name string) error {
	switch {
	case name == "" || name == "." || name == "..":
		return fmt.Errorf("file name %q is empty or a dot name", name)
	case len(name) > 255:
		return fmt.Errorf("file name is longer than 255 bytes")
	case !utf8.ValidString(name):
		return fmt.Errorf("file name is not valid UTF-8")
	case strings.ContainsAny(name, `/\:`) || path.Base(name) != name:
		return fmt.Errorf("file name %q contains a path separator", name)
	case strings.ContainsFunc(name, unicode.IsControl):
		return fmt.Errorf("file name %q contains a control character", name)
	}
	return nil
}

func validSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// isHex64 reports whether s is 64 lowercase hex digits.
func isHex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
