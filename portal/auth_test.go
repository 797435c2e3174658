// Tests of the citizen authorization: loopback flow, state check, timeout, refused logins, PKCE enforcement.

package portal_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"sohoa/portal"
)

var authReqIDRe = regexp.MustCompile(`name="authRequestID" value="([^"]+)"`)

// personBrowser plays the citizen in a browser: it opens the login page and submits the CCCD and password.
func personBrowser(t *testing.T, user, pass string) func(string) error {
	return func(u string) error {
		resp, err := http.Get(u)
		if err != nil {
			return err
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		m := authReqIDRe.FindSubmatch(page)
		if m == nil {
			t.Errorf("login page without authRequestID:\n%s", page)
			return errors.New("no login form")
		}
		login, _ := resp.Request.URL.Parse("/login")
		resp, err = http.PostForm(login.String(), url.Values{"authRequestID": {string(m[1])}, "username": {user}, "password": {pass}})
		if err != nil {
			return err
		}
		resp.Body.Close()
		return nil
	}
}

func TestAuthorizerLoopbackFlow(t *testing.T) {
	_, base := startPortal(t, t.TempDir(), nil)
	c := an()
	a := &portal.Authorizer{Issuer: base + "/", OpenBrowser: personBrowser(t, c.ID, c.Password)}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tok, err := a.Authorize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if tok.Subject != c.ID || tok.Name != c.Name || !tok.VNeID || tok.AccessToken == "" {
		t.Fatalf("token = %+v", tok)
	}
	if _, _, err := portal.NewClient(base).Lookup(ctx, "k", tok); err != nil {
		t.Fatalf("the token does not work on the API: %v", err)
	}
}

func TestAuthorizerRejectsForeignState(t *testing.T) {
	_, base := startPortal(t, t.TempDir(), nil)
	var answer int
	a := &portal.Authorizer{Issuer: base, OpenBrowser: func(u string) error {
		au, _ := url.Parse(u)
		if au.Query().Get("code_challenge") == "" || au.Query().Get("code_challenge_method") != "S256" {
			t.Errorf("authorization URL without PKCE: %s", u)
		}
		resp, err := http.Get(au.Query().Get("redirect_uri") + "?code=stolen&state=forged")
		if err != nil {
			return err
		}
		answer = resp.StatusCode
		resp.Body.Close()
		return nil
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := a.Authorize(ctx)
	if !errors.Is(err, portal.ErrStateMismatch) || portal.Classify(err) != portal.NeedsUser || answer != http.StatusBadRequest {
		t.Fatalf("err = %v, loopback answered %d", err, answer)
	}
}

func TestAuthorizerTimesOutWhenNobodyLogsIn(t *testing.T) {
	_, base := startPortal(t, t.TempDir(), nil)
	a := &portal.Authorizer{Issuer: base, OpenBrowser: func(string) error { return nil }}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := a.Authorize(ctx)
	if !errors.Is(err, portal.ErrAuthTimeout) || !errors.Is(err, context.DeadlineExceeded) || portal.Classify(err) != portal.NeedsUser {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("took %v", d)
	}
}

func TestTrainingLoginWrongPassword(t *testing.T) {
	_, base := startPortal(t, t.TempDir(), nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, tc := range []struct{ user, pass string }{
		{binh().ID, "wrong"},
		{"000000000000", binh().Password},
		{"", ""},
		{`"><script>alert(1)</script>`, "x"},
	} {
		_, err := portal.TrainingLogin(ctx, base, tc.user, tc.pass)
		if !errors.Is(err, portal.ErrLoginFailed) || portal.Classify(err) != portal.NeedsUser {
			t.Fatalf("%q/%q: err = %v", tc.user, tc.pass, err)
		}
	}
}

func TestTrainingLoginUnreachablePortalIsTransient(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := portal.TrainingLogin(ctx, "http://127.0.0.1:1", binh().ID, binh().Password)
	if portal.Classify(err) != portal.Transient {
		t.Fatalf("err = %v (%v)", err, portal.Classify(err))
	}
}

func TestPortalRequiresPKCE(t *testing.T) {
	_, base := startPortal(t, t.TempDir(), nil)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	q := url.Values{"client_id": {"sohoa-desk"}, "response_type": {"code"}, "scope": {"openid profile dossier:submit"},
		"redirect_uri": {"http://127.0.0.1:5555/callback"}, "state": {"s"}}
	resp, err := noRedirect.Get(base + "/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || !strings.Contains(loc, "error=invalid_request") {
		t.Fatalf("without PKCE: %d %s", resp.StatusCode, loc)
	}
	// a non-loopback redirect is refused outright
	q.Set("redirect_uri", "http://evil.example/callback")
	q.Set("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
	q.Set("code_challenge_method", "S256")
	resp, err = noRedirect.Get(base + "/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusFound && strings.Contains(resp.Header.Get("Location"), "evil.example") {
		t.Fatalf("redirected to a foreign host: %s", resp.Header.Get("Location"))
	}
}
