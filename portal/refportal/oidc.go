// The OpenID provider's storage: the desk's public client, short-lived auth requests, JWT access tokens
// signed with a key persisted in the data dir.

package refportal

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"sohoa/portal"
)

const authRequestLifetime = 10 * time.Minute

var errNotSupported = errors.New("not supported by the reference portal")

// authRequest is one authorization in progress; values are copied out under the store's lock.
type authRequest struct {
	id, clientID, redirectURI, state, nonce string
	scopes                                  []string
	responseType                            oidc.ResponseType
	responseMode                            oidc.ResponseMode
	challenge                               *oidc.CodeChallenge
	created, authTime                       time.Time
	subject                                 string
	done                                    bool
}

func (a *authRequest) GetID() string                         { return a.id }
func (a *authRequest) GetACR() string                        { return "" }
func (a *authRequest) GetAMR() []string                      { return []string{"pwd"} }
func (a *authRequest) GetAudience() []string                 { return []string{a.clientID} }
func (a *authRequest) GetAuthTime() time.Time                { return a.authTime }
func (a *authRequest) GetClientID() string                   { return a.clientID }
func (a *authRequest) GetCodeChallenge() *oidc.CodeChallenge { return a.challenge }
func (a *authRequest) GetNonce() string                      { return a.nonce }
func (a *authRequest) GetRedirectURI() string                { return a.redirectURI }
func (a *authRequest) GetResponseType() oidc.ResponseType    { return a.responseType }
func (a *authRequest) GetResponseMode() oidc.ResponseMode    { return a.responseMode }
func (a *authRequest) GetScopes() []string                   { return a.scopes }
func (a *authRequest) GetState() string                      { return a.state }
func (a *authRequest) GetSubject() string                    { return a.subject }
func (a *authRequest) Done() bool                            { return a.done }

// deskClient is the public native client "sohoa-desk": PKCE, loopback redirects on any port.
type deskClient struct{}

func (deskClient) GetID() string                       { return portal.DefaultClientID }
func (deskClient) RedirectURIs() []string              { return []string{"http://127.0.0.1/callback"} }
func (deskClient) PostLogoutRedirectURIs() []string    { return nil }
func (deskClient) ApplicationType() op.ApplicationType { return op.ApplicationTypeNative }
func (deskClient) AuthMethod() oidc.AuthMethod         { return oidc.AuthMethodNone }
func (deskClient) ResponseTypes() []oidc.ResponseType {
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}
func (deskClient) GrantTypes() []oidc.GrantType {
	return []oidc.GrantType{oidc.GrantTypeCode, oidc.GrantTypeDeviceCode}
}
func (deskClient) LoginURL(id string) string                                { return "/login?authRequestID=" + url.QueryEscape(id) }
func (deskClient) AccessTokenType() op.AccessTokenType                      { return op.AccessTokenTypeJWT }
func (deskClient) IDTokenLifetime() time.Duration                           { return time.Hour }
func (deskClient) DevMode() bool                                            { return false }
func (deskClient) IsScopeAllowed(scope string) bool                         { return allowedScope(scope) }
func (deskClient) IDTokenUserinfoClaimsAssertion() bool                     { return true }
func (deskClient) ClockSkew() time.Duration                                 { return 0 }
func (deskClient) RestrictAdditionalIdTokenScopes() func([]string) []string { return identity }
func (deskClient) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return identity
}

func identity(s []string) []string { return s }

// signingKey is the provider's RS256 key (both op.SigningKey and op.Key).
type signingKey struct {
	id  string
	key *rsa.PrivateKey
}

func (k *signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k *signingKey) Key() any                                    { return k.key }
func (k *signingKey) ID() string                                  { return k.id }

type publicKey struct{ *signingKey }

func (k publicKey) Algorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k publicKey) Use() string                        { return "sig" }
func (k publicKey) Key() any                           { return &k.key.PublicKey }

// oidcStore implements op.Storage for the reference portal.
type oidcStore struct {
	*keyStore
	*deviceStore
	citizens      map[string]Citizen
	tokenLifetime time.Duration

	mu    sync.Mutex
	reqs  map[string]*authRequest
	codes map[string]string // code → auth request ID
}

// keyStore holds the provider's signing key (the OpenID provider's key storage, embedded in oidcStore).
type keyStore struct {
	key *signingKey
}

var _ op.Storage = (*oidcStore)(nil)

func newOIDCStore(key *signingKey, citizens []Citizen, tokenLifetime time.Duration) *oidcStore {
	m := make(map[string]Citizen, len(citizens))
	for _, c := range citizens {
		m[c.ID] = c
	}
	return &oidcStore{keyStore: &keyStore{key: key}, citizens: m, tokenLifetime: tokenLifetime, reqs: map[string]*authRequest{}, codes: map[string]string{},
		deviceStore: &deviceStore{devices: map[string]*deviceAuth{}, users: map[string]string{}}}
}

