// HTTP over USB bulk pipes: an http.RoundTripper over a pool of claimed IPP-over-USB interfaces.

package ippusb

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"

	"sohoa/scanner"
)

// BulkPipe is one claimed IPP-over-USB interface: its bulk IN and OUT endpoints. gousb's
// endpoints fit it; tests replace it with recorded device traffic.
type BulkPipe interface {
	// ReadContext reads from the bulk IN endpoint; it may return fewer bytes than asked.
	ReadContext(ctx context.Context, p []byte) (int, error)
	// WriteContext writes to the bulk OUT endpoint.
	WriteContext(ctx context.Context, p []byte) (int, error)
	// Close releases the interface.
	Close() error
}

// ioBuf is the buffer size for both directions: a multiple of the 512-byte bulk packet size,
// and the 16 KiB transfer size ipp-usb found safe on all kernels.
const ioBuf = 16 << 10

// Transport carries HTTP/1.1 over a pool of BulkPipes, one request per pipe at a time. Every
// response body is read to its end before its pipe is used again, since USB, unlike TCP,
// keeps unread bytes for the next request. A pipe that fails is closed and dropped; when
// none is left, requests fail with scanner.ErrGone.
type Transport struct {
	free     chan BulkPipe
	dead     chan struct{} // closed when no pipe is left or on Close
	deadOnce sync.Once
	mu       sync.Mutex
	live     int
	closed   bool
	cause    error
}

var _ http.RoundTripper = (*Transport)(nil)

// NewTransport returns a transport over pipes; it owns them from now on.
func NewTransport(pipes ...BulkPipe) *Transport {
	t := &Transport{free: make(chan BulkPipe, len(pipes)), dead: make(chan struct{}), live: len(pipes)}
	for _, p := range pipes {
		t.free <- p
	}
	if len(pipes) == 0 {
		t.cause = errors.New("no IPP-over-USB interface")
		t.kill()
	}
	return t
}

// Close closes the idle pipes now and the busy ones when their request ends.
func (t *Transport) Close() error {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return nil
	}
	t.closed = true
	t.kill()
	t.mu.Unlock()
	var errs []error
	for {
		select {
		case p := <-t.free:
			errs = append(errs, p.Close())
			t.mu.Lock()
			t.live--
			t.mu.Unlock()
		default:
			return errors.Join(errs...)
		}
	}
}

func (t *Transport) acquire(ctx context.Context) (BulkPipe, error) {
	select {
	case p := <-t.free:
		return p, nil
	default:
	}
	select {
	case p := <-t.free:
		return p, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-t.dead:
		t.mu.Lock()
		defer t.mu.Unlock()
		if t.closed {
			return nil, errors.New("ippusb: transport closed")
		}
		return nil, fmt.Errorf("ippusb: %w: no working USB interface left: %w", scanner.ErrGone, t.cause)
	}
}

// release gives p back to the pool, or closes and drops it when it failed (cause != nil).
func (t *Transport) release(p BulkPipe, cause error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if cause == nil && !t.closed {
		t.free <- p
		return
	}
	_ = p.Close()
	t.live--
	if cause != nil {
		t.cause = cause
	}
	if t.live == 0 {
		t.kill()
	}
}

// kill wakes every waiting request: no pipe will come back.
func (t *Transport) kill() { t.deadOnce.Do(func() { close(t.dead) }) }

// RoundTrip writes req on a free pipe and reads its response. The returned body holds the pipe
// until it is read to the end or closed (Close drains it).
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	p, err := t.acquire(ctx)
	if err != nil {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, err
	}
	rw := &pipeIO{ctx: ctx, p: p}
	bw := bufio.NewWriterSize(rw, ioBuf)
	if err := req.Write(bw); err != nil {
		return nil, t.fail(p, rw, err)
	}
	if err := bw.Flush(); err != nil {
		return nil, t.fail(p, rw, err)
	}
	resp, err := http.ReadResponse(bufio.NewReaderSize(rw, ioBuf), req)
	if err != nil {
		return nil, t.fail(p, rw, err)
	}
	if resp.Body == nil || resp.Body == http.NoBody {
		t.release(p, nil)
		return resp, nil
	}
	resp.Body = &body{rc: resp.Body, done: func(err error) { t.release(p, err) }}
	return resp, nil
}

// fail drops p after an error and reports it: a pipe error is the device gone.
func (t *Transport) fail(p BulkPipe, rw *pipeIO, err error) error {
	t.release(p, err)
	if rw.err != nil && rw.ctx.Err() == nil {
		return fmt.Errorf("ippusb: %w: %w", scanner.ErrGone, rw.err)
	}
	return fmt.Errorf("ippusb: %w", err)
}

// pipeIO adapts a BulkPipe to io.Reader/io.Writer for one request's context.
type pipeIO struct {
	ctx context.Context
	p   BulkPipe
	err error // first pipe error
}

func (r *pipeIO) Read(b []byte) (int, error) {
	for {
		n, err := r.p.ReadContext(r.ctx, b)
		if err != nil {
			r.note(err)
			if n > 0 {
				return n, nil // hand over what arrived; the error comes back on the next read
			}
			return 0, err
		}
		if n > 0 {
			return n, nil
		}
		// A zero-length packet: ask again (bufio would give up after 100 empty reads).
		if r.ctx.Err() != nil {
			return 0, r.ctx.Err()
		}
	}
}

func (r *pipeIO) Write(b []byte) (int, error) {
	written := 0
	for written < len(b) {
		n, err := r.p.WriteContext(r.ctx, b[written:])
		written += n
		if err != nil {
			r.note(err)
			return written, err
		}
		if n == 0 {
			r.note(io.ErrShortWrite)
			return written, io.ErrShortWrite
		}
	}
	return written, nil
}

func (r *pipeIO) note(err error) {
	if r.err == nil {
		r.err = err
	}
}

// body is a response body that frees its pipe at EOF, or on Close after draining it.
type body struct {
	rc   io.ReadCloser
	once sync.Once
	done func(error)
	eof  bool
}

func (b *body) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if err == io.EOF {
		b.eof = true
		b.finish(nil)
	} else if err != nil {
		b.finish(err)
		return n, fmt.Errorf("ippusb: %w: %w", scanner.ErrGone, err)
	}
	return n, err
}

func (b *body) Close() error {
	if !b.eof {
		_, err := io.Copy(io.Discard, b.rc)
		b.finish(err)
	}
	return b.rc.Close()
}

func (b *body) finish(err error) { b.once.Do(func() { b.done(err) }) }
