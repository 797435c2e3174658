// Tests of the outbox: idempotent enqueue, claim and lease, expired-lease reclaim, failures and retry.

package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestOutboxLifecycle(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	t0 := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	db.now = func() time.Time { return t0 }
	newDossier(t, db, "A", t0)
	newDossier(t, db, "B", t0)

	a, err := tEnqueue(db, ctx, "A", "key-A")
	if err != nil {
		t.Fatal(err)
	}
	if a.State != OutboxPending || a.IdemKey != "key-A" || a.Attempts != 0 || !a.CreatedAt.Equal(t0) {
		t.Fatalf("Enqueue = %+v", a)
	}
	again, err := tEnqueue(db, ctx, "A", "another-key")
	if err != nil || again.ID != a.ID || again.IdemKey != "key-A" {
		t.Fatalf("second Enqueue = %+v, %v; want the existing item", again, err)
	}
	if _, err := tEnqueue(db, ctx, "B", "key-A"); !errors.Is(err, ErrExists) {
		t.Errorf("Enqueue reusing a key = %v, want ErrExists", err)
	}
	if _, err := tEnqueue(db, ctx, "ghost", "key-G"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Enqueue(no dossier) = %v, want ErrNotFound", err)
	}
	b, err := tEnqueue(db, ctx, "B", "")
	if err != nil || len(b.IdemKey) != 32 {
		t.Fatalf("Enqueue with generated key = %+v, %v", b, err)
	}

	// Claim takes the oldest first, under a lease.
	lease := 5 * time.Minute
	c1, ok, err := tClaim(db, ctx, t0, lease)
	if err != nil || !ok || c1.DossierID != "A" || c1.State != OutboxClaimed || c1.Attempts != 1 || !c1.LeaseUntil.Equal(t0.Add(lease)) {
		t.Fatalf("Claim = %+v, %v, %v", c1, ok, err)
	}
	c2, ok, err := tClaim(db, ctx, t0, lease)
	if err != nil || !ok || c2.DossierID != "B" {
		t.Fatalf("second Claim = %+v, %v, %v", c2, ok, err)
	}
	if _, ok, err := tClaim(db, ctx, t0.Add(time.Minute), lease); ok || err != nil {
		t.Fatalf("Claim with everything leased: ok=%v err=%v", ok, err)
	}

	// A's worker dies: after the lease, A is claimed again, attempt 2.
	re, ok, err := tClaim(db, ctx, t0.Add(lease), lease)
	if err != nil || !ok || re.ID != c1.ID || re.Attempts != 2 {
		t.Fatalf("reclaim after lease = %+v, %v, %v", re, ok, err)
	}

	// Transient failure: back to pending, not due before retryAt.
	retryAt := t0.Add(time.Hour)
	if err := tFail(db, ctx, re.ID, ErrorTransient, "portal 503", retryAt); err != nil {
		t.Fatal(err)
	}
	// Just before retryAt only B (its lease expired) is due, not A.
	if it, ok, err := tClaim(db, ctx, retryAt.Add(-time.Second), lease); err != nil || !ok || it.DossierID != "B" {
		t.Fatalf("Claim before retryAt = %+v, %v, %v; want B", it, ok, err)
	}
	item, _ := tOutboxItem(db, ctx, "A")
	if item.State != OutboxPending || item.LastError != "portal 503" || item.ErrorClass != ErrorTransient || !item.NextAt.Equal(retryAt) {
		t.Fatalf("after transient Fail: %+v", item)
	}
	got, ok, err := tClaim(db, ctx, retryAt, lease)
	if err != nil || !ok || got.DossierID != "A" || got.Attempts != 3 {
		t.Fatalf("Claim at retryAt = %+v, %v, %v", got, ok, err)
	}

	// Permanent failure → failed; Fail and Done on an unclaimed item conflict.
	if err := tFail(db, ctx, got.ID, ErrorPermanent, "hồ sơ bị từ chối", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if err := tFail(db, ctx, got.ID, ErrorTransient, "x", retryAt); !errors.Is(err, ErrStateConflict) {
		t.Errorf("Fail on failed item = %v, want ErrStateConflict", err)
	}
	if err := tDone(db, ctx, got.ID, nil); !errors.Is(err, ErrStateConflict) {
		t.Errorf("Done on failed item = %v, want ErrStateConflict", err)
	}
	if err := tFail(db, ctx, got.ID, "whatever", "x", retryAt); !errors.Is(err, ErrInvalid) {
		t.Errorf("Fail with unknown class = %v, want ErrInvalid", err)
	}
	// A day later only B (lease expired again) is due: the failed A is never claimed.
	if it, ok, err := tClaim(db, ctx, retryAt.Add(24*time.Hour), lease); err != nil || !ok || it.DossierID != "B" {
		t.Fatalf("Claim a day later = %+v, %v, %v; want B", it, ok, err)
	}
	if _, ok, err := tClaim(db, ctx, retryAt.Add(24*time.Hour), lease); ok || err != nil {
		t.Fatalf("failed item claimable: ok=%v err=%v", ok, err)
	}
	item, _ = tOutboxItem(db, ctx, "A")
	if item.State != OutboxFailed {
		t.Fatalf("failed item was claimed: %+v", item)
	}

	// Retry: failed → pending, due now.
	if err := tRetry(db, ctx, "B"); !errors.Is(err, ErrStateConflict) {
		t.Errorf("Retry on a claimed item = %v, want ErrStateConflict", err)
	}
	if err := tRetry(db, ctx, "ghost"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Retry(absent) = %v, want ErrNotFound", err)
	}
	if err := tRetry(db, ctx, "A"); err != nil {
		t.Fatal(err)
	}
	got, ok, err = tClaim(db, ctx, t0, lease)
	if err != nil || !ok || got.DossierID != "A" || got.Attempts != 4 || got.LastError != "hồ sơ bị từ chối" {
		t.Fatalf("Claim after Retry = %+v, %v, %v", got, ok, err)
	}
	result := json.RawMessage(`{"MaHoSo":"G22.99-261126-000123","TrangThaiHoSo":2}`)
	if err := tDone(db, ctx, got.ID, result); err != nil {
		t.Fatal(err)
	}
	if err := tDone(db, ctx, got.ID, result); err != nil {
		t.Errorf("second Done = %v, want no-op", err)
	}
	item, _ = tOutboxItem(db, ctx, "A")
	if item.State != OutboxDone || string(item.Result) != string(result) || !item.LeaseUntil.IsZero() {
		t.Errorf("after Done: %+v", item)
	}
	if err := tDone(db, ctx, 9999, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("Done(absent) = %v, want ErrNotFound", err)
	}
	if _, err := tOutboxItem(db, ctx, "ghost"); !errors.Is(err, ErrNotFound) {
		t.Errorf("OutboxItem(absent) = %v, want ErrNotFound", err)
	}

	all, err := db.Outbox(ctx)
	if err != nil || len(all) != 2 || all[0].DossierID != "A" {
		t.Fatalf("Outbox = %+v, %v", all, err)
	}
	stats, err := db.OutboxStats(ctx)
	if err != nil || stats != (OutboxStats{Done: 1, Claimed: 1}) {
		t.Errorf("OutboxStats = %+v, %v", stats, err)
	}
	// A done item stays done: enqueueing it again returns it, never a second submission.
	if it, err := tEnqueue(db, ctx, "A", "new"); err != nil || it.State != OutboxDone {
		t.Errorf("Enqueue of a done dossier = %+v, %v", it, err)
	}
}

func TestOutboxConcurrentClaimsNeverShare(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	const n = 40
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("D%02d", i)
		newDossier(t, db, id, time.Now())
		if _, err := tEnqueue(db, ctx, id, ""); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now()
	var mu sync.Mutex
	seen := map[int64]bool{}
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				it, ok, err := tClaim(db, ctx, now, time.Hour)
				if err != nil {
					t.Error(err)
					return
				}
				if !ok {
					return
				}
				mu.Lock()
				if seen[it.ID] {
					t.Errorf("item %d claimed twice", it.ID)
				}
				seen[it.ID] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(seen) != n {
		t.Errorf("%d items claimed, want %d", len(seen), n)
	}
}
