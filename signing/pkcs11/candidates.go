// Known PKCS#11 module locations per operating system (Vietnamese CA tokens, SoftHSM2, OpenSC).

package pkcs11

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// Candidates returns the module paths to try on this OS, existing files first; on Windows the bare
// DLL names are resolved through the system search path.
func Candidates() []string {
	var all []string
	switch runtime.GOOS {
	case "windows":
		all = windowsModules()
	case "darwin":
		all = []string{"/usr/local/lib/softhsm/libsofthsm2.so", "/opt/homebrew/lib/softhsm/libsofthsm2.so",
			"/Library/OpenSC/lib/opensc-pkcs11.so", "/usr/local/lib/opensc-pkcs11.so"}
	default:
		all = []string{
			"/usr/lib/softhsm/libsofthsm2.so",
			"/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
			"/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
			"/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so",
			"/usr/lib/aarch64-linux-gnu/opensc-pkcs11.so",
			"/usr/lib/opensc-pkcs11.so",
			"/usr/lib/x86_64-linux-gnu/pkcs11/opensc-pkcs11.so",
			"/usr/lib64/opensc-pkcs11.so",
			"/usr/lib64/pkcs11/opensc-pkcs11.so",
			"/usr/local/lib/opensc-pkcs11.so",
		}
	}
	var present, absent []string
	for _, p := range all {
		if _, err := os.Stat(p); err == nil {
			present = append(present, p)
		} else {
			absent = append(absent, p)
		}
	}
	return append(present, absent...)
}

// windowsModules lists the Vietnamese CAs' token DLLs found in their install folders, then the
// names in System32, then the bare names (resolved through the system search path).
func windowsModules() []string {
	m := windowsModuleNames()
	sys := filepath.Join(os.Getenv("SystemRoot"), "System32")
	out := InstalledModules([]string{os.Getenv("ProgramFiles"), os.Getenv("ProgramFiles(x86)"), os.Getenv("ProgramW6432")})
	for _, n := range m {
		out = append(out, filepath.Join(sys, n))
	}
	return append(out, m...)
}

// windowsModuleNames lists the DLL names the Vietnamese CAs' token drivers install (domain doc, section 6).
func windowsModuleNames() []string {
	var m []string
	for v := 6; v <= 10; v++ {
		m = append(m, fmt.Sprintf("vnptca_p11_v%d.dll", v))
	}
	m = append(m, "vnpt-ca_csp11.dll")
	for v := 1; v <= 6; v++ {
		m = append(m, fmt.Sprintf("viettel-ca_v%d.dll", v))
	}
	for v := 3; v <= 6; v++ {
		m = append(m, fmt.Sprintf("fptca_v%d.dll", v))
	}
	m = append(m, "BkavCAv2S.dll")
	for v := 4; v <= 9; v++ {
		m = append(m, fmt.Sprintf("nca_v%d.dll", v))
	}
	return append(m, "CA2_csp11.dll", "safe-ca.dll", "eps2003csp11.dll", "eToken.dll")
}
