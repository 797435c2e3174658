// Tests of the audit log: chain verifies, triggers refuse edits, tampering is detected.

package storage

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
)

// fillAudit appends n entries.
func fillAudit(t *testing.T, db *DB, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		if err := tAudit(db, context.Background(), "nv.an", "page.add", "D1", map[string]any{"page": i}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAuditChainVerifies(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	if err := db.VerifyAudit(ctx); err != nil {
		t.Fatalf("empty log: %v", err)
	}
	fillAudit(t, db, 3)
	if err := tAudit(db, ctx, "system", "app.start", "", nil); err != nil {
		t.Fatal(err)
	}
	if err := tAudit(db, ctx, "nv.an", "dossier.sign", "D2", json.RawMessage(`{"signer":"Nguyễn Văn An"}`)); err != nil {
		t.Fatal(err)
	}
	if err := tAudit(db, ctx, "nv.an", "x", "", json.RawMessage(`{broken`)); !errors.Is(err, ErrInvalid) {
		t.Errorf("Audit(invalid JSON) = %v, want ErrInvalid", err)
	}
	if err := db.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
	all, err := db.AuditLog(ctx, "")
	if err != nil || len(all) != 5 {
		t.Fatalf("AuditLog = %d entries, %v", len(all), err)
	}
	if all[0].PrevHash != genesisHash || all[1].PrevHash != all[0].Hash || all[3].Detail == nil || string(all[3].Detail) != "null" {
		t.Errorf("chain links wrong: %+v", all[:2])
	}
	d1, _ := db.AuditLog(ctx, "D1")
	if len(d1) != 3 || string(d1[2].Detail) != `{"page":2}` {
		t.Errorf("AuditLog(D1) = %+v", d1)
	}
}

func TestAuditConcurrentAppendsChain(t *testing.T) {
	db := openTest(t)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				if err := tAudit(db, context.Background(), "w", "tick", "", i); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if err := db.VerifyAudit(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestAuditTriggersRefuseEdits(t *testing.T) {
	db := openTest(t)
	fillAudit(t, db, 2)
	for _, q := range []string{`UPDATE audit SET actor = 'mallory' WHERE id = 1`, `DELETE FROM audit WHERE id = 2`} {
		_, err := db.SQL().Exec(q)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: err = %v, want the append-only refusal", q, err)
		}
	}
	if err := db.VerifyAudit(context.Background()); err != nil {
		t.Errorf("refused edits broke the chain: %v", err)
	}
}

func TestAuditTamperingDetected(t *testing.T) {
	cases := []struct {
		name   string
		sql    []string
		wantID int64
	}{
		{"detail edited", []string{`UPDATE audit SET detail = '{"page":99}' WHERE id = 3`}, 3},
		{"row deleted", []string{`DELETE FROM audit WHERE id = 2`}, 3},
		{"row edited and rehashed without relinking", []string{`UPDATE audit SET actor = 'mallory', hash = 'ff' WHERE id = 4`}, 4},
		{"row inserted", []string{`UPDATE audit SET id = id + 100 WHERE id >= 3`,
			`INSERT INTO audit SELECT 3, at, actor, action, dossier_id, detail, prev_hash, hash FROM audit WHERE id = 2`,
			`UPDATE audit SET id = id - 99 WHERE id >= 103`}, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db := openTest(t)
			fillAudit(t, db, 5)
			for _, q := range append([]string{`DROP TRIGGER audit_no_update`, `DROP TRIGGER audit_no_delete`}, c.sql...) {
				if _, err := db.SQL().Exec(q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			err := db.VerifyAudit(context.Background())
			var broken *AuditBrokenError
			if !errors.Is(err, ErrAuditBroken) || !errors.As(err, &broken) {
				t.Fatalf("VerifyAudit = %v, want ErrAuditBroken", err)
			}
			if broken.ID != c.wantID {
				t.Errorf("first bad row = %d (%s), want %d", broken.ID, broken.Reason, c.wantID)
			}
		})
	}
}
