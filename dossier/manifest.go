// The dossier manifest: the national portal's dossier fields plus the SHA-256 of every submitted file.

package dossier

import (
	"context"
	"time"

	"sohoa/portal"
	"sohoa/storage"
)

// ManifestVersion is the version of the manifest layout this desk writes.
const ManifestVersion = 1

// portalTime formats a time as the portal's yyyyMMddHHmmss in Asia/Ho_Chi_Minh.
func portalTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Location).Format("20060102150405")
}

// Manifest builds the submission manifest of a signed dossier from its stored state.
func (d *core) Manifest(ctx context.Context, id string) (portal.Manifest, error) {
	v, err := d.Dossier(ctx, id)
	if err != nil {
		return portal.Manifest{}, err
	}
	unit, err := d.Unit(ctx)
	if err != nil {
		return portal.Manifest{}, err
	}
	m := manifestOf(v, unit)
	return m, d.withAuditHead(ctx, &m)
}

// withAuditHead puts the audit log's newest row (id and MAC) in the manifest as ChuoiNhatKy.
func (d *core) withAuditHead(ctx context.Context, m *portal.Manifest) error {
	head, err := d.db.AuditTrail().Head(ctx)
	if err != nil {
		return err
	}
	if head.ID > 0 {
		m.ChuoiNhatKy = &portal.AuditHead{ID: head.ID, MAC: head.MAC}
	}
	return nil
}

// manifestOf builds the manifest of a dossier view (read in the step's transaction), without the audit head.
func manifestOf(v View, unit storage.Unit) portal.Manifest {
	a := v.Record.Applicant
	m := portal.Manifest{
		SchemaVersion:         ManifestVersion,
		MaHoSo:                v.ID,
		MaTTHC:                v.ProcedureCode,
		TenTTHC:               v.Record.ProcedureName,
		MaLinhVuc:             v.Procedure.FieldCode,
		TenLinhVuc:            v.Record.FieldName,
		KenhThucHien:          v.Channel,
		ChuHoSo:               a.Name,
		LoaiDoiTuong:          1, // a citizen
		SoGiayToChuHoSo:       a.ID,
		DiaChiChuHoSo:         a.Address,
		SoDienThoai:           a.Phone,
		Email:                 a.Email,
		TrichYeuHoSo:          v.Record.ProcedureName + " — " + a.Name,
		NgayTiepNhan:          portalTime(v.ReceivedAt),
		NgayHenTra:            portalTime(v.AppointmentAt),
		TrangThaiHoSo:         1,
		HoSoCoThanhPhanSoHoa:  1,
		NoiNopHoSo:            unit.Name,
		DonViXuLy:             unit.Name,
		CanBoTiepNhan:         v.Record.Signer,
		ChucDanhCanBoTiepNhan: v.Record.OfficerRole,
		DaoTao:                v.Training,
		DinhDanhCHS:           []portal.DinhDanh{{LoaiDinhDanh: "CCCD", SoDinhDanh: a.ID}},
	}
	if v.Record.ByPost {
		m.DiaChiNhanKetQuaBuuChinh = v.Record.PostAddress
	}
	if v.Record.VNeID {
		m.TaiKhoanDuocXacThucVoiVNeID = 1
	}
	for _, f := range FeeLines(v) { // with quantities: 3 pages at 2,000/1,000 đ is 5,000 đ, not one page's rate
		m.DanhSachLePhi = append(m.DanhSachLePhi, portal.LePhi{TenPhiLePhi: f.Name, MaPhiLePhi: f.Code, HinhThucThu: 1, Gia: f.Amount, LoaiPhiLePhi: 1})
	}
	for _, c := range v.Components {
		for _, f := range c.Files {
			if f.Role != RoleSigned {
				continue
			}
			m.TaiLieuNop = append(m.TaiLieuNop, portal.TaiLieu{
				TepDinhKemId: f.Blob[:16], TenTepDinhKem: f.Name, MaThanhPhanHoSo: c.Code, TenThanhPhanHoSo: c.Name,
				DuocSoHoa: 1, SoTrang: f.Pages, KichThuoc: f.Size, SHA256: f.Blob,
			})
		}
	}
	return m
}
