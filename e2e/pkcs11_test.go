//go:build cgo

// The CLI signs a dossier through a SoftHSM2 token (the real PKCS#11 path); pdfsig and qpdf check the result.

package e2e

import (
	"archive/zip"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sohoa/signing/pkcs11/softhsmtest"
)

const binhQR = "049195000123||Trần Thị Bình|12051995|Nữ|Thôn Phú Mỹ, xã Tam Kỳ, thành phố Đà Nẵng|12052009"

func TestSignWithSoftHSMToken(t *testing.T) {
	bin := sohoaBin(t)
	data := t.TempDir()
	tokDir := softhsmtest.NewToken(t) // SOFTHSM2_CONF is inherited by the sohoa processes
	ca := softhsmtest.NewCA(t)
	softhsmtest.NewRSAOfficer(t, tokDir, ca, "Nguyễn Văn Token", 2048)
	caFile := filepath.Join(tokDir, "ca.pem")
	os.WriteFile(caFile, ca.PEM(), 0o644)
	module := softhsmtest.Module(t)

	var v struct{ ID string }
	runJSON(t, &v, bin, "dossier", "new", "--data", data, "--procedure", "1.001193", "--cccd-qr", binhQR, "--json")
	var scanned struct{ Pages int }
	runJSON(t, &scanned, bin, "scan", "--data", data, "--dossier", v.ID, "--component", "TP1", "--pages", "2", "--dpi", "150", "--json")
	if scanned.Pages != 2 {
		t.Fatalf("scanned %d pages", scanned.Pages)
	}
	runJSON(t, &scanned, bin, "scan", "--data", data, "--dossier", v.ID, "--component", "TP2", "--pages", "1", "--dpi", "150", "--json")

	signArgs := []string{"sign", "--data", data, "--dossier", v.ID, "--pkcs11-module", module, "--token-label", softhsmtest.Label,
		"--trust-roots", caFile, "--confirm", "--json"}
	// A wrong PIN is refused, says so, and changes nothing.
	cmd := exec.Command(bin, signArgs...)
	cmd.Env = append(os.Environ(), "SOHOA_PIN=000000")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(strings.ToLower(string(out)), "pin") {
		t.Fatalf("wrong PIN: err %v, output %s", err, out)
	}
	var shown struct{ State string }
	runJSON(t, &shown, bin, "dossier", "show", v.ID, "--data", data, "--json")
	if shown.State != "captured" {
		t.Fatalf("state after a wrong PIN: %s", shown.State)
	}

	t.Setenv("SOHOA_PIN", softhsmtest.PIN)
	var signed struct {
		State  string
		Record struct{ Signer string }
	}
	runJSON(t, &signed, bin, signArgs...)
	if signed.State != "signed" || signed.Record.Signer != "Nguyễn Văn Token" {
		t.Fatalf("after signing: %+v", signed)
	}

	// Export the package and check every PDF from outside.
	zipPath := filepath.Join(t.TempDir(), "pkg.zip")
	var exp map[string]any
	runJSON(t, &exp, bin, "dossier", "export", v.ID, "--data", data, "-o", zipPath, "--json")
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	nss := t.TempDir()
	tool(t, "certutil", "-N", "-d", "sql:"+nss, "--empty-password")
	tool(t, "certutil", "-A", "-d", "sql:"+nss, "-n", "token-ca", "-t", "CT,C,C", "-i", caFile)
	pdfs := 0
	outDir := t.TempDir()
	for _, f := range zr.File {
		if !strings.HasSuffix(f.Name, ".pdf") {
			continue
		}
		pdfs++
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		p := filepath.Join(outDir, f.Name)
		os.WriteFile(p, b, 0o644)
		tool(t, "qpdf", "--check", p)
		sig := tool(t, "pdfsig", "-nssdir", "sql:"+nss, p)
		if !strings.Contains(sig, "Signature is Valid") || !strings.Contains(sig, "Certificate is Trusted") {
			t.Errorf("%s: pdfsig says\n%s", f.Name, sig)
		}
		var rep struct {
			Signatures []struct {
				DigestValid bool   `json:"digest_valid"`
				Trusted     bool   `json:"trusted"`
				SignerName  string `json:"signer_name"`
			}
		}
		runJSON(t, &rep, bin, "verify", p, "--trust-roots", caFile, "--json")
		if len(rep.Signatures) != 1 || !rep.Signatures[0].DigestValid || !rep.Signatures[0].Trusted {
			t.Errorf("%s: sohoa verify: %+v", f.Name, rep)
		}
	}
	if pdfs != 2 {
		t.Errorf("the package holds %d PDFs, want 2", pdfs)
	}
}
