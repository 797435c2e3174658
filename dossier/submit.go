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

	"sohoa/errs"
	"sohoa/portal"
	"sohoa/storage"
)

// Submit queues a signed dossier for upload through the citizen's account and returns at once.
// The citizen's token is kept encrypted only until the upload finishes. Keeping the token, the
// authorization's audit row, the outbox item and the move to Queued are one transaction: the uploader
// never sees a queued item of a dossier that is not Queued, and a crash leaves all of it or none.
func (d *outboxSvc) Submit(ctx context.Context, id string, tok portal.Token) (storage.OutboxItem, error) {
	if tok.AccessToken == "" {
		return storage.OutboxItem{}, ErrNoAuthorization
	}
	sealed, err := d.sealToken(id, tok)
	if err != nil {
		return storage.OutboxItem{}, err
	}
	unit, err := d.Unit(ctx)
	if err != nil {
		return storage.OutboxItem{}, err
	}
	var it storage.OutboxItem
	err = d.db.Update(ctx, "submit dossier", func(tx *storage.Tx) error {
		v, err := d.viewTx(tx, id)
		if err != nil {
			return err
		}
		if v.State == Failed {
			// A retry after a permanent failure (for example a renewed authorization).
			if err := tx.Secrets().Put(id, storage.SecretCitizenToken, sealed); err != nil {
				return err
			}
			if err := d.auditAuthorization(tx, id, tok); err != nil {
				return err
			}
			if err := tx.Outbox().Retry(id); err != nil {
				return err
			}
			if err := d.moveTx(tx, id, Failed, Queued, map[string]any{"retry": true}); err != nil {
				return err
			}
			it, err = tx.Outbox().Get(id)
			return err
		}
		if err := checkMove(id, v.State, Queued); err != nil {
			return err
		}
		if err := tx.Secrets().Put(id, storage.SecretCitizenToken, sealed); err != nil {
			return err
		}
		if err := d.updateRecordTx(tx, id, func(r *Record) { r.VNeID = tok.VNeID }); err != nil {
			return err
		}
		v.Record.VNeID = tok.VNeID
		m := manifestOf(v, unit)
		if err := m.Validate(); err != nil {
			return err
		}
		mb, err := json.Marshal(m)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(mb)
		key := id + "." + hex.EncodeToString(sum[:8])
		if it, err = tx.Outbox().Enqueue(id, key); err != nil {
			return err
		}
		if err := d.auditAuthorization(tx, id, tok); err != nil {
			return err
		}
		return d.moveTx(tx, id, Signed, Queued, map[string]any{"idempotency_key": key})
	})
	return it, err
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
		var n int
		relErr = d.db.Update(ctx, "release stale claims", func(tx *storage.Tx) error {
			var err error
			n, err = tx.Outbox().ReleaseClaimsBefore(d.db.OpenedAt())
			return err
		})
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
	var it storage.OutboxItem
	var ok bool
	err := d.db.Update(ctx, "claim outbox item", func(tx *storage.Tx) error {
		var err error
		it, ok, err = tx.Outbox().Claim(d.now(), lease)
		return err
	})
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
	class := errs.KindOf(err) // ErrNoAuthorization is errs.NeedsCitizen
	var pe *portal.Error
	var after time.Duration
	if errors.As(err, &pe) {
		after = pe.RetryAfter
	}
	if class == errs.Transient {
		retry := u.retryAt(d.now(), it.Attempts, after)
		if ferr := d.db.Update(ctx, "postpone upload", func(tx *storage.Tx) error {
			return tx.Outbox().Fail(it.ID, string(class), err.Error(), retry)
		}); ferr != nil {
			return true, ferr
		}
		u.logf("upload of %s will be retried: %v", it.DossierID, err)
		u.changed(it.DossierID)
		return true, nil
	}
	if ferr := d.failUpload(ctx, it, class, err); ferr != nil {
		return true, ferr
	}
	u.changed(it.DossierID)
	return true, nil
}

