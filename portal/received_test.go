// The reference portal runs sohoa's own verifier on every received PDF: a file changed after signing
// (a content stream added, a red box laid over the page) is refused with 422 and the finding.

package portal_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"sohoa/portal"
	"sohoa/portal/refportal"
	"sohoa/signing"
	"sohoa/signing/tamper"
)

func TestPortalRefusesPDFsChangedAfterSigning(t *testing.T) {
	_, base := startPortal(t, t.TempDir(), func(c *refportal.Config) {
		c.VerifyPDF = func(name string, pdf []byte) error { return signing.CheckReceived(pdf, nil) }
	})
	tok := login(t, base, binh())
	signed := readShared(t, "dss-pdf-signed-original.pdf")
	added, err := tamper.AddContent(signed, [4]float64{100, 500, 400, 560})
	if err != nil {
		t.Fatal(err)
	}
	overlay, err := tamper.AddOverlay(signed, [4]float64{100, 500, 400, 560})
	if err != nil {
		t.Fatal(err)
	}
	c := portal.NewClient(base)
	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		pdf     []byte
		finding string
	}{
		{"added-content", added, "page content or structure changed"},
		{"red-box-overlay", overlay, "an opaque annotation laid over page 1"},
	} {
		_, err := c.Submit(ctx, submission("idem-"+tc.name, binh(), memFile(tc.name+".pdf", "TP1", tc.pdf)), tok)
		var pe *portal.Error
		if !errors.Is(err, portal.ErrSignatureInvalid) || !errors.As(err, &pe) || pe.HTTPStatus != 422 {
			t.Fatalf("%s: err = %v", tc.name, err)
		}
		if !strings.Contains(pe.Message, tc.finding) {
			t.Errorf("%s: the 422 does not carry the finding %q: %q", tc.name, tc.finding, pe.Message)
		}
	}
	// The untouched signed file is accepted (its signer is not trusted here: indeterminate, not failed).
	if r, err := c.Submit(ctx, submission("idem-original", binh(), memFile("original.pdf", "TP1", signed)), tok); err != nil || r.PortalCode == "" {
		t.Fatalf("original refused: %v", err)
	}
}
