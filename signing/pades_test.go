// Tests for the PAdES baseline output: the level our verifier names (B-B, B-T, B-LT), pdfsig, qpdf and
// pdfcpu on the same files, counter-signing, RSA-PSS, and a SoftHSM2 token.

package signing_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"sohoa/signing"
)

// checkPAdES runs our verifier, pdfsig, qpdf and pdfcpu on out and returns our report.
func checkPAdES(t *testing.T, out []byte, ca testCA, wantSigs int, wantLevels ...string) signing.Report {
	t.Helper()
	dir := t.TempDir()
	f := writeFile(t, dir, "signed.pdf", out)
	qpdfCheck(t, f)
	s := pdfsig(t, f, ca.pem(t, dir))
	if strings.Count(s, "Signature is Valid") != wantSigs || strings.Count(s, "ETSI.CAdES.detached") != wantSigs || strings.Contains(s, "adbe.pkcs7") {
		t.Fatalf("pdfsig:\n%s", s)
	}
	res, err := api.ValidateSignatures(f, true, model.NewDefaultConfiguration())
	if err != nil {
		t.Fatalf("pdfcpu: %v", err)
	}
	if len(res) != wantSigs {
		t.Fatalf("pdfcpu found %d signatures", len(res))
	}
	for _, r := range res {
		if r.Status == model.SignatureStatusInvalid || r.DocModified == model.True || r.Details.SubFilter != "ETSI.CAdES.detached" {
			t.Fatalf("pdfcpu: %s", r)
		}
	}
	rep, err := signing.Verify(out, ca.pool())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Signatures) != wantSigs || !rep.Valid() {
		t.Fatalf("our verifier:\n%s", rep.Text("en"))
	}
	for i, want := range wantLevels {
		if got := rep.Signatures[i].Level; got != want {
			t.Fatalf("signature %d: level %s, want %s\n%s", i+1, got, want, rep.Text("en"))
		}
	}
	return rep
}

func TestPAdESLevels(t *testing.T) {
	ca := newCA(t, "PAdES CA")
	rs := newRevocationServer(t, ca)
	tsaSrv := loopbackTSA(t, ca)
	id := ca.issue(t, leafOpts{name: "Trần Văn Bốn", ocsp: rs.URL + "/ocsp", crl: rs.URL + "/crl"})
	ctx := context.Background()
	offline := signing.RevocationOptions{Offline: true}

	t.Run("B-B offline, no TSA", func(t *testing.T) {
		res, err := signing.SignDetailed(ctx, makePDF(t, 2), id, signing.Appearance{ScanTime: scanTime},
			signing.Options{Roots: ca.pool(), Revocation: offline})
		if err != nil || res.DSS {
			t.Fatalf("%v dss=%v", err, res.DSS)
		}
		checkPAdES(t, res.PDF, ca, 1, signing.LevelBB)
		if bytes.Contains(res.PDF, []byte("/DSS")) {
			t.Fatal("a /DSS without revocation data")
		}
	})
	t.Run("B-T offline with TSA", func(t *testing.T) {
		res, err := signing.SignDetailed(ctx, makePDF(t, 2), id, signing.Appearance{ScanTime: scanTime},
			signing.Options{Roots: ca.pool(), Revocation: offline, TSAURL: tsaSrv.URL})
		if err != nil || res.DSS {
			t.Fatalf("%v dss=%v", err, res.DSS)
		}
		rep := checkPAdES(t, res.PDF, ca, 1, signing.LevelBT)
		if s := rep.Signatures[0]; s.TimeSource != signing.TimeFromTimestamp || s.Timestamp == nil || !s.Timestamp.Valid {
			t.Fatalf("timestamp: %+v", s.Timestamp)
		}
	})
	t.Run("B-LT online with TSA, then counter-signed", func(t *testing.T) {
		res, err := signing.SignDetailed(ctx, makePDF(t, 2), id, signing.Appearance{ScanTime: scanTime},
			signing.Options{Roots: ca.pool(), TSAURL: tsaSrv.URL})
		if err != nil || !res.DSS {
			t.Fatalf("%v dss=%v", err, res.DSS)
		}
		rep := checkPAdES(t, res.PDF, ca, 1, signing.LevelBLT)
		if rv := rep.Signatures[0].Revocation; rv == nil || rv.Status != signing.RevocationGood || rv.Source != signing.SourceOCSP {
			t.Fatalf("revocation from the DSS: %+v", rv)
		}
		// B-T without the /DSS when the caller turns it off.
		res2, err := signing.SignDetailed(ctx, makePDF(t, 2), id, signing.Appearance{ScanTime: scanTime},
			signing.Options{Roots: ca.pool(), TSAURL: tsaSrv.URL, NoDSS: true})
		if err != nil || res2.DSS {
			t.Fatalf("NoDSS: %v %v", err, res2.DSS)
		}
		checkPAdES(t, res2.PDF, ca, 1, signing.LevelBT)

		// A second officer signs the B-LT output: incremental, both B-LT, the first DSS entries kept.
		id2 := ca.issue(t, leafOpts{name: "Phạm Thị Năm", ocsp: rs.URL + "/ocsp", crl: rs.URL + "/crl"})
		res3, err := signing.SignDetailed(ctx, res.PDF, id2, signing.Appearance{ScanTime: scanTime},
			signing.Options{Roots: ca.pool(), TSAURL: tsaSrv.URL})
		if err != nil || !res3.DSS || !bytes.HasPrefix(res3.PDF, res.PDF) {
			t.Fatalf("counter-signing: %v", err)
		}
		rep = checkPAdES(t, res3.PDF, ca, 2, signing.LevelBLT, signing.LevelBLT)
		for _, s := range rep.Signatures {
			if s.Revocation == nil || s.Revocation.Status != signing.RevocationGood {
				t.Fatalf("%s: revocation %+v", s.SignerName, s.Revocation)
			}
		}
	})
	t.Run("B-LT on a PDF with object and xref streams", func(t *testing.T) {
		dir := t.TempDir()
		in := writeFile(t, dir, "in.pdf", makeScanPDF(t, 2))
		streams := filepath.Join(dir, "streams.pdf")
		if out, err := run(t, "qpdf", "--object-streams=generate", in, streams); err != nil {
			t.Fatalf("qpdf: %v\n%s", err, out)
		}
		data, err := readFile(streams)
		if err != nil || !bytes.Contains(data, []byte("/XRef")) {
			t.Fatalf("no xref stream: %v", err)
		}
		res, err := signing.SignDetailed(ctx, data, id, signing.Appearance{ScanTime: scanTime},
			signing.Options{Roots: ca.pool(), TSAURL: tsaSrv.URL})
		if err != nil || !res.DSS {
			t.Fatalf("%v dss=%v", err, res.DSS)
		}
		if !bytes.Contains(res.PDF[len(data):], []byte("/Type /XRef")) {
			t.Fatal("the updates did not keep to xref streams")
		}
		checkPAdES(t, res.PDF, ca, 1, signing.LevelBLT)
	})
	t.Run("counter-sign a scanned component", func(t *testing.T) {
		// A component as the desk builds it (pdfcpu-written pages), signed twice by the same officer.
		first, err := signing.Sign(ctx, makeScanPDF(t, 3), id, signing.Appearance{ScanTime: scanTime},
			signing.Options{Roots: ca.pool(), TSAURL: tsaSrv.URL})
		if err != nil {
			t.Fatal(err)
		}
		out, err := signing.Sign(ctx, first, id, signing.Appearance{ScanTime: scanTime},
			signing.Options{Roots: ca.pool(), TSAURL: tsaSrv.URL})
		if err != nil {
			t.Fatal(err)
		}
		checkPAdES(t, out, ca, 2, signing.LevelBLT, signing.LevelBLT)
	})
}

