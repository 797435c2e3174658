// The ordered, bounded worker pool: pages in, cleaned and encoded pages out in their order.

package pipeline

import (
	"context"
	"errors"
	"fmt"
	"image"
	"runtime"
	"sync"

	"sohoa/scanner"
	"sohoa/scanner/cleanup"
)

// Options tunes a Pool.
type Options struct {
	// Workers is the number of pages processed at once; 0 means one per core (GOMAXPROCS).
	Workers int
	// Clean is what the clean-up does with each page.
	Clean cleanup.Options
	// Process replaces cleanup.Process (tests); nil means cleanup.Process.
	Process func(scanner.Page, cleanup.Options) (cleanup.Result, error)
}

// Done is a finished page.
type Done struct {
	Page   scanner.Page // the page as handed in (Image is the decoded input)
	Result cleanup.Result
}

// Pool processes pages on Workers goroutines and calls its sink with each finished page, in the
// order the pages were submitted, on one goroutine at a time. At most 2×Workers pages are held
// at once (being processed or waiting for an earlier one): Submit blocks until there is room.
// The first error (a page that cannot be processed, the sink's, or ctx's) stops the pool: pages
// after it are not handed to the sink, and Submit and Close return that error. Submit and Close
// are called from one goroutine (the device's).
type Pool struct {
	ctx    context.Context
	cancel context.CancelFunc
	o      Options
	sink   func(Done) error

	slots chan struct{} // one per page held
	jobs  chan job
	wg    sync.WaitGroup

	mu      sync.Mutex
	next    int            // sequence number of the next page to hand to the sink
	seq     int            // sequence number of the next page submitted
	ready   map[int]result // finished pages waiting for an earlier one
	sinking bool           // a goroutine is handing pages to the sink
	err     error
	sunk    int
	closed  bool
	drained *sync.Cond // signalled whenever a page leaves the pool
}

type job struct {
	seq    int
	page   scanner.Page
	decode func() (image.Image, error)
}

type result struct {
	done Done
	err  error
}

// New starts a pool. Close must be called to wait for it and release its workers.
func New(ctx context.Context, o Options, sink func(Done) error) *Pool {
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.Process == nil {
		o.Process = cleanup.Process
	}
	ctx, cancel := context.WithCancel(ctx)
	p := &Pool{ctx: ctx, cancel: cancel, o: o, sink: sink,
		slots: make(chan struct{}, 2*o.Workers), jobs: make(chan job), ready: map[int]result{}}
	p.drained = sync.NewCond(&p.mu)
	for range o.Workers {
		p.wg.Add(1)
		go p.work()
	}
	return p
}

// Workers is the number of pages the pool processes at once.
func (p *Pool) Workers() int { return p.o.Workers }

// Submit hands a decoded page to the pool. It blocks while the pool is full, and returns the
// pool's first error once there is one.
func (p *Pool) Submit(pg scanner.Page) error {
	if pg.Image == nil {
		return fmt.Errorf("pipeline: page %d has no image", pg.Index+1)
	}
	return p.submit(job{page: pg})
}

// SubmitEncoded hands the pool a page that a worker decodes first (decode returns its pixels),
// so that decoding, too, runs on every core. pg.Image is ignored.
func (p *Pool) SubmitEncoded(pg scanner.Page, decode func() (image.Image, error)) error {
	return p.submit(job{page: pg, decode: decode})
}

func (p *Pool) submit(j job) error {
	select {
	case p.slots <- struct{}{}:
	case <-p.ctx.Done():
		return p.failure()
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		<-p.slots
		return errors.New("pipeline: Submit after Close")
	}
	j.seq = p.seq
	p.seq++
	p.mu.Unlock()
	select {
	case p.jobs <- j:
		return nil
	case <-p.ctx.Done():
		// Nobody will take it: count it as finished (dropped) so Close does not wait for it.
		p.finish(j.seq, result{err: p.ctx.Err()})
		return p.failure()
	}
}

func (p *Pool) work() {
	defer p.wg.Done()
	for j := range p.jobs {
		p.finish(j.seq, p.run(j))
	}
}

func (p *Pool) run(j job) result {
	if err := p.ctx.Err(); err != nil {
		return result{err: err}
	}
	pg := j.page
	if j.decode != nil {
		img, err := j.decode()
		if err != nil {
			return result{err: fmt.Errorf("page %d: %w", pg.Index+1, err)}
		}
		pg.Image = img
	}
	res, err := p.o.Process(pg, p.o.Clean)
	if err != nil {
		return result{err: err}
	}
	return result{done: Done{Page: pg, Result: res}}
}

// finish records a finished page and hands every page now in order to the sink. Only one
// goroutine sinks at a time; the others leave their page in ready and go back to work.
func (p *Pool) finish(seq int, r result) {
	p.mu.Lock()
	p.ready[seq] = r
	if p.sinking {
		p.mu.Unlock()
		return
	}
	p.sinking = true
	for {
		r, ok := p.ready[p.next]
		if !ok {
			break
		}
		delete(p.ready, p.next)
		p.next++
		failed := p.err != nil
		p.mu.Unlock()
		var err error
		if !failed {
			err = r.err
			if err == nil {
				err = p.sink(r.done)
			}
		}
		<-p.slots
		p.mu.Lock()
		if err != nil && p.err == nil {
			p.err = err
			p.cancel()
		}
		if err == nil && !failed {
			p.sunk++
		}
		p.drained.Broadcast()
	}
	p.sinking = false
	p.mu.Unlock()
}

// Flush waits until every page submitted so far has been handed to the sink (or dropped after an
// error) and returns the pool's first error. A device whose hand-over must mean "stored" (the hot
// folder's journal) calls it after each Submit.
func (p *Pool) Flush() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	for p.next < p.seq {
		p.drained.Wait()
	}
	return p.err
}

func (p *Pool) failure() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		return p.err
	}
	return p.ctx.Err()
}

// Close waits for every submitted page to be handed to the sink (or dropped after an error),
// stops the workers and returns the number of pages the sink took and the pool's first error.
func (p *Pool) Close() (int, error) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return p.sunk, p.err
	}
	p.closed = true
	p.mu.Unlock()
	close(p.jobs)
	p.wg.Wait()
	p.cancel()
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.sunk, p.err
}
