// The submission API: bearer-token check, commit with idempotency, lookup by key and status by code.

package refportal

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"sohoa/portal"
)

type subjectKey struct{}

// scopesKey holds the token's granted scopes in the request context.
type scopesKey struct{}

func subject(r *http.Request) string {
	s, _ := r.Context().Value(subjectKey{}).(string)
	return s
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
	}
	writeJSON(w, status, portal.ErrorBody{Code: code, Message: msg})
}

// authenticated admits requests with a valid JWT access token carrying the dossier:submit scope and puts
// the citizen's CCCD (the token subject) into the request context.
func (s *Server) authenticated(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || strings.TrimSpace(raw) == "" {
			writeError(w, http.StatusUnauthorized, portal.CodeUnauthorized, "a citizen's bearer token is required; authorize again")
			return
		}
		ctx := op.ContextWithIssuer(r.Context(), s.provider.IssuerFromRequest(r))
		claims, err := op.VerifyAccessToken[*oidc.AccessTokenClaims](ctx, strings.TrimSpace(raw), s.provider.AccessTokenVerifier(ctx))
		if err != nil {
			msg := "the token is invalid; authorize again"
			if errors.Is(err, oidc.ErrExpired) {
				msg = "the token has expired; authorize again"
			}
			writeError(w, http.StatusUnauthorized, portal.CodeUnauthorized, msg)
			return
		}
		if !slices.Contains(claims.Scopes, portal.ScopeSubmit) {
			writeError(w, http.StatusForbidden, portal.CodeInsufficientScope, "the token does not allow submitting dossiers; authorize with scope "+portal.ScopeSubmit)
			return
		}
		if _, ok := s.oidc.citizens[claims.Subject]; !ok {
			writeError(w, http.StatusUnauthorized, portal.CodeUnauthorized, "the token's citizen is unknown; authorize again")
			return
		}
		ctx = context.WithValue(r.Context(), subjectKey{}, claims.Subject)
		next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, scopesKey{}, []string(claims.Scopes))))
	})
}

// apiError is a commit failure with its HTTP status and stable code.
type apiError struct {
	status    int
	code, msg string
}

func (e *apiError) Error() string { return e.code + ": " + e.msg }

func fail(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, msg: fmt.Sprintf(format, args...)}
}

// requestHash identifies a commit's content (manifest and declared files, not the upload URLs,
// nor the desk's audit chain head, which moves on between a commit and its replay).
func requestHash(req portal.CommitRequest) (string, error) {
	files := make([]portal.CommitFile, len(req.Files))
	for i, f := range req.Files {
		f.UploadURL = ""
		files[i] = f
	}
	m := req.Manifest
	m.ChuoiNhatKy = nil
	b, err := json.Marshal(portal.CommitRequest{Manifest: m, Files: files})
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// commit is POST /api/v1/dossiers.
func (s *Server) commit(w http.ResponseWriter, r *http.Request) {
	key := strings.TrimSpace(r.Header.Get(portal.HeaderIdempotencyKey))
	if key == "" || len(key) > 200 {
		writeError(w, http.StatusBadRequest, portal.CodeMissingIdemKey, "an Idempotency-Key header (1..200 characters) is required")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeError(w, http.StatusRequestEntityTooLarge, portal.CodeTooLarge, fmt.Sprintf("the commit body is over %d bytes", s.cfg.MaxBodyBytes))
			return
		}
		writeError(w, http.StatusBadRequest, portal.CodeInvalidManifest, "the commit body could not be read")
		return
	}
	var req portal.CommitRequest
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, http.StatusBadRequest, portal.CodeInvalidManifest, "the commit body is not valid JSON: "+err.Error())
		return
	}
	s.commitMu.Lock()
	defer s.commitMu.Unlock()
	rb, status, err := s.commitLocked(r, key, req)
	var ae *apiError
	switch {
	case errors.As(err, &ae):
		s.cfg.Logger.Info("commit refused", "citizen", subject(r), "key", key, "code", ae.code, "msg", ae.msg)
		writeError(w, ae.status, ae.code, ae.msg)
	case err != nil:
		s.cfg.Logger.Error("commit failed", "citizen", subject(r), "key", key, "err", err)
		writeError(w, http.StatusInternalServerError, portal.CodeInternal, "the portal could not store the dossier; retry later")
	default:
		if err := s.enrich(r.Context(), r, &rb, true); err != nil {
			s.cfg.Logger.Error("commit answer failed", "code", rb.PortalCode, "err", err)
			writeError(w, http.StatusInternalServerError, portal.CodeInternal, "the portal could not read the dossier back; retry later")
			return
		}
		writeJSON(w, status, rb)
	}
}

