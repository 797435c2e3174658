// Client of the submission API: lookup, commit and status, with per-request timeouts and classified errors.

package portal

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Defaults of a Client made by NewClient.
const (
	// DefaultChunkSize is the bytes per tus PATCH: 256 KiB take 8 s at 256 kbit/s, well inside the
	// per-request timeout (1 MiB would take 33 s and never finish on such a link), and bound what a cut re-sends.
	DefaultChunkSize = 256 << 10
	DefaultTimeout   = 30 * time.Second // per HTTP request, so a hanging portal fails as Transient
	maxAnswerBytes   = 1 << 20          // largest JSON answer read from the portal
)

// Client submits dossiers to one portal. Its zero value is not usable: make it with NewClient.
type Client struct {
	BaseURL   string       // e.g. "https://dichvucong.example.gov.vn" or the reference portal's URL
	HTTP      *http.Client // transport; per-request deadlines come from Timeout
	ChunkSize int64        // bytes per upload PATCH (DefaultChunkSize when <= 0)
	Timeout   time.Duration
	// MaxResumes bounds how many times in a row one file's upload resumes after a transient failure
	// without progress before Submit gives up with a Transient error (3 when <= 0).
	MaxResumes int

	mu      sync.Mutex
	uploads map[string]string // (idem key, file name, sha256) → tus upload URL, to resume across Submit calls
}

// NewClient makes a client for the portal at baseURL with dial, TLS and per-request timeouts.
func NewClient(baseURL string) *Client {
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: DefaultTimeout,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConnsPerHost:   4,
	}
	return &Client{BaseURL: strings.TrimSuffix(baseURL, "/"), HTTP: &http.Client{Transport: tr}, ChunkSize: DefaultChunkSize, Timeout: DefaultTimeout}
}

// Submit commits the dossier exactly once: it first asks the portal whether the idempotency key is already
// committed (and then returns that receipt), otherwise uploads every file (resuming partial uploads) and commits.
// Retrying Submit with the same Submission after any error is safe.
func (c *Client) Submit(ctx context.Context, s Submission, tok Token) (Receipt, error) {
	if strings.TrimSpace(s.IdemKey) == "" {
		return Receipt{}, &Error{Class: Permanent, Code: CodeMissingIdemKey, Message: "the submission has no idempotency key"}
	}
	if err := s.Manifest.Validate(); err != nil {
		return Receipt{}, err
	}
	if err := checkFiles(s); err != nil {
		return Receipt{}, err
	}
	if r, ok, err := c.Lookup(ctx, s.IdemKey, tok); err != nil || ok {
		return r, err
	}
	req := CommitRequest{Manifest: s.Manifest, Files: make([]CommitFile, 0, len(s.Files))}
	for _, f := range s.Files {
		u, err := c.upload(ctx, s, f, tok)
		if err != nil {
			return Receipt{}, fmt.Errorf("upload %s: %w", f.Name, err)
		}
		req.Files = append(req.Files, CommitFile{Name: f.Name, Component: f.Component, SHA256: f.SHA256, Size: f.Size, UploadURL: u})
	}
	body, err := json.Marshal(req)
	if err != nil {
		return Receipt{}, fmt.Errorf("encode commit: %w", err)
	}
	if s.BeforeCommit != nil {
		s.BeforeCommit()
	}
	var rb ReceiptBody
	status, err := c.doJSON(ctx, http.MethodPost, PathDossiers, body, tok, map[string]string{HeaderIdempotencyKey: s.IdemKey}, &rb)
	if err != nil {
		return Receipt{}, err
	}
	if status != http.StatusCreated && status != http.StatusOK {
		return Receipt{}, &Error{Class: Permanent, HTTPStatus: status, Code: CodeProtocol, Message: "unexpected answer to the commit"}
	}
	c.forgetUploads(s)
	return rb.receipt(), nil
}

// Lookup asks the portal whether a dossier was already committed under idemKey (by this citizen).
func (c *Client) Lookup(ctx context.Context, idemKey string, tok Token) (Receipt, bool, error) {
	var rb ReceiptBody
	_, err := c.doJSON(ctx, http.MethodGet, PathDossiers+"?idempotency_key="+url.QueryEscape(idemKey), nil, tok, nil, &rb)
	var pe *Error
	if errors.As(err, &pe) && pe.HTTPStatus == http.StatusNotFound {
		return Receipt{}, false, nil
	}
	if err != nil {
		return Receipt{}, false, err
	}
	return rb.receipt(), true, nil
}