// The signed attributes are exactly content-type, message-digest and signing-certificate-v2 naming the
// signer's certificate (no signing-time), checked with openssl's CMS parser.
func TestPAdESSignedAttributes(t *testing.T) {
	ca := newCA(t, "Attr CA")
	id := ca.issue(t, leafOpts{name: "Attr"})
	out, err := signing.Sign(context.Background(), makePDF(t, 1), id, signing.Appearance{},
		signing.Options{Roots: ca.pool(), Revocation: signing.RevocationOptions{Offline: true}})
	if err != nil {
		t.Fatal(err)
	}
	der := contentsOf(t, out)
	dir := t.TempDir()
	p := writeFile(t, dir, "sig.der", der)
	txt, err := run(t, "openssl", "cms", "-cmsout", "-print", "-inform", "DER", "-in", p)
	if err != nil {
		t.Fatalf("openssl: %v\n%s", err, txt)
	}
	for _, want := range []string{"contentType", "messageDigest", "id-smime-aa-signingCertificateV2"} {
		if !strings.Contains(txt, want) {
			t.Fatalf("no %s in\n%s", want, txt)
		}
	}
	if strings.Contains(txt, "signingTime") || strings.Contains(txt, "1.2.840.113583.1.1.8") {
		t.Fatalf("signing-time or adbe-revocationInfoArchival present:\n%s", txt)
	}
	h := sha256.Sum256(id.Certificate().Raw)
	if !strings.Contains(txt, strings.ToUpper(hex.EncodeToString(h[:]))) {
		t.Fatalf("signing-certificate-v2 does not carry the certificate's hash\n%s", txt)
	}
	if !bytes.Contains(out, []byte("/M (D:")) && !bytes.Contains(out, []byte("/M(D:")) {
		t.Fatal("no /M signing time in the dictionary")
	}
}

// contentsOf returns the DER of the last signature's /Contents (padding cut).
func contentsOf(t *testing.T, pdf []byte) []byte {
	t.Helper()
	i := bytes.LastIndex(pdf, []byte("/Contents<"))
	if i < 0 {
		t.Fatal("no /Contents")
	}
	rest := pdf[i+len("/Contents<"):]
	hexed := rest[:bytes.IndexByte(rest, '>')]
	raw := make([]byte, len(hexed)/2)
	for k := range raw {
		var v byte
		for _, c := range hexed[2*k : 2*k+2] {
			v <<= 4
			switch {
			case c >= '0' && c <= '9':
				v |= c - '0'
			case c >= 'a' && c <= 'f':
				v |= c - 'a' + 10
			case c >= 'A' && c <= 'F':
				v |= c - 'A' + 10
			}
		}
		raw[k] = v
	}
	// DER length of the outer SEQUENCE
	l, hdr := int(raw[1]), 2
	if raw[1]&0x80 != 0 {
		n := int(raw[1] & 0x7f)
		l = 0
		for _, c := range raw[2 : 2+n] {
			l = l<<8 | int(c)
		}
		hdr = 2 + n
	}
	return raw[:hdr+l]
}
