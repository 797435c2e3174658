// Status sync: the desk follows its submitted dossiers on the portal (national statuses 1–10, the result time
// and the payment) with each dossier's read-only status token, on a schedule (StatusSyncer) and on demand.

package dossier

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"sohoa/errs"
	"sohoa/portal"
	"sohoa/storage"
)

// ErrNotFollowed means the desk cannot ask the portal about this dossier: it is not submitted, or the
// portal gave no status token when it was (a dossier submitted before status sync existed).
var ErrNotFollowed = errs.New("error.not_followed", errs.NeedsOfficer, "dossier: the desk cannot follow this dossier's status on the portal; look it up on the portal by its code")

// sealStatusToken encrypts a dossier's status token under the desk's token key (AES-GCM, the dossier code
// as associated data), like the citizen's token, for the store's per-dossier secrets.
func (d *secretSvc) sealStatusToken(id, tok string) ([]byte, error) {
	gcm, err := d.tokenAEAD()
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	sealed := gcm.Seal(nonce, nonce, []byte(tok), []byte("status:"+id))
	return []byte(base64.StdEncoding.EncodeToString(sealed)), nil
}

// statusToken returns a dossier's status token; ErrNotFollowed when there is none or it is unreadable.
func (d *secretSvc) statusToken(ctx context.Context, id string) (string, error) {
	var enc []byte
	err := d.db.View(ctx, func(tx *storage.Tx) error {
		var err error
		enc, err = tx.Secrets().Get(id, storage.SecretStatusToken)
		return err
	})
	if errors.Is(err, storage.ErrNotFound) {
		return "", fmt.Errorf("%w (dossier %s has no status token)", ErrNotFollowed, id)
	}
	if err != nil {
		return "", err
	}
	sealed, err := base64.StdEncoding.DecodeString(string(enc))
	if err != nil {
		return "", fmt.Errorf("%w (dossier %s: stored status token unreadable)", ErrNotFollowed, id)
	}
	gcm, err := d.tokenAEAD()
	if err != nil {
		return "", err
	}
	if len(sealed) < gcm.NonceSize() {
		return "", fmt.Errorf("%w (dossier %s: stored status token unreadable)", ErrNotFollowed, id)
	}
	plain, err := gcm.Open(nil, sealed[:gcm.NonceSize()], sealed[gcm.NonceSize():], []byte("status:"+id))
	if err != nil {
		return "", fmt.Errorf("%w (dossier %s: stored status token cannot be decrypted)", ErrNotFollowed, id)
	}
	return string(plain), nil
}

