// After the commit: per-dossier status tokens, the trainer moving a dossier through the national statuses
// 1–10, the payment request of a dossier with fees and its simulated payment (trainer page, pay page,
// and SetStatus / MarkPaid for `sohoa portal set-status` and `sohoa portal pay`).

package refportal

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"sohoa/errs"
	"sohoa/portal"
)

// progressSchema holds what happens after the commit: the result time (NgayKetThucXuLy) of dossiers the
// trainer moved to 9 or 10, and the payment requests.
const progressSchema = `
CREATE TABLE IF NOT EXISTS results (
	portal_code TEXT PRIMARY KEY REFERENCES dossiers (portal_code),
	result_at   TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS payments (
	portal_code TEXT PRIMARY KEY REFERENCES dossiers (portal_code),
	amount      INTEGER NOT NULL,
	reference   TEXT NOT NULL UNIQUE,
	paid_at     TEXT NOT NULL DEFAULT ''
);`

// Errors of SetStatus and MarkPaid.
var (
	// ErrNoDossier means the portal holds no dossier with that code.
	ErrNoDossier = errs.New("error.refportal.no_dossier", errs.NeedsOfficer, "refportal: no dossier with this portal code; list them with `sohoa portal dossiers`")
	// ErrBadStatus means the status is not a national status code 1–10.
	ErrBadStatus = errs.New("error.refportal.bad_status", errs.NeedsOfficer, "refportal: the status must be a national status code from 1 to 10")
	// ErrNoPayment means the dossier has no payment request (its procedure has no fee).
	ErrNoPayment = errs.New("error.refportal.no_payment", errs.Permanent, "refportal: this dossier has no payment request (its fees are 0)")
)

// SetStatus moves a dossier stored in a portal data dir to a national status (1–10), as a trainer would.
// Moving to 9 (processed) or 10 (returned) from another status records now as NgayKetThucXuLy; moving
// back below clears it. It works while the portal runs.
func SetStatus(ctx context.Context, dataDir, portalCode string, status int) error {
	db, err := openDataDB(ctx, dataDir)
	if err != nil {
		return err
	}
	defer db.Close()
	return setStatus(ctx, db, portalCode, status, time.Now())
}

// MarkPaid records the payment of a dossier's payment request, as the payment gateway would.
// Paying twice keeps the first payment time.
func MarkPaid(ctx context.Context, dataDir, portalCode string) error {
	db, err := openDataDB(ctx, dataDir)
	if err != nil {
		return err
	}
	defer db.Close()
	return markPaid(ctx, db, portalCode, time.Now())
}

func openDataDB(ctx context.Context, dataDir string) (*sql.DB, error) {
	path := filepath.Join(dataDir, dbFile)
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("no reference portal data in %s: %w", dataDir, err)
	}
	return openDB(ctx, path, false)
}

