// Citizen authorization on the citizen's own phone: the OAuth 2.0 device authorization grant (RFC 8628).

package portal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/zitadel/oidc/v3/pkg/client/rp"
	"github.com/zitadel/oidc/v3/pkg/oidc"
)

// DefaultSlowDownStep is how much the polling interval grows on each slow_down answer (RFC 8628 §3.5).
const DefaultSlowDownStep = 5 * time.Second

// DeviceAuthorizer obtains the citizen's token through the device flow: the desk shows a QR code and a short
// user code, the citizen approves on their phone, and the desk polls the portal until it answers.
type DeviceAuthorizer struct {
	Issuer   string   // the portal's OIDC issuer (its base URL)
	ClientID string   // DefaultClientID when empty
	Scopes   []string // DefaultScopes when empty; add DossierScope(code) so the consent names the dossier
	HTTP     *http.Client
	// SlowDownStep is added to the interval on every slow_down answer; DefaultSlowDownStep when zero.
	SlowDownStep time.Duration
}

// DeviceGrant is a started device authorization: show UserCode and a QR code of VerificationURIComplete,
// then call Wait.
type DeviceGrant struct {
	UserCode                string        // the short code the citizen types (or finds pre-filled from the QR code)
	VerificationURI         string        // where the citizen goes to type the code
	VerificationURIComplete string        // the same with the code in it: encode this in the QR code
	Expires                 time.Time     // after this the code is void: start again
	Interval                time.Duration // the current polling interval (grows on slow_down)
	SlowDowns               int           // how many slow_down answers Wait received

	deviceCode string
	tokenURL   string
	clientID   string
	step       time.Duration
	hc         *http.Client
	party      rp.RelyingParty
}

func (a *DeviceAuthorizer) httpClient() *http.Client {
	if a.HTTP != nil {
		return a.HTTP
	}
	return &http.Client{Timeout: DefaultTimeout}
}

// Start asks the portal for a device code and a user code.
func (a *DeviceAuthorizer) Start(ctx context.Context) (*DeviceGrant, error) {
	hc := a.httpClient()
	clientID, scopes := a.ClientID, a.Scopes
	if clientID == "" {
		clientID = DefaultClientID
	}
	if len(scopes) == 0 {
		scopes = DefaultScopes
	}
	party, err := rp.NewRelyingPartyOIDC(ctx, strings.TrimSuffix(a.Issuer, "/"), clientID, "", "", scopes, rp.WithHTTPClient(hc))
	if err != nil {
		if ctx.Err() != nil || isNetErr(err) {
			return nil, networkError("portal discovery", err)
		}
		return nil, &Error{Class: Permanent, Code: CodeProtocol, Message: "the portal's OpenID configuration is unusable", Err: err}
	}
	resp, err := rp.DeviceAuthorization(ctx, scopes, party, nil)
	if err != nil {
		if ctx.Err() != nil || isNetErr(err) {
			return nil, networkError("device authorization", err)
		}
		return nil, &Error{Class: NeedsUser, Code: CodeAuthDenied, Message: "the portal refused to start the authorization on the citizen's phone", Err: err}
	}
	if resp.DeviceCode == "" || resp.UserCode == "" || resp.VerificationURI == "" {
		return nil, &Error{Class: Permanent, Code: CodeProtocol, Message: "the portal's device authorization answer is incomplete"}
	}
	step := a.SlowDownStep
	if step <= 0 {
		step = DefaultSlowDownStep
	}
	interval := time.Duration(resp.Interval) * time.Second
	if interval <= 0 {
		interval = 5 * time.Second // RFC 8628 §3.2 default
	}
	complete := resp.VerificationURIComplete
	if complete == "" {
		complete = resp.VerificationURI + "?user_code=" + url.QueryEscape(resp.UserCode)
	}
	return &DeviceGrant{
		UserCode: resp.UserCode, VerificationURI: resp.VerificationURI, VerificationURIComplete: complete,
		Expires: time.Now().Add(time.Duration(resp.ExpiresIn) * time.Second), Interval: interval,
		deviceCode: resp.DeviceCode, tokenURL: party.OAuthConfig().Endpoint.TokenURL, clientID: clientID,
		step: step, hc: hc, party: party,
	}, nil
}

