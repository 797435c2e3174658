// The machine-readable text carried by the receipt's QR code (Circular 01/2023/TT-VPCP fields).

package receipt

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"sohoa/dossier/workdays"
	"sohoa/errs"
)

// QRHeader is the first line of every receipt QR payload; the trailing number is the format version.
const QRHeader = "SOHOA-GTN/1"

// Title is the receipt's document title, printed and carried in the QR code.
const Title = "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"

// qrTime is the time layout of the payload: the national portal's yyyyMMddHHmmss, Asia/Ho_Chi_Minh.
const qrTime = "20060102150405"

// Payload keys, in the order QRPayload writes them.
const (
	keyDossier     = "ma_ho_so"      // dossier code (Mã hồ sơ)
	keyProcedure   = "ma_tthc"       // procedure (TTHC) code
	keyApplicant   = "dinh_danh"     // applicant identifier (số định danh / CMND)
	keyTitle       = "tieu_de"       // document title
	keySystem      = "he_thong"      // issuing system name
	keyIssued      = "thoi_gian_cap" // issue time, yyyyMMddHHmmss
	keyAppointment = "ngay_hen_tra"  // appointment, yyyyMMddHHmmss
	keyPortal      = "ma_cong"       // optional: the portal's dossier code
	keyTraining    = "dao_tao"       // optional: "1" on a training receipt
)

// ErrQRPayload is wrapped by ParseQRPayload for text that is not a receipt QR payload.
var ErrQRPayload = errs.New("error.receipt.qr", errs.NeedsOfficer, "receipt: not a sohoa receipt QR code")

// QRData is what a receipt's QR code carries.
type QRData struct {
	DossierCode   string
	ProcedureCode string
	ApplicantID   string
	Title         string
	System        string
	IssuedAt      time.Time
	AppointmentAt time.Time
	PortalCode    string // empty when absent
	Training      bool
}

// QRPayload returns the text encoded in the receipt's QR code. Format (UTF-8, lines
// separated by "\n", no trailing newline):
//
//	SOHOA-GTN/1
//	ma_ho_so=<dossier code>
//	ma_tthc=<procedure code>
//	dinh_danh=<applicant ID>
//	tieu_de=Giấy tiếp nhận hồ sơ và hẹn trả kết quả
//	he_thong=<issuing system>
//	thoi_gian_cap=<yyyyMMddHHmmss>      issue time (IssuedAt, or ReceivedAt when unset)
//	ngay_hen_tra=<yyyyMMddHHmmss>       appointment
//	ma_cong=<portal dossier code>       only when set
//	dao_tao=1                           only in training
//
// Times are Asia/Ho_Chi_Minh. Line breaks inside values are replaced by spaces.
// Readers must ignore keys they do not know.
func QRPayload(d Data) string {
	loc := workdays.Location()
	issued := d.IssuedAt
	if issued.IsZero() {
		issued = d.ReceivedAt
	}
	var b strings.Builder
	b.WriteString(QRHeader)
	kv := func(k, v string) {
		b.WriteString("\n" + k + "=" + oneLine(v))
	}
	kv(keyDossier, d.DossierCode)
	kv(keyProcedure, d.ProcedureCode)
	kv(keyApplicant, d.ApplicantID)
	kv(keyTitle, Title)
	kv(keySystem, d.IssuingSystem)
	kv(keyIssued, issued.In(loc).Format(qrTime))
	kv(keyAppointment, d.AppointmentAt.In(loc).Format(qrTime))
	if d.PortalCode != "" {
		kv(keyPortal, d.PortalCode)
	}
	if d.Training {
		kv(keyTraining, "1")
	}
	return b.String()
}

// ParseQRPayload reads the text of a receipt QR code written by QRPayload.
// The header, dossier code, procedure code, title, issue time and appointment are
// required; a key given twice or a malformed time is an error; unknown keys are ignored.
func ParseQRPayload(s string) (QRData, error) {
	lines := strings.Split(strings.ReplaceAll(strings.TrimSpace(s), "\r\n", "\n"), "\n")
	if len(lines) == 0 || lines[0] != QRHeader {
		return QRData{}, fmt.Errorf("%w: the first line is not %s", ErrQRPayload, QRHeader)
	}
	kv := map[string]string{}
	for _, l := range lines[1:] {
		k, v, ok := strings.Cut(l, "=")
		if !ok || k == "" {
			return QRData{}, fmt.Errorf("%w: line %q is not key=value", ErrQRPayload, l)
		}
		if _, dup := kv[k]; dup {
			return QRData{}, fmt.Errorf("%w: key %s appears twice", ErrQRPayload, k)
		}
		kv[k] = v
	}
	for _, k := range []string{keyDossier, keyProcedure, keyTitle, keyIssued, keyAppointment} {
		if kv[k] == "" {
			return QRData{}, fmt.Errorf("%w: %s is missing", ErrQRPayload, k)
		}
	}
	loc := workdays.Location()
	issued, err := time.ParseInLocation(qrTime, kv[keyIssued], loc)
	if err != nil {
		return QRData{}, fmt.Errorf("%w: %s: %w", ErrQRPayload, keyIssued, err)
	}
	appt, err := time.ParseInLocation(qrTime, kv[keyAppointment], loc)
	if err != nil {
		return QRData{}, fmt.Errorf("%w: %s: %w", ErrQRPayload, keyAppointment, err)
	}
	return QRData{
		DossierCode:   kv[keyDossier],
		ProcedureCode: kv[keyProcedure],
		ApplicantID:   kv[keyApplicant],
		Title:         kv[keyTitle],
		System:        kv[keySystem],
		IssuedAt:      issued,
		AppointmentAt: appt,
		PortalCode:    kv[keyPortal],
		Training:      kv[keyTraining] == "1",
	}, nil
}

// oneLine collapses white space (line breaks included) to single spaces and drops
// other control characters and invalid UTF-8, so hostile text cannot break a layout or a payload.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return ' '
		case unicode.IsControl(r), r == utf8.RuneError:
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
	return strings.Join(strings.Fields(s), " ")
}
