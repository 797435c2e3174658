// The crash tests: the desk killed at 100+ points of the flow; the portal killed mid-upload behind a link
// that drops connections and throttles to 256 kbit/s.

package crashtest

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"sohoa/dossier"
	"sohoa/portal/throttle"
)

const (
	procedure = "2.000815" // one component, TP2
	component = "TP2"
	chunk     = 64 << 10
)

// step is one desk command of the flow, re-run after each kill until its effect shows.
type step struct {
	name   string
	args   func(id string) []string
	points []string // crash points inside this command
	done   func(v view) bool
}

func flow(portalURL string) []step {
	return []step{
		{"scan", func(id string) []string {
			return []string{"scan", "--dossier", id, "--component", component, "--dpi", "100", "--pages", "1"}
		}, []string{"blob:synced", "after-commit:mark scan start", "before-commit:capture page", "after-commit:capture page",
			"after-commit:component.scanned"},
			// The page, its audit row and the move to captured are one step: a kill leaves all or nothing.
			func(v view) bool { return v.pages() > 0 }},
		{"sign", func(id string) []string { return []string{"sign", "--dossier", id, "--training", "--confirm"} },
			[]string{"blob:synced", "blob:synced#2", "after-commit:confirm component", "before-commit:sign dossier", "after-commit:sign dossier"},
			func(v view) bool { return slices.Contains([]string{"signed", "queued", "submitted"}, v.State) }},
		{"submit", func(id string) []string {
			return []string{"submit", "--dossier", id, "--portal", portalURL, "--citizen", citizen().ID, "--wait=false"}
		}, []string{"before-commit:submit dossier", "after-commit:submit dossier"},
			func(v view) bool { return v.State == "queued" || v.State == "submitted" }},
		{"upload", func(string) []string {
			return []string{"upload", "--portal", portalURL, "--chunk-size", fmt.Sprint(chunk), "--backoff", "50ms", "--max-backoff", "500ms", "--wait"}
		}, []string{"after-commit:claim outbox item", dossier.CrashUploadCreated, "after-commit:save upload", dossier.CrashUploadChunk,
			dossier.CrashUploadChunk + "#2", dossier.CrashUploadChunk + "#3", dossier.CrashBeforeCommit, dossier.CrashAfterCommit,
			"before-commit:finish upload", "after-commit:finish upload", "after-commit:release stale claims"},
			func(v view) bool { return v.State == "submitted" }},
	}
}

// newPoints are the crash points of `dossier new`.
var newPoints = []string{"before-commit:create dossier", "after-commit:create dossier"}

// killPlan picks how a run ends: at a crash point, killed at a random time, or not at all.
func (d *desk) killPlan(points []string, attempt int) (string, time.Duration) {
	if attempt >= 10 { // let every step finish eventually
		return "", 0
	}
	switch r := d.rng.Float64(); {
	case r < 0.45:
		return points[d.rng.IntN(len(points))], 0
	case r < 0.8:
		return "", time.Duration(20+d.rng.IntN(700)) * time.Millisecond
	}
	return "", 0
}

// newDossier creates a dossier for the training citizen, adopting the one a killed run left behind.
func (d *desk) newDossier(ctx context.Context) string {
	d.t.Helper()
	c := citizen()
	for attempt := 0; attempt < 20; attempt++ {
		before := d.list(ctx)
		at, after := d.killPlan(newPoints, attempt)
		r := d.run(ctx, at, after, "dossier", "new", "--procedure", procedure, "--name", c.Name, "--id", c.ID, "--address", c.Address)
		if r.err == nil {
			var v view
			if err := json.Unmarshal(r.out, &v); err != nil || v.ID == "" {
				d.t.Fatalf("dossier new: %v\n%s", err, r.out)
			}
			return v.ID
		}
		if !r.killed {
			d.t.Fatalf("dossier new failed: %v\n%s", r.err, r.stderr)
		}
		d.checks += mustTrails(d.t, ctx, d.data, "a kill in dossier new")
		for _, id := range d.list(ctx) {
			if slices.Contains(before, id) {
				continue
			}
			if len(d.show(ctx, id).Components) == 0 {
				// The number, the dossier, its components and its audit row are one step.
				d.t.Errorf("%s: a kill inside dossier new left it without components", id)
			}
			return id // created before the kill: carry on with it
		}
	}
	d.t.Fatal("dossier new never succeeded")
	return ""
}

