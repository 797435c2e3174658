// CONFORMANCE.md ties each counter rule to the tests that prove it: every row must name at least
// one test, and every test it names must exist (a test function in that folder's _test.go files).

package selfcheck

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// conformanceHeader is the header every table of CONFORMANCE.md has.
var conformanceHeader = []string{"rule", "source (article)", "what sohoa does", "test"}

// testRef is how a row names a test: `folder.TestName`, the folder relative to the module root.
var testRef = regexp.MustCompile("`([^`]+)`")

var testRefShape = regexp.MustCompile(`^([a-z0-9_]+(?:/[a-z0-9_]+)*)\.(Test[A-Za-z0-9_]*)$`)

// splitRow splits a Markdown table row into its cells; `\|` is a '|' inside a cell.
func splitRow(line string) []string {
	line = strings.TrimSpace(line)
	line = strings.TrimPrefix(line, "|")
	line = strings.TrimSuffix(line, "|")
	var cells []string
	var b strings.Builder
	for i := 0; i < len(line); i++ {
		switch {
		case line[i] == '\\' && i+1 < len(line) && line[i+1] == '|':
			b.WriteByte('|')
			i++
		case line[i] == '|':
			cells = append(cells, strings.TrimSpace(b.String()))
			b.Reset()
		default:
			b.WriteByte(line[i])
		}
	}
	return append(cells, strings.TrimSpace(b.String()))
}

// testFuncs returns the test functions (func TestX(t *testing.T)) of the _test.go files in dir.
func testFuncs(dir string) (map[string]bool, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no _test.go files in %s", dir)
	}
	fset := token.NewFileSet()
	funcs := map[string]bool{}
	for _, f := range files {
		af, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		for _, d := range af.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv != nil || !strings.HasPrefix(fd.Name.Name, "Test") || fd.Name.Name == "TestMain" {
				continue
			}
			if ps := fd.Type.Params.List; len(ps) == 1 && len(ps[0].Names) <= 1 {
				if star, ok := ps[0].Type.(*ast.StarExpr); ok {
					if sel, ok := star.X.(*ast.SelectorExpr); ok && sel.Sel.Name == "T" {
						funcs[fd.Name.Name] = true
					}
				}
			}
		}
	}
	return funcs, nil
}

// checkConformance returns what is wrong with the tables of md (CONFORMANCE.md's text), and the
// number of rules and test references it checked.
func checkConformance(root, md string) (problems []string, rules, refs int) {
	cache := map[string]map[string]bool{}
	inTable := false
	for i, line := range strings.Split(md, "\n") {
		n := i + 1
		if !strings.HasPrefix(strings.TrimSpace(line), "|") {
			inTable = false
			continue
		}
		cells := splitRow(line)
		if !inTable {
			inTable = true
			if strings.Join(cells, "|") != strings.Join(conformanceHeader, "|") {
				problems = append(problems, fmt.Sprintf("line %d: a table's header must be | %s |", n, strings.Join(conformanceHeader, " | ")))
			}
			continue
		}
		if strings.Trim(strings.Join(cells, ""), "-: ") == "" {
			continue // the separator row
		}
		if len(cells) != len(conformanceHeader) {
			problems = append(problems, fmt.Sprintf("line %d: %d cells, want %d", n, len(cells), len(conformanceHeader)))
			continue
		}
		rules++
		for c, name := range conformanceHeader[:3] {
			if cells[c] == "" {
				problems = append(problems, fmt.Sprintf("line %d: the %q cell is empty", n, name))
			}
		}
		named := testRef.FindAllStringSubmatch(cells[3], -1)
		if len(named) == 0 {
			problems = append(problems, fmt.Sprintf("line %d: the rule names no test", n))
		}
		for _, m := range named {
			refs++
			sm := testRefShape.FindStringSubmatch(m[1])
			if sm == nil {
				problems = append(problems, fmt.Sprintf("line %d: %q is not folder.TestName", n, m[1]))
				continue
			}
			dir, fn := sm[1], sm[2]
			funcs, ok := cache[dir]
			if !ok {
				var err error
				if funcs, err = testFuncs(filepath.Join(root, filepath.FromSlash(dir))); err != nil {
					problems = append(problems, fmt.Sprintf("line %d: %s: %v", n, m[1], err))
				}
				cache[dir] = funcs
			}
			if funcs != nil && !funcs[fn] {
				problems = append(problems, fmt.Sprintf("line %d: %s does not exist: no func %s(t *testing.T) in %s/*_test.go", n, m[1], fn, dir))
			}
		}
	}
	return problems, rules, refs
}

func TestConformanceTableNamesExistingTests(t *testing.T) {
	root := moduleRoot(t)
	b, err := os.ReadFile(filepath.Join(root, "CONFORMANCE.md"))
	if err != nil {
		t.Fatal(err)
	}
	problems, rules, refs := checkConformance(root, string(b))
	for _, p := range problems {
		t.Errorf("CONFORMANCE.md %s", p)
	}
	if rules < 20 || refs < rules {
		t.Fatalf("read %d rules naming %d tests: the table was not parsed", rules, refs)
	}
	t.Logf("%d rules, %d test references, all exist", rules, refs)
}

// The check finds every kind of bad row (it would pass vacuously otherwise).
func TestConformanceCheckFindsBadRows(t *testing.T) {
	root := moduleRoot(t)
	md := "# x\n\n| rule | source (article) | what sohoa does | test |\n|---|---|---|---|\n" +
		"| good, with a \\| inside | Art. 1 | does it | `dossier/workdays.TestTet2026`, `dossier.TestFormatCodeAndUnit` |\n" +
		"| renamed test | Art. 2 | does it | `dossier/workdays.TestTet2025` |\n" +
		"| no test | Art. 3 | does it | (none yet) |\n" +
		"| not a test | Art. 4 | does it | `dossier.FormatCode` |\n" +
		"| no such folder | Art. 5 | does it | `dossier/nowhere.TestX` |\n" +
		"| helper, not a test | Art. 6 | does it | `dossier/workdays.TestMain` |\n" +
		"|  | Art. 7 | does it | `dossier/workdays.TestTet2026` |\n" +
		"\n| rule | source | what | test |\n|---|---|---|---|\n"
	problems, rules, refs := checkConformance(root, md)
	want := []string{"line 6: dossier/workdays.TestTet2025 does not exist", "line 7: the rule names no test",
		"line 8: \"dossier.FormatCode\" is not folder.TestName", "line 9: dossier/nowhere.TestX", "line 10: dossier/workdays.TestMain does not exist",
		"line 11: the \"rule\" cell is empty", "line 13: a table's header"}
	if len(problems) != len(want) || rules != 7 || refs != 7 {
		t.Errorf("%d rules, %d refs, problems:\n%s", rules, refs, strings.Join(problems, "\n"))
	}
	for i, w := range want {
		if i < len(problems) && !strings.HasPrefix(problems[i], w) {
			t.Errorf("problem %d = %q, want %q…", i, problems[i], w)
		}
	}
}
