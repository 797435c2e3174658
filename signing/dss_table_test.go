// The verifier's verdicts on all 39 real signed PDFs (testdata/signed-pdfs and its dss/ folder), written
// next to what EU DSS's own unit tests assert on the same files and cross-checked with poppler's pdfsig.

package signing_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"sohoa/internal/testdata"
	"sohoa/signing"
)

// Modifications after the signatures, in EU DSS's classes.
const (
	modNone       = "none"        // every signature covers the whole file
	modAllowed    = "allowed"     // later revisions add signatures, timestamps, /DSS, form fill only
	modAnnots     = "annotations" // … and annotations (allowed: no DocMDP forbids them)
	modModified   = "modified"    // pages, content, an overlay or a signature dictionary changed: failed
	modUnknowable = "unknown"     // a signature whose range cannot be placed in the file
)

type dssCase struct {
	indication string   // the whole document, with the shipped Vietnamese roots (none of these chain to them)
	sigs, ts   int      // signatures, document timestamps
	mods       string   // the worst over all entries
	levels     []string // per signature (document timestamps have none)
	sub        string   // a sub-indication some entry must carry ("" none asserted)
	notSigned  bool     // Verify returns ErrNotSigned
	repaired   bool
	// dss: what EU DSS's tests assert; differs: where and why we say something else.
	dss, differs string
	// pdfsig: "" compare entry by entry (count, and Valid ⇔ intact); otherwise why pdfsig cannot judge.
	pdfsig string
}

var (
	I, F              = signing.IndicationIndeterminate, signing.IndicationFailed
	no                = signing.LevelNone
	bb, bt, blt, blta = signing.LevelBB, signing.LevelBT, signing.LevelBLT, signing.LevelBLTA
)

