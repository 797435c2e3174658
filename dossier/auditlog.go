// The audit log of a period for an inspection (directive 3.1.c): a CSV that reads back row for row,
// and a PDF (embedded DejaVu for the Vietnamese text) signed like a dossier component.

package dossier

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/go-pdf/fpdf"

	"sohoa/assets"
	"sohoa/signing"
)

// AuditExportReason is written into the signature of an exported audit log.
const AuditExportReason = "Trích xuất nhật ký hoạt động của bàn tiếp nhận phục vụ thanh tra, kiểm tra"

// auditCSVHeader names the CSV columns.
var auditCSVHeader = []string{"id", "at", "actor", "action", "dossier", "detail", "prev_hash", "mac"}

// WriteAuditCSV writes rows as UTF-8 CSV (with a byte-order mark, so spreadsheets read the
// diacritics) with one header line; times are RFC 3339 UTC with nanoseconds.
func WriteAuditCSV(w io.Writer, rows []AuditRow) error {
	if _, err := w.Write([]byte("\uFEFF")); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(auditCSVHeader); err != nil {
		return err
	}
	for _, r := range rows {
		rec := []string{strconv.FormatInt(r.ID, 10), r.At.UTC().Format(time.RFC3339Nano), r.Actor, r.Action, r.Dossier, string(r.Detail), r.PrevHash, r.MAC}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// ReadAuditCSV reads what WriteAuditCSV wrote.
func ReadAuditCSV(r io.Reader) ([]AuditRow, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\uFEFF"))))
	cr.FieldsPerRecord = len(auditCSVHeader)
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("audit CSV: %w", err)
	}
	if len(recs) == 0 || fmt.Sprint(recs[0]) != fmt.Sprint(auditCSVHeader) {
		return nil, errors.New("audit CSV: the header line is not " + fmt.Sprint(auditCSVHeader))
	}
	var out []AuditRow
	for i, rec := range recs[1:] {
		id, err := strconv.ParseInt(rec[0], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("audit CSV line %d: id: %w", i+2, err)
		}
		at, err := time.Parse(time.RFC3339Nano, rec[1])
		if err != nil {
			return nil, fmt.Errorf("audit CSV line %d: at: %w", i+2, err)
		}
		out = append(out, AuditRow{ID: id, At: at, Actor: rec[2], Action: rec[3], Dossier: rec[4], Detail: json.RawMessage(rec[5]), PrevHash: rec[6], MAC: rec[7]})
	}
	return out, nil
}

// AuditPDF lays out the audit rows of [from, to) with the chain's state and signs the PDF with
// ident like a component (same reason layout, location, contact, timestamp and pre-sign checks).
func (d *auditSvc) AuditPDF(ctx context.Context, from, to time.Time, ident signing.Identity, opt SignOptions) ([]byte, error) {
	rows, err := d.AuditRows(ctx, from, to)
	if err != nil {
		return nil, err
	}
	check, verr := d.VerifyAudit(ctx, nil)
	if verr != nil && !errors.Is(verr, ErrAuditBroken) {
		return nil, verr
	}
	unit, err := d.Unit(ctx)
	if err != nil {
		return nil, err
	}
	signer := d.cfg.Officer
	if signer == "" {
		signer = ident.Certificate().Subject.CommonName
	}
	now := d.now()
	training := d.cfg.Training || unit.Training
	pdf, err := auditPDF(rows, auditPDFHeader{Unit: unit.Name, From: from, To: to, Now: now, Signer: signer, Check: check, Training: training})
	if err != nil {
		return nil, err
	}
	app := signing.Appearance{SignerName: signer, Unit: unit.Name, ScanTime: now.In(Location), Training: training}
	sopt := signing.Options{Reason: AuditExportReason, Location: unit.Name, Contact: firstPhone(unit), TSAURL: opt.TSAURL, Roots: opt.Roots, Now: now,
		Revocation: signing.RevocationOptions{Offline: opt.Offline || training}}
	res, err := signing.SignDetailed(ctx, pdf, ident, app, sopt)
	if err != nil {
		return nil, fmt.Errorf("sign the audit log: %w", err)
	}
	detail := map[string]any{"from": from, "to": to, "rows": len(rows), "format": "pdf", "chain_ok": check.OK}
	if err := d.audit(ctx, "audit.exported", "", detail); err != nil {
		return nil, err
	}
	return res.PDF, nil
}

// AuditCSV writes the audit rows of [from, to) as CSV and records the export.
func (d *auditSvc) AuditCSV(ctx context.Context, from, to time.Time, w io.Writer) (int, error) {
	rows, err := d.AuditRows(ctx, from, to)
	if err != nil {
		return 0, err
	}
	if err := WriteAuditCSV(w, rows); err != nil {
		return 0, fmt.Errorf("write the audit CSV: %w", err)
	}
	return len(rows), d.audit(ctx, "audit.exported", "", map[string]any{"from": from, "to": to, "rows": len(rows), "format": "csv"})
}

type auditPDFHeader struct {
	Unit          string
	From, To, Now time.Time
	Signer        string
	Check         AuditCheck
	Training      bool
}

const auditFont = "DejaVu"

// auditPDF lays the rows out on A4 landscape pages.
func auditPDF(rows []AuditRow, h auditPDFHeader) ([]byte, error) {
	pdf := fpdf.New("L", "mm", "A4", "")
	pdf.SetMargins(10, 10, 10)
	pdf.SetAutoPageBreak(true, 12)
	pdf.AddUTF8FontFromBytes(auditFont, "", assets.Font(false))
	pdf.AddUTF8FontFromBytes(auditFont, "B", assets.Font(true))
	title := "NHẬT KÝ HOẠT ĐỘNG CỦA BÀN TIẾP NHẬN"
	pdf.SetTitle(title, true)
	pdf.SetSubject(h.Unit, true)
	pdf.SetCreator("sohoa", true)
	pdf.SetCreationDate(h.Now)
	pdf.SetModificationDate(h.Now)
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-10)
		pdf.SetFont(auditFont, "", 7)
		pdf.CellFormat(0, 4, fmt.Sprintf("%s — %s — trang %d/{nb}", title, h.Unit, pdf.PageNo()), "", 0, "C", false, 0, "")
	})
	pdf.AddPage()
	// The visible signature goes top-left of page 1 (as on a component): the text starts below it.
	pdf.SetY(signing.AppearanceMarginMM + signing.AppearanceHeightMM + 14)
	pdf.SetFont(auditFont, "B", 13)
	pdf.CellFormat(0, 7, title, "", 1, "C", false, 0, "")
	pdf.SetFont(auditFont, "", 9)
	day := func(t time.Time, open string) string {
		if t.IsZero() {
			return open
		}
		return t.In(Location).Format("02/01/2006 15:04")
	}
	lines := []string{
		"Đơn vị: " + h.Unit,
		fmt.Sprintf("Khoảng thời gian: từ %s đến %s — %d dòng", day(h.From, "đầu nhật ký"), day(h.To, "nay"), len(rows)),
		fmt.Sprintf("Trích xuất lúc %s, người trích xuất: %s", h.Now.In(Location).Format("02/01/2006 15:04:05"), h.Signer),
	}
	if h.Check.OK {
		lines = append(lines, fmt.Sprintf("Kiểm tra chuỗi nhật ký: toàn vẹn đến dòng %d (mã xác thực %s)", h.Check.Head.ID, h.Check.Head.MAC))
	} else {
		lines = append(lines, fmt.Sprintf("Kiểm tra chuỗi nhật ký: KHÔNG toàn vẹn — dòng %d đầu tiên sai (%s)", h.Check.BadRow, h.Check.Reason))
	}
	if h.Training {
		lines = append(lines, "Bàn đào tạo: nhật ký này không có giá trị pháp lý.")
	}
	for _, l := range lines {
		pdf.MultiCell(0, 5, l, "", "L", false)
	}
	pdf.Ln(2)
	cols := []struct {
		name string
		w    float64
	}{{"STT", 14}, {"Thời điểm", 32}, {"Người thực hiện", 38}, {"Hành động", 40}, {"Hồ sơ", 38}, {"Chi tiết", 88}, {"Mã xác thực", 27}}
	header := func() {
		pdf.SetFont(auditFont, "B", 8)
		pdf.SetFillColor(230, 230, 230)
		for _, c := range cols {
			pdf.CellFormat(c.w, 6, c.name, "1", 0, "C", true, 0, "")
		}
		pdf.Ln(-1)
		pdf.SetFont(auditFont, "", 7.5)
	}
	header()
	const lh = 3.6
	for _, r := range rows {
		cells := []string{strconv.FormatInt(r.ID, 10), r.At.In(Location).Format("02/01/2006 15:04:05"), r.Actor, r.Action, r.Dossier, string(r.Detail), r.MAC[:min(16, len(r.MAC))]}
		var split [][]string
		n := 1
		for i, c := range cells {
			parts := pdf.SplitText(c, cols[i].w-1.5)
			if len(parts) == 0 {
				parts = []string{""}
			}
			split = append(split, parts)
			n = max(n, len(parts))
		}
		hgt := float64(n)*lh + 1
		if pdf.GetY()+hgt > 210-14 {
			pdf.AddPage()
			header()
		}
		x, y := pdf.GetXY()
		for i, parts := range split {
			pdf.Rect(x, y, cols[i].w, hgt, "D")
			for j, p := range parts {
				pdf.SetXY(x+0.75, y+0.5+float64(j)*lh)
				pdf.CellFormat(cols[i].w-1.5, lh, p, "", 0, "L", false, 0, "")
			}
			x += cols[i].w
		}
		pdf.SetXY(10, y+hgt)
	}
	if err := pdf.Error(); err != nil {
		return nil, fmt.Errorf("audit log: build PDF: %w", err)
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("audit log: write PDF: %w", err)
	}
	return buf.Bytes(), nil
}
