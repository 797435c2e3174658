// Benchmark of the outbox at 10,000 items: enqueue, claim, list and stats.

package storage

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

// fillOutbox creates n dossiers with outbox items in a realistic mix of states:
// 70 % done, 20 % pending, 5 % failed, 5 % claimed.
func fillOutbox(b *testing.B, db *DB, n int) {
	b.Helper()
	ctx := context.Background()
	tx, err := db.SQL().BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now().UnixNano()
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("000.00.00.H47-261126-%05d", i)
		if _, err := tx.Exec(`INSERT INTO dossiers (`+dossierColumns+`) VALUES (?, 'U', 'P', 'o', 'queued', 1, 0, 'A', '1', NULL, ?, ?, 0, 0, '', 0, '', 0, 0, 0, 0, 0)`,
			id, now+int64(i), now+int64(i)); err != nil {
			b.Fatal(err)
		}
		state, lease := "done", int64(0)
		switch {
		case i%20 < 4:
			state = "pending"
		case i%20 == 4:
			state = "failed"
		case i%20 == 5:
			state, lease = "claimed", now+int64(time.Hour)
		}
		if _, err := tx.Exec(`INSERT INTO outbox (dossier_id, idem_key, state, attempts, next_at, lease_until, created_at, updated_at)
			VALUES (?, ?, ?, 1, 0, ?, ?, ?)`, id, "k"+id, state, lease, now, now); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

// benchSeq numbers the dossiers the benchmarks create.
var benchSeq atomic.Int64

func BenchmarkOutbox(b *testing.B) {
	const items = 10000
	db, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	fillOutbox(b, db, items)
	ctx := context.Background()

	b.Run("Enqueue", func(b *testing.B) {
		ids := make([]string, b.N)
		for i := range ids {
			// Unique over every run: with -count N the sub-benchmark runs N times on the same store.
			ids[i] = fmt.Sprintf("bench-enqueue-%d", benchSeq.Add(1))
			if err := tCreateDossier(db, ctx, Dossier{ID: ids[i], State: StateSigned}); err != nil {
				b.Fatal(err)
			}
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := tEnqueue(db, ctx, ids[i], ""); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("EnqueueExisting", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := tEnqueue(db, ctx, "000.00.00.H47-261126-00000", ""); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Claim", func(b *testing.B) {
		// Each claimed item is released as transient-due-now (timer stopped) so the pool stays full.
		now := time.Now().Add(time.Minute)
		for i := 0; i < b.N; i++ {
			it, ok, err := tClaim(db, ctx, now, time.Minute)
			if err != nil || !ok {
				b.Fatalf("Claim: ok=%v err=%v", ok, err)
			}
			b.StopTimer()
			if err := tFail(db, ctx, it.ID, ErrorTransient, "bench", now.Add(-time.Second)); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
	})
	b.Run("List", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			all, err := db.Outbox(ctx)
			if err != nil || len(all) < items {
				b.Fatalf("Outbox: %d items, %v", len(all), err)
			}
		}
	})
	b.Run("Stats", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			s, err := db.OutboxStats(ctx)
			if err != nil || s.Pending+s.Claimed+s.Done+s.Failed < items {
				b.Fatalf("OutboxStats = %+v, %v", s, err)
			}
		}
	})
}
