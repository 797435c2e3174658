// Every exported Err… sentinel of the module, found by reading the sources, has its sentence in
// both languages; so do the portal's codes, the applicant's reasons and fields, and every kind.

package i18n

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"sohoa/dossier/applicant"
	"sohoa/errs"
)

// moduleRoot is the folder holding go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		if filepath.Dir(dir) == dir {
			t.Fatal("no go.mod above the test")
		}
		dir = filepath.Dir(dir)
	}
}

type sentinel struct {
	pos  string // file:line
	name string // pkgdir.ErrX
	key  string // "" when it is not made with errs.New
}

var exportedErr = regexp.MustCompile(`^Err[A-Z0-9]`)

// aliasKey marks a sentinel that is another package's sentinel under a new name.
const aliasKey = "alias"

// scanModule parses every non-test Go file of the module (whatever its build tags) and returns its
// exported Err… package variables, and every string constant by package folder.
func scanModule(t *testing.T) ([]sentinel, map[string]map[string]string, []string) {
	t.Helper()
	root := moduleRoot(t)
	fset := token.NewFileSet()
	var found []sentinel
	consts := map[string]map[string]string{}
	var literals []string // every "error.…" string literal
	err := filepath.WalkDir(root, func(path string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if de.IsDir() {
			if n := de.Name(); path != root && (strings.HasPrefix(n, ".") || n == "testdata" || n == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		dir, _ := filepath.Rel(root, filepath.Dir(path))
		if consts[dir] == nil {
			consts[dir] = map[string]string{}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if bl, ok := n.(*ast.BasicLit); ok && bl.Kind == token.STRING {
				if s, err := strconv.Unquote(bl.Value); err == nil && strings.HasPrefix(s, "error.") {
					literals = append(literals, s)
				}
			}
			return true
		})
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || (gd.Tok != token.VAR && gd.Tok != token.CONST) {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, name := range vs.Names {
					var val ast.Expr
					if i < len(vs.Values) {
						val = vs.Values[i]
					}
					if gd.Tok == token.CONST {
						if bl, ok := val.(*ast.BasicLit); ok && bl.Kind == token.STRING {
							consts[dir][name.Name], _ = strconv.Unquote(bl.Value)
						}
						continue
					}
					if !exportedErr.MatchString(name.Name) {
						continue
					}
					s := sentinel{pos: fset.Position(name.Pos()).String(), name: dir + "." + name.Name}
					s.key = keyOf(val, dir, consts)
					found = append(found, s)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Portal-style sentinels name a Code constant that may be declared in a later file: resolve again.
	for i, s := range found {
		if strings.HasPrefix(s.key, "code:") {
			code, ok := consts[strings.SplitN(s.name, ".", 2)[0]][strings.TrimPrefix(s.key, "code:")]
			found[i].key = ""
			if ok {
				found[i].key = "error.portal." + code
			}
		}
	}
	return found, consts, literals
}

// keyOf returns the message key of a sentinel's value: errs.New("key", ...) gives "key";
// &Error{Code: CodeX} (the portal's *Error, whose Key is "error.portal.<code>") gives "code:CodeX";
// otherpkg.ErrX gives aliasKey.
func keyOf(val ast.Expr, dir string, consts map[string]map[string]string) string {
	switch v := val.(type) {
	case *ast.CallExpr:
		sel, ok := v.Fun.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "New" || len(v.Args) != 3 {
			return ""
		}
		if x, ok := sel.X.(*ast.Ident); !ok || x.Name != "errs" {
			return ""
		}
		if bl, ok := v.Args[0].(*ast.BasicLit); ok && bl.Kind == token.STRING {
			s, _ := strconv.Unquote(bl.Value)
			return s
		}
	case *ast.SelectorExpr:
		// var ErrX = otherpkg.ErrX: the same sentinel under another name, checked where it is made.
		if _, ok := v.X.(*ast.Ident); ok && exportedErr.MatchString(v.Sel.Name) {
			return aliasKey
		}
	case *ast.UnaryExpr:
		cl, ok := v.X.(*ast.CompositeLit)
		if !ok || dir != "portal" {
			return ""
		}
		if id, ok := cl.Type.(*ast.Ident); !ok || id.Name != "Error" {
			return ""
		}
		for _, e := range cl.Elts {
			kv, ok := e.(*ast.KeyValueExpr)
			if !ok {
				continue
			}
			if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Code" {
				if id, ok := kv.Value.(*ast.Ident); ok {
					return "code:" + id.Name
				}
			}
		}
	}
	return ""
}

func TestEverySentinelHasItsSentenceInBothLanguages(t *testing.T) {
	found, _, _ := scanModule(t)
	if len(found) < 100 {
		t.Fatalf("found only %d exported Err… variables; the walk is broken", len(found))
	}
	keys := map[string]string{}
	for _, s := range found {
		if s.key == "" {
			t.Errorf("%s: %s is not made with errs.New(key, kind, english)", s.pos, s.name)
			continue
		}
		if s.key == aliasKey {
			continue
		}
		if other, dup := keys[s.key]; dup {
			t.Errorf("%s: %s has the key %q of %s", s.pos, s.name, s.key, other)
		}
		keys[s.key] = s.name
		for _, lang := range Languages {
			if !Has(lang, s.key) {
				t.Errorf("%s: %s: no %s sentence for %q", s.pos, s.name, lang, s.key)
			}
		}
	}
}

func TestEveryMessageKeyInTheSourcesHasItsSentence(t *testing.T) {
	_, consts, literals := scanModule(t)
	keys := append([]string(nil), literals...)
	for name, code := range consts["portal"] {
		if strings.HasPrefix(name, "Code") {
			keys = append(keys, "error.portal."+code)
		}
	}
	for name, reason := range consts["dossier/applicant"] {
		if strings.HasPrefix(name, "Reason") {
			keys = append(keys, (&applicant.FieldError{Reason: reason}).Key())
			if (&applicant.FieldError{Reason: reason}).Key() == "applicant.reason.other" {
				t.Errorf("applicant.%s (%q) has no sentence of its own", name, reason)
			}
		}
		if strings.HasPrefix(name, "Field") {
			keys = append(keys, string((&applicant.FieldError{Field: reason}).Args()["Field"].(errs.Msg)))
		}
	}
	for _, k := range errs.Kinds {
		keys = append(keys, "error.kind."+string(k), "queue.err."+string(k))
	}
	keys = append(keys, "error.timeout", "applicant.reason.other", "error.scan.invalid_dpi")
	sort.Strings(keys)
	for _, k := range keys {
		if strings.HasSuffix(k, ".") || strings.HasSuffix(k, "_") {
			continue // a prefix, completed at run time (checked above)
		}
		for _, lang := range Languages {
			if !Has(lang, k) {
				t.Errorf("no %s sentence for %q", lang, k)
			}
		}
	}
}

func TestBothLanguagesHaveTheSameKeys(t *testing.T) {
	vi, en := map[string]bool{}, map[string]bool{}
	for _, k := range Keys("vi") {
		vi[k] = true
	}
	for _, k := range Keys("en") {
		en[k] = true
		if !vi[k] {
			t.Errorf("%q has an English sentence but no Vietnamese one", k)
		}
	}
	for k := range vi {
		if !en[k] {
			t.Errorf("%q has a Vietnamese sentence but no English one", k)
		}
	}
}
