// The project stands alone: no file of it refers to a shared folder beside the repository.

package selfcheck

import (
	"bytes"
	"os"
	"testing"
)

// forbidden are the spellings of a path to the data that lived beside the project before its test
// data was copied into testdata/. Split so that this file does not match itself.
var forbidden = []string{"../" + "shared", "shared/" + "testdata"}

func TestNoFileReferencesTheSharedFolder(t *testing.T) {
	root := moduleRoot(t)
	n := 0
	repoFiles(t, root, func(rel, abs string) {
		b, err := os.ReadFile(abs)
		if err != nil {
			t.Fatal(err)
		}
		n++
		for _, r := range sharedRefs(b) {
			t.Errorf("%s:%d refers to %q: the project must stand alone (copy the data into testdata/ with its sources)", rel, r.line, r.what)
		}
	})
	if n < 100 {
		t.Fatalf("walked only %d files under %s: the walk is broken", n, root)
	}
}

type sharedRef struct {
	line int
	what string
}

// sharedRefs lists the references to the shared folder in a file's contents, with their lines.
func sharedRefs(b []byte) []sharedRef {
	var refs []sharedRef
	for _, f := range forbidden {
		for off := 0; ; {
			i := bytes.Index(b[off:], []byte(f))
			if i < 0 {
				break
			}
			refs = append(refs, sharedRef{1 + bytes.Count(b[:off+i], []byte("\n")), f})
			off += i + len(f)
		}
	}
	return refs
}

// The match itself finds references, with the right line (the walk above would pass vacuously
// if it did not).
func TestSharedRefsFindsEverySpelling(t *testing.T) {
	src := "package x\n\nvar a = \"../" + "shared/domain\"\n// data in shared/" + "testdata/trust-vn\nvar ok = \"testdata/escl\"\n"
	got := sharedRefs([]byte(src))
	if len(got) != 2 || got[0].line != 3 || got[1].line != 4 {
		t.Fatalf("sharedRefs = %+v, want lines 3 and 4", got)
	}
	if r := sharedRefs([]byte("testdata/escl and shared folders")); len(r) != 0 {
		t.Fatalf("false alarm: %+v", r)
	}
}
