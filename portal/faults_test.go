// Fault tests: portals that fail, hang, throttle, race, or cut an upload mid-file.

package portal_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sohoa/portal"
	"sohoa/portal/refportal"
)

// wrapPortal serves a reference portal's handler behind wrap on an httptest server.
func wrapPortal(t *testing.T, dir string, wrap func(http.Handler) http.Handler) string {
	t.Helper()
	srv, err := refportal.New(refportal.Config{DataDir: dir, Prefix: "000.00.00.H47"})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(wrap(srv.Handler()))
	t.Cleanup(func() { ts.Close(); srv.Close() })
	return ts.URL
}

func TestServerErrorIsTransientAndRetrySucceeds(t *testing.T) {
	dir := t.TempDir()
	var commits, patches atomic.Int32
	base := wrapPortal(t, dir, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPatch {
				patches.Add(1)
			}
			if r.Method == http.MethodPost && r.URL.Path == portal.PathDossiers && commits.Add(1) == 1 {
				http.Error(w, "database is locked", http.StatusInternalServerError)
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	tok := login(t, base, binh())
	c := portal.NewClient(base)
	s := submission("idem-500", binh(), memFile("a.pdf", "TP1", readShared(t, "pdfsign-hello_hsm.pdf")))
	_, err := c.Submit(context.Background(), s, tok)
	var pe *portal.Error
	if portal.Classify(err) != portal.Transient || !errors.As(err, &pe) || pe.HTTPStatus != 500 {
		t.Fatalf("err = %v", err)
	}
	before := patches.Load()
	r, err := c.Submit(context.Background(), s, tok) // the queue's retry
	if err != nil || r.PortalCode == "" {
		t.Fatalf("retry = %+v, %v", r, err)
	}
	if patches.Load() != before {
		t.Errorf("the retry re-sent %d PATCHes of a complete upload", patches.Load()-before)
	}
	if ds, _ := refportal.ListDossiers(dir); len(ds) != 1 {
		t.Fatalf("stored %d dossiers, want 1", len(ds))
	}
}

func TestHangingPortalIsTransientWithinTimeout(t *testing.T) {
	release := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer ts.Close()
	defer close(release)
	c := portal.NewClient(ts.URL)
	c.Timeout = 300 * time.Millisecond
	start := time.Now()
	_, _, err := c.Lookup(context.Background(), "k", portal.Token{AccessToken: "t"})
	if portal.Classify(err) != portal.Transient || !errors.Is(err, &portal.Error{Code: portal.CodeNetwork}) {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("took %v, want about the 300 ms timeout", d)
	}
}

func TestTooManyRequestsCarriesRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		header string
		min    time.Duration
		max    time.Duration
	}{
		{"7", 7 * time.Second, 7 * time.Second},
		{time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat), 80 * time.Second, 91 * time.Second},
		{"soon", 0, 0},
	} {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", tc.header)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusTooManyRequests)
			io.WriteString(w, `{"code":"rate_limited","message":"slow down"}`)
		}))
		_, err := portal.NewClient(ts.URL).Status(context.Background(), "X", portal.Token{AccessToken: "t"})
		ts.Close()
		var pe *portal.Error
		if !errors.As(err, &pe) || pe.Class != portal.Transient || pe.Code != portal.CodeRateLimited || pe.HTTPStatus != 429 {
			t.Fatalf("Retry-After %q: err = %v", tc.header, err)
		}
		if pe.RetryAfter < tc.min || pe.RetryAfter > tc.max {
			t.Errorf("Retry-After %q parsed as %v, want %v..%v", tc.header, pe.RetryAfter, tc.min, tc.max)
		}
	}
}

