// Tests of the audit log: chain verifies, triggers refuse edits, tampering is detected.

package storage

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
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

// rehash recomputes the chain from row from on, as someone without the desk key would after an
// edit: plain SHA-256, or HMAC under a key of their own.
func rehash(t *testing.T, db *DB, from int64, key []byte) {
	t.Helper()
	all, err := db.AuditLog(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	prev := genesisHash
	for _, e := range all {
		if e.ID >= from {
			e.PrevHash = prev
			if key == nil {
				e.Hash = e.chainHash()
			} else {
				e.Hash = e.chainMAC(key)
			}
			if _, err := db.SQL().Exec(`UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?`, e.PrevHash, e.Hash, e.ID); err != nil {
				t.Fatal(err)
			}
		}
		prev = e.Hash
	}
}

func dropAuditTriggers(t *testing.T, db *DB) {
	t.Helper()
	for _, q := range []string{`DROP TRIGGER audit_no_update`, `DROP TRIGGER audit_no_delete`} {
		if _, err := db.SQL().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
}

func wantBroken(t *testing.T, err error, id int64) {
	t.Helper()
	var broken *AuditBrokenError
	if !errors.As(err, &broken) || !errors.Is(err, ErrAuditBroken) {
		t.Fatalf("verify = %v, want ErrAuditBroken at row %d", err, id)
	}
	if broken.ID != id {
		t.Errorf("first bad row = %d (%s), want %d", broken.ID, broken.Reason, id)
	}
}

// Finding 3: editing a row and re-hashing the chain used to pass.
func TestAuditRecomputedChainDetected(t *testing.T) {
	for _, tc := range []struct {
		name string
		key  []byte
	}{{"sha-256", nil}, {"hmac under another key", []byte("not the desk's key, 32 bytes....")}} {
		t.Run(tc.name, func(t *testing.T) {
			db := openTest(t)
			fillAudit(t, db, 6)
			if err := db.VerifyAudit(context.Background()); err != nil {
				t.Fatal(err)
			}
			dropAuditTriggers(t, db)
			if _, err := db.SQL().Exec(`UPDATE audit SET detail = '{"page":99}' WHERE id = 3`); err != nil {
				t.Fatal(err)
			}
			rehash(t, db, 3, tc.key)
			wantBroken(t, db.VerifyAudit(context.Background()), 3)
		})
	}
}

func TestAuditKeyKeptOutsideDatabase(t *testing.T) {
	db := openTest(t)
	fillAudit(t, db, 2)
	fi, err := os.Stat(filepath.Join(db.Dir(), auditKeyFile))
	if err == nil && fi.Mode().Perm() != 0o600 {
		t.Errorf("audit.key mode %v, want 0600", fi.Mode().Perm())
	}
	var n int
	db.SQL().QueryRow(`SELECT count(*) FROM settings WHERE value LIKE '%' || ? || '%'`, hex.EncodeToString(db.auditKey)).Scan(&n)
	if n != 0 || len(db.auditKey) != 32 {
		t.Errorf("key in the database (%d settings) or wrong size %d", n, len(db.auditKey))
	}
	// Reopened (and moved: the folder copied elsewhere), the same key verifies the chain.
	dir := db.Dir()
	db.Close()
	moved := filepath.Join(t.TempDir(), "moved")
	if err := os.Rename(dir, moved); err != nil {
		t.Fatal(err)
	}
	db, err = Open(moved)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.VerifyAudit(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// A log written before the MAC keeps its SHA-256 chain and is closed by one audit.anchored row.
func TestAuditLegacyRowsAnchored(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	dir := db.Dir()
	// Write three legacy rows (plain SHA-256 chain) and forget the key: a desk before the upgrade.
	prev := genesisHash
	for i := int64(1); i <= 3; i++ {
		e := AuditEntry{ID: i, At: time.Unix(1700000000+i, 0), Actor: "nv.an", Action: "page.add", DossierID: "D1", Detail: json.RawMessage(`{}`), PrevHash: prev}
		e.Hash = e.chainHash()
		if _, err := db.SQL().Exec(`INSERT INTO audit (id, at, actor, action, dossier_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			e.ID, nanos(e.At), e.Actor, e.Action, e.DossierID, string(e.Detail), e.PrevHash, e.Hash); err != nil {
			t.Fatal(err)
		}
		prev = e.Hash
	}
	db.Close()
	if err := os.Remove(filepath.Join(dir, auditKeyFile)); err != nil {
		t.Skipf("the key is in an OS keyring here: %v", err)
	}
	db, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	all, _ := db.AuditLog(ctx, "")
	if len(all) != 4 || all[3].Action != ActionAuditAnchored || !strings.Contains(string(all[3].Detail), `"legacy_rows":3`) {
		t.Fatalf("after the upgrade: %+v", all)
	}
	fillAudit(t, db, 2)
	if err := db.VerifyAudit(ctx); err != nil {
		t.Fatalf("upgraded log: %v", err)
	}
	// Reopening does not anchor again.
	db.Close()
	if db, err = Open(dir); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if all, _ := db.AuditLog(ctx, ""); len(all) != 6 {
		t.Fatalf("reopen appended rows: %d", len(all))
	}
	// A legacy row edited and its SHA-256 chain recomputed breaks the anchor's link.
	dropAuditTriggers(t, db)
	if _, err := db.SQL().Exec(`UPDATE audit SET actor = 'mallory' WHERE id = 2`); err != nil {
		t.Fatal(err)
	}
	rehash(t, db, 2, nil)
	wantBroken(t, db.VerifyAudit(ctx), 4)
}

// The head the portal keeps finds a log cut short or rewritten.
func TestAuditHeadKeptElsewhere(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	fillAudit(t, db, 4)
	head, err := db.AuditTrail().Head(ctx)
	if err != nil || head.ID != 4 || len(head.MAC) != 64 {
		t.Fatalf("Head = %+v, %v", head, err)
	}
	if err := db.AuditTrail().VerifyHead(ctx, head); err != nil {
		t.Fatal(err)
	}
	dropAuditTriggers(t, db)
	if _, err := db.SQL().Exec(`DELETE FROM audit WHERE id >= 3`); err != nil {
		t.Fatal(err)
	}
	if err := db.VerifyAudit(ctx); err != nil {
		t.Fatalf("a cut log still chains: %v", err)
	}
	wantBroken(t, db.AuditTrail().VerifyHead(ctx, head), 4)
	if err := db.AuditTrail().VerifyHead(ctx, AuditHead{ID: 2, MAC: head.MAC}); !errors.Is(err, ErrAuditBroken) {
		t.Errorf("a head with another MAC = %v", err)
	}
}
