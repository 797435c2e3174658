// The eSCL client: capabilities, scan jobs and page retrieval over HTTP.

package escl

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"sohoa/scanner"
)

// Scheme is the address scheme of this backend.
const Scheme = "escl"

func init() {
	scanner.Register(scanner.Backend{
		Scheme: Scheme,
		Open:   func(rest string) (scanner.Device, error) { return New(rest, Options{}) },
		List:   func(ctx context.Context) ([]scanner.Info, error) { return Discover(ctx, DiscoverTimeout) },
	})
}

// Options tune a Device. Zero values give the defaults.
type Options struct {
	// Transport carries the HTTP requests; nil means a network transport. eSCL devices serve
	// https with self-signed certificates, so the network transport does not verify them
	// (as sane-airscan does); the device is addressed by the officer's own configuration.
	Transport http.RoundTripper
	// Address is what Address() returns; default "escl:" + base URL.
	Address string
	// Name is the name shown before the capabilities are read; default the base URL's host.
	Name string
	// RequestTimeout bounds one status/capabilities/job request including its body (default 20 s).
	RequestTimeout time.Duration
	// PageTimeout bounds one NextDocument request including the image (default 3 min: a
	// device answers NextDocument once the page is scanned).
	PageTimeout time.Duration
	// BusyRetries is how many 503/busy answers are retried in a row (default 10).
	BusyRetries int
	// RetryDelay is the first wait after a busy answer; it doubles up to 8 times it (default 500 ms).
	RetryDelay time.Duration
	// Closer, if set, is closed by Close (e.g. the claimed USB interfaces).
	Closer io.Closer
}

// Device is one eSCL scanner.
type Device struct {
	base   *url.URL
	opts   Options
	client *http.Client

	mu   sync.Mutex
	caps *ScannerCapabilities
}

var _ scanner.Device = (*Device)(nil)

// New returns the device at base, an http or https URL of the eSCL root (e.g.
// "http://192.168.1.20/eSCL"). It does not contact the device.
func New(base string, o Options) (*Device, error) {
	u, err := url.Parse(strings.TrimSpace(base))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("escl: address %q is not an http(s) URL of the scanner (want e.g. escl:http://192.168.1.20/eSCL)", base)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	u.RawQuery, u.Fragment = "", ""
	if o.Address == "" {
		o.Address = Scheme + ":" + strings.TrimSuffix(u.String(), "/")
	}
	if o.Name == "" {
		o.Name = "eSCL " + u.Host
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = 20 * time.Second
	}
	if o.PageTimeout <= 0 {
		o.PageTimeout = 3 * time.Minute
	}
	if o.BusyRetries <= 0 {
		o.BusyRetries = 10
	}
	if o.RetryDelay <= 0 {
		o.RetryDelay = 500 * time.Millisecond
	}
	tr := o.Transport
	if tr == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // eSCL devices use self-signed certificates
		t.ResponseHeaderTimeout = 0                               // per-request contexts bound the wait
		tr = t
	}
	return &Device{
		base: u,
		opts: o,
		client: &http.Client{
			Transport: tr,
			// Redirects are not followed: a device answering a job with 3xx is misbehaving.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}, nil
}

// Address returns the device address, e.g. "escl:http://192.168.1.20/eSCL".
func (d *Device) Address() string { return d.opts.Address }

// Name returns the device's MakeAndModel once the capabilities were read, else a placeholder.
func (d *Device) Name() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.caps != nil && d.caps.MakeAndModel != "" {
		return strings.TrimSpace(d.caps.MakeAndModel)
	}
	return d.opts.Name
}

// Close releases idle connections and the Options.Closer.
func (d *Device) Close() error {
	d.client.CloseIdleConnections()
	if d.opts.Closer != nil {
		return d.opts.Closer.Close()
	}
	return nil
}

// Capabilities reads (once) and maps the device's capabilities.
func (d *Device) Capabilities(ctx context.Context) (scanner.Capabilities, error) {
	c, err := d.ScannerCapabilities(ctx)
	if err != nil {
		return scanner.Capabilities{}, err
	}
	return c.Generic(), nil
}

