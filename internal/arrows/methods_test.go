// No god objects: a test that counts the methods each type of the module declares.

package arrows

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// maxMethods is the most methods one type may declare.
const maxMethods = 25

// oversized are the types still above maxMethods, with who is splitting them; the test fails when
// one of them has been split (take it off the list) or when any other type grows past the limit.
// Empty since storage.DB was split into repositories reached from a transaction (core-store).
var oversized = map[string]string{}

// methodCounts counts the methods declared (not promoted) on each named type of the module's
// non-test sources, keyed "dir.Type" with dir relative to the module root.
func methodCounts(t *testing.T) map[string]int {
	t.Helper()
	root := "../.."
	counts := map[string]int{}
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			if n := e.Name(); p != root && (n == "testdata" || strings.HasPrefix(n, ".") || n == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(p))
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv == nil || len(fd.Recv.List) == 0 {
				continue
			}
			typ := fd.Recv.List[0].Type
			if s, ok := typ.(*ast.StarExpr); ok {
				typ = s.X
			}
			switch x := typ.(type) {
			case *ast.IndexExpr:
				typ = x.X
			case *ast.IndexListExpr:
				typ = x.X
			}
			if id, ok := typ.(*ast.Ident); ok {
				counts[filepath.ToSlash(rel)+"."+id.Name]++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return counts
}

func TestNoTypeHasTooManyMethods(t *testing.T) {
	counts := methodCounts(t)
	if counts["dossier.core"] == 0 || counts["storage.DB"] == 0 {
		t.Fatalf("the count missed known types: %v", counts)
	}
	for typ, n := range counts {
		_, known := oversized[typ]
		switch {
		case n > maxMethods && !known:
			t.Errorf("%s declares %d methods (at most %d): split it into types with one job each", typ, n, maxMethods)
		case n <= maxMethods && known:
			t.Errorf("%s declares %d methods now: take it off the oversized list", typ, n)
		}
	}
	for typ := range oversized {
		if _, ok := counts[typ]; !ok {
			t.Errorf("%s is on the oversized list but declares no methods any more", typ)
		}
	}
}
