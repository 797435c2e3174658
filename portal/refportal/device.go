// The device authorization grant (RFC 8628): device-code storage for the OpenID provider, and the page where
// the citizen, on their own phone, enters the desk's user code, logs in and approves or denies.

package refportal

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"sohoa/portal"
)

const devicePath = "/device"

// deviceAuth is one device authorization in progress.
type deviceAuth struct {
	userCode string
	state    op.DeviceAuthorizationState
	lastPoll time.Time
}

// deviceStore keeps the device authorizations in progress (the OpenID provider's
// DeviceAuthorizationStorage, embedded in oidcStore).
type deviceStore struct {
	mu      sync.Mutex
	devices map[string]*deviceAuth // device code → device authorization (RFC 8628)
	users   map[string]string      // user code → device code
	spacing time.Duration          // least time between two polls of one device code
}

var _ op.DeviceAuthorizationStorage = (*oidcStore)(nil)

// allowedScope admits the submission scope and the per-dossier scopes "dossier:<MaHoSo>".
func allowedScope(scope string) bool {
	if scope == portal.ScopeSubmit {
		return true
	}
	code, ok := strings.CutPrefix(scope, portal.DossierScopePrefix)
	return ok && portal.ValidDossierScopeCode(code)
}

// StoreDeviceAuthorization keeps a new device authorization; scopes the desk may not ask for are dropped.
func (s *deviceStore) StoreDeviceAuthorization(_ context.Context, clientID, deviceCode, userCode string, expires time.Time, scopes []string) error {
	var kept []string
	for _, sc := range scopes {
		if sc == oidc.ScopeOpenID || sc == oidc.ScopeProfile || allowedScope(sc) {
			kept = append(kept, sc)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	for dc, d := range s.devices { // forget long-expired authorizations
		if now.After(d.state.Expires.Add(authRequestLifetime)) {
			delete(s.users, d.userCode)
			delete(s.devices, dc)
		}
	}
	if _, dup := s.users[userCode]; dup {
		return op.ErrDuplicateUserCode
	}
	s.devices[deviceCode] = &deviceAuth{userCode: userCode, lastPoll: now,
		state: op.DeviceAuthorizationState{ClientID: clientID, Scopes: kept, Expires: expires}}
	s.users[userCode] = deviceCode
	return nil
}

// GetDeviceAuthorizatonState answers a poll. A poll sooner than the spacing after the previous one gets
// context.DeadlineExceeded, which the provider answers with slow_down. A completed authorization is
// handed out once: the device code is then forgotten.
func (s *deviceStore) GetDeviceAuthorizatonState(_ context.Context, clientID, deviceCode string) (*op.DeviceAuthorizationState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.devices[deviceCode]
	if !ok || d.state.ClientID != clientID {
		return nil, errors.New("device code unknown or already used")
	}
	now := time.Now()
	if now.Sub(d.lastPoll) < s.spacing*9/10 {
		d.lastPoll = now
		return nil, fmt.Errorf("polling faster than every %s: %w", s.spacing, context.DeadlineExceeded)
	}
	d.lastPoll = now
	st := d.state
	st.Scopes = append([]string(nil), d.state.Scopes...)
	if st.Done || st.Denied {
		delete(s.users, d.userCode)
		delete(s.devices, deviceCode)
	}
	return &st, nil
}

// deviceByUserCode returns a copy of the pending authorization of a user code.
func (s *deviceStore) deviceByUserCode(userCode string) (op.DeviceAuthorizationState, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.devices[s.users[userCode]]
	if !ok || d.state.Done || d.state.Denied || time.Now().After(d.state.Expires) {
		return op.DeviceAuthorizationState{}, false
	}
	return d.state, true
}

// decideDevice approves (subject set) or denies (subject empty) a pending authorization.
func (s *deviceStore) decideDevice(userCode, subject string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.devices[s.users[userCode]]
	if !ok || d.state.Done || d.state.Denied || time.Now().After(d.state.Expires) {
		return errors.New("mã không tồn tại hoặc đã hết hạn; hãy xin mã mới tại bàn tiếp nhận")
	}
	if subject == "" {
		d.state.Denied = true
		return nil
	}
	d.state.Done, d.state.Subject, d.state.AuthTime, d.state.AMR = true, subject, time.Now(), []string{"pwd"}
	return nil
}

// normalizeUserCode accepts a code typed in lower case, with spaces or without its dash.
func normalizeUserCode(c string) string {
	c = strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(c)))
	if len(c) == 8 {
		c = c[:4] + "-" + c[4:]
	}
	return c
}

