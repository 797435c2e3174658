// The command-line checks under Wine: start-up, the whole training flow with a data folder on D:,
// Vietnamese file names, and the same demo run by the Linux binary for the figures.

package winesmoke

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sohoa/signing/pkcs12"
)

func TestVersionColdStart(t *testing.T) {
	need(t)
	// Cold: no wineserver running for this prefix.
	inRoot("env", "WINEPREFIX="+env.prefix, "wineserver", "-k").Run()
	start := time.Now()
	out := sohoa(t, "--version")
	figure("sohoa.exe --version, cold (wineserver starts)", time.Since(start))
	if !strings.Contains(string(out), "sohoa") {
		t.Errorf("--version printed %q", out)
	}
	start = time.Now()
	sohoa(t, "--version")
	figure("sohoa.exe --version, warm", time.Since(start))
}

type demoResult struct {
	Dossier    string   `json:"dossier"`
	PortalData string   `json:"portal_data"`
	PortalCode string   `json:"portal_code"`
	State      string   `json:"state"`
	Pages      int      `json:"pages"`
	Files      []string `json:"files"`
	Receipt    string   `json:"receipt"`
	TrainingCA string   `json:"training_ca"`
}

type heldDossier struct {
	PortalCode string `json:"portal_code"`
	MaHoSo     string `json:"ma_ho_so"`
	Files      []struct {
		Name, SHA256, Path string
	} `json:"files"`
}

// TestDemoOnDriveD runs the whole training flow with the data folder on D: (a folder with a
// Vietnamese name and spaces) and the receipt written under a Vietnamese file name, then checks
// from Linux that the reference portal holds the dossier and that its signatures are valid.
func TestDemoOnDriveD(t *testing.T) {
	need(t)
	data := `D:\Dữ liệu sohoa\bàn số 1`
	receipt := `D:\Biên nhận\Giấy tiếp nhận hồ sơ.pdf`
	start := time.Now()
	out := sohoa(t, "demo", "--data", data, "--json", "-o", receipt)
	figure("sohoa.exe demo under Wine", time.Since(start))
	var res demoResult
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("demo output is not JSON: %v\n%s", err, out)
	}
	if res.State != "submitted" || res.PortalCode == "" || res.Pages != 4 {
		t.Fatalf("demo ended %q, portal code %q, %d pages", res.State, res.PortalCode, res.Pages)
	}
	if !strings.EqualFold(res.Receipt, receipt) {
		t.Errorf("receipt at %q, asked for %q", res.Receipt, receipt)
	}
	rec := host(t, res.Receipt)
	if b, err := os.ReadFile(rec); err != nil || !strings.HasPrefix(string(b), "%PDF") {
		t.Errorf("receipt %s: %v", rec, err)
	}

	var held []heldDossier
	if err := json.Unmarshal(sohoa(t, "portal", "dossiers", "--data", res.PortalData, "--json"), &held); err != nil {
		t.Fatal(err)
	}
	if len(held) != 1 || held[0].PortalCode != res.PortalCode || held[0].MaHoSo != res.Dossier || len(held[0].Files) != 2 {
		t.Fatalf("the portal holds %+v, want the demo's dossier %s with 2 files", held, res.Dossier)
	}

	nss := t.TempDir()
	caPEM, err := pkcs12.TrainingCAPEM(host(t, res.TrainingCA))
	if err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(nss, "ca.pem")
	os.WriteFile(caFile, caPEM, 0o644)
	tool(t, "certutil", "-N", "-d", "sql:"+nss, "--empty-password")
	tool(t, "certutil", "-A", "-d", "sql:"+nss, "-n", "sohoa-training-ca", "-t", "CT,C,C", "-i", caFile)
	for _, f := range held[0].Files {
		p := host(t, f.Path)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != f.SHA256 {
			t.Errorf("%s: the portal's file does not match its SHA-256", f.Name)
		}
		tool(t, "qpdf", "--check", p)
		sig := tool(t, "pdfsig", "-nssdir", "sql:"+nss, p)
		if !strings.Contains(sig, "Signature is Valid") || !strings.Contains(sig, "Certificate is Trusted") {
			t.Errorf("%s: pdfsig says\n%s", f.Name, sig)
		}
	}

	// The same demo by the Linux binary, in the same run, for the figures.
	if env.linux != "" {
		start := time.Now()
		cmd := exec.Command(env.linux, "demo", "--data", t.TempDir(), "--json")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("linux demo: %v\n%s", err, b)
		}
		figure("sohoa demo, Linux binary, same machine", time.Since(start))
	}
}

