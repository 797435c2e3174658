// The Vietnamese CAs' PKCS#11 DLLs where their installers put them: under Program Files, not only
// in System32 (VNPT-CA, Viettel-CA, FPT-CA, BKAV-CA, Newtel-CA and others each install a folder).

package pkcs11

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// installDepth is how deep below Program Files a token driver's DLL is looked for
// (e.g. Program Files\VNPT-CA\Token Manager\x64\vnptca_p11_v8.dll is depth 4).
const installDepth = 4

// InstalledModules finds, under each of roots (Program Files folders), the files whose names are
// known PKCS#11 modules of the Vietnamese CAs' tokens; it looks only in folders whose names mention
// a known CA or token vendor, at most installDepth deep, and returns the paths sorted.
func InstalledModules(roots []string) []string {
	known := map[string]bool{}
	for _, m := range windowsModuleNames() {
		known[strings.ToLower(m)] = true
	}
	var out []string
	seen := map[string]bool{}
	for _, root := range roots {
		if root == "" || seen[strings.ToLower(filepath.Clean(root))] {
			continue
		}
		seen[strings.ToLower(filepath.Clean(root))] = true
		top, err := os.ReadDir(root)
		if err != nil {
			continue
		}
		for _, e := range top {
			if !e.IsDir() || !vendorFolder(e.Name()) {
				continue
			}
			base := filepath.Join(root, e.Name())
			filepath.WalkDir(base, func(p string, d os.DirEntry, err error) error {
				if err != nil {
					return nil
				}
				rel, _ := filepath.Rel(base, p)
				if d.IsDir() && strings.Count(rel, string(filepath.Separator)) >= installDepth-1 && rel != "." {
					return filepath.SkipDir
				}
				if !d.IsDir() && known[strings.ToLower(d.Name())] {
					out = append(out, p)
				}
				return nil
			})
		}
	}
	sort.Strings(out)
	return out
}

// vendorFolder reports whether a Program Files folder belongs to a CA or token vendor.
func vendorFolder(name string) bool {
	n := strings.ToLower(name)
	for _, v := range []string{"vnpt", "viettel", "fpt", "bkav", "newtel", "nca", "ca2", "safe", "easyca",
		"misa", "cyber", "token", "epass", "feitian", "safenet", "gemalto"} {
		if strings.Contains(n, v) {
			return true
		}
	}
	return false
}
