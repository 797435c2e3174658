// The arrow rule of the README as a test, over `go list` of the module's packages (without their tests).

package arrows

import (
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"strings"
	"testing"
)

type pkg struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

// list runs `go list -json` on patterns from the module root and decodes every package.
func list(t *testing.T, patterns ...string) []pkg {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list", "-json=ImportPath,Imports,Deps"}, patterns...)...)
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go list %v: %v\n%s", patterns, err, ee.Stderr)
		}
		t.Fatalf("go list %v: %v", patterns, err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) == 0 {
		t.Fatalf("go list %v: no packages", patterns)
	}
	return pkgs
}

// under reports whether path is root or a package below it.
func under(path, root string) bool {
	return path == root || strings.HasPrefix(path, root+"/")
}

// The screens and the commands reach the desk through sohoa/desk only: not the store, not the
// workflow's implementation, not the wiring — not even through another package.
func TestScreensAndCommandsUseTheDeskAPI(t *testing.T) {
	forbidden := []string{"sohoa/storage", "sohoa/dossier", "sohoa/wire"}
	allowed := []string{"sohoa/dossier/applicant", "sohoa/dossier/catalog", "sohoa/dossier/workdays",
		"sohoa/dossier/figures", "sohoa/dossier/report", "sohoa/dossier/receipt"}
	for _, p := range list(t, "sohoa/app/...", "sohoa/cli/...") {
	deps:
		for _, d := range p.Deps {
			for _, a := range allowed {
				if under(d, a) {
					continue deps
				}
			}
			for _, f := range forbidden {
				if under(d, f) {
					t.Errorf("%s depends on %s: screens and commands use the desk API (sohoa/desk), and main wires the rest", p.ImportPath, d)
				}
			}
		}
	}
}

// The backends do not import each other, nor the domain above them: dossier wires them.
func TestBackendsStandAlone(t *testing.T) {
	families := []string{"sohoa/storage", "sohoa/scanner", "sohoa/signing", "sohoa/portal"}
	above := []string{"sohoa/dossier", "sohoa/desk", "sohoa/app", "sohoa/cli", "sohoa/wire"}
	for _, fam := range families {
		for _, p := range list(t, fam+"/...") {
			for _, d := range p.Deps {
				for _, other := range families {
					if other != fam && under(d, other) {
						t.Errorf("%s depends on %s: %s and %s must not import each other", p.ImportPath, d, fam, other)
					}
				}
				for _, a := range above {
					if under(d, a) && !under(d, "sohoa/desk/model") {
						t.Errorf("%s depends on %s: a backend must not import the domain or the program", p.ImportPath, d)
					}
				}
			}
		}
	}
}

// fyneApp is Fyne's app package (spelt in two parts so that a search for its import finds main.go alone).
const fyneApp = "fyne.io/fyne/v2" + "/app"

// Only the program's main package creates the Fyne app; the GUI package is handed one.
func TestOnlyMainCreatesTheFyneApp(t *testing.T) {
	for _, p := range list(t, "sohoa/...") {
		if p.ImportPath == "sohoa" {
			continue
		}
		for _, i := range p.Imports {
			if i == fyneApp {
				t.Errorf("%s imports %s: only main.go creates the Fyne app", p.ImportPath, fyneApp)
			}
		}
	}
}

// The rule checks what it says: a package that reaches the store through another is caught.
func TestArrowCheckSeesTransitiveDeps(t *testing.T) {
	for _, p := range list(t, "sohoa/wire") {
		found := false
		for _, d := range p.Deps {
			found = found || d == "sohoa/storage"
		}
		if !found {
			t.Fatal("sohoa/wire should depend on sohoa/storage through sohoa/dossier; the dependency list is incomplete")
		}
	}
}