// Wait polls the portal at the announced interval (growing it on slow_down) until the citizen approves
// (the token is returned), denies (ErrAccessDenied), the code expires (ErrDeviceCodeExpired) or ctx ends
// (ErrAuthTimeout). Network failures while polling are retried until the code expires.
func (g *DeviceGrant) Wait(ctx context.Context) (Token, error) {
	var lastNet error
	for {
		t := time.NewTimer(g.Interval)
		select {
		case <-ctx.Done():
			t.Stop()
			return Token{}, &Error{Class: NeedsUser, Code: CodeAuthTimeout, Message: ErrAuthTimeout.Message, Err: ctx.Err()}
		case <-t.C:
		}
		if time.Now().After(g.Expires.Add(g.Interval)) {
			return Token{}, &Error{Class: NeedsUser, Code: CodeAuthExpired, Message: ErrDeviceCodeExpired.Message, Err: lastNet}
		}
		resp, oerr, err := g.poll(ctx)
		if err != nil {
			if ctx.Err() != nil {
				continue // reported as a timeout at the top of the loop
			}
			lastNet = err
			continue
		}
		if oerr != nil {
			switch oerr.ErrorType {
			case oidc.AuthorizationPending:
				continue
			case oidc.SlowDown:
				g.SlowDowns++
				g.Interval += g.step
				continue
			case oidc.AccessDenied:
				return Token{}, &Error{Class: NeedsUser, Code: CodeAuthDenied, Message: "the citizen refused the authorization on their phone; ask again or use the browser login"}
			case oidc.ExpiredToken:
				return Token{}, &Error{Class: NeedsUser, Code: CodeAuthExpired, Message: ErrDeviceCodeExpired.Message}
			default:
				return Token{}, &Error{Class: NeedsUser, Code: CodeAuthDenied, Message: fmt.Sprintf("the portal refused the authorization (%s: %s); start again", oerr.ErrorType, oerr.Description)}
			}
		}
		return g.token(ctx, resp)
	}
}

// poll asks the token endpoint once: a token response, an OAuth error, or a transport error.
func (g *DeviceGrant) poll(ctx context.Context) (*oidc.AccessTokenResponse, *oidc.Error, error) {
	form := url.Values{"grant_type": {string(oidc.GrantTypeDeviceCode)}, "device_code": {g.deviceCode}, "client_id": {g.clientID}}
	rctx, cancel := context.WithTimeout(ctx, DefaultTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodPost, g.tokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := g.hc.Do(req)
	if err != nil {
		return nil, nil, networkError("device token poll", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes))
	if err != nil {
		return nil, nil, networkError("device token poll", err)
	}
	if resp.StatusCode >= 500 {
		return nil, nil, &Error{Class: Transient, HTTPStatus: resp.StatusCode, Code: CodeInternal, Message: "the portal failed answering the poll"}
	}
	if resp.StatusCode != http.StatusOK {
		var oe oidc.Error
		if err := json.Unmarshal(data, &oe); err != nil || oe.ErrorType == "" {
			return nil, &oidc.Error{ErrorType: oidc.InvalidRequest, Description: http.StatusText(resp.StatusCode)}, nil
		}
		return nil, &oe, nil
	}
	var tr oidc.AccessTokenResponse
	if err := json.Unmarshal(data, &tr); err != nil || tr.AccessToken == "" {
		return nil, &oidc.Error{ErrorType: oidc.ServerError, Description: "unreadable token answer"}, nil
	}
	return &tr, nil, nil
}

// token verifies the ID token and builds the Token.
func (g *DeviceGrant) token(ctx context.Context, tr *oidc.AccessTokenResponse) (Token, error) {
	tok := Token{AccessToken: tr.AccessToken, RefreshToken: tr.RefreshToken, IDToken: tr.IDToken, Scopes: tr.Scope, Flow: "device"}
	if tr.ExpiresIn > 0 {
		tok.Expiry = time.Now().Add(time.Duration(tr.ExpiresIn) * time.Second)
	}
	if tr.IDToken == "" {
		return Token{}, &Error{Class: NeedsUser, Code: CodeAuthDenied, Message: "the portal sent no ID token; start the authorization again"}
	}
	claims, err := rp.VerifyIDToken[*oidc.IDTokenClaims](ctx, tr.IDToken, g.party.IDTokenVerifier())
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || isNetErr(err) {
			return Token{}, networkError("ID token keys", err)
		}
		return Token{}, &Error{Class: NeedsUser, Code: CodeAuthDenied, Message: "the portal's ID token does not verify; start the authorization again", Err: err}
	}
	tok.Subject, tok.Name = claims.Subject, claims.Name
	if v, ok := claims.Claims["vneid"].(bool); ok {
		tok.VNeID = v
	}
	return tok, nil
}
