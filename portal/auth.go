// Citizen authorization: OIDC authorization code flow with PKCE on a loopback redirect (RFC 8252), and the
// training login that fills the portal's login form instead of a person.

package portal

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"os/exec"
	"regexp"
	"runtime"
	"strings"
	"time"

	"github.com/zitadel/oidc/v3/pkg/client/rp"
	"github.com/zitadel/oidc/v3/pkg/oidc"
)

// Authorizer obtains the citizen's token: it opens the portal's login page in a browser and receives the
// answer on a one-shot loopback listener.
type Authorizer struct {
	Issuer      string   // the portal's OIDC issuer (its base URL)
	ClientID    string   // DefaultClientID when empty
	Scopes      []string // DefaultScopes when empty
	OpenBrowser func(url string) error
	HTTP        *http.Client // for discovery and the token exchange; a client with DefaultTimeout when nil
}

// callbackResult is what the loopback listener received.
type callbackResult struct {
	code string
	err  error
}

// Authorize runs the authorization code flow with PKCE: it listens on 127.0.0.1:0, opens the browser at the
// portal's authorization URL, waits for the redirect (checking state) until ctx ends, and exchanges the code.
// A ctx that ends first gives ErrAuthTimeout; a redirect with a foreign state gives ErrStateMismatch.
func (a *Authorizer) Authorize(ctx context.Context) (Token, error) {
	if a.OpenBrowser == nil {
		return Token{}, &Error{Class: Permanent, Code: CodeProtocol, Message: "no browser to open the portal's login page"}
	}
	hc := a.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: DefaultTimeout}
	}
	clientID, scopes := a.ClientID, a.Scopes
	if clientID == "" {
		clientID = DefaultClientID
	}
	if len(scopes) == 0 {
		scopes = DefaultScopes
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return Token{}, fmt.Errorf("portal: loopback listener for the login answer: %w", err)
	}
	redirect := fmt.Sprintf("http://%s/callback", ln.Addr().String())
	party, err := rp.NewRelyingPartyOIDC(ctx, strings.TrimSuffix(a.Issuer, "/"), clientID, "", redirect, scopes, rp.WithHTTPClient(hc))
	if err != nil {
		ln.Close()
		if ctx.Err() != nil || Classify(err) == Transient || isNetErr(err) {
			return Token{}, networkError("portal discovery", err)
		}
		return Token{}, &Error{Class: Permanent, Code: CodeProtocol, Message: "the portal's OpenID configuration is unusable", Err: err}
	}
	state, verifier := randomString(), randomString()

	results := make(chan callbackResult, 1)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /callback", func(w http.ResponseWriter, r *http.Request) {
		res := readCallback(r, state)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if res.err != nil {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, callbackPage("Không thể cấp quyền", "Authorization failed. Please return to the desk."))
		} else {
			fmt.Fprint(w, callbackPage("Đã cấp quyền cho bàn tiếp nhận", "Authorization done. You may close this window."))
		}
		select {
		case results <- res:
		default: // only the first answer counts
		}
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = srv.Serve(ln)
	}()
	defer func() {
		_ = srv.Close()
		<-served
	}()

	authURL := rp.AuthURL(state, party, rp.WithCodeChallenge(oidc.NewSHACodeChallenge(verifier)))
	if err := a.OpenBrowser(authURL); err != nil {
		return Token{}, fmt.Errorf("portal: open the login page: %w", err)
	}
	var res callbackResult
	select {
	case res = <-results:
	case <-ctx.Done():
		return Token{}, &Error{Class: NeedsUser, Code: CodeAuthTimeout, Message: ErrAuthTimeout.Message, Err: ctx.Err()}
	}
	if res.err != nil {
		return Token{}, res.err
	}
	tokens, err := rp.CodeExchange[*oidc.IDTokenClaims](ctx, res.code, party, rp.WithCodeVerifier(verifier))
	if err != nil {
		if ctx.Err() != nil || isNetErr(err) {
			return Token{}, networkError("token exchange", err)
		}
		return Token{}, &Error{Class: NeedsUser, Code: CodeAuthDenied, Message: "the portal refused the login code; ask the citizen to log in again", Err: err}
	}
	tok := tokenFrom(tokens)
	tok.Flow = "loopback"
	if sc, ok := tokens.Extra("scope").(string); ok {
		tok.Scopes = strings.Fields(sc)
	}
	return tok, nil
}

func isNetErr(err error) bool {
	var ne net.Error
	return errors.As(err, &ne)
}