// TestImportVietnameseFileName imports a photo whose name and folder are Vietnamese with spaces.
func TestImportVietnameseFileName(t *testing.T) {
	need(t)
	data := `D:\Dữ liệu sohoa\bàn số 2`
	var v struct {
		ID         string `json:"id"`
		Components []struct {
			Code  string            `json:"code"`
			Pages []json.RawMessage `json:"pages"`
		} `json:"components"`
	}
	if err := json.Unmarshal(sohoa(t, "dossier", "new", "--data", data, "--json", "--procedure", "1.001193",
		"--name", "Nguyễn Thị Ánh", "--id", "001190012345", "--address", "Số 5, phường Hải Châu, Đà Nẵng"), &v); err != nil {
		t.Fatal(err)
	}
	if v.ID == "" || len(v.Components) == 0 {
		t.Fatalf("dossier new gave %+v", v)
	}
	photo := `D:\Giấy tờ của dân\Giấy khai sinh bé Ánh.jpg`
	p := host(t, photo)
	os.MkdirAll(filepath.Dir(p), 0o755)
	writeJPEG(t, p)
	sohoa(t, "import", "--data", data, "--dossier", v.ID, "--component", v.Components[0].Code, photo)
	if err := json.Unmarshal(sohoa(t, "dossier", "show", v.ID, "--data", data, "--json"), &v); err != nil {
		t.Fatal(err)
	}
	if n := len(v.Components[0].Pages); n != 1 {
		t.Errorf("%d pages after importing one photo", n)
	}
}

func writeJPEG(t *testing.T, path string) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 1240, 1754))
	for y := 0; y < 1754; y++ {
		for x := 0; x < 1240; x++ {
			c := uint8(245)
			if y > 200 && y < 1500 && x > 150 && x < 1090 && (y/40)%2 == 0 && (x/7)%3 != 0 {
				c = 30
			}
			img.Set(x, y, color.RGBA{c, c, c, 255})
		}
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := jpeg.Encode(f, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
}

func tool(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

// TestDefaultDataFolderIsLocalAppData: without --data the desk lives under %LOCALAPPDATA%\sohoa,
// not the roaming profile.
func TestDefaultDataFolderIsLocalAppData(t *testing.T) {
	need(t)
	sohoa(t, "dossier", "list")
	got, _ := filepath.Glob(filepath.Join(env.work, "prefix/drive_c/users/*/AppData/Local/sohoa/default/sohoa.db"))
	if len(got) != 1 {
		roaming, _ := filepath.Glob(filepath.Join(env.work, "prefix/drive_c/users/*/AppData/Roaming/sohoa"))
		t.Fatalf("no desk under %%LOCALAPPDATA%%\\sohoa\\default (roaming: %v)", roaming)
	}
}

// TestDevicesListsWindowsBackends: `devices` on Windows offers WIA and says nothing about SANE or
// libusb (what Wine's WIA answers is in packaging/README.md).
func TestDevicesListsWindowsBackends(t *testing.T) {
	need(t)
	var stdout, stderr strings.Builder
	cmd := wine(nil, "devices", "--data", `D:\Dữ liệu sohoa\bàn số 3`)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	out := stdout.String() + stderr.String()
	t.Logf("devices (%v):\n%s", err, out)
	if !strings.Contains(out, "virtual:") {
		t.Errorf("devices does not list the training scanner")
	}
	if !strings.Contains(strings.ToLower(out), "wia") {
		t.Errorf("devices says nothing of WIA")
	}
	for _, bad := range []string{"SANE", "sane:", "without cgo", "FormatMessage"} {
		if strings.Contains(out, bad) {
			t.Errorf("devices speaks of %s on Windows", bad)
		}
	}
}