func TestSameKeyDifferentManifestConflicts(t *testing.T) {
	dir := t.TempDir()
	// the lookup answers "not found", as when another desk commits between this desk's lookup and commit
	base := wrapPortal(t, dir, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet && r.URL.Query().Has("idempotency_key") {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusNotFound)
				io.WriteString(w, `{"code":"not_found","message":"none"}`)
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	tok := login(t, base, binh())
	c := portal.NewClient(base)
	s1 := submission("idem-conflict", binh(), memFile("a.pdf", "TP1", []byte("%PDF one")))
	r1, err := c.Submit(context.Background(), s1, tok)
	if err != nil {
		t.Fatal(err)
	}
	r1b, err := c.Submit(context.Background(), s1, tok) // same content: the portal answers 200 with the same code
	if err != nil || r1b.PortalCode != r1.PortalCode {
		t.Fatalf("same content again = %+v, %v", r1b, err)
	}
	s2 := submission("idem-conflict", binh(), memFile("a.pdf", "TP1", []byte("%PDF two")))
	_, err = c.Submit(context.Background(), s2, tok)
	var pe *portal.Error
	if !errors.Is(err, portal.ErrIdempotencyConflict) || !errors.As(err, &pe) || pe.HTTPStatus != 409 || portal.Classify(err) != portal.Permanent {
		t.Fatalf("err = %v", err)
	}
	if ds, _ := refportal.ListDossiers(dir); len(ds) != 1 {
		t.Fatalf("stored %d dossiers, want 1", len(ds))
	}
}

// cutter cuts the connection of the first PATCH once cutAt body bytes of it were read, and counts
// the body bytes every PATCH declared.
type cutter struct {
	next    http.Handler
	cutAt   int64
	mu      sync.Mutex
	cut     bool
	patches int
	sent    int64
}

type cutBody struct {
	io.ReadCloser
	left int64
}

func (b *cutBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, io.ErrUnexpectedEOF
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.ReadCloser.Read(p)
	b.left -= int64(n)
	return n, err
}

// muteWriter swallows the handler's answer so the client sees only a dropped connection.
type muteWriter struct {
	http.ResponseWriter
	h http.Header
}

func (m *muteWriter) Header() http.Header         { return m.h }
func (m *muteWriter) WriteHeader(int)             {}
func (m *muteWriter) Write(p []byte) (int, error) { return len(p), nil }
func (m *muteWriter) Unwrap() http.ResponseWriter { return m.ResponseWriter }

func (c *cutter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPatch {
		c.next.ServeHTTP(w, r)
		return
	}
	c.mu.Lock()
	c.patches++
	c.sent += r.ContentLength
	doCut := !c.cut && c.sent > c.cutAt
	if doCut {
		c.cut = true
		r.Body = &cutBody{ReadCloser: r.Body, left: r.ContentLength - (c.sent - c.cutAt)}
	}
	c.mu.Unlock()
	if !doCut {
		c.next.ServeHTTP(w, r)
		return
	}
	c.next.ServeHTTP(&muteWriter{ResponseWriter: w, h: http.Header{}}, r)
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		conn.Close()
	}
}

func TestUploadResumesAfterCutConnection(t *testing.T) {
	dir := t.TempDir()
	pdf := readShared(t, "pdfsign-aatl-datasheet.pdf") // 264 KB
	const chunk = 64 << 10
	ct := &cutter{cutAt: 150_000}
	base := wrapPortal(t, dir, func(h http.Handler) http.Handler { ct.next = h; return ct })
	tok := login(t, base, binh())
	c := portal.NewClient(base)
	c.ChunkSize = chunk
	r, err := c.Submit(context.Background(), submission("idem-resume", binh(), memFile("datasheet.pdf", "TP1", pdf)), tok)
	if err != nil {
		t.Fatal(err)
	}
	ct.mu.Lock()
	defer ct.mu.Unlock()
	if !ct.cut {
		t.Fatal("the connection was never cut")
	}
	resent := ct.sent - int64(len(pdf))
	t.Logf("%d PATCHes, %d bytes declared for a %d-byte file: %d re-sent", ct.patches, ct.sent, len(pdf), resent)
	if resent < 0 || resent > chunk {
		t.Fatalf("re-sent %d bytes, want at most one chunk (%d)", resent, chunk)
	}
	ds, err := refportal.ListDossiers(dir)
	if err != nil || len(ds) != 1 || ds[0].PortalCode != r.PortalCode {
		t.Fatalf("stored %+v, %v", ds, err)
	}
	data, err := os.ReadFile(ds[0].Files[0].Path)
	if err != nil || string(data) != string(pdf) {
		t.Fatalf("stored file differs from the original (%v)", err)
	}
}

func TestUploadResumesAcrossSubmitCalls(t *testing.T) {
	dir := t.TempDir()
	pdf := readShared(t, "pdfsign-aatl-datasheet.pdf")
	var failing atomic.Bool
	failing.Store(true)
	var patches atomic.Int32
	base := wrapPortal(t, dir, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPatch && patches.Add(1) > 2 && failing.Load() {
				http.Error(w, "maintenance", http.StatusServiceUnavailable)
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	tok := login(t, base, binh())
	var saved string
	s := submission("idem-cross", binh(), memFile("d.pdf", "TP1", pdf))
	s.OnUploadCreated = func(name, u string) { saved = u }
	c := portal.NewClient(base)
	c.ChunkSize = 64 << 10
	c.MaxResumes = 1
	if _, err := c.Submit(context.Background(), s, tok); portal.Classify(err) != portal.Transient {
		t.Fatalf("first Submit err = %v", err)
	}
	if !strings.Contains(saved, portal.PathFiles) {
		t.Fatalf("OnUploadCreated gave %q", saved)
	}
	failing.Store(false)
	s.Files[0].UploadURL = saved // persisted by the caller; a new client after a restart
	c2 := portal.NewClient(base)
	c2.ChunkSize = 64 << 10
	before := patches.Load()
	if _, err := c2.Submit(context.Background(), s, tok); err != nil {
		t.Fatal(err)
	}
	// 128 KiB were accepted before the failures; the rest needs ceil((264169-131072)/65536) = 3 PATCHes
	if n := patches.Load() - before; n != 3 {
		t.Fatalf("resumed with %d PATCHes, want 3", n)
	}
}
