// The background workers of a desk — the outbox uploader and the status sync — and their one owner.

package wire

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"sohoa/desk"
	"sohoa/portal"
)

// UploadInterval is how often the uploader looks at the outbox when it is idle.
const UploadInterval = 2 * time.Second

// Workers own the uploader and the status sync of one desk: Start runs both until Stop (or the
// context's end); Stop ends them and waits. Without a portal address there is nothing to run.
type Workers struct {
	d         *desk.Desk
	portalURL string
	log       *slog.Logger

	mu       sync.Mutex
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	onChange func(string)
}

// Workers are the background loops of d that talk to the portal at portalURL.
func (Program) Workers(d *desk.Desk, portalURL string, log *slog.Logger) desk.Workers {
	if log == nil {
		log = slog.Default()
	}
	return &Workers{d: d, portalURL: portalURL, log: log}
}

func (w *Workers) changed(id string) {
	w.mu.Lock()
	f := w.onChange
	w.mu.Unlock()
	if f != nil {
		f(id)
	}
}

func (w *Workers) uploader() desk.Uploader {
	return w.d.Outbox.Uploader(portal.NewClient(w.portalURL), desk.UploaderOptions{Log: w.log, OnChange: w.changed})
}

// Start runs the uploader and the status sync; onChange is called from their goroutines after a
// dossier changed. A second Start while running does nothing.
func (w *Workers) Start(ctx context.Context, onChange func(dossierID string)) {
	if w.portalURL == "" {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.cancel != nil {
		return
	}
	w.onChange = onChange
	ctx, w.cancel = context.WithCancel(ctx)
	up := w.uploader()
	sync := w.d.FollowUp.StatusSyncer(portal.NewClient(w.portalURL), desk.SyncOptions{Log: w.log,
		OnChange: func(ch desk.StatusChange) { w.changed(ch.DossierID) }})
	w.wg.Add(2)
	go func() {
		defer w.wg.Done()
		_ = up.Run(ctx, UploadInterval)
	}()
	go func() {
		defer w.wg.Done()
		_ = sync.Run(ctx)
	}()
}

// Stop ends the loops and waits for them. It is safe to call more than once.
func (w *Workers) Stop() {
	w.mu.Lock()
	cancel := w.cancel
	w.cancel = nil
	w.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	w.wg.Wait()
}

// UploadNow uploads what is due now instead of waiting for the next poll.
func (w *Workers) UploadNow(ctx context.Context) error {
	if w.portalURL == "" {
		return nil
	}
	return w.uploader().Drain(ctx)
}
