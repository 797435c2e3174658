// Submit and upload: the outbox is the only way out; the uploader drains it through the portal client.

package dossier

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"sync"
	"time"

	"github.com/cenkalti/backoff/v5"

	"sohoa/portal"
	"sohoa/storage"
)

// Submit queues a signed dossier for upload through the citizen's account and returns at once.
// The citizen's token is kept encrypted only until the upload finishes.
func (d *outboxSvc) Submit(ctx context.Context, id string, tok portal.Token) (storage.OutboxItem, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	v, err := d.Dossier(ctx, id)
	if err != nil {
		return storage.OutboxItem{}, err
	}
	if tok.AccessToken == "" {
		return storage.OutboxItem{}, ErrNoAuthorization
	}
	if v.State == Failed {
		// A retry after a permanent failure (for example a renewed authorization).
		if err := d.saveToken(ctx, id, tok); err != nil {
			return storage.OutboxItem{}, err
		}
		if err := d.auditAuthorization(ctx, id, tok); err != nil {
			return storage.OutboxItem{}, err
		}
		if err := d.db.Retry(ctx, id); err != nil {
			return storage.OutboxItem{}, err
		}
		if err := d.move(ctx, id, Failed, Queued, map[string]any{"retry": true}); err != nil {
			return storage.OutboxItem{}, err
		}
		return d.db.OutboxItem(ctx, id)
	}
	if err := checkMove(id, v.State, Queued); err != nil {
		return storage.OutboxItem{}, err
	}
	if err := d.saveToken(ctx, id, tok); err != nil {
		return storage.OutboxItem{}, err
	}
	if err := d.updateRecord(ctx, id, func(r *Record) { r.VNeID = tok.VNeID }); err != nil {
		return storage.OutboxItem{}, err
	}
	m, err := d.Manifest(ctx, id)
	if err != nil {
		return storage.OutboxItem{}, err
	}
	if err := m.Validate(); err != nil {
		return storage.OutboxItem{}, err
	}
	mb, err := json.Marshal(m)
	if err != nil {
		return storage.OutboxItem{}, err
	}
	sum := sha256.Sum256(mb)
	key := id + "." + hex.EncodeToString(sum[:8])
	it, err := d.db.Enqueue(ctx, id, key)
	if err != nil {
		return storage.OutboxItem{}, err
	}
	if err := d.auditAuthorization(ctx, id, tok); err != nil {
		return storage.OutboxItem{}, err
	}
	return it, d.move(ctx, id, Signed, Queued, map[string]any{"idempotency_key": key})
}

// Uploader drains the outbox through a portal client.
type Uploader struct {
	Desk   *Desk
	Client *portal.Client
	Lease  time.Duration // how long a claim holds before another worker may take it over
	Log    *slog.Logger
	// OnChange is called (from the uploader's goroutine) after an item changed state; may be nil.
	OnChange func(dossierID string)
	// InitialBackoff and MaxBackoff bound the exponential backoff (with jitter) of transient failures;
	// 5 s and 10 min when zero.
	InitialBackoff, MaxBackoff time.Duration

	release sync.Once
}

// Crash points of the upload (see storage.CrashPoint): after a chunk the portal acknowledged, between the
// last upload and the commit, and after the portal's answer to the commit before the desk records it.
const (
	CrashUploadChunk   = "upload.chunk"
	CrashBeforeCommit  = "upload.before-commit"
	CrashAfterCommit   = "upload.after-commit"
	CrashUploadCreated = "upload.created"
)

// retryAt computes when a transient failure is tried again: exponential backoff with jitter, capped,
// or the portal's Retry-After when it said so.
func (u *Uploader) retryAt(now time.Time, attempts int, after time.Duration) time.Time {
	if after > 0 {
		return now.Add(after)
	}
	initial, maxDelay := u.InitialBackoff, u.MaxBackoff
	if initial <= 0 {
		initial = 5 * time.Second
	}
	if maxDelay <= 0 {
		maxDelay = 10 * time.Minute
	}
	b := backoff.NewExponentialBackOff()
	b.InitialInterval = initial
	b.MaxInterval = maxDelay
	b.RandomizationFactor = 0.5
	b.Multiplier = 2
	delay := b.InitialInterval
	for i := 0; i < attempts && i < 64; i++ {
		delay = b.NextBackOff()
	}
	return now.Add(delay + time.Duration(rand.Int64N(int64(initial/5)+1)))
}