// Status asks the portal for the current status of a committed dossier.
func (c *Client) Status(ctx context.Context, portalCode string, tok Token) (Receipt, error) {
	var rb ReceiptBody
	if _, err := c.doJSON(ctx, http.MethodGet, PathDossiers+"/"+url.PathEscape(portalCode), nil, tok, nil, &rb); err != nil {
		return Receipt{}, err
	}
	return rb.receipt(), nil
}

// Track asks the portal for the status of a committed dossier with its per-dossier status token (from
// Receipt.StatusToken), without the citizen's token. The answer never carries a status token.
// A 404 (unknown dossier or wrong token) is a Permanent *Error with Code CodeNotFound.
func (c *Client) Track(ctx context.Context, portalCode, statusToken string) (Receipt, error) {
	if portalCode == "" || statusToken == "" {
		return Receipt{}, &Error{Class: Permanent, Code: CodeNotFound, Message: "the dossier has no portal code or no status token; follow it on the portal"}
	}
	var rb ReceiptBody
	ref := PathDossiers + "/" + url.PathEscape(portalCode) + PathStatusSuffix
	if _, err := c.doJSON(ctx, http.MethodGet, ref, nil, Token{AccessToken: statusToken}, nil, &rb); err != nil {
		return Receipt{}, err
	}
	if rb.PortalCode != portalCode || rb.Status < 1 || rb.Status > 10 {
		return Receipt{}, &Error{Class: Transient, Code: CodeProtocol, Message: fmt.Sprintf("the portal answered status %d for dossier %q when asked about %q", rb.Status, rb.PortalCode, portalCode)}
	}
	r := rb.receipt()
	r.StatusToken = ""
	return r, nil
}

func (rb ReceiptBody) receipt() Receipt {
	r := Receipt{PortalCode: rb.PortalCode, Status: rb.Status, ReceivedAt: rb.ReceivedAt, StatusToken: rb.StatusToken, ResultAt: rb.ResultAt}
	if p := rb.Payment; p != nil {
		r.Payment = &PaymentRequest{Amount: p.Amount, Reference: p.Reference, URL: p.URL, QR: p.QR, Paid: p.Paid, PaidAt: p.PaidAt}
	}
	return r
}

// checkFiles checks that the files and the manifest's TaiLieuNop describe the same files.
func checkFiles(s Submission) error {
	bad := func(format string, args ...any) error {
		return &Error{Class: Permanent, Code: CodeInvalidManifest, Message: fmt.Sprintf(format, args...)}
	}
	if len(s.Files) != len(s.Manifest.TaiLieuNop) {
		return bad("the submission has %d files but the manifest lists %d", len(s.Files), len(s.Manifest.TaiLieuNop))
	}
	for _, f := range s.Files {
		t, ok := s.Manifest.File(f.Name)
		switch {
		case !ok:
			return bad("file %q is not in the manifest", f.Name)
		case t.SHA256 != f.SHA256 || t.KichThuoc != f.Size:
			return bad("file %q: SHA-256 or size differ from the manifest", f.Name)
		case t.MaThanhPhanHoSo != f.Component:
			return bad("file %q: component %q differs from the manifest's %q", f.Name, f.Component, t.MaThanhPhanHoSo)
		case f.Open == nil:
			return bad("file %q has no content", f.Name)
		}
	}
	return nil
}

func (c *Client) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return DefaultTimeout
}

func (c *Client) httpClient() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return http.DefaultClient
}

// resolve makes an absolute URL from a path or a URL relative to the base URL.
func (c *Client) resolve(ref string) (string, error) {
	base, err := url.Parse(strings.TrimSuffix(c.BaseURL, "/") + "/")
	if err != nil {
		return "", &Error{Class: Permanent, Code: CodeProtocol, Message: "the portal address is not a URL", Err: err}
	}
	r, err := url.Parse(ref)
	if err != nil {
		return "", &Error{Class: Permanent, Code: CodeProtocol, Message: "the portal gave an invalid URL", Err: err}
	}
	if !r.IsAbs() && strings.HasPrefix(ref, "/") {
		// keep a base path prefix, if any
		r, _ = url.Parse(strings.TrimSuffix(base.Path, "/") + ref)
	}
	abs := base.ResolveReference(r)
	if abs.Scheme != base.Scheme || abs.Host != base.Host {
		return "", &Error{Class: Permanent, Code: CodeProtocol, Message: "refusing to send the citizen's token to " + abs.Host + ", which is not the portal"}
	}
	return abs.String(), nil
}

