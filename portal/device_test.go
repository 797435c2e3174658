// Tests of the device authorization grant against the reference portal: approve, deny, expire, slow_down,
// and a per-dossier scope that limits what the token may commit.

package portal_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"sohoa/portal"
	"sohoa/portal/refportal"
)

// phone is the citizen's phone: it opens the QR code's address, checks the page names the dossier, and
// approves (logging in) or denies.
func phone(t *testing.T, g *portal.DeviceGrant, c refportal.Citizen, action, wantDossier string) {
	t.Helper()
	resp, err := http.Get(g.VerificationURIComplete)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), `value="`+g.UserCode+`"`) {
		t.Fatalf("device page: %d\n%s", resp.StatusCode, page)
	}
	if wantDossier != "" && !strings.Contains(string(page), `<span class="dossier">`+wantDossier+`</span>`) {
		t.Fatalf("the consent page does not name dossier %s:\n%s", wantDossier, page)
	}
	// The citizen types the code in lower case without its dash: still accepted.
	code := strings.ToLower(strings.ReplaceAll(g.UserCode, "-", ""))
	resp, err = http.PostForm(g.VerificationURI, url.Values{"user_code": {code}, "username": {c.ID}, "password": {c.Password}, "action": {action}})
	if err != nil {
		t.Fatal(err)
	}
	page, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), `class="ok"`) {
		t.Fatalf("device %s: %d\n%s", action, resp.StatusCode, page)
	}
}

func fastDevicePortal(t *testing.T, mod func(*refportal.Config)) string {
	_, base := startPortal(t, t.TempDir(), func(c *refportal.Config) {
		c.DevicePollInterval = time.Second
		if mod != nil {
			mod(c)
		}
	})
	return base
}

func TestDeviceFlowApproveThenSubmitOnlyThatDossier(t *testing.T) {
	t.Parallel()
	base := fastDevicePortal(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sub := submission("dev-approve", binh(), memFile("to-khai.pdf", "TP1", readShared(t, "pdfsign-hello_hsm.pdf")))
	a := &portal.DeviceAuthorizer{Issuer: base, Scopes: append(append([]string{}, portal.DefaultScopes...), portal.DossierScope(sub.Manifest.MaHoSo))}
	g, err := a.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.UserCode) != 9 || g.Interval != time.Second || time.Until(g.Expires) < 9*time.Minute ||
		!strings.HasPrefix(g.VerificationURIComplete, base+"/device?user_code=") {
		t.Fatalf("grant = %+v", g)
	}
	// Before the citizen acts, polling says "pending": Wait is still waiting when a short context ends.
	short, cancelShort := context.WithTimeout(ctx, 1500*time.Millisecond)
	_, err = g.Wait(short)
	cancelShort()
	if !errors.Is(err, portal.ErrAuthTimeout) || portal.Classify(err) != portal.NeedsUser {
		t.Fatalf("Wait before approval = %v, want ErrAuthTimeout", err)
	}
	phone(t, g, binh(), "approve", sub.Manifest.MaHoSo)
	tok, err := g.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if tok.Subject != binh().ID || tok.Name != binh().Name || !tok.VNeID || tok.Flow != "device" || tok.AccessToken == "" || tok.Expired(time.Now()) {
		t.Fatalf("token = %+v", tok)
	}
	if !strings.Contains(strings.Join(tok.Scopes, " "), portal.DossierScope(sub.Manifest.MaHoSo)) {
		t.Errorf("granted scopes %v do not name the dossier", tok.Scopes)
	}
	// The device code is single use.
	if _, err := g.Wait(ctx); err == nil {
		t.Fatal("a second Wait on a used device code succeeded")
	}
	c := portal.NewClient(base)
	r, err := c.Submit(ctx, sub, tok)
	if err != nil || r.PortalCode == "" {
		t.Fatalf("Submit with the device token = %+v, %v", r, err)
	}
	// The same token may not commit another dossier.
	other := submission("dev-other", binh(), memFile("to-khai.pdf", "TP1", readShared(t, "pdfsign-hello_hsm.pdf")))
	other.Manifest.MaHoSo = "000.00.00.H47-251120-0002"
	var pe *portal.Error
	if _, err := c.Submit(ctx, other, tok); !errors.As(err, &pe) || pe.HTTPStatus != http.StatusForbidden || pe.Code != portal.CodeInsufficientScope {
		t.Fatalf("Submit of another dossier = %v, want 403 insufficient_scope", err)
	}
}

