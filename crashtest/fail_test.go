// The permanent-failure path under kills: the portal refuses, the desk records the failure (outbox item
// failed, error saved, dossier failed, audit row) in one step; the officer retries; the portal takes it.

package crashtest

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

// totalKills sums the desk kills of the harness's tests, for the figures in the log.
var totalKills atomic.Int64

// TestCrashFailRetryPath kills the desk inside the permanent-failure path and the retry, and checks after
// every kill that the dossier is never stuck: queued with a live outbox item, or failed with a failed one,
// each with its audit trail.
func TestCrashFailRetryPath(t *testing.T) {
	bin := sohoaBin(t)
	p := startPortalProc(t, bin)
	refusing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"error":"invalid_request","error_description":"hồ sơ không hợp lệ"}`))
	}))
	defer refusing.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var kills atomic.Int64
	d := &desk{t: t, bin: bin, data: filepath.Join(t.TempDir(), "desk"), rng: rand.New(rand.NewPCG(11, 12)), kills: &kills}
	steps := flow(p.base)
	failPoints := []string{"after-commit:claim outbox item", "before-commit:fail upload", "after-commit:fail upload",
		"after-commit:release stale claims"}
	retryPoints := []string{"before-commit:retry dossier", "after-commit:retry dossier"}
	// until runs args, killing it by plan, until done holds; every kill is followed by the trail check.
	until := func(id, name string, points []string, done func(view) bool, args ...string) {
		for attempt := 0; ; attempt++ {
			if v := d.show(ctx, id); done(v) {
				return
			}
			if attempt >= 25 {
				t.Fatalf("%s: %s did not complete after %d runs", id, name, attempt)
			}
			at, after := d.killPlan(points, attempt)
			r := d.run(ctx, at, after, args...)
			if r.err != nil && !r.killed {
				t.Fatalf("%s: %s (crash point %q): %v\n%s\n%s", id, name, at, r.err, r.out, r.stderr)
			}
			if r.killed {
				d.checks += mustTrails(t, ctx, d.data, name+" killed at "+at)
			}
		}
	}
	const target, maxDossiers = 40, 12
	signed := map[string]map[string]string{}
	for n := 0; n < maxDossiers && kills.Load() < target; n++ {
		id := d.newDossier(ctx)
		for _, s := range steps[:3] { // capture, sign, queue
			if r := d.run(ctx, "", 0, s.args(id)...); r.err != nil {
				t.Fatalf("%s %s: %v\n%s", s.name, id, r.err, r.stderr)
			}
		}
		until(id, "upload to a refusing portal", failPoints, func(v view) bool { return v.State == "failed" },
			"upload", "--portal", refusing.URL, "--backoff", "50ms", "--max-backoff", "200ms")
		if le := d.lastError(ctx, id); le == "" {
			t.Errorf("%s failed without its error", id)
		}
		until(id, "retry", retryPoints, func(v view) bool { return v.State == "queued" }, "queue", "retry", id)
		until(id, "upload", steps[3].points, steps[3].done, steps[3].args(id)...)
		v := d.show(ctx, id)
		signed[v.Outbox.IdemKey] = v.signedFiles()
	}
	t.Logf("%d dossiers failed, retried and submitted; %d desk kills (SIGKILL); audit trails checked %d times",
		len(signed), kills.Load(), d.checks)
	if kills.Load() < target {
		t.Errorf("only %d kills, want at least %d", kills.Load(), target)
	}
	totalKills.Add(kills.Load())
	checkPortal(t, bin, p.data, signed)
	checkDesk(t, d.data)
	mustTrails(t, ctx, d.data, "the run")
}