// send performs one request with the client's per-request timeout, adding the bearer token.
// On success the caller must close the response body; cancel releases the timeout.
func (c *Client) send(ctx context.Context, method, ref string, body io.Reader, size int64, tok Token, hdr map[string]string) (*http.Response, context.CancelFunc, error) {
	if tok.AccessToken == "" {
		return nil, nil, &Error{Class: NeedsUser, Code: CodeUnauthorized, Message: "no citizen authorization; ask the citizen to log in"}
	}
	if tok.Expired(time.Now()) {
		return nil, nil, ErrTokenExpired
	}
	u, err := c.resolve(ref)
	if err != nil {
		return nil, nil, err
	}
	rctx, cancel := context.WithTimeout(ctx, c.timeout())
	req, err := http.NewRequestWithContext(rctx, method, u, body)
	if err != nil {
		cancel()
		return nil, nil, &Error{Class: Permanent, Code: CodeProtocol, Message: "cannot build the request", Err: err}
	}
	if body != nil {
		req.ContentLength = size
	}
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.httpClient().Do(req)
	if err != nil {
		cancel()
		if ctx.Err() != nil {
			return nil, nil, fmt.Errorf("%s %s: %w", method, ref, ctx.Err())
		}
		return nil, nil, networkError(method+" "+req.URL.Path, err)
	}
	return resp, cancel, nil
}

// doJSON sends a JSON request and decodes a 2xx JSON answer into out; other statuses become *Error.
func (c *Client) doJSON(ctx context.Context, method, ref string, body []byte, tok Token, hdr map[string]string, out any) (int, error) {
	var rd io.Reader
	h := map[string]string{"Accept": "application/json"}
	if body != nil {
		rd = bytes.NewReader(body)
		h["Content-Type"] = "application/json"
	}
	for k, v := range hdr {
		h[k] = v
	}
	resp, cancel, err := c.send(ctx, method, ref, rd, int64(len(body)), tok, h)
	if err != nil {
		return 0, err
	}
	defer cancel()
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, responseError(resp)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes))
	if err != nil {
		return resp.StatusCode, networkError("reading the answer to "+method+" "+resp.Request.URL.Path, err)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return resp.StatusCode, &Error{Class: Transient, HTTPStatus: resp.StatusCode, Code: CodeProtocol, Message: "the portal's answer is not the expected JSON", Err: err}
		}
	}
	return resp.StatusCode, nil
}

// responseError turns a non-2xx answer into a classified *Error, reading a JSON {code, message} body
// or a tus "ERR_CODE: message" text body when there is one.
func responseError(resp *http.Response) error {
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	e := &Error{Class: classForStatus(resp.StatusCode), HTTPStatus: resp.StatusCode}
	var eb ErrorBody
	if json.Unmarshal(data, &eb) == nil && eb.Code != "" {
		e.Code, e.Message = eb.Code, eb.Message
	} else if code, msg, ok := strings.Cut(strings.TrimSpace(string(data)), ": "); ok && strings.HasPrefix(code, "ERR_") {
		e.Code, e.Message = strings.ToLower(strings.TrimPrefix(code, "ERR_")), msg
	} else {
		e.Code = defaultCode(resp.StatusCode)
		e.Message = http.StatusText(resp.StatusCode)
	}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		e.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	}
	return e
}

func defaultCode(status int) string {
	switch {
	case status == http.StatusUnauthorized:
		return CodeUnauthorized
	case status == http.StatusNotFound:
		return CodeNotFound
	case status == http.StatusConflict:
		return CodeIdempotencyConflict
	case status == http.StatusRequestEntityTooLarge:
		return CodeTooLarge
	case status == http.StatusTooManyRequests:
		return CodeRateLimited
	case status >= 500:
		return CodeInternal
	}
	return fmt.Sprintf("http_%d", status)
}