// Every file is indeterminate at best here: the signers chain to foreign CAs, not to the shipped roots
// (DSS, run with no trust anchors in its tests, gives INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND likewise).
var dssCases = map[string]dssCase{
	"dss-PAdES-LT.pdf":                               {indication: I, sigs: 3, ts: 1, mods: modAllowed, levels: []string{bt, blt, blt}, dss: "DSS2471Test: 3 signatures, 1 B-T and 2 B-LT; extension and signature changes only"},
	"dss-Signature-P-HU_POL-3.pdf":                   {indication: I, sigs: 1, ts: 1, mods: modAllowed, levels: []string{blta}, dss: "ETSI plugtest: PAdES-B-LTA"},
	"dss-belgian_pki_multiple_ocsps_lt.pdf":          {indication: I, sigs: 1, mods: modAllowed, levels: []string{blt}, dss: "PAdES-LT with several OCSP answers in /DSS"},
	"dss-doc-firmado-LT.pdf":                         {indication: I, sigs: 1, mods: modAllowed, levels: []string{blt}, dss: "DSS1469LTTest: PAdES_BASELINE_LT"},
	"dss-doc-firmado-T.pdf":                          {indication: I, sigs: 1, mods: modNone, levels: []string{bt}, dss: "DSS1469ExtensionTest: B-T input"},
	"dss-hello_signed_INCSAVE_signed.pdf":            {indication: I, sigs: 2, mods: modAllowed, levels: []string{bb, bb}, dss: "two incremental B-B signatures"},
	"dss-pdf-signed-original.pdf":                    {indication: I, sigs: 1, mods: modNone, levels: []string{bb}, dss: "AbstractPDFDocumentValidatorTest: intact B-B"},
	"pdfsign-aatl-datasheet.pdf":                     {indication: I, sigs: 1, mods: modNone, levels: []string{no}, dss: "(not a DSS file) adbe.pkcs7.detached: PKCS7, not PAdES"},
	"pdfsign-hello_hsm.pdf":                          {indication: I, sigs: 1, mods: modNone, levels: []string{no}, dss: "(not a DSS file) adbe.pkcs7.detached"},
	"pdfsign-testfile30-adobe.pdf":                   {indication: I, sigs: 1, mods: modNone, levels: []string{no}, sub: signing.SubNoCertificateChain, dss: "(not a DSS file) SHA-1, adbe.pkcs7.detached"},
	"pyhanko-pades-lta-dss-indirect-arrs-test-2.pdf": {indication: I, sigs: 2, ts: 1, mods: modAllowed, levels: []string{blta, blt}, dss: "(pyHanko's file) B-LTA then a second B-LT signature"},

	"dss/BadEncodedCMS.pdf": {indication: F, sigs: 1, mods: modNone, sub: signing.SubFormatFailure, levels: []string{no},
		dss:     "BadEncodedCMSTest: NO_SIGNATURE_FOUND, 0 signatures",
		differs: "DSS drops a signature whose CMS it cannot decode and reports the file unsigned; we keep the field and report it failed (FORMAT_FAILURE), so that an officer never takes a file with a broken signature for an unsigned one",
		pdfsig:  "pdfsig lists the field but prints no verdict for it"},
	"dss/PAdES-LT.pdf":             {indication: I, sigs: 3, ts: 1, mods: modAllowed, levels: []string{bt, blt, blt}, dss: "DSS2471Test: 1 B-T + 2 B-LT, extension changes, no undefined changes"},
	"dss/Signature-P-BG_BOR-1.pdf": {indication: I, sigs: 1, mods: modNone, levels: []string{no}, dss: "ETSI plugtest: intact adbe.pkcs7.detached"},
	"dss/Signature-P-HU_MIC-1.pdf": {indication: I, sigs: 1, mods: modNone, levels: []string{bt}, dss: "DSS2116WithPAdESTest: intact, data-to-be-signed digest checked"},
	"dss/Signature-P-SK-6.pdf": {indication: I, sigs: 2, ts: 1, mods: modAllowed, levels: []string{blta, bt},
		dss:     "PAdESMultiSignedDocRevocTest: 2 signatures, CRLs from /DSS for the first, none after the second; no modifications",
		differs: "DSS skips the document timestamp whose dictionary says /Type /Sig (DSS-1899); we count it by its /SubFilter ETSI.RFC3161, as pdfsig does"},
	"dss/doc-firmado-LT.pdf": {indication: I, sigs: 1, mods: modAllowed, levels: []string{blt}, dss: "DSS1469LTTest: PAdES_BASELINE_LT"},
	"dss/doc-firmado-T.pdf":  {indication: I, sigs: 1, mods: modNone, levels: []string{bt}, dss: "DSS1469ExtensionTest: B-T"},
	"dss/modified_after_signature.pdf": {indication: F, sigs: 1, mods: modModified, sub: signing.SubModified, levels: []string{bb},
		dss:     "DetectionModificationAfterSignTest: the signed revision and the final file differ visually (page content and resources replaced)",
		differs: "DSS's default policy only warns on a visual difference; we fail a signature whose page content was replaced after signing. Its '-1.#INF' numbers are read as zeros",
		pdfsig:  "pdfsig says 'Signature is Valid': it checks the signed bytes only, not what later revisions changed"},
	"dss/pades-bes.pdf": {indication: I, sigs: 1, mods: modNone, levels: []string{bb},
		dss: "PAdESBESValidationTest: format PAdES-BES", differs: "DSS names the older PAdES-BES profile; we name only baseline levels, and this signature has what B-B requires"},
	"dss/pades-lta-copied-doctst.pdf": {indication: F, sigs: 1, ts: 1, mods: modAllowed, levels: []string{blta}, sub: signing.SubHashFailure,
		dss:     "PAdESLevelLTAWithCopiedDocTstTest: B-LTA format, B and T valid, the archive timestamp's imprint not intact",
		differs: "DSS keeps the signature's own verdict; our document verdict is failed because one of its timestamps is broken",
		pdfsig:  "pdfsig does not verify document timestamps"},
	"dss/pades-ltv.pdf": {indication: I, sigs: 1, ts: 2, mods: modAllowed, levels: []string{blta},
		dss: "PAdESLTVValidationTest: format PAdES-LTV", differs: "DSS's PAdES-LTV name predates the baseline levels; with /DSS data for the signer and a timestamp over it we say B-LTA"},
	"dss/pades-signed-annot-added.pdf": {indication: F, sigs: 1, mods: modModified, sub: signing.SubModified, levels: []string{bb},
		dss:     "PAdESLevelBWithAnnotAddedTest: extension, signature/form-fill and annotation changes, no undefined changes",
		differs: "the added FreeText annotation paints an opaque white box over the signed page: DSS's policy only warns on annotation changes; we fail an opaque annotation laid over a signed page (it can hide what was signed)",
		pdfsig:  "pdfsig lists an empty signature field as #1 and says the signature is valid: it does not analyse later revisions"},
	"dss/pades-signed-filled-form.pdf": {indication: I, sigs: 2, mods: modAllowed, levels: []string{no, bb},
		dss: "PAdESLevelBWithFilledFormTest: extension and form-fill changes only", pdfsig: "pdfsig lists an unsigned field as #1 and misses the adbe.pkcs7 signature that no field refers to"},
	"dss/pades-t-level-extended.pdf": {indication: I, sigs: 1, ts: 1, mods: modAllowed, levels: []string{bt}, dss: "PAdESExtendedToTLevelTest: one document timestamp over the signature"},
	"dss/pades-unsupported-signature-algorithm.pdf": {indication: I, sigs: 1, mods: modNone, sub: signing.SubCryptoConstraints, levels: []string{no},
		dss:     "PAdESWithUnsupportedSignatureAlgorithmTest: signature not intact, encryption algorithm unknown",
		differs: "the SignerInfo names a curve OID where a signature algorithm belongs: DSS cannot check it and says not intact; we say indeterminate (unsupported algorithm), since nothing shows the bytes were changed",
		pdfsig:  "pdfsig: 'Unknown Validation Failure'"},
	"dss/pades_infinite_loop.pdf": {indication: F, sigs: 1, mods: modUnknowable, sub: signing.SubFormatFailure, levels: []string{no}, repaired: true,
		dss:    "PAdESInfiniteLoopTest: validation ends within 3 s (its /Prev chain loops)",
		pdfsig: "pdfsig finds no signature (it cannot follow the xref chain)"},
	"dss/pdf-byterange-overlap.pdf": {indication: F, sigs: 2, mods: modAllowed, sub: signing.SubFormatFailure, levels: []string{bb, no},
		dss:    "DSS2451Test: one valid signature and one TOTAL_FAILED/FORMAT_FAILURE (its ByteRange is invalid); no modifications",
		pdfsig: "pdfsig says 'Digest Mismatch' for the second"},
	"dss/pdf-double-signer-info.pdf": {indication: I, sigs: 1, mods: modNone, levels: []string{no}, dss: "PDFWithMultipleSignerInfoValidationTest: PDF_NOT_ETSI (two SignerInfos), 1 signature"},
	"dss/pdf-eof.pdf": {indication: F, sigs: 1, mods: modUnknowable, sub: signing.SubFormatFailure, levels: []string{no},
		dss: "PAdESWithEofSignatureTest: not intact, ByteRange invalid", pdfsig: "pdfsig: 'Illegal values in ByteRange', not verified"},
	"dss/pdf-removed-pages.pdf": {indication: F, sigs: 1, mods: modModified, sub: signing.SubModified, levels: []string{bt},
		dss: "PAdESWithRemovedPagesTest: TOTAL_FAILED/FORMAT_FAILURE, pages 2 and 3 concerned", pdfsig: "pdfsig says the signature is valid: it does not analyse later revisions"},
	"dss/pdf-signed-original.pdf": {indication: I, sigs: 1, mods: modNone, levels: []string{bb}, dss: "AbstractPDFDocumentValidatorTest: intact"},
	"dss/pdf-spoofing-attack.pdf": {indication: F, sigs: 1, mods: modModified, sub: signing.SubModified, levels: []string{bt},
		dss:    "PAdESWithSpoofingAttackTest: signature dictionary not consistent (PdfSignatureDictionary: FAIL), undefined changes",
		pdfsig: "pdfsig lists the replaced dictionary's field without a verdict"},
	"dss/pdf-with-empty-sig.pdf": {notSigned: true,
		dss: "PAdESSignDocumentWithEmptySignatureTest: an empty signature field to be signed", pdfsig: "pdfsig tries the all-zero /Contents and reports 'Unknown Validation Failure'"},
	"dss/pdf-with-eof-cr.pdf":         {indication: I, sigs: 1, mods: modNone, levels: []string{bt}, dss: "PAdESWithEofCRTest: intact, signed revision ends with %%EOF CR"},
	"dss/pkcs7-no-message-digest.pdf": {indication: I, sigs: 1, mods: modNone, levels: []string{no}, dss: "PdfPkcs7SubFilterValidAndInvalidTest: adbe.pkcs7.detached, PDF_NOT_ETSI"},
	"dss/pkcs7_sha1.pdf": {indication: I, sigs: 2, mods: modAllowed, levels: []string{no, no},
		dss: "PdfPkcs7WithSha1SubFilterTest: 2 PKCS7 signatures (adbe.pkcs7.sha1 and .detached), no modifications (iText's /ITXT stamp ignored)"},
	"dss/signature-referenced-from-multiple-fields.pdf": {indication: I, sigs: 1, mods: modNone, levels: []string{bb},
		dss: "PAdESMultipleFieldSignatureReferenceTest: 1 signature with 2 field names", pdfsig: "pdfsig lists each of the two fields as a signature"},
	"dss/test-with-vri.pdf": {indication: I, sigs: 1, mods: modAllowed, levels: []string{bb}, dss: "PAdESWithVRITimeTest: PAdES_BASELINE_B, VRI creation time present"},
}