// CreateAuthRequest stores a validated authorization request; PKCE with S256 is required.
func (s *oidcStore) CreateAuthRequest(_ context.Context, r *oidc.AuthRequest, _ string) (op.AuthRequest, error) {
	if slices.Contains(r.Prompt, oidc.PromptNone) {
		return nil, oidc.ErrLoginRequired()
	}
	if r.CodeChallenge == "" || r.CodeChallengeMethod != oidc.CodeChallengeMethodS256 {
		return nil, oidc.ErrInvalidRequest().WithDescription("PKCE with code_challenge_method=S256 is required")
	}
	a := &authRequest{
		id: randomID(), clientID: r.ClientID, redirectURI: r.RedirectURI, state: r.State, nonce: r.Nonce,
		scopes: r.Scopes, responseType: r.ResponseType, responseMode: r.ResponseMode,
		challenge: &oidc.CodeChallenge{Challenge: r.CodeChallenge, Method: r.CodeChallengeMethod},
		created:   time.Now(),
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, old := range s.reqs {
		if time.Since(old.created) > authRequestLifetime {
			delete(s.reqs, id)
		}
	}
	s.reqs[a.id] = a
	cp := *a
	return &cp, nil
}

func (s *oidcStore) request(id string) (op.AuthRequest, error) {
	a, ok := s.reqs[id]
	if !ok || time.Since(a.created) > authRequestLifetime {
		return nil, errors.New("authorization request not found or expired")
	}
	cp := *a
	return &cp, nil
}

// AuthRequestByID returns a stored authorization request.
func (s *oidcStore) AuthRequestByID(_ context.Context, id string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.request(id)
}

// AuthRequestByCode returns the authorization request a code was issued for.
func (s *oidcStore) AuthRequestByCode(_ context.Context, code string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.codes[code]
	if !ok {
		return nil, errors.New("code invalid or expired")
	}
	return s.request(id)
}

// SaveAuthCode links a code to its authorization request.
func (s *oidcStore) SaveAuthCode(_ context.Context, id, code string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.codes[code] = id
	return nil
}

// DeleteAuthRequest forgets a request and its code once tokens are issued (codes are single use).
func (s *oidcStore) DeleteAuthRequest(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.reqs, id)
	for code, rid := range s.codes {
		if rid == id {
			delete(s.codes, code)
		}
	}
	return nil
}

// checkLogin verifies the citizen's CCCD and password and completes the authorization request.
func (s *oidcStore) checkLogin(id, username, password string) error {
	c, ok := s.citizens[strings.TrimSpace(username)]
	if !ok || !constantTimeEqual(c.Password, password) {
		return errors.New("số CCCD hoặc mật khẩu không đúng")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.reqs[id]
	if !ok {
		return errors.New("phiên đăng nhập đã hết hạn, vui lòng thử lại từ ứng dụng")
	}
	a.subject, a.done, a.authTime = c.ID, true, time.Now()
	return nil
}

// CreateAccessToken gives the expiry of a JWT access token (the provider signs it).
func (s *oidcStore) CreateAccessToken(context.Context, op.TokenRequest) (string, time.Time, error) {
	return randomID(), time.Now().Add(s.tokenLifetime), nil
}

// CreateAccessAndRefreshTokens is not offered: the desk holds a token only as long as a submission needs it.
func (s *oidcStore) CreateAccessAndRefreshTokens(context.Context, op.TokenRequest, string) (string, string, time.Time, error) {
	return "", "", time.Time{}, oidc.ErrUnsupportedGrantType().WithDescription("refresh tokens are not issued")
}

// TokenRequestByRefreshToken is not offered.
func (s *oidcStore) TokenRequestByRefreshToken(context.Context, string) (op.RefreshTokenRequest, error) {
	return nil, op.ErrInvalidRefreshToken
}

// TerminateSession has nothing to end: tokens are stateless JWTs.
func (s *oidcStore) TerminateSession(context.Context, string, string) error { return nil }

// RevokeToken accepts and ignores revocations (stateless JWTs expire by themselves).
func (s *oidcStore) RevokeToken(context.Context, string, string, string) *oidc.Error { return nil }

// GetRefreshTokenInfo knows no refresh tokens.
func (s *oidcStore) GetRefreshTokenInfo(context.Context, string, string) (string, string, error) {
	return "", "", op.ErrInvalidRefreshToken
}

// SigningKey returns the persisted RS256 key.
func (s *keyStore) SigningKey(context.Context) (op.SigningKey, error) { return s.key, nil }

// SignatureAlgorithms returns RS256.
func (s *keyStore) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256}, nil
}

// KeySet returns the public key.
func (s *keyStore) KeySet(context.Context) ([]op.Key, error) { return []op.Key{publicKey{s.key}}, nil }