func TestDeviceFlowDenied(t *testing.T) {
	t.Parallel()
	base := fastDevicePortal(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	g, err := (&portal.DeviceAuthorizer{Issuer: base}).Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	phone(t, g, binh(), "deny", "")
	_, err = g.Wait(ctx)
	if !errors.Is(err, portal.ErrAccessDenied) || portal.Classify(err) != portal.NeedsUser {
		t.Fatalf("Wait after deny = %v, want ErrAccessDenied", err)
	}
}

func TestDeviceFlowExpires(t *testing.T) {
	t.Parallel()
	base := fastDevicePortal(t, func(c *refportal.Config) { c.DeviceLifetime = 2 * time.Second })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	g, err := (&portal.DeviceAuthorizer{Issuer: base}).Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = g.Wait(ctx)
	if !errors.Is(err, portal.ErrDeviceCodeExpired) || portal.Classify(err) != portal.NeedsUser {
		t.Fatalf("Wait on an expired code = %v, want ErrDeviceCodeExpired", err)
	}
	if d := time.Since(start); d < 2*time.Second || d > 6*time.Second {
		t.Errorf("expiry noticed after %s, want 2–6 s", d)
	}
	// The phone can no longer approve the expired code.
	resp, err := http.Get(g.VerificationURIComplete)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("device page of an expired code: %d, want 404", resp.StatusCode)
	}
}

func TestDeviceFlowSlowDown(t *testing.T) {
	t.Parallel()
	// The portal announces 1 s but accepts a poll only every 1.5 s: the first poll is told slow_down.
	base := fastDevicePortal(t, func(c *refportal.Config) { c.DevicePollSpacing = 1500 * time.Millisecond })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	g, err := (&portal.DeviceAuthorizer{Issuer: base, SlowDownStep: time.Second}).Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	phone(t, g, an(), "approve", "")
	tok, err := g.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if g.SlowDowns != 1 || g.Interval != 2*time.Second || tok.Subject != an().ID {
		t.Fatalf("after slow_down: %d slow_down(s), interval %s, subject %s; want 1, 2s, %s", g.SlowDowns, g.Interval, tok.Subject, an().ID)
	}
}

func TestDeviceFlowWrongPasswordKeepsWaiting(t *testing.T) {
	t.Parallel()
	base := fastDevicePortal(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	g, err := (&portal.DeviceAuthorizer{Issuer: base}).Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.PostForm(g.VerificationURI, url.Values{"user_code": {g.UserCode}, "username": {binh().ID}, "password": {"wrong"}, "action": {"approve"}})
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), `class="err"`) {
		t.Fatalf("wrong password accepted:\n%s", page)
	}
	for _, code := range []string{"", "XXXX-XXXX", strings.Repeat("A", 5000)} {
		resp, err := http.PostForm(g.VerificationURI, url.Values{"user_code": {code}, "username": {binh().ID}, "password": {binh().Password}, "action": {"approve"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("approve unknown code %.12q: %d, want 404", code, resp.StatusCode)
		}
	}
	phone(t, g, binh(), "approve", "")
	if tok, err := g.Wait(ctx); err != nil || tok.Subject != binh().ID {
		t.Fatalf("Wait = %+v, %v", tok.Subject, err)
	}
}

func TestDeviceFlowUnreachablePortalIsTransient(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := (&portal.DeviceAuthorizer{Issuer: "http://127.0.0.1:1"}).Start(ctx)
	if portal.Classify(err) != portal.Transient {
		t.Fatalf("Start on a closed port = %v, want Transient", err)
	}
}
