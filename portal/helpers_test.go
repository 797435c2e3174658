// Test fixtures: a reference portal on loopback, training logins, files and submissions from shared test data.

package portal_test

import (
	"sohoa/internal/testdata"

	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sohoa/portal"
	"sohoa/portal/refportal"
)

// sharedTestdata is the project's testdata/ folder.
func sharedTestdata(t testing.TB) string {
	t.Helper()
	return testdata.Dir(t)
}

func readShared(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(sharedTestdata(t), "signed-pdfs", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// startPortal starts a reference portal on a free loopback port; it is closed when the test ends.
func startPortal(t testing.TB, dir string, mod func(*refportal.Config)) (*refportal.Server, string) {
	t.Helper()
	cfg := refportal.Config{DataDir: dir, Prefix: "000.00.00.H47"}
	if mod != nil {
		mod(&cfg)
	}
	srv, err := refportal.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	base, err := srv.Start(context.Background())
	if err != nil {
		srv.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv, base
}

func binh() refportal.Citizen { return refportal.TrainingCitizens()[0] }
func an() refportal.Citizen   { return refportal.TrainingCitizens()[1] }

func login(t testing.TB, base string, c refportal.Citizen) portal.Token {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tok, err := portal.TrainingLogin(ctx, base, c.ID, c.Password)
	if err != nil {
		t.Fatalf("TrainingLogin(%s): %v", c.ID, err)
	}
	return tok
}

type nopSeekCloser struct{ *bytes.Reader }

func (nopSeekCloser) Close() error { return nil }

// memFile is a File over bytes held in memory.
func memFile(name, component string, data []byte) portal.File {
	sum := sha256.Sum256(data)
	return portal.File{Name: name, Component: component, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data)),
		Open: func() (io.ReadSeekCloser, error) { return nopSeekCloser{bytes.NewReader(data)}, nil }}
}

// submission builds a valid submission owned by c with the given files.
func submission(key string, c refportal.Citizen, files ...portal.File) portal.Submission {
	now := time.Date(2025, 11, 20, 9, 30, 0, 0, portal.VietnamTime)
	m := portal.Manifest{
		SchemaVersion: portal.ManifestSchemaVersion, MaHoSo: "000.00.00.H47-251120-0001", MaTTHC: "1.001193",
		TenTTHC: "Đăng ký khai sinh", MaLinhVuc: "HT", TenLinhVuc: "Hộ tịch", KenhThucHien: 2, ChuHoSo: c.Name,
		LoaiDoiTuong: 1, SoGiayToChuHoSo: c.ID, DiaChiChuHoSo: c.Address, SoDienThoai: "0905123456",
		Email: "binh@example.vn", TrichYeuHoSo: "Đăng ký khai sinh cho con", NgayTiepNhan: portal.FormatDate(now),
		NgayHenTra: portal.FormatDate(now.Add(24 * time.Hour)), TrangThaiHoSo: 1, HoSoCoThanhPhanSoHoa: 1,
		TaiKhoanDuocXacThucVoiVNeID: 1, NoiNopHoSo: "UBND xã Tam Xuân", DonViXuLy: "000.00.00.H47",
		CanBoTiepNhan: "Phạm Thị Dung", DaoTao: true,
		DinhDanhCHS:   []portal.DinhDanh{{LoaiDinhDanh: "CCCD", SoDinhDanh: c.ID}},
		DanhSachLePhi: []portal.LePhi{{TenPhiLePhi: "Lệ phí đăng ký khai sinh", MaPhiLePhi: "LP01", HinhThucThu: 1, Gia: 0, LoaiPhiLePhi: 1}},
	}
	for _, f := range files {
		m.TaiLieuNop = append(m.TaiLieuNop, portal.TaiLieu{TenTepDinhKem: f.Name, MaThanhPhanHoSo: f.Component,
			TenThanhPhanHoSo: "Thành phần " + f.Component, DuocSoHoa: 1, SoTrang: 1, KichThuoc: f.Size, SHA256: f.SHA256})
	}
	return portal.Submission{IdemKey: key, Manifest: m, Files: files}
}

// pdfsigVerify is a VerifyPDF that asks poppler's pdfsig whether every signature's digest is intact.
func pdfsigVerify(name string, pdf []byte) error {
	dir, err := os.MkdirTemp("", "pdfsig-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	p := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(p, pdf, 0o600); err != nil {
		return err
	}
	out, _ := exec.Command("pdfsig", "-nocert", p).CombinedOutput()
	s := string(out)
	if !strings.Contains(s, "Signature is Valid") || strings.Contains(s, "Digest Mismatch") || strings.Contains(s, "Invalid") {
		return &sigError{name: name, out: s}
	}
	return nil
}

type sigError struct{ name, out string }

func (e *sigError) Error() string { return e.name + ": pdfsig: " + strings.TrimSpace(e.out) }
