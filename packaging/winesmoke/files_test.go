// Windows file semantics under Wine: the Go tests of the packages that write files durably, built
// for Windows and run by Wine (sharing violations, write-through renames, long paths are Wine's
// real implementation of them, not a stand-in).

package winesmoke

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestPackagesUnderWine(t *testing.T) {
	need(t)
	for _, c := range []struct{ pkg, skip string }{
		{"sohoa/internal/atomicfile", ""},
		// Unix-only assertion: it wants the child killed by SIGKILL (Windows: TerminateProcess, status 1).
		{"sohoa/storage", "^TestCrashPointKillsAfterCommit$"},
		{"sohoa/portal/refportal", ""},
	} {
		t.Run(filepath.Base(c.pkg), func(t *testing.T) {
			exe := filepath.Join(env.work, filepath.Base(c.pkg)+".test.exe")
			build := exec.Command("go", "test", "-c", "-o", exe, c.pkg)
			build.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0")
			if out, err := build.CombinedOutput(); err != nil {
				t.Fatalf("build %s for Windows: %v\n%s", c.pkg, err, out)
			}
			skip := c.skip
			if skip == "" {
				skip = "^$"
			}
			start := time.Now()
			cmd := inRoot("env", "WINEPREFIX="+env.prefix, "WINEDEBUG=-all", "/usr/lib/wine/wine64",
				env.inside+"/"+filepath.Base(exe), "-test.skip", skip, "-test.count=1", "-test.timeout=10m")
			out, err := cmd.CombinedOutput()
			figure(c.pkg+" tests under Wine", time.Since(start))
			if err != nil || !strings.Contains(string(out), "PASS") || strings.Contains(string(out), "no tests to run") {
				t.Fatalf("%s under Wine: %v\n%s", c.pkg, err, out)
			}
			t.Logf("%s", out)
		})
	}
}
