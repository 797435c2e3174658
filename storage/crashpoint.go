// Crash points for the crash tests: with SOHOA_CRASH_AT set, the process kills itself (SIGKILL) at a named point.

package storage

import (
	"os"
	"strconv"
	"strings"
	"sync"
)

// CrashEnv names the environment variable that arms the crash points. It is a test hook: unset (the
// normal case), CrashPoint does nothing. Its value is a comma-separated list of point prefixes, each
// optionally followed by "#N" to crash at the Nth matching point only (default the first), e.g.
// "after-commit:enqueue dossier,upload.chunk#2".
const CrashEnv = "SOHOA_CRASH_AT"

// crashRule is one armed point: a prefix and the hit on which to crash.
type crashRule struct {
	prefix string
	nth    int
	hits   int
}

var (
	crashOnce  sync.Once
	crashMu    sync.Mutex
	crashRules []*crashRule
)

func loadCrashRules() {
	for _, spec := range strings.Split(os.Getenv(CrashEnv), ",") {
		spec = strings.TrimSpace(spec)
		if spec == "" {
			continue
		}
		r := &crashRule{prefix: spec, nth: 1}
		if p, n, ok := strings.Cut(spec, "#"); ok {
			if v, err := strconv.Atoi(n); err == nil && v > 0 {
				r.prefix, r.nth = p, v
			}
		}
		crashRules = append(crashRules, r)
	}
}

// CrashPoint kills the process at once (SIGKILL on Unix, TerminateProcess on Windows: no deferred
// function, no flush) when SOHOA_CRASH_AT names point. The store calls it around its writes
// ("before-commit:<what>", "after-commit:<what>", "blob:synced"); the uploader at its own steps.
// Without SOHOA_CRASH_AT it returns at once.
func CrashPoint(point string) {
	crashOnce.Do(loadCrashRules)
	if len(crashRules) == 0 {
		return
	}
	crashMu.Lock()
	defer crashMu.Unlock()
	for _, r := range crashRules {
		if !strings.HasPrefix(point, r.prefix) {
			continue
		}
		r.hits++
		if r.hits == r.nth {
			os.Stderr.WriteString("sohoa: " + CrashEnv + ": crashing at " + point + "\n")
			if p, err := os.FindProcess(os.Getpid()); err == nil {
				_ = p.Kill()
			}
			select {} // the kill is asynchronous: never run past the point
		}
	}
}
