// Locating <module root>/testdata from the working directory of a package's test.

package testdata

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns <module root>/testdata/<sub...>, failing the test when it does not exist.
// The module root is the nearest folder above the working directory holding go.mod.
func Dir(tb testing.TB, sub ...string) string {
	tb.Helper()
	wd, err := os.Getwd()
	if err != nil {
		tb.Fatalf("testdata: working directory: %v", err)
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			p := filepath.Join(append([]string{d, "testdata"}, sub...)...)
			if _, err := os.Stat(p); err != nil {
				tb.Fatalf("testdata: %v", err)
			}
			return p
		}
		if filepath.Dir(d) == d {
			tb.Fatalf("testdata: no go.mod above %s", wd)
		}
	}
}
