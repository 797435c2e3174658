// Finding the CAs' token DLLs in install folders laid out as their installers lay them out.

package pkcs11

import (
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"
)

func TestInstalledModules(t *testing.T) {
	pf, pf86 := t.TempDir(), t.TempDir()
	put := func(root, rel string) string {
		p := filepath.Join(root, filepath.FromSlash(rel))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte("MZ"), 0o644)
		return p
	}
	want := []string{
		put(pf, "VNPT-CA/Token Manager/x64/vnptca_p11_v8.dll"),
		put(pf86, "Viettel-CA/Viettel-CA_v5.dll"), // names are matched without regard to case
		put(pf, "BKAV CA/BkavCAv2S.dll"),
	}
	put(pf, "VNPT-CA/Token Manager/x64/readme.txt")                                   // not a module
	put(pf, "Notepad++/plugins/vnptca_p11_v8.dll")                                    // not a CA's folder
	put(pf, "FPT-CA/a/b/c/d/fptca_v4.dll")                                            // deeper than any installer puts it
	got := InstalledModules([]string{pf, "", pf86, pf, filepath.Join(pf, "missing")}) // duplicates and holes are let be
	wantSorted := append([]string(nil), want...)
	sort.Strings(wantSorted)
	if !reflect.DeepEqual(got, wantSorted) {
		t.Errorf("InstalledModules =\n%q\nwant\n%q", got, wantSorted)
	}
}