// failUpload records a permanent failure in one step: the outbox item failed, the error on the dossier, the
// citizen's token forgotten when it is what failed, and the move to Failed with its audit row. A crash
// leaves the dossier queued with its item claimed (uploaded again after the restart) or failed, never
// queued with a failed item.
func (d *outboxSvc) failUpload(ctx context.Context, it storage.OutboxItem, class errs.Kind, cause error) error {
	cls := string(class) // permanent, officer or citizen: failed until the officer retries
	msg := cause.Error()
	return d.db.Update(ctx, "fail upload", func(tx *storage.Tx) error {
		if err := tx.Outbox().Fail(it.ID, cls, msg, time.Time{}); err != nil {
			return err
		}
		if class == errs.NeedsCitizen {
			// The authorization is useless now: forget it; the citizen authorizes again.
			if err := tx.Secrets().Delete(it.DossierID, storage.SecretCitizenToken); err != nil {
				return err
			}
		}
		row, err := tx.Dossiers().Get(it.DossierID)
		if err != nil {
			return err
		}
		row.LastError = msg
		if err := tx.Dossiers().Update(row); err != nil {
			return err
		}
		return d.moveTx(tx, it.DossierID, State(row.State), Failed, map[string]any{"error": msg, "class": cls})
	})
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
	unit, err := d.Unit(ctx)
	if err != nil {
		return portal.Receipt{}, err
	}
	var v View
	var files []storage.File
	var known []storage.Upload
	err = d.db.View(ctx, func(tx *storage.Tx) error {
		var err error
		if v, err = d.viewTx(tx, it.DossierID); err != nil {
			return err
		}
		if files, err = tx.Files().List(it.DossierID); err != nil {
			return err
		}
		known, err = tx.Uploads().List(it.DossierID)
		return err
	})
	if err != nil {
		return portal.Receipt{}, err
	}
	if v.State != Queued {
		// Submit queues and moves in one step: this cannot happen short of a hand-edited store.
		return portal.Receipt{}, fmt.Errorf("%w: dossier %s is %s, not queued", storage.ErrStateConflict, it.DossierID, v.State)
	}
	m := manifestOf(v, unit)
	if err := d.withAuditHead(ctx, &m); err != nil {
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
		if err := d.db.Update(ctx, "save upload", func(tx *storage.Tx) error {
			return tx.Uploads().Save(storage.Upload{DossierID: it.DossierID, Name: name, SHA256: sums[name], URL: url})
		}); err != nil && saveErr == nil {
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

// done records the portal's receipt in one step: the status token and the payment request, the portal code
// and status on the dossier, the move to Submitted with its audit row, the outbox item done, and the
// citizen's token and upload URLs forgotten. A crash before the commit uploads again under the same
// idempotency key: the portal answers with the dossier it already holds.
func (u *Uploader) done(ctx context.Context, it storage.OutboxItem, rec portal.Receipt) error {
	d := u.Desk
	res, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	var sealed []byte
	if rec.StatusToken != "" {
		if sealed, err = d.sealStatusToken(it.DossierID, rec.StatusToken); err != nil {
			return err
		}
	}
	err = d.db.Update(ctx, "finish upload", func(tx *storage.Tx) error {
		row, err := tx.Dossiers().Get(it.DossierID)
		if err != nil {
			return err
		}
		if err := d.recordPortalAnswer(tx, it.DossierID, rec, sealed); err != nil {
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
		if err := tx.Dossiers().Update(row); err != nil {
			return err
		}
		if err := d.moveTx(tx, it.DossierID, State(row.State), Submitted, map[string]any{"portal_code": rec.PortalCode, "status": rec.Status}); err != nil {
			return err
		}
		if err := tx.Outbox().Done(it.ID, res); err != nil {
			return err
		}
		return forgetTx(tx, it.DossierID)
	})
	if err != nil {
		return err
	}
	u.logf("dossier %s submitted: portal code %s", it.DossierID, rec.PortalCode)
	u.changed(it.DossierID)
	return nil
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

// Retry puts a failed dossier back in the queue with the authorization it already has, in one step.
func (d *outboxSvc) Retry(ctx context.Context, id string) error {
	return d.db.Update(ctx, "retry dossier", func(tx *storage.Tx) error {
		st, err := stateTx(tx, id)
		if err != nil {
			return err
		}
		if err := checkMove(id, st, Queued); err != nil {
			return err
		}
		if err := tx.Outbox().Retry(id); err != nil {
			return err
		}
		return d.moveTx(tx, id, st, Queued, map[string]any{"retry": true})
	})
}
