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
	"time"

	"github.com/cenkalti/backoff/v5"

	"sohoa/portal"
	"sohoa/storage"
)

// ErrNoAuthorization means the citizen has not (or no longer) authorized the submission.
var ErrNoAuthorization = errors.New("dossier: the citizen's authorization is missing or expired; ask the citizen to log in again")

// Submit queues a signed dossier for upload through the citizen's account and returns at once.
// The citizen's token is kept encrypted only until the upload finishes.
func (d *Desk) Submit(ctx context.Context, id string, tok portal.Token) (storage.OutboxItem, error) {
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
	if err := d.db.Audit(ctx, d.actor(), "citizen.authorized", id, map[string]any{
		"citizen": tok.Subject, "name": tok.Name, "vneid": tok.VNeID, "scope": "dossier:submit"}); err != nil {
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
}

// retryAt computes when a transient failure is tried again: exponential backoff with jitter, capped,
// or the portal's Retry-After when it said so.
func retryAt(now time.Time, attempts int, after time.Duration) time.Time {
	if after > 0 {
		return now.Add(after)
	}
	b := backoff.NewExponentialBackOff()
	b.InitialInterval = 5 * time.Second
	b.MaxInterval = 10 * time.Minute
	b.RandomizationFactor = 0.5
	b.Multiplier = 2
	delay := b.InitialInterval
	for i := 0; i < attempts; i++ {
		delay = b.NextBackOff()
	}
	return now.Add(delay + time.Duration(rand.Int64N(int64(time.Second))))
}

// Once takes one due item from the outbox and uploads it. It reports whether an item was taken.
func (u *Uploader) Once(ctx context.Context) (bool, error) {
	d := u.Desk
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
		// Shutting down: leave the claim to expire so the next start resumes it.
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
		if ferr := d.db.Fail(ctx, it.ID, "transient", err.Error(), retryAt(d.now(), it.Attempts, after)); ferr != nil {
			return true, ferr
		}
		u.logf("upload of %s will be retried: %v", it.DossierID, err)
		u.changed(it.DossierID)
		return true, nil
	}
	cls := "permanent"
	if class == portal.NeedsUser {
		cls = "user"
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
	sub := portal.Submission{IdemKey: it.IdemKey, Manifest: m}
	for _, f := range files {
		if f.Role != RoleSigned {
			continue
		}
		blob := f.Blob
		sub.Files = append(sub.Files, portal.File{Name: f.Name, Component: f.ComponentCode, SHA256: f.Blob, Size: f.Size,
			Open: func() (io.ReadSeekCloser, error) { return os.Open(d.db.Blobs().Path(blob)) }})
	}
	return u.Client.Submit(ctx, sub, tok)
}

func (u *Uploader) done(ctx context.Context, it storage.OutboxItem, rec portal.Receipt) error {
	d := u.Desk
	res, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	if err := d.db.Done(ctx, it.ID, res); err != nil {
		return err
	}
	row, err := d.db.Dossier(ctx, it.DossierID)
	if err != nil {
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
	if err := d.deleteToken(ctx, it.DossierID); err != nil {
		return err
	}
	if err := d.move(ctx, it.DossierID, Queued, Submitted, map[string]any{"portal_code": rec.PortalCode, "status": rec.Status}); err != nil {
		return err
	}
	u.logf("dossier %s submitted: portal code %s", it.DossierID, rec.PortalCode)
	u.changed(it.DossierID)
	return nil
}

func (d *Desk) setLastError(ctx context.Context, id, msg string) error {
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
func (d *Desk) Retry(ctx context.Context, id string) error {
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
