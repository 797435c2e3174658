// `sohoa verify` in process: the report in both languages and the exit code a script reads.

package cli

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"
	"github.com/spf13/cobra"

	"sohoa/internal/testdata"
	"sohoa/signing"
	"sohoa/signing/pkcs12"
	"sohoa/signing/tamper"
)

// signedTrainingPDF signs a one-page PDF with a fresh training identity; it returns the PDF and the
// training CA's PEM file.
func signedTrainingPDF(t *testing.T, dir string) ([]byte, string) {
	t.Helper()
	id, ca, err := pkcs12.Training(filepath.Join(dir, "id"), "Cán bộ Kiểm Thử", "UBND xã Thử")
	if err != nil {
		t.Fatal(err)
	}
	doc := fpdf.New("P", "mm", "A4", "")
	doc.AddPage()
	doc.SetFont("Helvetica", "", 14)
	doc.Cell(40, 10, "To khai")
	var in bytes.Buffer
	if err := doc.Output(&in); err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	out, err := signing.Sign(context.Background(), in.Bytes(), id, signing.Appearance{}, signing.Options{Roots: pool, Revocation: signing.RevocationOptions{Offline: true}})
	if err != nil {
		t.Fatal(err)
	}
	pem, err := pkcs12.TrainingCAPEM(filepath.Join(dir, "id"))
	if err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, pem, 0o644); err != nil {
		t.Fatal(err)
	}
	return out, caFile
}

// English words that must not appear in a Vietnamese report (names and algorithm names aside).
var englishInVietnamese = regexp.MustCompile(`(?i)\b(the|signature|document|changed|after|signing|digest|mismatch|certificate|not|valid|invalid|error)\b`)

func TestVerifyExitCodesAndReports(t *testing.T) {
	dir := t.TempDir()
	signed, caFile := signedTrainingPDF(t, dir)
	overlay, err := tamper.AddOverlay(signed, [4]float64{50, 700, 300, 780})
	if err != nil {
		t.Fatal(err)
	}
	added, err := tamper.AddContent(signed, [4]float64{50, 700, 300, 780})
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	dssDir := testdata.Dir(t, "signed-pdfs", "dss")
	cases := []struct {
		name  string
		args  []string
		code  int
		vi    string // a sentence the Vietnamese report must hold
		level string // the first signature's level in the JSON (sohoa's own output is PAdES: B-B without a TSA)
	}{
		{"passed", []string{"verify", "--trust-roots", caFile, write("ok.pdf", signed)}, VerifyPassed, "KẾT LUẬN: HỢP LỆ", signing.LevelBB},
		{"untrusted signer", []string{"verify", write("ok2.pdf", signed)}, VerifyIndeterminate, "KẾT LUẬN: CHƯA XÁC ĐỊNH", signing.LevelBB},
		{"red box laid over the page", []string{"verify", "--trust-roots", caFile, write("overlay.pdf", overlay)}, VerifyFailed, "Có hình che phủ được đặt lên trang 1 sau khi ký.", signing.LevelBB},
		{"content stream added", []string{"verify", "--trust-roots", caFile, write("added.pdf", added)}, VerifyFailed, "Nội dung trang hoặc cấu trúc tài liệu đã bị sửa sau khi ký.", signing.LevelBB},
		{"pages removed (DSS)", []string{"verify", filepath.Join(dssDir, "pdf-removed-pages.pdf")}, VerifyFailed, "Trang bị xóa sau khi ký: 2, 3.", signing.LevelBT},
		{"shadow attack on /Reason (DSS)", []string{"verify", filepath.Join(dssDir, "pdf-spoofing-attack.pdf")}, VerifyFailed, "Thông tin của chữ ký (lý do, nơi ký, thời điểm) đã bị sửa sau khi ký", signing.LevelBT},
		{"broken ByteRange (DSS)", []string{"verify", filepath.Join(dssDir, "pdf-eof.pdf")}, VerifyFailed, "CHỮ KÝ KHÔNG HỢP LỆ", signing.LevelNone},
		{"unsupported algorithm (DSS)", []string{"verify", filepath.Join(dssDir, "pades-unsupported-signature-algorithm.pdf")}, VerifyIndeterminate, "thuật toán không được hỗ trợ", signing.LevelNone},
		{"not a PDF", []string{"verify", write("junk.pdf", []byte("%PDF-1.7\nnot really"))}, VerifyUnreadable, "", ""},
	}
	for _, c := range cases {
		g := &Globals{Lang: "vi"}
		out, err := runCmd(t, g, []*cobra.Command{verifyCmd(g)}, c.args...)
		code, silent := ExitCode(err)
		if code != c.code {
			t.Errorf("%s: exit %d (%v), want %d\n%s", c.name, code, err, c.code, out)
			continue
		}
		if c.code == VerifyUnreadable {
			if silent {
				t.Errorf("%s: an unreadable file needs a sentence on stderr", c.name)
			}
			continue
		}
		if !silent {
			t.Errorf("%s: the report was printed; no extra error sentence expected: %v", c.name, err)
		}
		if !strings.Contains(out, c.vi) {
			t.Errorf("%s: Vietnamese report lacks %q:\n%s", c.name, c.vi, out)
		}
		if m := englishInVietnamese.FindAllString(stripNames(out), -1); len(m) > 0 {
			t.Errorf("%s: English inside the Vietnamese report %q:\n%s", c.name, m, out)
		}
		// English report: no Vietnamese sentence.
		g = &Globals{Lang: "en"}
		en, _ := runCmd(t, g, []*cobra.Command{verifyCmd(g)}, c.args...)
		if !strings.Contains(en, "RESULT:") || strings.Contains(en, "KẾT LUẬN") || strings.Contains(en, "Chữ ký") {
			t.Errorf("%s: English report:\n%s", c.name, en)
		}
		// JSON: the overall indication and each signature's level.
		g = &Globals{}
		js, _ := runCmd(t, g, []*cobra.Command{verifyCmd(g)}, append([]string{"--json"}, c.args...)...)
		var rep struct {
			Indication string `json:"indication"`
			Signatures []struct {
				Indication string `json:"indication"`
				Level      string `json:"level"`
			} `json:"signatures"`
		}
		if err := json.Unmarshal([]byte(js), &rep); err != nil {
			t.Fatalf("%s: JSON: %v\n%s", c.name, err, js)
		}
		want := map[int]string{VerifyPassed: "passed", VerifyFailed: "failed", VerifyIndeterminate: "indeterminate"}[c.code]
		if rep.Indication != want || len(rep.Signatures) == 0 || rep.Signatures[0].Level != c.level {
			t.Errorf("%s: JSON indication %q level %+v, want %s %s", c.name, rep.Indication, rep.Signatures, want, c.level)
		}
	}
}

// stripNames removes the lines' data parts (signer names, field names, dates, key names) that are not
// sentences of the report.
func stripNames(report string) string {
	var b strings.Builder
	for _, line := range strings.Split(report, "\n") {
		l := strings.TrimSpace(line)
		if k, _, ok := strings.Cut(l, ":"); ok && (k == "Người ký" || k == "Khóa" || k == "Lý do" || k == "Nơi ký" || k == "Thời điểm ký" || k == "Dấu thời gian hợp lệ") {
			continue
		}
		if strings.HasPrefix(l, "Chữ ký số #") || strings.HasPrefix(l, "Dấu thời gian tài liệu #") {
			continue
		}
		b.WriteString(l + "\n")
	}
	return b.String()
}