// readCallback checks the redirect's state and extracts the code or the portal's error.
func readCallback(r *http.Request, state string) callbackResult {
	q := r.URL.Query()
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(state)) != 1 {
		return callbackResult{err: ErrStateMismatch}
	}
	if e := q.Get("error"); e != "" {
		return callbackResult{err: &Error{Class: NeedsUser, Code: CodeAuthDenied, Message: ErrAccessDenied.Message + " (" + e + ": " + q.Get("error_description") + ")"}}
	}
	code := q.Get("code")
	if code == "" {
		return callbackResult{err: &Error{Class: NeedsUser, Code: CodeAuthDenied, Message: "the login answer carries no code; ask the citizen to log in again"}}
	}
	return callbackResult{code: code}
}

func callbackPage(title, text string) string {
	return "<!doctype html><meta charset=utf-8><title>" + html.EscapeString(title) + "</title><h1>" +
		html.EscapeString(title) + "</h1><p>" + html.EscapeString(text) + "</p>"
}

func tokenFrom(t *oidc.Tokens[*oidc.IDTokenClaims]) Token {
	tok := Token{IDToken: t.IDToken}
	if t.Token != nil {
		tok.AccessToken, tok.RefreshToken, tok.Expiry = t.AccessToken, t.RefreshToken, t.Expiry
	}
	if c := t.IDTokenClaims; c != nil {
		tok.Subject, tok.Name = c.Subject, c.Name
		if v, ok := c.Claims["vneid"].(bool); ok {
			tok.VNeID = v
		}
	}
	return tok
}

func randomString() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}

// SystemBrowser opens url in the desktop's default browser.
func SystemBrowser(url string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	case "darwin":
		cmd = exec.Command("open", url)
	default:
		cmd = exec.Command("xdg-open", url)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("open browser: %w", err)
	}
	go func() { _ = cmd.Wait() }() // reap; the opener exits at once
	return nil
}

// TrainingLogin performs the same flow as Authorizer.Authorize for the training portal, with the browser
// replaced by an HTTP client that fills the portal's login form with username (the CCCD number) and password.
// A refused login gives ErrLoginFailed.
func TrainingLogin(ctx context.Context, issuer, username, password string) (Token, error) {
	hc := &http.Client{Timeout: DefaultTimeout}
	a := &Authorizer{Issuer: issuer, HTTP: hc, OpenBrowser: formFiller(ctx, hc, username, password)}
	return a.Authorize(ctx)
}

var (
	formRe  = regexp.MustCompile(`(?is)<form\b([^>]*)>(.*?)</form>`)
	inputRe = regexp.MustCompile(`(?is)<input\b([^>]*)>`)
	attrRe  = regexp.MustCompile(`(?is)([a-z-]+)\s*=\s*"([^"]*)"`)
)

func attrs(tag string) map[string]string {
	m := map[string]string{}
	for _, a := range attrRe.FindAllStringSubmatch(tag, -1) {
		m[strings.ToLower(a[1])] = html.UnescapeString(a[2])
	}
	return m
}

// formFiller is a stand-in browser: it loads the login page, fills the form's hidden fields plus
// username and password, and posts it, following the redirects back to the loopback listener.
func formFiller(ctx context.Context, hc *http.Client, username, password string) func(string) error {
	return func(authURL string) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
		if err != nil {
			return err
		}
		resp, err := hc.Do(req)
		if err != nil {
			return networkError("login page", err)
		}
		page, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		if err != nil {
			return networkError("login page", err)
		}
		if resp.StatusCode != http.StatusOK {
			return &Error{Class: classForStatus(resp.StatusCode), HTTPStatus: resp.StatusCode, Code: CodeProtocol, Message: "the portal did not show its login page"}
		}
		fm := formRe.FindSubmatch(page)
		if fm == nil {
			return &Error{Class: Permanent, Code: CodeProtocol, Message: "the portal's login page has no form"}
		}
		action, err := resp.Request.URL.Parse(attrs(string(fm[1]))["action"])
		if err != nil {
			return &Error{Class: Permanent, Code: CodeProtocol, Message: "the login form's action is not a URL", Err: err}
		}
		form := url.Values{}
		for _, in := range inputRe.FindAllSubmatch(fm[2], -1) {
			a := attrs(string(in[1]))
			switch {
			case a["name"] == "username":
				form.Set("username", username)
			case a["name"] == "password":
				form.Set("password", password)
			case a["name"] != "":
				form.Set(a["name"], a["value"])
			}
		}
		post, err := http.NewRequestWithContext(ctx, http.MethodPost, action.String(), strings.NewReader(form.Encode()))
		if err != nil {
			return err
		}
		post.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err = hc.Do(post)
		if err != nil {
			return networkError("login form", err)
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		if resp.Request.URL.Path != "/callback" || resp.Request.URL.Hostname() != "127.0.0.1" {
			return ErrLoginFailed
		}
		return nil
	}
}
