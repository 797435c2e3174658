// Tests of manifest validation and error classification.

package portal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
)

func validManifest() Manifest {
	return Manifest{
		SchemaVersion: ManifestSchemaVersion, MaHoSo: "H47-251120-0001", MaTTHC: "1.001193", TenTTHC: "Đăng ký khai sinh",
		KenhThucHien: 2, ChuHoSo: "Trần Thị Bình", LoaiDoiTuong: 1, SoGiayToChuHoSo: "049195000123",
		NgayTiepNhan: "20251120093000", NgayHenTra: "20251121093000", TrangThaiHoSo: 1,
		TaiLieuNop: []TaiLieu{{TenTepDinhKem: "to-khai.pdf", MaThanhPhanHoSo: "TP1", KichThuoc: 10, SHA256: strings.Repeat("ab", 32)}},
	}
}

func TestManifestValidate(t *testing.T) {
	if err := validManifest().Validate(); err != nil {
		t.Fatalf("valid manifest: %v", err)
	}
	bad := map[string]func(*Manifest){
		"SchemaVersion":                 func(m *Manifest) { m.SchemaVersion = 2 },
		"MaHoSo":                        func(m *Manifest) { m.MaHoSo = " " },
		"SoGiayToChuHoSo":               func(m *Manifest) { m.SoGiayToChuHoSo = "049 195" },
		"KenhThucHien":                  func(m *Manifest) { m.KenhThucHien = 9 },
		"TrangThaiHoSo":                 func(m *Manifest) { m.TrangThaiHoSo = 0 },
		"NgayTiepNhan":                  func(m *Manifest) { m.NgayTiepNhan = "2025-11-20" },
		"NgayHenTra":                    func(m *Manifest) { m.NgayHenTra = "20251119000000" },
		"NgayHenTra ":                   func(m *Manifest) { m.NgayHenTra = "20251340000000" },
		"Email":                         func(m *Manifest) { m.Email = "not an address" },
		"HoSoCoThanhPhanSoHoa":          func(m *Manifest) { m.HoSoCoThanhPhanSoHoa = 2 },
		"DinhDanhCHS[0]":                func(m *Manifest) { m.DinhDanhCHS = []DinhDanh{{LoaiDinhDanh: "CCCD"}} },
		"TaiLieuNop":                    func(m *Manifest) { m.TaiLieuNop = nil },
		"TaiLieuNop[0].TenTepDinhKem":   func(m *Manifest) { m.TaiLieuNop[0].TenTepDinhKem = "../../portal.db" },
		"TaiLieuNop[0].TenTepDinhKem ":  func(m *Manifest) { m.TaiLieuNop[0].TenTepDinhKem = "a\x00.pdf" },
		"TaiLieuNop[0].TenTepDinhKem  ": func(m *Manifest) { m.TaiLieuNop[0].TenTepDinhKem = `C:\x.pdf` },
		"TaiLieuNop[1].TenTepDinhKem":   func(m *Manifest) { m.TaiLieuNop = append(m.TaiLieuNop, m.TaiLieuNop[0]) },
		"TaiLieuNop[0].SHA256":          func(m *Manifest) { m.TaiLieuNop[0].SHA256 = strings.Repeat("AB", 32) },
		"TaiLieuNop[0].KichThuoc":       func(m *Manifest) { m.TaiLieuNop[0].KichThuoc = 0 },
		"TaiLieuNop[0].MaThanhPhanHoSo": func(m *Manifest) { m.TaiLieuNop[0].MaThanhPhanHoSo = "" },
		"TaiLieuNop[0].DuocSoHoa":       func(m *Manifest) { m.TaiLieuNop[0].DuocSoHoa = -1 },
		"DanhSachLePhi[0].Gia":          func(m *Manifest) { m.DanhSachLePhi = []LePhi{{TenPhiLePhi: "x", Gia: -5}} },
	}
	for field, mutate := range bad {
		m := validManifest()
		m.TaiLieuNop = append([]TaiLieu(nil), m.TaiLieuNop...)
		mutate(&m)
		err := m.Validate()
		if !errors.Is(err, ErrInvalidManifest) || Classify(err) != Permanent {
			t.Errorf("%s: err = %v", field, err)
			continue
		}
		if !strings.Contains(err.Error(), strings.TrimSpace(field)) {
			t.Errorf("%s: message does not name the field: %v", field, err)
		}
	}
}

func TestManifestJSONUsesDVCQGNames(t *testing.T) {
	b, err := json.Marshal(validManifest())
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{`"MaHoSo":`, `"SoGiayToChuHoSo":`, `"TaiKhoanDuocXacThucVoiVNeID":`, `"TaiLieuNop":[{"TepDinhKemId":`, `"KichThuoc":10`, `"DaoTao":false`} {
		if !strings.Contains(string(b), name) {
			t.Errorf("JSON lacks %s: %s", name, b)
		}
	}
	var back Manifest
	if err := json.Unmarshal(b, &back); err != nil || back.SoGiayToChuHoSo != "049195000123" || back.TaiLieuNop[0].SHA256 != strings.Repeat("ab", 32) {
		t.Fatalf("round trip: %+v, %v", back, err)
	}
}

func TestClassify(t *testing.T) {
	opErr := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	cases := []struct {
		err  error
		want Class
	}{
		{nil, ""},
		{opErr, Transient},
		{fmt.Errorf("wrapped: %w", context.DeadlineExceeded), Transient},
		{&Error{Class: classForStatus(500), HTTPStatus: 500}, Transient},
		{&Error{Class: classForStatus(503), HTTPStatus: 503}, Transient},
		{&Error{Class: classForStatus(429), HTTPStatus: 429}, Transient},
		{&Error{Class: classForStatus(401), HTTPStatus: 401}, NeedsUser},
		{&Error{Class: classForStatus(403), HTTPStatus: 403}, Permanent},
		{&Error{Class: classForStatus(413), HTTPStatus: 413}, Permanent},
		{&Error{Class: classForStatus(422), HTTPStatus: 422}, Permanent},
		{fmt.Errorf("upload: %w", ErrAuthTimeout), NeedsUser},
		{errors.New("something else"), Permanent},
	}
	for _, c := range cases {
		if got := Classify(c.err); got != c.want {
			t.Errorf("Classify(%v) = %v, want %v", c.err, got, c.want)
		}
	}
	if !errors.Is(&Error{Code: CodeNotOwner, Message: "detail"}, ErrNotOwner) || errors.Is(&Error{Code: CodeNotOwner}, ErrHashMismatch) {
		t.Error("errors.Is does not match on Code")
	}
}
