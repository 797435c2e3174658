// A loopback relay to the timestamp authority, so pdfsign's context-free HTTP call obeys the caller's context.

package signing

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// TSATimeout bounds one timestamp request.
const TSATimeout = 30 * time.Second

// tsaProxy listens on 127.0.0.1 and forwards each request to the real TSA with ctx and a timeout.
type tsaProxy struct {
	url  string
	srv  *http.Server
	done chan struct{}

	mu  sync.Mutex
	err error
}

func startTSAProxy(ctx context.Context, target string) (*tsaProxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("%w: local relay: %w", ErrTimestamp, err)
	}
	p := &tsaProxy{url: "http://" + ln.Addr().String() + "/", done: make(chan struct{})}
	client := &http.Client{Timeout: TSATimeout}
	p.srv = &http.Server{
		ReadHeaderTimeout: 5 * time.Second,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, err := io.ReadAll(io.LimitReader(r.Body, 1<<16))
			if err != nil {
				p.fail(w, err)
				return
			}
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
			if err != nil {
				p.fail(w, err)
				return
			}
			req.Header.Set("Content-Type", "application/timestamp-query")
			if u, pw, ok := r.BasicAuth(); ok {
				req.SetBasicAuth(u, pw)
			}
			resp, err := client.Do(req)
			if err != nil {
				p.fail(w, err)
				return
			}
			defer resp.Body.Close()
			reply, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
			if err != nil {
				p.fail(w, err)
				return
			}
			if resp.StatusCode/100 != 2 {
				p.fail(w, fmt.Errorf("%s answered HTTP %d", target, resp.StatusCode))
				return
			}
			w.Header().Set("Content-Type", "application/timestamp-reply")
			_, _ = w.Write(reply)
		}),
	}
	go func() {
		defer close(p.done)
		_ = p.srv.Serve(ln)
	}()
	return p, nil
}

func (p *tsaProxy) fail(w http.ResponseWriter, err error) {
	p.mu.Lock()
	if p.err == nil {
		p.err = err
	}
	p.mu.Unlock()
	http.Error(w, "timestamp relay failed", http.StatusBadGateway)
}

// failed returns the first upstream error, if any.
func (p *tsaProxy) failed() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// stop closes the relay and waits for its goroutine.
func (p *tsaProxy) stop() {
	_ = p.srv.Close()
	<-p.done
}
