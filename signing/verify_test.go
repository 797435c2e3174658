//go:debug x509negativeserial=1

// Tests for Verify on real-world signed PDFs (testdata/signed-pdfs), the report text, and the trust roots.

package signing_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"sohoa/assets"
	"sohoa/signing"
)

// The expectations come from testdata/signed-pdfs/README.md.
func TestVerifySharedSignedPDFs(t *testing.T) {
	dir := sharedTestdata(t, "signed-pdfs")
	type exp struct {
		sigs, docTS int
		whole       []bool // per entry in file order
		signers     []string
		dss         bool
		weak        bool
		tsFirst     bool // the first signature's time comes from a timestamp
	}
	cases := map[string]exp{
		"pdfsign-aatl-datasheet.pdf":                     {sigs: 1, whole: []bool{true}, signers: []string{"Marketing"}, tsFirst: true},
		"pdfsign-hello_hsm.pdf":                          {sigs: 1, whole: []bool{true}, signers: []string{"Paul van Brouwershaven"}, tsFirst: true},
		"pdfsign-testfile30-adobe.pdf":                   {sigs: 1, whole: []bool{true}, signers: []string{"John B Harris"}, weak: true, tsFirst: true},
		"dss-doc-firmado-T.pdf":                          {sigs: 1, whole: []bool{true}, signers: []string{"FRANCISCO DE LA PEÑA FERNANDEZ (FIRMA)"}, tsFirst: true},
		"dss-doc-firmado-LT.pdf":                         {sigs: 1, whole: []bool{false}, signers: []string{"FRANCISCO DE LA PEÑA FERNANDEZ (FIRMA)"}, dss: true, tsFirst: true},
		"dss-belgian_pki_multiple_ocsps_lt.pdf":          {sigs: 1, whole: []bool{false}, signers: []string{"Patrick Kremer (Signature)"}, dss: true, tsFirst: true},
		"dss-Signature-P-HU_POL-3.pdf":                   {sigs: 1, docTS: 1, whole: []bool{false, true}, signers: []string{"Polyák Ferenc Árpád", "Qualified e-Szigno TSA 2014 03"}, dss: true, tsFirst: true},
		"dss-hello_signed_INCSAVE_signed.pdf":            {sigs: 2, whole: []bool{false, true}, signers: []string{"MonacelliTestIncard 02 2016 MarcoTestIncard 02  2016", "MonacelliTestIncard 02 2016 MarcoTestIncard 02  2016"}, weak: true},
		"dss-PAdES-LT.pdf":                               {sigs: 3, docTS: 1, whole: []bool{false, false, false, false}, signers: []string{"LEPROPRE Jean", "FERREIRA Ricardo", "Certum EV TSA SHA2", "FERREIRA Ricardo"}, dss: true},
		"dss-pdf-signed-original.pdf":                    {sigs: 1, whole: []bool{true}, signers: []string{"good-user"}},
		"pyhanko-pades-lta-dss-indirect-arrs-test-2.pdf": {sigs: 2, docTS: 1, whole: []bool{false, false, false}, signers: []string{"Alice", "Time Stamping Authority", "Alice"}, dss: true, tsFirst: true},
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.pdf"))
	if len(files) != len(cases) {
		t.Fatalf("%d files in %s, %d expectations", len(files), dir, len(cases))
	}
	for _, f := range files {
		name := filepath.Base(f)
		want, ok := cases[name]
		if !ok {
			t.Errorf("%s: no expectation", name)
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := signing.Verify(data, nil)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		sigs, docTS := 0, 0
		for i, s := range rep.Signatures {
			if s.Kind == signing.KindDocumentTimestamp {
				docTS++
			} else {
				sigs++
			}
			if !s.DigestValid {
				t.Errorf("%s #%d: not intact: %s", name, i+1, s.Error)
			}
			if i < len(want.whole) && s.CoversWholeDocument != want.whole[i] {
				t.Errorf("%s #%d: covers whole = %v", name, i+1, s.CoversWholeDocument)
			}
			if !s.CoversWholeDocument && (s.LaterRevisions < 1 || s.LaterChanges != signing.ChangesSignaturesOnly) {
				t.Errorf("%s #%d: later revisions %d %q", name, i+1, s.LaterRevisions, s.LaterChanges)
			}
			if i < len(want.signers) && s.SignerName != want.signers[i] {
				t.Errorf("%s #%d: signer %q, want %q", name, i+1, s.SignerName, want.signers[i])
			}
			if s.Trusted {
				t.Errorf("%s #%d: trusted by the Vietnamese roots", name, i+1)
			}
		}
		if sigs != want.sigs || docTS != want.docTS {
			t.Errorf("%s: %d signatures + %d document timestamps, want %d + %d", name, sigs, docTS, want.sigs, want.docTS)
		}
		if rep.HasDSS != want.dss {
			t.Errorf("%s: DSS %v", name, rep.HasDSS)
		}
		if rep.Signatures[0].Weak != want.weak {
			t.Errorf("%s: weak %v %v", name, rep.Signatures[0].Weak, rep.Signatures[0].WeakReasons)
		}
		if got := rep.Signatures[0].TimeSource == signing.TimeFromTimestamp; got != want.tsFirst {
			t.Errorf("%s: time from timestamp %v (%s)", name, got, rep.Signatures[0].TimeSource)
		}
		if _, err := json.Marshal(rep); err != nil {
			t.Errorf("%s: JSON: %v", name, err)
		}
	}
}

func TestVerifySHA1FlaggedAndTextBothLanguages(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(sharedTestdata(t, "signed-pdfs"), "pdfsign-testfile30-adobe.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := signing.Verify(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := rep.Signatures[0]
	if s.DigestAlgorithm != "SHA-1" || !s.Weak || s.Timestamp == nil || !s.Timestamp.Valid {
		t.Fatalf("%+v", s)
	}
	vi, en := rep.Text("vi"), rep.Text("")
	if vi != en {
		t.Fatal("default language is not Vietnamese")
	}
	for _, want := range []string{"Chữ ký số #1", "John B Harris", "theo dấu thời gian", "Thuật toán yếu", "SHA-1", "KHÔNG được tin cậy", "KẾT LUẬN: CHƯA XÁC ĐỊNH"} {
		if !strings.Contains(vi, want) {
			t.Errorf("Vietnamese report lacks %q:\n%s", want, vi)
		}
	}
	eng := rep.Text("en")
	for _, want := range []string{"Signature #1", "Weak algorithm", "NOT trusted", "from a timestamp"} {
		if !strings.Contains(eng, want) {
			t.Errorf("English report lacks %q:\n%s", want, eng)
		}
	}
}

var fpRow = regexp.MustCompile("\\| `([^`]+)` \\|[^|]*\\|[^|]*\\|[^|]*\\| `([0-9A-F:]{95})` \\|")

func TestShippedRootsMatchROOTSmd(t *testing.T) {
	md, err := fs.ReadFile(assets.FS, "roots/ROOTS.md")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, m := range fpRow.FindAllStringSubmatch(string(md), -1) {
		want[m[1]] = m[2]
	}
	if len(want) != 5 {
		t.Fatalf("ROOTS.md lists %d fingerprints, want 5", len(want))
	}
	entries, _ := fs.ReadDir(assets.FS, "roots")
	seen := 0
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".crt") {
			continue
		}
		seen++
		data, _ := fs.ReadFile(assets.FS, "roots/"+e.Name())
		certs, err := signing.ParseCertificates(data)
		if err != nil || len(certs) != 1 {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		sum := sha256.Sum256(certs[0].Raw)
		var parts []string
		for _, b := range sum {
			parts = append(parts, fmt.Sprintf("%02X", b))
		}
		if got := strings.Join(parts, ":"); got != want[e.Name()] {
			t.Errorf("%s: fingerprint %s, ROOTS.md says %s", e.Name(), got, want[e.Name()])
		}
	}
	if seen != 5 || len(signing.ShippedRootCertificates()) != 5 {
		t.Fatalf("%d embedded certificates", seen)
	}
	// The VNPT and Viettel intermediates chain to the National Root; the VGCA CA to the VGCA root.
	pool := signing.ShippedRoots()
	for _, c := range signing.ShippedRootCertificates() {
		if _, err := c.Verify(x509VerifyOpts(pool)); err != nil {
			t.Errorf("%s does not verify against the shipped roots: %v", c.Subject.CommonName, err)
		}
	}
}

func TestLoadRootsPEMAndDER(t *testing.T) {
	dir := sharedTestdata(t, "trust-vn")
	pool, err := signing.LoadRoots(filepath.Join(dir, "vietnam-national-root-ca-2014.der.crt"), filepath.Join(dir, "vnpt-ca-sha2.pem.crt"))
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "vnpt-ca-sha2.pem.crt"))
	certs, _ := signing.ParseCertificates(data)
	if _, err := certs[0].Verify(x509VerifyOpts(pool)); err != nil {
		t.Fatal(err)
	}
	bad := writeFile(t, t.TempDir(), "bad.crt", []byte("not a certificate"))
	if _, err := signing.LoadRoots(bad); !errors.Is(err, signing.ErrNoCertificates) {
		t.Fatalf("err %v", err)
	}
	if _, err := signing.LoadRoots(filepath.Join(dir, "missing.crt")); err == nil {
		t.Fatal("missing file accepted")
	}
}

// BenchmarkVerify20Pages2Signatures: the issue's target is under 100 ms for a 20-page component with
// the officer's and a second signature.
func BenchmarkVerify20Pages2Signatures(b *testing.B) {
	ca := newCA(b, "CA")
	ctx := context.Background()
	one, err := signing.Sign(ctx, makeScanPDF(b, 20), ca.issue(b, leafOpts{name: "Cán bộ Một"}), signing.Appearance{ScanTime: scanTime}, signing.Options{Roots: ca.pool()})
	if err != nil {
		b.Fatal(err)
	}
	two, err := signing.Sign(ctx, one, ca.issue(b, leafOpts{name: "Cán bộ Hai"}), signing.Appearance{ScanTime: scanTime}, signing.Options{Roots: ca.pool()})
	if err != nil {
		b.Fatal(err)
	}
	pool := ca.pool()
	b.SetBytes(int64(len(two)))
	b.ResetTimer()
	for b.Loop() {
		rep, err := signing.Verify(two, pool)
		if err != nil || rep.Indication != signing.IndicationPassed || len(rep.Signatures) != 2 {
			b.Fatalf("%v %s", err, rep.Indication)
		}
	}
}