// runFlow takes one dossier from paper to the portal, killing the desk along the way; it returns the
// submission's idempotency key and its signed files (name → SHA-256).
func (d *desk) runFlow(ctx context.Context, steps []step) (string, map[string]string) {
	d.t.Helper()
	id := d.newDossier(ctx)
	for _, s := range steps {
		for attempt := 0; ; attempt++ {
			v := d.show(ctx, id)
			if v.State == "failed" {
				d.t.Fatalf("%s failed: %s", id, d.lastError(ctx, id))
			}
			if s.done(v) {
				break
			}
			if attempt >= 25 {
				d.t.Fatalf("%s: step %s did not complete after %d runs (state %s)", id, s.name, attempt, v.State)
			}
			at, after := d.killPlan(s.points, attempt)
			r := d.run(ctx, at, after, s.args(id)...)
			if r.err != nil && !r.killed {
				d.t.Fatalf("%s: %s (crash point %q): %v\n%s\n%s", id, s.name, at, r.err, r.out, r.stderr)
			}
			if r.killed {
				d.checks += mustTrails(d.t, ctx, d.data, fmt.Sprintf("a kill in %s (%q)", s.name, at))
			}
		}
	}
	v := d.show(ctx, id)
	if v.PortalCode == "" || v.Outbox == nil || v.Outbox.IdemKey == "" {
		d.t.Fatalf("%s is submitted without a portal code or outbox item", id)
	}
	return v.Outbox.IdemKey, v.signedFiles()
}

func (d *desk) lastError(ctx context.Context, id string) string {
	r := d.run(ctx, "", 0, "dossier", "show", id)
	var v struct {
		LastError string `json:"last_error"`
	}
	_ = json.Unmarshal(r.out, &v)
	return v.LastError
}

// TestCrashDeskExactlyOnce runs desks in parallel through the whole flow and kills them (SIGKILL) at named
// crash points and at random times — during capture, assembly, signing, queueing, mid-file upload, between
// upload and commit, after commit before the local state is written — at least 100 times in total.
func TestCrashDeskExactlyOnce(t *testing.T) {
	bin := sohoaBin(t)
	p := startPortalProc(t, bin)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	const desks, target, maxPerDesk = 2, 170, 30 // desks run in parallel (2 cores)
	var kills atomic.Int64
	var mu sync.Mutex
	signed := map[string]map[string]string{}
	var dirs []string
	start := time.Now()
	t.Run("desks", func(t *testing.T) {
		for i := range desks {
			dir := filepath.Join(t.TempDir(), fmt.Sprintf("desk%d", i))
			dirs = append(dirs, dir)
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				d := &desk{t: t, bin: bin, data: dir, rng: rand.New(rand.NewPCG(uint64(i)+1, 88)), kills: &kills}
				for n := 0; n < maxPerDesk && kills.Load() < target; n++ {
					id, files := d.runFlow(ctx, flow(p.base))
					mu.Lock()
					signed[id] = files
					mu.Unlock()
				}
				t.Logf("desk %d: %d runs, audit trails checked %d times (one per dossier after each kill)", i, d.runs, d.checks)
			})
		}
	})
	if t.Failed() {
		return
	}
	t.Logf("%d dossiers, %d desk kills (SIGKILL) in %s", len(signed), kills.Load(), time.Since(start).Round(time.Second))
	if kills.Load() < target {
		t.Errorf("only %d kills, want at least %d", kills.Load(), target)
	}
	totalKills.Add(kills.Load())
	checkPortal(t, bin, p.data, signed)
	for _, dir := range dirs {
		checkDesk(t, dir)
		mustTrails(t, ctx, dir, "the run")
	}
}

