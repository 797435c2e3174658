// The throttling proxy: bandwidth limit, latency and dropped connections on loopback.

package throttle

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync"
	"time"

	"sohoa/errs"
)

// ErrDropped is the read error a dropped request body ends with.
var ErrDropped = errs.New("error.throttle.dropped", errs.Transient, "throttle: connection dropped")

// Config sets the link's behaviour; the zero value forwards at full speed and never drops.
type Config struct {
	BitsPerSecond int64 // request-body rate limit; 0: unlimited
	// DropEvery, when > 0, drops a request body after a random number of bytes in [1, 2*DropEvery),
	// so on average one connection in every DropEvery bytes is cut.
	DropEvery int64
	// DropMethods limits drops to these methods (e.g. PATCH); all methods when empty.
	DropMethods []string
	Seed        uint64 // seed of the drop positions
}

// Stats are the bytes the proxy forwarded upstream for one URL path.
type Stats struct {
	Bytes int64 // request-body bytes forwarded (including those of cut requests)
	Cuts  int   // requests cut by a drop
}

// Proxy is a running proxy. Make it with Start; Close stops it.
type Proxy struct {
	URL string // the proxy's base URL: use it in place of the upstream's

	cfg   Config
	srv   *http.Server
	done  chan struct{}
	mu    sync.Mutex
	rng   *rand.Rand
	stats map[string]*Stats
	total int64
}

// Start listens on a free loopback port and forwards to upstream (a base URL).
func Start(upstream string, cfg Config) (*Proxy, error) {
	target, err := url.Parse(upstream)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{URL: "http://" + ln.Addr().String(), cfg: cfg, done: make(chan struct{}),
		rng: rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)), stats: map[string]*Stats{}}
	rp := httputil.NewSingleHostReverseProxy(target)
	// The Host header stays the proxy's: the portal derives its issuer and upload URLs from it, so a
	// client that logs in and uploads through the proxy sees one consistent portal.
	rp.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) {
		if errors.Is(err, ErrDropped) || errors.Is(err, context.Canceled) {
			panic(http.ErrAbortHandler) // cut the client's connection, as a failing link would
		}
		w.WriteHeader(http.StatusBadGateway)
	}
	rp.Transport = &http.Transport{DisableKeepAlives: true, ResponseHeaderTimeout: time.Minute}
	p.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.ContentLength != 0 {
			r.Body = p.body(r)
		}
		rp.ServeHTTP(w, r)
	}), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(p.done)
		_ = p.srv.Serve(ln)
	}()
	return p, nil
}

// Close stops the proxy and cuts the connections in flight.
func (p *Proxy) Close() error {
	err := p.srv.Close()
	<-p.done
	return err
}

// Stats returns the bytes forwarded for one URL path (e.g. a tus upload's path).
func (p *Proxy) Stats(path string) Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	if s, ok := p.stats[path]; ok {
		return *s
	}
	return Stats{}
}

// AllStats returns a copy of the per-path statistics.
func (p *Proxy) AllStats() map[string]Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string]Stats, len(p.stats))
	for k, v := range p.stats {
		out[k] = *v
	}
	return out
}

// TotalBytes is the request-body bytes forwarded on every path.
func (p *Proxy) TotalBytes() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.total
}

func (p *Proxy) body(r *http.Request) io.ReadCloser {
	p.mu.Lock()
	defer p.mu.Unlock()
	st := p.stats[r.URL.Path]
	if st == nil {
		st = &Stats{}
		p.stats[r.URL.Path] = st
	}
	b := &body{rc: r.Body, p: p, st: st, start: time.Now(), dropAt: -1}
	if p.cfg.DropEvery > 0 && p.dropsMethod(r.Method) {
		b.dropAt = 1 + p.rng.Int64N(2*p.cfg.DropEvery-1)
	}
	return b
}

func (p *Proxy) dropsMethod(m string) bool {
	if len(p.cfg.DropMethods) == 0 {
		return true
	}
	for _, x := range p.cfg.DropMethods {
		if x == m {
			return true
		}
	}
	return false
}

// body is a request body read at the link's rate, cut at dropAt bytes (when >= 0).
type body struct {
	rc     io.ReadCloser
	p      *Proxy
	st     *Stats
	start  time.Time
	n      int64
	dropAt int64
}

func (b *body) Read(q []byte) (int, error) {
	if b.dropAt >= 0 && b.n >= b.dropAt {
		b.p.mu.Lock()
		b.st.Cuts++
		b.p.mu.Unlock()
		b.dropAt = -1
		return 0, ErrDropped
	}
	if len(q) > 4096 {
		q = q[:4096] // small steps keep the rate smooth
	}
	if b.dropAt >= 0 && int64(len(q)) > b.dropAt-b.n {
		q = q[:b.dropAt-b.n]
	}
	n, err := b.rc.Read(q)
	b.n += int64(n)
	b.p.mu.Lock()
	b.st.Bytes += int64(n)
	b.p.total += int64(n)
	b.p.mu.Unlock()
	if bps := b.p.cfg.BitsPerSecond; bps > 0 && n > 0 {
		due := b.start.Add(time.Duration(float64(b.n*8) / float64(bps) * float64(time.Second)))
		if d := time.Until(due); d > 0 {
			time.Sleep(d)
		}
	}
	return n, err
}

func (b *body) Close() error { return b.rc.Close() }
