// The citizen login page of the reference portal (CCCD number + password), in Vietnamese.

package refportal

import (
	"html/template"
	"net/http"

	"github.com/zitadel/oidc/v3/pkg/op"
)

var loginTemplate = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Đăng nhập — Cổng dịch vụ công tham chiếu</title>
<style>body{font-family:sans-serif;max-width:28em;margin:2em auto}.tr{background:#c00;color:#fff;padding:.3em;text-align:center;font-weight:bold}
label{display:block;margin-top:1em}input{width:100%;padding:.4em}.err{color:#c00}</style></head>
<body><div class="tr">ĐÀO TẠO — CỔNG DỊCH VỤ CÔNG THAM CHIẾU (TRAINING)</div>
<h1>Đăng nhập</h1>
{{if .Dossiers}}<p>Bàn tiếp nhận xin quyền <b>nộp trực tuyến hồ sơ {{range $i, $d := .Dossiers}}{{if $i}}, {{end}}<span class="dossier">{{$d}}</span>{{end}}</b> bằng tài khoản của công dân. Quyền chỉ dùng cho hồ sơ này.</p>
{{else}}<p>Bàn tiếp nhận xin quyền nộp hồ sơ trực tuyến bằng tài khoản của công dân.</p>{{end}}
{{if .Error}}<p class="err">{{.Error}}</p>{{end}}
<form method="post" action="/login">
<input type="hidden" name="authRequestID" value="{{.ID}}">
<label>Số CCCD (12 chữ số)<input name="username" inputmode="numeric" autocomplete="username" value="{{.Username}}" required></label>
<label>Mật khẩu<input type="password" name="password" autocomplete="current-password" required></label>
<p><button type="submit">Đăng nhập và cho phép</button></p>
</form></body></html>`))

type loginData struct {
	ID, Username, Error string
	Dossiers            []string // the dossiers the desk asks to submit (scopes "dossier:<code>")
}

func renderLogin(w http.ResponseWriter, status int, d loginData) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = loginTemplate.Execute(w, d)
}

// loginPage shows the form for the authorization request named by ?authRequestID=.
func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("authRequestID")
	req, err := s.oidc.AuthRequestByID(r.Context(), id)
	if err != nil {
		renderLogin(w, http.StatusBadRequest, loginData{Error: "Phiên đăng nhập không tồn tại hoặc đã hết hạn. Vui lòng bắt đầu lại từ ứng dụng."})
		return
	}
	renderLogin(w, http.StatusOK, loginData{ID: id, Dossiers: dossiersOf(req.GetScopes())})
}

// loginSubmit checks the CCCD and password and sends the browser back to the provider's callback.
func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		renderLogin(w, http.StatusBadRequest, loginData{Error: "Biểu mẫu không hợp lệ."})
		return
	}
	id, user := r.PostFormValue("authRequestID"), r.PostFormValue("username")
	if err := s.oidc.checkLogin(id, user, r.PostFormValue("password")); err != nil {
		s.cfg.Logger.Info("citizen login refused", "user", user)
		d := loginData{ID: id, Username: user, Error: err.Error()}
		if req, err := s.oidc.AuthRequestByID(r.Context(), id); err == nil {
			d.Dossiers = dossiersOf(req.GetScopes())
		}
		renderLogin(w, http.StatusOK, d)
		return
	}
	http.Redirect(w, r, op.AuthCallbackURL(s.provider)(r.Context(), id), http.StatusFound)
}