func (d *secretSvc) tokenAEAD() (cipher.AEAD, error) {
	key, err := d.tokenKey()
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// recordPortalAnswer keeps, inside the transaction that marks the dossier submitted, what the portal's commit
// answer carries beyond the code: the status token (sealed before the transaction) and the payment request.
func (d *followSvc) recordPortalAnswer(tx *storage.Tx, id string, rec portal.Receipt, sealedStatus []byte) error {
	if len(sealedStatus) > 0 {
		if err := tx.Secrets().Put(id, storage.SecretStatusToken, sealedStatus); err != nil {
			return err
		}
	}
	if rec.Payment == nil {
		return nil
	}
	_, known, err := paymentTx(tx, id)
	if err != nil {
		return err
	}
	if err := d.savePayment(tx, id, rec.Payment); err != nil {
		return err
	}
	if known {
		return nil
	}
	return tx.Audit(d.actor(), "payment.requested", id, map[string]any{
		"amount": rec.Payment.Amount, "reference": rec.Payment.Reference, "url": rec.Payment.URL})
}

// Follow gets a submitted dossier's status token with the citizen's token (asking the portal what it holds
// under the dossier's idempotency key), for a dossier the portal gave none when it was submitted. The
// citizen's token is used once and not kept.
func (d *followSvc) Follow(ctx context.Context, c *portal.Client, id string, tok portal.Token) error {
	if tok.AccessToken == "" {
		return ErrNoAuthorization
	}
	v, err := d.Dossier(ctx, id)
	if err != nil {
		return err
	}
	if v.State != Submitted || v.Outbox == nil {
		return fmt.Errorf("%w (dossier %s is %s)", ErrNotFollowed, id, v.State)
	}
	rec, ok, err := c.Lookup(ctx, v.Outbox.IdemKey, tok)
	if err != nil {
		return fmt.Errorf("dossier %s: %w", id, err)
	}
	if !ok || rec.PortalCode != v.PortalCode || rec.StatusToken == "" {
		return fmt.Errorf("%w (the portal gave no status token for %s)", ErrNotFollowed, id)
	}
	sealed, err := d.sealStatusToken(id, rec.StatusToken)
	if err != nil {
		return err
	}
	return d.db.Update(ctx, "follow dossier", func(tx *storage.Tx) error {
		if err := tx.Secrets().Put(id, storage.SecretStatusToken, sealed); err != nil {
			return err
		}
		return tx.Audit(d.actor(), "dossier.followed", id, map[string]any{"portal_code": v.PortalCode, "citizen": tok.Subject})
	})
}

// SyncStatus asks the portal for one submitted dossier's status with its status token and records what
// changed: PortalStatus, the result time (NgayKetThucXuLy) for 9 and 10 in Record.ResultAt, and the payment,
// each with an audit entry. ErrNotFollowed when the desk has no status token for it.
func (d *followSvc) SyncStatus(ctx context.Context, c *portal.Client, id string) (StatusChange, error) {
	var row storage.Dossier
	err := d.db.View(ctx, func(tx *storage.Tx) error {
		var err error
		row, err = tx.Dossiers().Get(id)
		return err
	})
	if err != nil {
		return StatusChange{}, err
	}
	if State(row.State) != Submitted || row.PortalCode == "" {
		return StatusChange{}, fmt.Errorf("%w (dossier %s is %s)", ErrNotFollowed, id, row.State)
	}
	tok, err := d.statusToken(ctx, id)
	if err != nil {
		return StatusChange{}, err
	}
	rec, err := c.Track(ctx, row.PortalCode, tok)
	if err != nil {
		return StatusChange{}, fmt.Errorf("dossier %s: status query: %w", id, err)
	}
	return d.applyStatus(ctx, id, rec)
}

// applyStatus records a status answer in one transaction: the status, the result time, the payment and
// their audit rows.
func (d *followSvc) applyStatus(ctx context.Context, id string, rec portal.Receipt) (ch StatusChange, err error) {
	err = d.db.Update(ctx, "record portal status", func(tx *storage.Tx) error {
		ch, err = d.applyStatusTx(tx, id, rec)
		return err
	})
	return ch, err
}

func (d *followSvc) applyStatusTx(tx *storage.Tx, id string, rec portal.Receipt) (StatusChange, error) {
	row, err := tx.Dossiers().Get(id)
	if err != nil {
		return StatusChange{}, err
	}
	r, err := decodeRecord(row)
	if err != nil {
		return StatusChange{}, err
	}
	ch := StatusChange{DossierID: id, PortalCode: row.PortalCode, From: row.PortalStatus, To: rec.Status, Status: rec.Status}
	ch.Changed = rec.Status != row.PortalStatus
	result := r.ResultAt
	if rec.Status == portal.StatusProcessed || rec.Status == portal.StatusReturned {
		if !rec.ResultAt.IsZero() {
			result = rec.ResultAt
		} else if result.IsZero() {
			result = d.now() // the portal did not say: the moment the desk learnt it
		}
	} else {
		result = time.Time{}
	}
	resultChanged := !result.Equal(r.ResultAt)
	if ch.Changed || resultChanged {
		row.PortalStatus = rec.Status
		r.ResultAt = result
		if err := encodeRecord(&row, r); err != nil {
			return StatusChange{}, err
		}
		if err := tx.Dossiers().Update(row); err != nil {
			return StatusChange{}, err
		}
		detail := map[string]any{"portal_code": row.PortalCode, "from": ch.From, "to": ch.To}
		if !result.IsZero() {
			detail["result_at"] = result.In(Location).Format(time.RFC3339)
		}
		if err := tx.Audit(d.actor(), "dossier.portal_status", id, detail); err != nil {
			return StatusChange{}, err
		}
	}
	ch.ResultAt = result
	if rec.Payment != nil {
		before, known, err := paymentTx(tx, id)
		if err != nil {
			return StatusChange{}, err
		}
		if err := d.savePayment(tx, id, rec.Payment); err != nil {
			return StatusChange{}, err
		}
		if rec.Payment.Paid && (!known || !before.Paid) {
			ch.NewlyPaid = true
			if err := tx.Audit(d.actor(), "payment.paid", id, map[string]any{
				"reference": rec.Payment.Reference, "amount": rec.Payment.Amount,
				"paid_at": rec.Payment.PaidAt.In(Location).Format(time.RFC3339)}); err != nil {
				return StatusChange{}, err
			}
		}
		p, _, err := paymentTx(tx, id)
		if err != nil {
			return StatusChange{}, err
		}
		ch.Payment = &p
	}
	if finalStatus(rec.Status) {
		pay, known, err := paymentTx(tx, id)
		if err != nil {
			return StatusChange{}, err
		}
		if !known || pay.Paid {
			// Nothing more to follow: the status token is no longer needed.
			if err := tx.Secrets().Delete(id, storage.SecretStatusToken); err != nil {
				return StatusChange{}, err
			}
		}
	}
	return ch, nil
}

// finalStatuses are the portal statuses after which a dossier's status no longer changes.
var finalStatuses = []int{portal.StatusRefused, portal.StatusWithdrawn, portal.StatusStopped, portal.StatusReturned}

func finalStatus(s int) bool {
	for _, f := range finalStatuses {
		if f == s {
			return true
		}
	}
	return false
}

// SyncAll asks the portal about every submitted dossier whose status can still change or whose payment is
// unpaid. A failed query is recorded in the report and the pass goes on; the error returned is only the
// store's or the context's.
func (d *followSvc) SyncAll(ctx context.Context, c *portal.Client) (SyncReport, error) {
	rep := SyncReport{Failed: map[string]error{}}
	var ids []string
	err := d.db.View(ctx, func(tx *storage.Tx) error {
		var err error
		ids, err = tx.Dossiers().Followed(string(Submitted), finalStatuses...)
		return err
	})
	if err != nil {
		return rep, err
	}
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		ch, err := d.SyncStatus(ctx, c, id)
		switch {
		case errors.Is(err, ErrNotFollowed):
			rep.NotFollowed++
			continue
		case ctx.Err() != nil:
			return rep, ctx.Err()
		case err != nil:
			rep.Failed[id] = err
			continue
		}
		rep.Checked++
		if ch.Changed || ch.NewlyPaid {
			rep.Changed = append(rep.Changed, ch)
		}
	}
	return rep, nil
}

// StatusSyncer follows the submitted dossiers on a schedule.
type StatusSyncer struct {
	Desk     *Desk
	Client   *portal.Client
	Interval time.Duration // between passes; 15 minutes when zero
	Log      *slog.Logger
	// OnChange is called (from the syncer's goroutine) for every dossier whose status or payment changed.
	OnChange func(StatusChange)
}

// DefaultSyncInterval is how often StatusSyncer asks the portal when Interval is zero.
const DefaultSyncInterval = 15 * time.Minute

// Run makes a pass at once and then every Interval until ctx ends; it returns ctx's error.
func (s *StatusSyncer) Run(ctx context.Context) error {
	interval := s.Interval
	if interval <= 0 {
		interval = DefaultSyncInterval
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		rep, err := s.Desk.SyncAll(ctx, s.Client)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil && s.Log != nil {
			s.Log.Warn("status sync failed", "err", err)
		}
		for id, ferr := range rep.Failed {
			if s.Log != nil {
				s.Log.Info("status query failed", "dossier", id, "err", ferr)
			}
		}
		for _, ch := range rep.Changed {
			if s.OnChange != nil {
				s.OnChange(ch)
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}