var deviceTemplate = template.Must(template.New("device").Parse(`<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Cho phép nộp hồ sơ — Cổng dịch vụ công tham chiếu</title>
<style>body{font-family:sans-serif;max-width:28em;margin:1em auto;padding:0 .5em}.tr{background:#c00;color:#fff;padding:.3em;text-align:center;font-weight:bold}
label{display:block;margin-top:1em}input{width:100%;padding:.4em}.err{color:#c00}.ok{color:#070}</style></head>
<body><div class="tr">ĐÀO TẠO — CỔNG DỊCH VỤ CÔNG THAM CHIẾU (TRAINING)</div>
<h1>Cho phép bàn tiếp nhận nộp hồ sơ</h1>
{{if .Done}}<p class="ok">{{.Done}}</p>{{else}}
{{if .Error}}<p class="err">{{.Error}}</p>{{end}}
{{if .Dossiers}}<p>Bàn tiếp nhận xin quyền <b>nộp trực tuyến hồ sơ {{range $i, $d := .Dossiers}}{{if $i}}, {{end}}<span class="dossier">{{$d}}</span>{{end}}</b> bằng tài khoản của bạn. Quyền chỉ dùng cho hồ sơ này.</p>
{{else}}<p>Bàn tiếp nhận xin quyền nộp hồ sơ trực tuyến bằng tài khoản của bạn.</p>{{end}}
<form method="post" action="/device">
<label>Mã trên màn hình bàn tiếp nhận<input name="user_code" value="{{.UserCode}}" autocapitalize="characters" required></label>
<label>Số CCCD (12 chữ số)<input name="username" inputmode="numeric" autocomplete="username" value="{{.Username}}"></label>
<label>Mật khẩu<input type="password" name="password" autocomplete="current-password"></label>
<p><button type="submit" name="action" value="approve">Đăng nhập và đồng ý</button>
<button type="submit" name="action" value="deny">Từ chối</button></p>
</form>{{end}}</body></html>`))

type deviceData struct {
	UserCode, Username, Error, Done string
	Dossiers                        []string
}

func renderDevice(w http.ResponseWriter, status int, d deviceData) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = deviceTemplate.Execute(w, d)
}

// dossiersOf lists the dossier codes named by "dossier:<code>" scopes.
func dossiersOf(scopes []string) []string {
	var out []string
	for _, sc := range scopes {
		if code, ok := strings.CutPrefix(sc, portal.DossierScopePrefix); ok && sc != portal.ScopeSubmit {
			out = append(out, code)
		}
	}
	return out
}

// devicePage shows the approval form; ?user_code= (from the QR code) pre-fills the code and names the dossier.
func (s *Server) devicePage(w http.ResponseWriter, r *http.Request) {
	code := normalizeUserCode(r.URL.Query().Get("user_code"))
	d := deviceData{UserCode: code}
	if code != "" {
		st, ok := s.oidc.deviceByUserCode(code)
		if !ok {
			d.Error = "Mã không tồn tại hoặc đã hết hạn; hãy xin mã mới tại bàn tiếp nhận."
			renderDevice(w, http.StatusNotFound, d)
			return
		}
		d.Dossiers = dossiersOf(st.Scopes)
	}
	renderDevice(w, http.StatusOK, d)
}

// deviceSubmit approves (after checking the CCCD and password) or denies the authorization of a user code.
func (s *Server) deviceSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		renderDevice(w, http.StatusBadRequest, deviceData{Error: "Biểu mẫu không hợp lệ."})
		return
	}
	code, user := normalizeUserCode(r.PostFormValue("user_code")), strings.TrimSpace(r.PostFormValue("username"))
	st, ok := s.oidc.deviceByUserCode(code)
	if !ok {
		renderDevice(w, http.StatusNotFound, deviceData{UserCode: code, Error: "Mã không tồn tại hoặc đã hết hạn; hãy xin mã mới tại bàn tiếp nhận."})
		return
	}
	d := deviceData{UserCode: code, Username: user, Dossiers: dossiersOf(st.Scopes)}
	if r.PostFormValue("action") == "deny" {
		if err := s.oidc.decideDevice(code, ""); err != nil {
			d.Error = err.Error()
			renderDevice(w, http.StatusConflict, d)
			return
		}
		s.cfg.Logger.Info("device authorization denied", "user_code", code)
		d.Done = "Bạn đã từ chối. Bàn tiếp nhận không được nộp hồ sơ bằng tài khoản của bạn."
		renderDevice(w, http.StatusOK, d)
		return
	}
	c, ok := s.oidc.citizens[user]
	if !ok || !constantTimeEqual(c.Password, r.PostFormValue("password")) {
		d.Error = "Số CCCD hoặc mật khẩu không đúng."
		renderDevice(w, http.StatusOK, d)
		return
	}
	if err := s.oidc.decideDevice(code, c.ID); err != nil {
		d.Error = err.Error()
		renderDevice(w, http.StatusConflict, d)
		return
	}
	s.cfg.Logger.Info("device authorization approved", "user_code", code, "citizen", c.ID, "scopes", strings.Join(st.Scopes, " "))
	d.Done = "Đã cho phép. Bạn có thể quay lại bàn tiếp nhận."
	renderDevice(w, http.StatusOK, d)
}