func worstMods(rep signing.Report) string {
	rank := map[string]int{modNone: 0, modAllowed: 1, modAnnots: 2, modUnknowable: 3, modModified: 4}
	worst := modNone
	for _, s := range rep.Signatures {
		m := modNone
		switch {
		case s.Modifications.Disallowed():
			m = modModified
		case s.LaterChanges == signing.ChangesUnknown:
			m = modUnknowable
		case s.LaterChanges == signing.ChangesAnnotations:
			m = modAnnots
		case s.LaterChanges == signing.ChangesSignaturesOnly:
			m = modAllowed
		}
		if rank[m] > rank[worst] {
			worst = m
		}
	}
	return worst
}

func TestVerdictsMatchEUDSS(t *testing.T) {
	dir := testdata.Dir(t, "signed-pdfs")
	files, _ := filepath.Glob(filepath.Join(dir, "*.pdf"))
	more, _ := filepath.Glob(filepath.Join(dir, "dss", "*.pdf"))
	files = append(files, more...)
	if len(files) != 39 || len(dssCases) != 39 {
		t.Fatalf("%d files, %d cases; want 39 of each", len(files), len(dssCases))
	}
	_, havePdfsig := exec.LookPath("pdfsig")
	for _, f := range files {
		name, _ := filepath.Rel(dir, f)
		name = filepath.ToSlash(name)
		want, ok := dssCases[name]
		if !ok {
			t.Errorf("%s: no expectation", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := signing.Verify(data, nil)
			if want.notSigned {
				if !errors.Is(err, signing.ErrNotSigned) {
					t.Fatalf("err %v, want not signed", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			sigs, ts := 0, 0
			var levels []string
			var subs []string
			for _, s := range rep.Signatures {
				if s.Kind == signing.KindDocumentTimestamp {
					ts++
				} else {
					sigs++
					levels = append(levels, s.Level)
				}
				subs = append(subs, s.SubIndication)
			}
			if rep.Indication != want.indication {
				t.Errorf("indication %s %v, want %s (DSS: %s)", rep.Indication, subs, want.indication, want.dss)
			}
			if sigs != want.sigs || ts != want.ts {
				t.Errorf("%d signatures + %d document timestamps, want %d + %d", sigs, ts, want.sigs, want.ts)
			}
			if got := worstMods(rep); got != want.mods {
				t.Errorf("modifications %s, want %s", got, want.mods)
			}
			if want.levels != nil && !slices.Equal(levels, want.levels) {
				t.Errorf("levels %q, want %q", levels, want.levels)
			}
			if want.sub != "" && !slices.Contains(subs, want.sub) {
				t.Errorf("sub-indications %v lack %s", subs, want.sub)
			}
			if rep.Repaired != want.repaired {
				t.Errorf("repaired %v", rep.Repaired)
			}
			if want.pdfsig == "" && havePdfsig == nil {
				crossCheckPdfsig(t, f, rep)
			}
		})
	}
}

var rePdfsigEntry = regexp.MustCompile(`(?m)^Signature #\d+:|Signature Validation: (.*)$`)

// crossCheckPdfsig compares our entries with poppler's: the same count, and "Signature is Valid" exactly
// where the signature is intact (pdfsig does not verify document timestamps).
func crossCheckPdfsig(t *testing.T, file string, rep signing.Report) {
	out, _ := exec.Command("pdfsig", "-nocert", file).CombinedOutput()
	var verdicts []string
	for _, m := range rePdfsigEntry.FindAllStringSubmatch(string(out), -1) {
		if strings.HasPrefix(m[0], "Signature #") {
			verdicts = append(verdicts, "")
		} else if len(verdicts) > 0 {
			verdicts[len(verdicts)-1] = strings.TrimSpace(m[1])
		}
	}
	if len(verdicts) != len(rep.Signatures) {
		t.Errorf("pdfsig lists %d entries, we %d:\n%s", len(verdicts), len(rep.Signatures), out)
		return
	}
	for i, s := range rep.Signatures {
		if s.Kind == signing.KindDocumentTimestamp {
			continue
		}
		if (verdicts[i] == "Signature is Valid.") != s.DigestValid {
			t.Errorf("#%d: pdfsig %q, we intact=%v", i+1, verdicts[i], s.DigestValid)
		}
	}
}
