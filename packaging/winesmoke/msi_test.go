// The installer under Wine: install per machine, start the installed program, upgrade in place with
// a newer MSI, uninstall cleanly.

package winesmoke

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestMSIInstallUpgradeUninstall(t *testing.T) {
	need(t)
	exe := os.Getenv("SOHOA_EXE")
	dir := filepath.Join(env.work, "msi")
	os.MkdirAll(dir, 0o755)
	build := func(version string) string {
		out := filepath.Join(dir, "sohoa-"+version+".msi")
		if b, err := exec.Command("bash", filepath.Join(env.here, "msi.sh"), out, exe, version).CombinedOutput(); err != nil {
			t.Fatalf("msi.sh %s: %v\n%s", version, err, b)
		}
		return `Z:\tmp\` + filepath.Base(env.work) + `\msi\sohoa-` + version + `.msi`
	}
	msiexec := func(args ...string) {
		t.Helper()
		a := append([]string{"env", "WINEPREFIX=" + env.prefix, "WINEDEBUG=-all", "/usr/lib/wine/wine64", "msiexec"}, args...)
		if b, err := inRoot(a...).CombinedOutput(); err != nil {
			t.Fatalf("msiexec %v: %v\n%s", args, err, b)
		}
	}
	installed := func() []string { // DisplayVersion of every installed Sohoa
		b, _ := inRoot("env", "WINEPREFIX="+env.prefix, "WINEDEBUG=-all", "/usr/lib/wine/wine64", "reg", "query",
			`HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall`, "/s").CombinedOutput()
		var out []string
		for _, block := range strings.Split(string(b), "\n\n") {
			if strings.Contains(block, "Sohoa") {
				if m := regexp.MustCompile(`DisplayVersion\s+REG_SZ\s+(\S+)`).FindStringSubmatch(block); m != nil {
					out = append(out, m[1])
				}
			}
		}
		return out
	}
	prog := filepath.Join(env.work, "prefix/drive_c/Program Files/sohoa/sohoa.exe")
	shortcut := func() []string {
		a, _ := filepath.Glob(filepath.Join(env.work, "prefix/drive_c/ProgramData/Microsoft/Windows/Start Menu/Programs/Sohoa.lnk"))
		b, _ := filepath.Glob(filepath.Join(env.work, "prefix/drive_c/users/*/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Sohoa.lnk"))
		return append(a, b...)
	}

	v1 := build("0.1.0")
	if st, err := os.Stat(filepath.Join(dir, "sohoa-0.1.0.msi")); err == nil {
		size("sohoa-0.1.0.msi", st.Size())
	}
	msiexec("/i", v1, "/qn")
	if _, err := os.Stat(prog); err != nil {
		t.Fatalf("not installed into Program Files: %v", err)
	}
	if len(shortcut()) != 1 {
		t.Errorf("Start-menu entries after install: %v", shortcut())
	}
	if v := installed(); len(v) != 1 || v[0] != "0.1.0" {
		t.Errorf("installed versions %v, want [0.1.0]", v)
	}
	// The installed program starts.
	out, err := inRoot("env", "WINEPREFIX="+env.prefix, "WINEDEBUG=-all", "/usr/lib/wine/wine64",
		`C:\Program Files\sohoa\sohoa.exe`, "--version").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "sohoa") {
		t.Errorf("installed sohoa.exe --version: %v %s", err, out)
	}

	// A newer MSI replaces the old one in place.
	msiexec("/i", build("0.1.1"), "/qn")
	if v := installed(); len(v) != 1 || v[0] != "0.1.1" {
		t.Errorf("after the upgrade installed versions are %v, want [0.1.1]", v)
	}
	if _, err := os.Stat(prog); err != nil {
		t.Errorf("program gone after the upgrade: %v", err)
	}

	msiexec("/x", `Z:\tmp\`+filepath.Base(env.work)+`\msi\sohoa-0.1.1.msi`, "/qn")
	if _, err := os.Stat(prog); !os.IsNotExist(err) {
		t.Errorf("program still there after uninstall: %v", err)
	}
	if s := shortcut(); len(s) != 0 {
		t.Errorf("Start-menu entries left: %v", s)
	}
	if v := installed(); len(v) != 0 {
		t.Errorf("still registered as installed: %v", v)
	}
}