// TestCrashPortalMidUploadThroughBadLink kills the portal (SIGKILL, then restart) while desks upload through
// a link that drops connections and throttles to 256 kbit/s, and kills the desk too; it measures the bytes
// re-sent after cuts.
func TestCrashPortalMidUploadThroughBadLink(t *testing.T) {
	bin := sohoaBin(t)
	p := startPortalProc(t, bin)
	px, err := throttle.Start(p.base, throttle.Config{BitsPerSecond: 256_000, DropEvery: 120 << 10, DropMethods: []string{"PATCH"}, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer px.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	var kills atomic.Int64
	d := &desk{t: t, bin: bin, data: filepath.Join(t.TempDir(), "desk"), rng: rand.New(rand.NewPCG(5, 6)), kills: &kills}
	steps := flow(px.URL)
	signed := map[string]map[string]string{}
	var ids []string
	var total int64
	const dossiers = 3
	for range dossiers {
		id := d.newDossier(ctx)
		for _, s := range steps[:3] { // capture, sign, queue: no kills here
			if r := d.run(ctx, "", 0, s.args(id)...); r.err != nil {
				t.Fatalf("%s %s: %v\n%s", s.name, id, r.err, r.stderr)
			}
		}
		v := d.show(ctx, id)
		if v.Outbox == nil {
			t.Fatalf("%s queued without an outbox item", id)
		}
		signed[v.Outbox.IdemKey] = v.signedFiles()
		ids = append(ids, id)
		for _, c := range v.Components {
			for _, f := range c.Files {
				if f.Role == "signed" {
					total += f.Size
				}
			}
		}
	}
	// Upload everything; meanwhile kill the portal twice and the desk once per round.
	start := time.Now()
	portalKills, deskKills := 0, 0
	for round := 0; ; round++ {
		if round > 12 {
			t.Fatal("uploads did not finish in 12 rounds")
		}
		cmd := exec.CommandContext(ctx, bin, append([]string{"--data", d.data, "--json"}, steps[3].args("")...)...)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		var err error
		waiting := true
		if round < 3 {
			for k := 0; k < 2 && waiting; k++ {
				select {
				case err = <-exited:
					waiting = false
				case <-time.After(time.Duration(1000+d.rng.IntN(2500)) * time.Millisecond):
					p.kill(time.Duration(200+d.rng.IntN(800)) * time.Millisecond)
					portalKills++
				}
			}
			if waiting {
				select {
				case err = <-exited:
					waiting = false
				case <-time.After(time.Duration(500+d.rng.IntN(1500)) * time.Millisecond):
					_ = cmd.Process.Kill()
					deskKills++
				}
			}
		}
		if waiting {
			err = <-exited
		}
		if err != nil && !isKilled(err) {
			t.Fatalf("upload: %v\n%s", err, stderr.String())
		}
		all := true
		for _, id := range ids {
			if v := d.show(ctx, id); v.State != "submitted" {
				if v.State == "failed" {
					t.Fatalf("%s failed: %s", id, d.lastError(ctx, id))
				}
				all = false
			}
		}
		if all {
			break
		}
	}
	el := time.Since(start)
	var sent int64
	cuts := 0
	for path, st := range px.AllStats() {
		if strings.HasPrefix(path, "/files/") {
			sent += st.Bytes
			cuts += st.Cuts
		}
	}
	interruptions := cuts + portalKills + deskKills
	resent := sent - total
	t.Logf("%d bytes signed, %d forwarded; %d link cuts, %d portal kills, %d desk kills: %d bytes re-sent (%.1f KiB per interruption, chunk %d KiB); %s at 256 kbit/s",
		total, sent, cuts, portalKills, deskKills, resent, float64(resent)/1024/float64(max(interruptions, 1)), chunk>>10, el.Round(time.Second))
	if resent < 0 || resent > int64(interruptions)*chunk {
		t.Errorf("re-sent %d bytes after %d interruptions: more than one chunk (%d bytes) each", resent, interruptions, chunk)
	}
	if portalKills < 2 || cuts < 1 {
		t.Errorf("the link was not bad enough: %d portal kills, %d cuts", portalKills, cuts)
	}
	checkPortal(t, bin, p.data, signed)
	checkDesk(t, d.data)
}

func isKilled(err error) bool {
	ee, ok := err.(*exec.ExitError)
	if !ok {
		return false
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}
