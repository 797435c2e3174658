// The harness: one copy of the Wine prefix per run, drive D: on a folder with a Vietnamese name and
// spaces, one persistent wineserver, and the translation of Windows paths back to Linux ones.

package winesmoke

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// env is the run's set-up, made once in TestMain.
var env struct {
	root    string // the trixie root on the host
	here    string // packaging/ on the host
	work    string // the run's folder, inside root (host path)
	inside  string // the same folder seen from inside root
	prefix  string // WINEPREFIX, inside root
	driveD  string // what D: is, on the host
	exe     string // sohoa.exe's Windows path (in a folder with a Vietnamese name and spaces)
	linux   string // the Linux binary, for the side-by-side figures (may be empty)
	out     string // test-output/ on the host
	figures *os.File
}

func TestMain(m *testing.M) {
	root, exe := os.Getenv("SOHOA_WINE_ROOT"), os.Getenv("SOHOA_EXE")
	if root == "" || exe == "" {
		fmt.Println("winesmoke: SOHOA_WINE_ROOT and SOHOA_EXE not set (make wine-smoke sets them); skipped")
		os.Exit(m.Run())
	}
	code, err := setUp(root, exe)
	if err != nil {
		fmt.Fprintln(os.Stderr, "winesmoke:", err)
		os.Exit(1)
	}
	if code == 0 {
		code = m.Run()
	}
	tearDown()
	os.Exit(code)
}

func setUp(root, exe string) (int, error) {
	var err error
	env.root = root
	if env.here, err = filepath.Abs(".."); err != nil {
		return 1, err
	}
	env.linux = os.Getenv("SOHOA_BIN")
	env.out, _ = filepath.Abs(filepath.Join("..", "..", "test-output", "wine"))
	os.MkdirAll(env.out, 0o755)
	if env.figures, err = os.Create(filepath.Join(env.out, "figures.txt")); err != nil {
		return 1, err
	}
	if err := os.MkdirAll(filepath.Join(root, "tmp"), 0o1777); err != nil {
		return 1, err
	}
	if env.work, err = os.MkdirTemp(filepath.Join(root, "tmp"), "sohoa-smoke-"); err != nil {
		return 1, err
	}
	env.inside = "/tmp/" + filepath.Base(env.work)
	env.prefix = env.inside + "/prefix"
	start := time.Now()
	if out, err := exec.Command("cp", "-a", filepath.Join(root, "opt/wineprefix"), filepath.Join(env.work, "prefix")).CombinedOutput(); err != nil {
		return 1, fmt.Errorf("copy the Wine prefix: %v %s", err, out)
	}
	figure("copy of the Wine prefix", time.Since(start))
	// Drive D: is a folder with a Vietnamese name and spaces: the data folder lives there.
	env.driveD = filepath.Join(env.work, "Ổ đĩa D")
	os.MkdirAll(env.driveD, 0o755)
	if err := os.Symlink(env.inside+"/Ổ đĩa D", filepath.Join(env.work, "prefix/dosdevices/d:")); err != nil {
		return 1, err
	}
	// The program itself in a folder with a Vietnamese name and spaces, on C:.
	progDir := filepath.Join(env.work, "prefix/drive_c/Chương trình/sohoa bàn 1")
	os.MkdirAll(progDir, 0o755)
	b, err := os.ReadFile(exe)
	if err != nil {
		return 1, err
	}
	if err := os.WriteFile(filepath.Join(progDir, "sohoa.exe"), b, 0o755); err != nil {
		return 1, err
	}
	env.exe = `C:\Chương trình\sohoa bàn 1\sohoa.exe`
	return 0, nil
}

func tearDown() {
	inRoot("env", "WINEPREFIX="+env.prefix, "wineserver", "-k").Run()
	time.Sleep(500 * time.Millisecond)
	if os.Getenv("SOHOA_WINE_KEEP") == "" {
		os.RemoveAll(env.work)
	}
	env.figures.Close()
}

// need skips a test when no Wine root was given (plain `go test ./...`).
func need(t *testing.T) {
	if env.root == "" {
		t.Skip("SOHOA_WINE_ROOT and SOHOA_EXE not set: run make wine-smoke")
	}
}

// figure records a measured time in test-output/wine/figures.txt and the test log.
func figure(what string, d time.Duration) {
	line := fmt.Sprintf("%-48s %8.2f s\n", what, d.Seconds())
	fmt.Print("winesmoke: " + line)
	if env.figures != nil {
		env.figures.WriteString(line)
	}
}

// size records a file size in the figures.
func size(what string, n int64) {
	line := fmt.Sprintf("%-48s %8.1f MB\n", what, float64(n)/1e6)
	fmt.Print("winesmoke: " + line)
	env.figures.WriteString(line)
}

// inRoot is a command run inside the Wine root (packaging/wine-run.sh).
func inRoot(args ...string) *exec.Cmd {
	return exec.Command("bash", append([]string{filepath.Join(env.here, "wine-run.sh"), env.root}, args...)...)
}

// wine is sohoa.exe with args, under Wine; extra are more environment variables (DISPLAY=…).
func wine(extra []string, args ...string) *exec.Cmd {
	a := []string{"env", "WINEPREFIX=" + env.prefix, "WINEDEBUG=-all"}
	a = append(a, extra...)
	a = append(a, "/usr/lib/wine/wine64", env.exe)
	return inRoot(append(a, args...)...)
}

// sohoa runs sohoa.exe and returns its stdout; it fails the test on a non-zero exit and on Linux-only
// warnings in its output.
func sohoa(t *testing.T, args ...string) []byte {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := wine(nil, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("sohoa.exe %q: %v\nstdout: %s\nstderr: %s", args, err, stdout.Bytes(), stderr.Bytes())
	}
	noLinuxLeaks(t, args, stdout.String()+stderr.String())
	return stdout.Bytes()
}

// noLinuxLeaks fails when the program's output speaks of Linux-only things.
func noLinuxLeaks(t *testing.T, args []string, out string) {
	t.Helper()
	for _, bad := range []string{"XDG_", "/tmp/", "/home/", "libsane", "libusb"} {
		if strings.Contains(out, bad) {
			t.Errorf("sohoa.exe %q says %q on Windows:\n%s", args, bad, out)
		}
	}
}

// host turns a Windows path printed by sohoa.exe into the same file's path on the Linux host.
func host(t *testing.T, win string) string {
	t.Helper()
	if len(win) < 3 || win[1] != ':' || win[2] != '\\' {
		t.Fatalf("%q is not an absolute Windows path", win)
	}
	rest := filepath.FromSlash(strings.ReplaceAll(win[3:], `\`, "/"))
	switch strings.ToUpper(win[:1]) {
	case "C":
		return filepath.Join(env.work, "prefix/drive_c", rest)
	case "D":
		return filepath.Join(env.driveD, rest)
	case "Z":
		return filepath.Join(env.root, rest)
	}
	t.Fatalf("no host path for drive %s", win[:2])
	return ""
}