func setStatus(ctx context.Context, db *sql.DB, code string, status int, now time.Time) error {
	if status < 1 || status > 10 {
		return fmt.Errorf("%w (got %d)", ErrBadStatus, status)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var cur int
	err = tx.QueryRowContext(ctx, `SELECT status FROM dossiers WHERE portal_code = ?`, code).Scan(&cur)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %q", ErrNoDossier, code)
	}
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE dossiers SET status = ? WHERE portal_code = ?`, status, code); err != nil {
		return err
	}
	done := func(s int) bool { return s == portal.StatusProcessed || s == portal.StatusReturned }
	switch {
	case done(status) && !done(cur):
		_, err = tx.ExecContext(ctx, `INSERT OR REPLACE INTO results (portal_code, result_at) VALUES (?, ?)`,
			code, now.In(portal.VietnamTime).Format(time.RFC3339Nano))
	case !done(status):
		_, err = tx.ExecContext(ctx, `DELETE FROM results WHERE portal_code = ?`, code)
	}
	if err != nil {
		return err
	}
	return tx.Commit()
}

func markPaid(ctx context.Context, db *sql.DB, code string, now time.Time) error {
	res, err := db.ExecContext(ctx, `UPDATE payments SET paid_at = ? WHERE portal_code = ? AND paid_at = ''`,
		now.In(portal.VietnamTime).Format(time.RFC3339Nano), code)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return err
	}
	var exists bool
	if err := db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM payments WHERE portal_code = ?)`, code).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil // already paid
	}
	if err := db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM dossiers WHERE portal_code = ?)`, code).Scan(&exists); err != nil {
		return err
	}
	if !exists {
		return fmt.Errorf("%w: %q", ErrNoDossier, code)
	}
	return fmt.Errorf("%w: %q", ErrNoPayment, code)
}

// feeTotal is what a manifest's fee rows add up to (VND); negative amounts count as 0.
func feeTotal(m portal.Manifest) int64 {
	var sum int64
	for _, f := range m.DanhSachLePhi {
		sum += max(f.Gia, 0)
	}
	return sum
}

// paymentReference is the payment reference of a dossier: "TT-" and its portal code.
func paymentReference(code string) string { return "TT-" + code }

// statusToken is the per-dossier read-only status token: an HMAC of the portal code under the portal's
// secret, so the portal stores nothing and can give the same token again on a replay or lookup.
func (s *Server) statusToken(code string) string {
	return s.mac("status:" + code)
}

func (s *Server) mac(msg string) string {
	h := hmac.New(sha256.New, s.secret[:])
	h.Write([]byte(msg))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}

// enrich adds the status token (when withToken), the result time and the payment request to a receipt.
func (s *Server) enrich(ctx context.Context, r *http.Request, rb *portal.ReceiptBody, withToken bool) error {
	if withToken {
		rb.StatusToken = s.statusToken(rb.PortalCode)
	}
	var at string
	err := s.db.QueryRowContext(ctx, `SELECT result_at FROM results WHERE portal_code = ?`, rb.PortalCode).Scan(&at)
	switch {
	case err == nil:
		if rb.ResultAt, err = time.Parse(time.RFC3339Nano, at); err != nil {
			return fmt.Errorf("dossier %s: bad result_at %q: %w", rb.PortalCode, at, err)
		}
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	var p portal.PaymentBody
	var paid string
	err = s.db.QueryRowContext(ctx, `SELECT amount, reference, paid_at FROM payments WHERE portal_code = ?`, rb.PortalCode).Scan(&p.Amount, &p.Reference, &paid)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return err
	}
	if paid != "" {
		p.Paid = true
		if p.PaidAt, err = time.Parse(time.RFC3339Nano, paid); err != nil {
			return fmt.Errorf("dossier %s: bad paid_at %q: %w", rb.PortalCode, paid, err)
		}
	}
	p.URL = s.provider.IssuerFromRequest(r) + "/pay/" + url.PathEscape(p.Reference)
	p.QR = p.URL
	rb.Payment = &p
	return nil
}

// trackStatus is GET /api/v1/dossiers/{code}/status with the dossier's status token as the bearer token.
// An unknown code and a wrong token get the same 404.
func (s *Server) trackStatus(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	raw, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !constantTimeEqual(strings.TrimSpace(raw), s.statusToken(code)) {
		writeError(w, http.StatusNotFound, portal.CodeNotFound, "no such dossier for this status token; follow the dossier on the portal")
		return
	}
	d, err := s.findOne(r.Context(), "portal_code = ?", code)
	if errors.Is(err, sql.ErrNoRows) {
		writeError(w, http.StatusNotFound, portal.CodeNotFound, "no such dossier for this status token; follow the dossier on the portal")
		return
	}
	rb := receiptOf(d, "")
	if err == nil {
		err = s.enrich(r.Context(), r, &rb, false)
	}
	if err != nil {
		s.cfg.Logger.Error("status query failed", "code", code, "err", err)
		writeError(w, http.StatusInternalServerError, portal.CodeInternal, "the portal could not read the dossier; retry later")
		return
	}
	writeJSON(w, http.StatusOK, rb)
}

// statusNames are the national statuses (TrangThaiHoSo) as the trainer page shows them.
var statusNames = []string{"", "Mới đăng ký", "Đã tiếp nhận", "Từ chối", "Đang xử lý", "Yêu cầu bổ sung",
	"Yêu cầu thanh toán", "Công dân rút hồ sơ", "Dừng xử lý", "Đã xử lý xong", "Đã trả kết quả"}

var trainerTemplate = template.Must(template.New("trainer").Parse(`<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Giảng viên — Cổng dịch vụ công tham chiếu</title>
<style>body{font-family:sans-serif;margin:1em}.tr{background:#c00;color:#fff;padding:.3em;text-align:center;font-weight:bold}
table{border-collapse:collapse}td,th{border:1px solid #999;padding:.3em}</style></head>
<body><div class="tr">ĐÀO TẠO — CỔNG DỊCH VỤ CÔNG THAM CHIẾU (TRAINING)</div>
<h1>Hồ sơ đã nhận</h1>
<table><tr><th>Mã hồ sơ</th><th>Chủ hồ sơ</th><th>Thủ tục</th><th>Trạng thái</th><th>Chuyển trạng thái</th><th>Thanh toán</th></tr>
{{range .Rows}}<tr><td>{{.Code}}</td><td>{{.Applicant}}</td><td>{{.Procedure}}</td><td>{{.Status}} — {{.StatusName}}</td>
<td><form method="post" action="/trainer/status"><input type="hidden" name="csrf" value="{{$.CSRF}}"><input type="hidden" name="code" value="{{.Code}}">
<select name="status">{{range $.Statuses}}<option value="{{.Code}}">{{.Code}} — {{.Name}}</option>{{end}}</select> <button>Chuyển</button></form></td>
<td>{{if .Amount}}{{.Amount}} đồng — {{if .Paid}}đã thanh toán{{else}}<form method="post" action="/trainer/pay"><input type="hidden" name="csrf" value="{{$.CSRF}}"><input type="hidden" name="code" value="{{.Code}}"><button>Ghi nhận đã thanh toán</button></form>{{end}}{{else}}—{{end}}</td></tr>
{{end}}</table></body></html>`))

var payTemplate = template.Must(template.New("pay").Parse(`<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Thanh toán — Cổng dịch vụ công tham chiếu</title>
<style>body{font-family:sans-serif;max-width:28em;margin:2em auto}.tr{background:#c00;color:#fff;padding:.3em;text-align:center;font-weight:bold}</style></head>
<body><div class="tr">ĐÀO TẠO — THANH TOÁN GIẢ LẬP (TRAINING)</div>
<h1>Thanh toán phí, lệ phí</h1>
<p>Hồ sơ <b>{{.Code}}</b>, mã thanh toán <b>{{.Reference}}</b>: <b>{{.Amount}} đồng</b>.</p>
{{if .Paid}}<p class="paid">Đã thanh toán.</p>{{else}}<form method="post"><input type="hidden" name="csrf" value="{{.CSRF}}"><button>Thanh toán</button></form>{{end}}
</body></html>`))

// loopbackOnly admits requests from this machine only: the trainer's actions are not for the network.
func loopbackOnly(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
			http.Error(w, "the trainer's page answers on this machine only", http.StatusForbidden)
			return
		}
		next(w, r)
	}
}

// TrainerCSRF is the form token the trainer page's forms carry (tests post with it).
func (s *Server) TrainerCSRF() string { return s.mac("trainer") }

// trainerPages are the pages the trainer and the simulated payment gateway show.
type trainerPages struct{ *Server }

// trainerPage is GET /trainer: every dossier the portal holds, with forms to move its status or mark it paid.
func (s trainerPages) trainerPage(w http.ResponseWriter, r *http.Request) {
	ds, err := listDossiers(r.Context(), s.db, "")
	if err != nil {
		http.Error(w, "the portal could not read its dossiers", http.StatusInternalServerError)
		return
	}
	type row struct {
		Code, Applicant, Procedure, StatusName string
		Status                                 int
		Amount                                 int64
		Paid                                   bool
	}
	type st struct {
		Code int
		Name string
	}
	data := struct {
		CSRF     string
		Rows     []row
		Statuses []st
	}{CSRF: s.TrainerCSRF()}
	for i := 1; i <= 10; i++ {
		data.Statuses = append(data.Statuses, st{i, statusNames[i]})
	}
	for _, d := range ds {
		rw := row{Code: d.PortalCode, Applicant: d.ApplicantName, Procedure: d.MaTTHC, Status: d.Status}
		if d.Status >= 1 && d.Status <= 10 {
			rw.StatusName = statusNames[d.Status]
		}
		var paid string
		if err := s.db.QueryRowContext(r.Context(), `SELECT amount, paid_at FROM payments WHERE portal_code = ?`, d.PortalCode).Scan(&rw.Amount, &paid); err == nil {
			rw.Paid = paid != ""
		}
		data.Rows = append(data.Rows, rw)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = trainerTemplate.Execute(w, data)
}

// trainerAction is POST /trainer/status (code, status) and POST /trainer/pay (code), with the page's csrf.
func (s trainerPages) trainerAction(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || !constantTimeEqual(r.PostFormValue("csrf"), s.TrainerCSRF()) {
		http.Error(w, "the form is stale; reload the trainer page", http.StatusForbidden)
		return
	}
	code := r.PostFormValue("code")
	var err error
	if strings.HasSuffix(r.URL.Path, "/pay") {
		err = markPaid(r.Context(), s.db, code, time.Now())
	} else {
		status, perr := strconv.Atoi(r.PostFormValue("status"))
		if perr != nil {
			status = 0
		}
		err = setStatus(r.Context(), s.db, code, status, time.Now())
	}
	switch {
	case errors.Is(err, ErrNoDossier):
		http.Error(w, err.Error(), http.StatusNotFound)
	case errors.Is(err, ErrBadStatus), errors.Is(err, ErrNoPayment):
		http.Error(w, err.Error(), http.StatusBadRequest)
	case err != nil:
		http.Error(w, "the portal could not record the change", http.StatusInternalServerError)
	default:
		s.cfg.Logger.Info("trainer changed a dossier", "code", code, "path", r.URL.Path)
		http.Redirect(w, r, "/trainer", http.StatusSeeOther)
	}
}

// payPage is GET and POST /pay/{ref}: the simulated payment gateway's page for one payment reference.
func (s trainerPages) payPage(w http.ResponseWriter, r *http.Request) {
	ref := r.PathValue("ref")
	var code, paid string
	var amount int64
	err := s.db.QueryRowContext(r.Context(), `SELECT portal_code, amount, paid_at FROM payments WHERE reference = ?`, ref).Scan(&code, &amount, &paid)
	if errors.Is(err, sql.ErrNoRows) {
		http.Error(w, "no such payment reference", http.StatusNotFound)
		return
	}
	if err != nil {
		http.Error(w, "the portal could not read the payment", http.StatusInternalServerError)
		return
	}
	if r.Method == http.MethodPost {
		if err := r.ParseForm(); err != nil || !constantTimeEqual(r.PostFormValue("csrf"), s.mac("pay:"+ref)) {
			http.Error(w, "the form is stale; open the payment link again", http.StatusForbidden)
			return
		}
		if err := markPaid(r.Context(), s.db, code, time.Now()); err != nil {
			http.Error(w, "the portal could not record the payment", http.StatusInternalServerError)
			return
		}
		http.Redirect(w, r, "/pay/"+url.PathEscape(ref), http.StatusSeeOther)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = payTemplate.Execute(w, struct {
		Code, Reference, CSRF string
		Amount                int64
		Paid                  bool
	}{code, ref, s.mac("pay:" + ref), amount, paid != ""})
}