func (s *Server) commitLocked(r *http.Request, key string, req portal.CommitRequest) (portal.ReceiptBody, int, error) {
	ctx, owner := r.Context(), subject(r)
	hash, err := requestHash(req)
	if err != nil {
		return portal.ReceiptBody{}, 0, err
	}
	var prevHash string
	prev, err := s.findOne(ctx, "owner = ? AND idem_key = ?", owner, key)
	if err == nil {
		if err := s.db.QueryRowContext(ctx, `SELECT request_hash FROM dossiers WHERE portal_code = ?`, prev.PortalCode).Scan(&prevHash); err != nil {
			return portal.ReceiptBody{}, 0, err
		}
		if prevHash != hash {
			return portal.ReceiptBody{}, 0, fail(http.StatusConflict, portal.CodeIdempotencyConflict,
				"dossier %s was committed under this Idempotency-Key with different content; use a new key for a new dossier", prev.PortalCode)
		}
		return receiptOf(prev, key), http.StatusOK, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return portal.ReceiptBody{}, 0, err
	}

	m := req.Manifest
	if err := m.Validate(); err != nil {
		var pe *portal.Error
		msg := err.Error()
		if errors.As(err, &pe) {
			msg = pe.Message
		}
		return portal.ReceiptBody{}, 0, fail(http.StatusBadRequest, portal.CodeInvalidManifest, "%s", msg)
	}
	if m.SoGiayToChuHoSo != owner {
		return portal.ReceiptBody{}, 0, fail(http.StatusForbidden, portal.CodeNotOwner,
			"the dossier's owner (SoGiayToChuHoSo) is not the logged-in citizen; the owner must authorize the submission")
	}
	granted, _ := r.Context().Value(scopesKey{}).([]string)
	if named := dossiersOf(granted); len(named) > 0 && !slices.Contains(named, m.MaHoSo) {
		return portal.ReceiptBody{}, 0, fail(http.StatusForbidden, portal.CodeInsufficientScope,
			"the citizen authorized dossier %s, not %s; ask the citizen to authorize this dossier", strings.Join(named, ", "), m.MaHoSo)
	}
	if len(req.Files) != len(m.TaiLieuNop) {
		return portal.ReceiptBody{}, 0, fail(http.StatusBadRequest, portal.CodeInvalidManifest,
			"the commit names %d files but the manifest lists %d", len(req.Files), len(m.TaiLieuNop))
	}
	type accepted struct {
		f    portal.CommitFile
		id   string
		data []byte
	}
	var files []accepted
	seen := map[string]bool{}
	for _, f := range req.Files {
		t, ok := m.File(f.Name)
		if !ok || seen[f.Name] {
			return portal.ReceiptBody{}, 0, fail(http.StatusBadRequest, portal.CodeInvalidManifest, "file %q is not in the manifest or is named twice", f.Name)
		}
		seen[f.Name] = true
		if f.SHA256 != t.SHA256 || f.Size != t.KichThuoc || f.Component != t.MaThanhPhanHoSo {
			return portal.ReceiptBody{}, 0, fail(http.StatusBadRequest, portal.CodeInvalidManifest, "file %q: declared hash, size or component differ from the manifest", f.Name)
		}
		id, data, err := s.uploadedBytes(r, f)
		if err != nil {
			return portal.ReceiptBody{}, 0, err
		}
		if s.cfg.VerifyPDF != nil {
			if err := s.cfg.VerifyPDF(f.Name, data); err != nil {
				return portal.ReceiptBody{}, 0, fail(http.StatusUnprocessableEntity, portal.CodeSignatureInvalid, "file %q: signature check failed: %v", f.Name, err)
			}
		}
		files = append(files, accepted{f: f, id: id, data: data})
	}

	now := time.Now().In(portal.VietnamTime)
	day := now.Format("060102")
	var seq int
	if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM dossiers WHERE day = ?`, day).Scan(&seq); err != nil {
		return portal.ReceiptBody{}, 0, err
	}
	if seq > 9999 {
		return portal.ReceiptBody{}, 0, fail(http.StatusServiceUnavailable, portal.CodeInternal, "the portal's dossier numbers for today are exhausted; retry tomorrow")
	}
	code := fmt.Sprintf("%s-%s-%04d", s.cfg.Prefix, day, seq)
	dir := filepath.Join(s.cfg.DataDir, "dossiers", code)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return portal.ReceiptBody{}, 0, err
	}
	for _, a := range files {
		if err := writeFileAtomic(filepath.Join(dir, a.f.Name), a.data, 0o600); err != nil {
			return portal.ReceiptBody{}, 0, err
		}
	}
	manifest, err := json.Marshal(m)
	if err != nil {
		return portal.ReceiptBody{}, 0, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return portal.ReceiptBody{}, 0, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO dossiers (portal_code, owner, idem_key, request_hash, applicant_name, applicant_id,
		ma_ho_so, ma_tthc, training, status, received_at, day, seq, manifest) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		code, owner, key, hash, m.ChuHoSo, m.SoGiayToChuHoSo, m.MaHoSo, m.MaTTHC, m.DaoTao, portal.StatusReceived,
		now.Format(time.RFC3339Nano), day, seq, string(manifest)); err != nil {
		return portal.ReceiptBody{}, 0, err
	}
	if fee := feeTotal(m); fee > 0 {
		if _, err := tx.ExecContext(ctx, `INSERT INTO payments (portal_code, amount, reference) VALUES (?, ?, ?)`,
			code, fee, paymentReference(code)); err != nil {
			return portal.ReceiptBody{}, 0, err
		}
	}
	for _, a := range files {
		if _, err := tx.ExecContext(ctx, `INSERT INTO files (portal_code, name, component, sha256, size, path) VALUES (?,?,?,?,?,?)`,
			code, a.f.Name, a.f.Component, a.f.SHA256, a.f.Size, filepath.Join(dir, a.f.Name)); err != nil {
			return portal.ReceiptBody{}, 0, err
		}
	}
	if err := tx.Commit(); err != nil {
		return portal.ReceiptBody{}, 0, err
	}
	for _, a := range files { // the stored copies replace the uploads
		if up, err := s.files.GetUpload(ctx, a.id); err == nil {
			_ = s.files.AsTerminatableUpload(up).Terminate(ctx)
		}
	}
	s.cfg.Logger.Info("dossier received", "code", code, "citizen", owner, "key", key, "files", len(files))
	return portal.ReceiptBody{PortalCode: code, Status: portal.StatusReceived, ReceivedAt: now, IdempotencyKey: key}, http.StatusCreated, nil
}

// uploadedBytes returns the complete upload a commit file names, checked against its size and SHA-256.
func (s *Server) uploadedBytes(r *http.Request, f portal.CommitFile) (string, []byte, error) {
	var id string
	u, err := url.Parse(f.UploadURL)
	ok := err == nil
	if ok {
		id, ok = strings.CutPrefix(u.Path, portal.PathFiles)
	}
	if !ok {
		return "", nil, fail(http.StatusUnprocessableEntity, portal.CodeUploadMissing, "file %q: upload_url %q is not an upload of this portal", f.Name, f.UploadURL)
	}
	info, ok := s.ownUpload(r, id)
	if !ok {
		return "", nil, fail(http.StatusUnprocessableEntity, portal.CodeUploadMissing, "file %q: no such upload for this citizen; upload the file again", f.Name)
	}
	if info.Offset != info.Size {
		return "", nil, fail(http.StatusUnprocessableEntity, portal.CodeUploadIncomplete, "file %q: the upload has %d of %d bytes; resume the upload", f.Name, info.Offset, info.Size)
	}
	if info.Size != f.Size {
		return "", nil, fail(http.StatusUnprocessableEntity, portal.CodeHashMismatch, "file %q: uploaded %d bytes, the manifest says %d", f.Name, info.Size, f.Size)
	}
	up, err := s.files.GetUpload(r.Context(), id)
	if err != nil {
		return "", nil, err
	}
	rd, err := up.GetReader(r.Context())
	if err != nil {
		return "", nil, err
	}
	defer rd.Close()
	data, err := io.ReadAll(io.LimitReader(rd, f.Size+1))
	if err != nil {
		return "", nil, err
	}
	sum := sha256.Sum256(data)
	if int64(len(data)) != f.Size || hex.EncodeToString(sum[:]) != f.SHA256 {
		return "", nil, fail(http.StatusUnprocessableEntity, portal.CodeHashMismatch, "file %q: the uploaded bytes' SHA-256 differs from the manifest", f.Name)
	}
	return id, data, nil
}

func receiptOf(d StoredDossier, key string) portal.ReceiptBody {
	return portal.ReceiptBody{PortalCode: d.PortalCode, Status: d.Status, ReceivedAt: d.ReceivedAt.In(portal.VietnamTime), IdempotencyKey: key}
}

// findOne returns the one dossier matching where, or sql.ErrNoRows.
func (s *Server) findOne(ctx context.Context, where string, args ...any) (StoredDossier, error) {
	ds, err := listDossiers(ctx, s.db, where, args...)
	if err != nil {
		return StoredDossier{}, err
	}
	if len(ds) == 0 {
		return StoredDossier{}, sql.ErrNoRows
	}
	return ds[0], nil
}

// lookup is GET /api/v1/dossiers?idempotency_key=K, limited to the citizen's own dossiers.
func (s *Server) lookup(w http.ResponseWriter, r *http.Request) {
	key := r.URL.Query().Get("idempotency_key")
	if key == "" {
		writeError(w, http.StatusBadRequest, portal.CodeMissingIdemKey, "the idempotency_key query parameter is required")
		return
	}
	s.answer(w, r, "owner = ? AND idem_key = ?", subject(r), key)
}

// status is GET /api/v1/dossiers/{code}, limited to the citizen's own dossiers.
func (s *Server) status(w http.ResponseWriter, r *http.Request) {
	s.answer(w, r, "owner = ? AND portal_code = ?", subject(r), r.PathValue("code"))
}

func (s *Server) answer(w http.ResponseWriter, r *http.Request, where string, args ...any) {
	d, err := s.findOne(r.Context(), where, args...)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		writeError(w, http.StatusNotFound, portal.CodeNotFound, "the portal holds no such dossier of this citizen")
	case err != nil:
		s.cfg.Logger.Error("dossier query failed", "err", err)
		writeError(w, http.StatusInternalServerError, portal.CodeInternal, "the portal could not read its dossiers; retry later")
	default:
		rb := receiptOf(d, d.IdempotencyKey)
		if err := s.enrich(r.Context(), r, &rb, true); err != nil {
			s.cfg.Logger.Error("dossier query failed", "err", err)
			writeError(w, http.StatusInternalServerError, portal.CodeInternal, "the portal could not read its dossiers; retry later")
			return
		}
		writeJSON(w, http.StatusOK, rb)
	}
}
