// The training demo run as a process, checked with qpdf, pdfsig, pdfinfo and pdftotext.

package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"sohoa/signing/pkcs12"
)

// sohoaBin returns the binary under test: $SOHOA_BIN (make test sets it), else one built now.
func sohoaBin(t *testing.T) string {
	if b := os.Getenv("SOHOA_BIN"); b != "" {
		abs, err := filepath.Abs(b)
		if err != nil {
			t.Fatal(err)
		}
		return abs
	}
	bin := filepath.Join(t.TempDir(), "sohoa")
	cmd := exec.Command("go", "build", "-o", bin, "sohoa")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func runJSON(t *testing.T, v any, bin string, args ...string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("sohoa %v: %v\n%s\n%s", args, err, out, stderr)
	}
	if err := json.Unmarshal(out, v); err != nil {
		t.Fatalf("sohoa %v: output is not JSON: %v\n%s", args, err, out)
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

type demoResult struct {
	Dossier    string   `json:"dossier"`
	PortalURL  string   `json:"portal_url"`
	PortalData string   `json:"portal_data"`
	PortalCode string   `json:"portal_code"`
	State      string   `json:"state"`
	Receipt    string   `json:"receipt"`
	TrainingCA string   `json:"training_ca"`
	Pages      int      `json:"pages"`
	Files      []string `json:"files"`
}

type storedDossier struct {
	PortalCode     string `json:"portal_code"`
	IdempotencyKey string `json:"idempotency_key"`
	ApplicantID    string `json:"applicant_id"`
	MaHoSo         string `json:"ma_ho_so"`
	MaTTHC         string `json:"ma_tthc"`
	Files          []struct {
		Name, Component, SHA256, Path string
		Size                          int64
	} `json:"files"`
}

type deskDossier struct {
	ID         string `json:"id"`
	State      string `json:"state"`
	PortalCode string `json:"portal_code"`
	Components []struct {
		Code  string            `json:"code"`
		Pages []json.RawMessage `json:"pages"`
		Files []struct {
			Name, Role, Blob string
			Size             int64
		} `json:"files"`
	} `json:"components"`
}

var pagesRE = regexp.MustCompile(`(?m)^Pages:\s+(\d+)`)

func TestDemoEndToEnd(t *testing.T) {
	bin := sohoaBin(t)
	data := t.TempDir()
	var res demoResult
	runJSON(t, &res, bin, "demo", "--data", data, "--json")
	if res.State != "submitted" || res.PortalCode == "" {
		t.Fatalf("demo ended %q with portal code %q", res.State, res.PortalCode)
	}
	if res.Pages != 4 {
		t.Errorf("demo captured %d pages, want 3 scanned + 1 imported", res.Pages)
	}

	// The portal holds exactly this dossier, once.
	var held []storedDossier
	runJSON(t, &held, bin, "portal", "dossiers", "--data", res.PortalData, "--json")
	if len(held) != 1 {
		t.Fatalf("the portal holds %d dossiers, want 1", len(held))
	}
	pd := held[0]
	if pd.PortalCode != res.PortalCode || pd.MaHoSo != res.Dossier || pd.MaTTHC != "1.001193" || pd.IdempotencyKey == "" {
		t.Errorf("portal dossier %+v does not match the demo %+v", pd, res)
	}

	// What the desk signed is what the portal holds, byte for byte.
	var desk deskDossier
	runJSON(t, &desk, bin, "dossier", "show", res.Dossier, "--data", data, "--json")
	if desk.State != "submitted" || desk.PortalCode != res.PortalCode {
		t.Errorf("desk state %s / %s", desk.State, desk.PortalCode)
	}
	signed := map[string]string{} // name → sha256
	scanned := map[string]int{}   // component → pages captured
	for _, c := range desk.Components {
		scanned[c.Code] = len(c.Pages)
		for _, f := range c.Files {
			if f.Role == "signed" {
				signed[f.Name] = f.Blob
			}
		}
	}
	if len(pd.Files) != len(signed) || len(signed) != 2 {
		t.Fatalf("portal has %d files, desk signed %d, want 2", len(pd.Files), len(signed))
	}

	// An NSS database that trusts the training CA, for pdfsig.
	nss := t.TempDir()
	caPEM, err := pkcs12.TrainingCAPEM(res.TrainingCA)
	if err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(nss, "ca.pem")
	os.WriteFile(caFile, caPEM, 0o644)
	tool(t, "certutil", "-N", "-d", "sql:"+nss, "--empty-password")
	tool(t, "certutil", "-A", "-d", "sql:"+nss, "-n", "sohoa-training-ca", "-t", "CT,C,C", "-i", caFile)

	for _, f := range pd.Files {
		b, err := os.ReadFile(f.Path)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); got != f.SHA256 || got != signed[f.Name] || int64(len(b)) != f.Size {
			t.Errorf("%s: portal sha %s, file sha %s, desk sha %s", f.Name, f.SHA256, got, signed[f.Name])
		}
		tool(t, "qpdf", "--check", f.Path)
		sig := tool(t, "pdfsig", "-nssdir", "sql:"+nss, f.Path)
		if !strings.Contains(sig, "Signature is Valid") || !strings.Contains(sig, "Certificate is Trusted") {
			t.Errorf("%s: pdfsig says\n%s", f.Name, sig)
		}
		// Training signatures carry a timestamp from the reference portal's TSA.
		var rep struct {
			Signatures []struct {
				TimeSource string `json:"time_source"`
				Timestamp  *struct {
					Valid     bool   `json:"valid"`
					Authority string `json:"authority"`
				} `json:"timestamp"`
			} `json:"signatures"`
		}
		// The training CA is not among the shipped roots: integrity holds, trust is not established (exit 2).
		runVerifyJSON(t, &rep, 2, bin, "verify", f.Path, "--json")
		if len(rep.Signatures) != 1 || rep.Signatures[0].Timestamp == nil || !rep.Signatures[0].Timestamp.Valid || rep.Signatures[0].TimeSource != "timestamp" {
			t.Errorf("%s: timestamp in the report: %+v", f.Name, rep.Signatures)
		}
		m := pagesRE.FindStringSubmatch(tool(t, "pdfinfo", f.Path))
		n, _ := strconv.Atoi(m[1])
		if n != scanned[f.Component] {
			t.Errorf("%s: %d PDF pages, %d pages captured", f.Name, n, scanned[f.Component])
		}
	}

	// The receipt carries the dossier code and the hotline, in Vietnamese.
	text := tool(t, "pdftotext", res.Receipt, "-")
	for _, want := range []string{res.Dossier, "0235.1022", "GIẤY TIẾP NHẬN HỒ SƠ"} {
		if !strings.Contains(strings.ToUpper(text), strings.ToUpper(want)) {
			t.Errorf("receipt text lacks %q", want)
		}
	}
	tool(t, "qpdf", "--check", res.Receipt)

	// Running the uploader again sends nothing twice.
	var st map[string]int
	runJSON(t, &st, bin, "queue", "run", "--data", data, "--json", "--training", "--portal", res.PortalURL)
	runJSON(t, &held, bin, "portal", "dossiers", "--data", res.PortalData, "--json")
	if len(held) != 1 {
		t.Errorf("after a second queue run the portal holds %d dossiers", len(held))
	}
}