// Once takes one due item from the outbox and uploads it. It reports whether an item was taken.
// Its first call puts back the claims of processes that died (the data folder is locked to one process).
func (u *Uploader) Once(ctx context.Context) (bool, error) {
	d := u.Desk
	var relErr error
	u.release.Do(func() {
		n, err := d.db.ReleaseClaimsBefore(ctx, d.db.OpenedAt())
		relErr = err
		if n > 0 {
			u.logf("outbox: %d upload(s) interrupted by a previous stop resume now", n)
		}
	})
	if relErr != nil {
		return false, relErr
	}
	lease := u.Lease
	if lease == 0 {
		lease = 5 * time.Minute
	}
	it, ok, err := d.db.Claim(ctx, d.now(), lease)
	if err != nil || !ok {
		return false, err
	}
	rec, err := u.upload(ctx, it)
	if err == nil {
		return true, u.done(ctx, it, rec)
	}
	if ctx.Err() != nil {
		// Shutting down: leave the claim; the next start releases it and resumes.
		return true, ctx.Err()
	}
	class := portal.Classify(err)
	var pe *portal.Error
	var after time.Duration
	if errors.As(err, &pe) {
		after = pe.RetryAfter
	}
	if errors.Is(err, ErrNoAuthorization) {
		class = portal.NeedsUser
	}
	if class == portal.Transient {
		if ferr := d.db.Fail(ctx, it.ID, "transient", err.Error(), u.retryAt(d.now(), it.Attempts, after)); ferr != nil {
			return true, ferr
		}
		u.logf("upload of %s will be retried: %v", it.DossierID, err)
		u.changed(it.DossierID)
		return true, nil
	}
	cls := "permanent"
	if class == portal.NeedsUser {
		cls = "user"
		// The authorization is useless now: forget it; the citizen authorizes again.
		if ferr := d.deleteToken(ctx, it.DossierID); ferr != nil {
			return true, ferr
		}
	}
	if ferr := d.db.Fail(ctx, it.ID, cls, err.Error(), time.Time{}); ferr != nil {
		return true, ferr
	}
	if ferr := d.setLastError(ctx, it.DossierID, err.Error()); ferr != nil {
		return true, ferr
	}
	if ferr := d.move(ctx, it.DossierID, Queued, Failed, map[string]any{"error": err.Error(), "class": cls}); ferr != nil {
		return true, ferr
	}
	u.changed(it.DossierID)
	return true, nil
}

func (u *Uploader) changed(id string) {
	if u.OnChange != nil {
		u.OnChange(id)
	}
}

func (u *Uploader) logf(format string, args ...any) {
	if u.Log != nil {
		u.Log.Info(fmt.Sprintf(format, args...))
	}
}

func (u *Uploader) upload(ctx context.Context, it storage.OutboxItem) (portal.Receipt, error) {
	d := u.Desk
	v, err := d.Dossier(ctx, it.DossierID)
	if err != nil {
		return portal.Receipt{}, err
	}
	switch v.State {
	case Submitted:
		// The desk died after recording the portal's answer but before closing the outbox item.
		var rec portal.Receipt
		if len(it.Result) > 0 && json.Unmarshal(it.Result, &rec) == nil && rec.PortalCode != "" {
			return rec, nil
		}
		return portal.Receipt{PortalCode: v.PortalCode, Status: v.PortalStatus}, nil
	case Signed:
		// The desk died inside Submit, after queueing and before the state change: finish it.
		if err := d.move(ctx, it.DossierID, Signed, Queued, map[string]any{"idempotency_key": it.IdemKey, "resumed": true}); err != nil {
			return portal.Receipt{}, err
		}
	}
	tok, err := d.loadToken(ctx, it.DossierID)
	if err != nil {
		return portal.Receipt{}, err
	}
	m, err := d.Manifest(ctx, it.DossierID)
	if err != nil {
		return portal.Receipt{}, err
	}
	files, err := d.db.Files(ctx, it.DossierID)
	if err != nil {
		return portal.Receipt{}, err
	}
	known, err := d.db.Uploads(ctx, it.DossierID)
	if err != nil {
		return portal.Receipt{}, err
	}
	sub := portal.Submission{IdemKey: it.IdemKey, Manifest: m,
		OnProgress:   func(string, int64, int64) { storage.CrashPoint(CrashUploadChunk) },
		BeforeCommit: func() { storage.CrashPoint(CrashBeforeCommit) },
	}
	sums := map[string]string{}
	for _, f := range files {
		if f.Role != RoleSigned {
			continue
		}
		blob := f.Blob
		pf := portal.File{Name: f.Name, Component: f.ComponentCode, SHA256: f.Blob, Size: f.Size,
			Open: func() (io.ReadSeekCloser, error) { return os.Open(d.db.Blobs().Path(blob)) }}
		for _, k := range known {
			if k.Name == f.Name && k.SHA256 == f.Blob {
				pf.UploadURL = k.URL // resume mid-file where the previous process stopped
			}
		}
		sums[f.Name] = f.Blob
		sub.Files = append(sub.Files, pf)
	}
	var saveErr error
	sub.OnUploadCreated = func(name, url string) {
		if err := d.db.SaveUpload(ctx, storage.Upload{DossierID: it.DossierID, Name: name, SHA256: sums[name], URL: url}); err != nil && saveErr == nil {
			saveErr = err
		}
		storage.CrashPoint(CrashUploadCreated)
	}
	rec, err := u.Client.Submit(ctx, sub, tok)
	if err == nil && saveErr != nil {
		// Committed, but the desk could not note an upload URL: harmless, the dossier is done.
		u.logf("dossier %s: upload URL not recorded: %v", it.DossierID, saveErr)
	}
	if err == nil {
		storage.CrashPoint(CrashAfterCommit)
	}
	return rec, err
}

