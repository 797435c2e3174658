// Headless tests run UI updates from background work on the test goroutine: Fyne's test driver
// would run them at once on whatever goroutine calls fyne.Do, racing with the test's own taps.

package app

import (
	"sync"
)

// uiQueue holds the UI calls background work made since the test goroutine last settled.
type uiQueue struct {
	mu  sync.Mutex
	fns []func()
}

func (q *uiQueue) do(fn func()) {
	q.mu.Lock()
	q.fns = append(q.fns, fn)
	q.mu.Unlock()
}

// doAndWait queues fn and waits until the test goroutine has run it.
func (q *uiQueue) doAndWait(fn func()) {
	done := make(chan struct{})
	q.do(func() {
		defer close(done)
		fn()
	})
	<-done
}

// drain runs the queued calls, and those they queue, on the calling (test) goroutine.
func (q *uiQueue) drain() int {
	n := 0
	for {
		q.mu.Lock()
		if len(q.fns) == 0 {
			q.mu.Unlock()
			return n
		}
		fn := q.fns[0]
		q.fns = q.fns[1:]
		q.mu.Unlock()
		fn()
		n++
	}
}

func init() {
	q := &uiQueue{}
	uiDo, uiDoAndWait, drainUI = q.do, q.doAndWait, q.drain
}