// GetClientByClientID knows only the desk client.
func (s *oidcStore) GetClientByClientID(_ context.Context, id string) (op.Client, error) {
	if id != portal.DefaultClientID {
		return nil, fmt.Errorf("unknown client %q", id)
	}
	return deskClient{}, nil
}

// AuthorizeClientIDSecret refuses: the desk is a public client without a secret.
func (s *oidcStore) AuthorizeClientIDSecret(context.Context, string, string) error {
	return errors.New("public client: no secret")
}

// SetUserinfoFromScopes is deprecated by the library; SetUserinfoFromRequest does the work.
func (s *oidcStore) SetUserinfoFromScopes(context.Context, *oidc.UserInfo, string, string, []string) error {
	return nil
}

// SetUserinfoFromRequest fills the ID token's claims: sub, and with "profile" the name, birth date, sex,
// address and the "vneid" claim.
func (s *oidcStore) SetUserinfoFromRequest(_ context.Context, ui *oidc.UserInfo, r op.IDTokenRequest, scopes []string) error {
	return s.userinfo(ui, r.GetSubject(), scopes)
}

// SetUserinfoFromToken serves the userinfo endpoint.
func (s *oidcStore) SetUserinfoFromToken(_ context.Context, ui *oidc.UserInfo, _, subject, _ string) error {
	return s.userinfo(ui, subject, []string{oidc.ScopeOpenID, oidc.ScopeProfile})
}

func (s *oidcStore) userinfo(ui *oidc.UserInfo, subject string, scopes []string) error {
	c, ok := s.citizens[subject]
	if !ok {
		return fmt.Errorf("unknown citizen %q", subject)
	}
	ui.Subject = c.ID
	if slices.Contains(scopes, oidc.ScopeProfile) {
		ui.Name = c.Name
		ui.PreferredUsername = c.ID
		if t, err := time.Parse("02/01/2006", c.DOB); err == nil {
			ui.Birthdate = t.Format("2006-01-02")
		}
		switch c.Sex {
		case "Nam":
			ui.Gender = oidc.Gender("male")
		case "Nữ":
			ui.Gender = oidc.Gender("female")
		}
		ui.Address = &oidc.UserInfoAddress{Formatted: c.Address, Country: "VN"}
		ui.AppendClaims("vneid", c.VNeID)
	}
	return nil
}

// SetIntrospectionFromToken is not offered.
func (s *oidcStore) SetIntrospectionFromToken(context.Context, *oidc.IntrospectionResponse, string, string, string) error {
	return errNotSupported
}

// GetPrivateClaimsFromScopes puts the granted scopes into the JWT access token as "scope".
func (s *oidcStore) GetPrivateClaimsFromScopes(_ context.Context, _, _ string, scopes []string) (map[string]any, error) {
	return map[string]any{"scope": strings.Join(scopes, " ")}, nil
}

// GetKeyByIDAndClientID is not offered (no JWT profile grant).
func (s *oidcStore) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errNotSupported
}

// ValidateJWTProfileScopes is not offered.
func (s *oidcStore) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, errNotSupported
}

// Health reports the store as healthy.
func (s *oidcStore) Health(context.Context) error { return nil }

func randomID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// loadOrCreateKey reads the provider's RSA key from dir, creating it on first start.
func loadOrCreateKey(dir string) (*signingKey, error) {
	path := filepath.Join(dir, "oidc-signing-key.pem")
	data, err := os.ReadFile(path)
	var key *rsa.PrivateKey
	switch {
	case err == nil:
		blk, _ := pem.Decode(data)
		if blk == nil {
			return nil, fmt.Errorf("read %s: no PEM block", path)
		}
		k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("read %s: not an RSA key", path)
		}
		key = rk
	case errors.Is(err, os.ErrNotExist):
		if key, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			return nil, fmt.Errorf("generate signing key: %w", err)
		}
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			return nil, fmt.Errorf("encode signing key: %w", err)
		}
		if err := writeFileAtomic(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("read signing key: %w", err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("encode public key: %w", err)
	}
	sum := sha256.Sum256(pub)
	return &signingKey{id: hex.EncodeToString(sum[:8]), key: key}, nil
}

// loadOrCreateSecret reads a 32-byte secret from dir, creating it on first start.
func loadOrCreateSecret(dir, name string) ([32]byte, error) {
	var k [32]byte
	path := filepath.Join(dir, name)
	data, err := os.ReadFile(path)
	switch {
	case err == nil && len(data) == 32:
		copy(k[:], data)
		return k, nil
	case err == nil:
		return k, fmt.Errorf("read %s: want 32 bytes, have %d", path, len(data))
	case errors.Is(err, os.ErrNotExist):
		_, _ = rand.Read(k[:])
		return k, writeFileAtomic(path, k[:], 0o600)
	default:
		return k, fmt.Errorf("read %s: %w", path, err)
	}
}