// done records the portal's receipt. Its steps are ordered so that a crash between any two is repaired
// by the next attempt: dossier row, state, outbox item, then the token and upload URLs are forgotten.
func (u *Uploader) done(ctx context.Context, it storage.OutboxItem, rec portal.Receipt) error {
	d := u.Desk
	res, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	row, err := d.db.Dossier(ctx, it.DossierID)
	if err != nil {
		return err
	}
	if State(row.State) != Submitted {
		// The status token and the payment request first: a crash after them repeats them harmlessly.
		if err := d.recordPortalAnswer(ctx, it.DossierID, rec); err != nil {
			return err
		}
		row.PortalCode, row.PortalStatus, row.LastError = rec.PortalCode, rec.Status, ""
		r, err := decodeRecord(row)
		if err != nil {
			return err
		}
		r.SubmittedAt = d.now()
		if err := encodeRecord(&row, r); err != nil {
			return err
		}
		if err := d.db.UpdateDossier(ctx, row); err != nil {
			return err
		}
		if err := d.move(ctx, it.DossierID, Queued, Submitted, map[string]any{"portal_code": rec.PortalCode, "status": rec.Status}); err != nil {
			return err
		}
	}
	if err := d.db.Done(ctx, it.ID, res); err != nil {
		return err
	}
	if err := d.ForgetAuthorization(ctx, it.DossierID); err != nil {
		return err
	}
	u.logf("dossier %s submitted: portal code %s", it.DossierID, rec.PortalCode)
	u.changed(it.DossierID)
	return nil
}

func (d *outboxSvc) setLastError(ctx context.Context, id, msg string) error {
	row, err := d.db.Dossier(ctx, id)
	if err != nil {
		return err
	}
	row.LastError = msg
	return d.db.UpdateDossier(ctx, row)
}

// Run drains the outbox until ctx ends, polling every interval when idle. It never returns early
// on an upload error: those are recorded on the item.
func (u *Uploader) Run(ctx context.Context, interval time.Duration) error {
	if interval <= 0 {
		interval = 2 * time.Second
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		for {
			took, err := u.Once(ctx)
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if err != nil {
				u.logf("outbox: %v", err)
				break
			}
			if !took {
				break
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// Drain uploads until nothing is due (or ctx ends); for the CLI's `queue run` and `demo`.
func (u *Uploader) Drain(ctx context.Context) error {
	for {
		took, err := u.Once(ctx)
		if err != nil {
			return err
		}
		if !took {
			return nil
		}
	}
}

// Retry puts a failed dossier back in the queue with the authorization it already has.
func (d *outboxSvc) Retry(ctx context.Context, id string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	v, err := d.Dossier(ctx, id)
	if err != nil {
		return err
	}
	if err := checkMove(id, v.State, Queued); err != nil {
		return err
	}
	if err := d.db.Retry(ctx, id); err != nil {
		return err
	}
	return d.move(ctx, id, v.State, Queued, map[string]any{"retry": true})
}