// ScannerCapabilities returns the parsed capabilities document, fetched on first use.
func (d *Device) ScannerCapabilities(ctx context.Context) (*ScannerCapabilities, error) {
	d.mu.Lock()
	c := d.caps
	d.mu.Unlock()
	if c != nil {
		return c, nil
	}
	const op = "ScannerCapabilities"
	r, err := d.do(ctx, op, http.MethodGet, d.url("ScannerCapabilities"), nil, d.opts.RequestTimeout, nil)
	if err != nil {
		return nil, err
	}
	if r.status != http.StatusOK {
		return nil, &Error{Op: op, Status: r.status}
	}
	c, err = ParseCapabilities(r.body)
	if err != nil {
		return nil, &Error{Kind: ErrBadData, Op: op, Err: err}
	}
	d.mu.Lock()
	d.caps = c
	d.mu.Unlock()
	return c, nil
}

// Status reads the device's ScannerStatus.
func (d *Device) Status(ctx context.Context) (*ScannerStatus, error) {
	const op = "ScannerStatus"
	r, err := d.do(ctx, op, http.MethodGet, d.url("ScannerStatus"), nil, d.opts.RequestTimeout, nil)
	if err != nil {
		return nil, err
	}
	if r.status != http.StatusOK {
		return nil, &Error{Op: op, Status: r.status}
	}
	s, err := ParseStatus(r.body)
	if err != nil {
		return nil, &Error{Kind: ErrBadData, Op: op, Err: err}
	}
	return s, nil
}

// url resolves a path relative to the eSCL root.
func (d *Device) url(rel string) string {
	return d.base.ResolveReference(&url.URL{Path: rel}).String()
}

// jobURL turns a ScanJobs Location into the job's URL. Only the path (and query) of the
// Location is kept, on the base's scheme and host: devices send relative paths, absolute URLs
// with another host name, or http:// for an https base (sane-airscan does the same).
func (d *Device) jobURL(location string) (string, error) {
	loc, err := url.Parse(strings.TrimSpace(location))
	if err != nil || location == "" {
		return "", fmt.Errorf("invalid Location %q", location)
	}
	if !loc.IsAbs() && !strings.HasPrefix(loc.Path, "/") {
		loc = d.base.ResolveReference(loc)
	}
	if loc.Path == "" || loc.Path == "/" {
		return "", fmt.Errorf("invalid Location %q", location)
	}
	u := *d.base
	u.Path = strings.TrimSuffix(loc.Path, "/")
	u.RawPath = ""
	u.RawQuery = loc.RawQuery
	return u.String(), nil
}

// reply is a complete HTTP answer.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// maxBody bounds any body read from a device (a 600 dpi A3 colour JPEG is far below).
const maxBody = 256 << 20

// do runs one request with its own timeout and reads the whole body. A parent ctx that ends
// returns ctx's error; a timeout or a transport failure returns an *Error of kind ErrGone.
func (d *Device) do(ctx context.Context, op, method, u string, body []byte, timeout time.Duration, progress func(float64)) (*reply, error) {
	rctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = strings.NewReader(string(body))
	}
	req, err := http.NewRequestWithContext(rctx, method, u, rd)
	if err != nil {
		return nil, fmt.Errorf("escl: %s: %w", op, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "text/xml")
	}
	resp, err := d.client.Do(req)
	if err != nil {
		return nil, d.transportError(ctx, op, err)
	}
	defer resp.Body.Close()
	limit := int64(maxXMLSize)
	if method == http.MethodGet && strings.HasSuffix(u, "/NextDocument") {
		limit = maxBody
	}
	var src io.Reader = io.LimitReader(resp.Body, limit+1)
	if progress != nil && resp.ContentLength > 0 {
		src = &progressReader{r: src, total: resp.ContentLength, report: progress}
	}
	data, err := io.ReadAll(src)
	if err != nil {
		return nil, d.transportError(ctx, op, err)
	}
	if int64(len(data)) > limit {
		return nil, &Error{Kind: ErrBadData, Op: op, Detail: fmt.Sprintf("answer larger than %d bytes", limit)}
	}
	return &reply{status: resp.StatusCode, header: resp.Header, body: data}, nil
}

func (d *Device) transportError(ctx context.Context, op string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("escl: %s: %w", op, ctx.Err())
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return &Error{Kind: scanner.ErrGone, Op: op, Detail: d.base.Host, Err: err}
}

type progressReader struct {
	r      io.Reader
	n      int64
	total  int64
	report func(float64)
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.n += int64(n)
	if n > 0 {
		p.report(min(1, float64(p.n)/float64(p.total)))
	}
	return n, err
}
