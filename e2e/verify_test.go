// Running `sohoa verify` as a script does: the exit code is the verdict and stdout the JSON report.

package e2e

import (
	"encoding/json"
	"errors"
	"os/exec"
	"testing"
)

// runVerifyJSON runs the binary, wants exit code want, and decodes its JSON output into v.
func runVerifyJSON(t *testing.T, v any, want int, bin string, args ...string) {
	t.Helper()
	out, err := exec.Command(bin, args...).Output()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("sohoa %v: %v", args, err)
	}
	if code != want {
		t.Fatalf("sohoa %v: exit %d, want %d\n%s", args, code, want, out)
	}
	if err := json.Unmarshal(out, v); err != nil {
		t.Fatalf("sohoa %v: output is not JSON: %v\n%s", args, err, out)
	}
}
