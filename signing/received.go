// The check a receiving system (the reference portal) runs on every PDF it is sent: the same verifier,
// refusing a file whose signature is broken or that was changed after signing.

package signing

import (
	"crypto/x509"
	"fmt"
	"strings"

	"sohoa/errs"
)

// ErrChangedAfterSigning: the PDF was modified after it was signed (pages, content, an overlay, a
// signature's own dictionary), or one of its signatures is broken.
var ErrChangedAfterSigning = errs.New("error.sign.changed_after_signing", errs.Permanent, "the signed document was changed after signing or a signature is broken: do not accept it; sign the original document again")

// ReceivedError tells which finding refused a received PDF; errors.Is(err, ErrChangedAfterSigning) or
// ErrNotSigned / ErrInvalidPDF match it.
type ReceivedError struct {
	Kind    error
	Finding string // English, for the receiving system's log and its 422 answer
	Report  Report
}

func (e *ReceivedError) Error() string { return e.Finding + ": " + e.Kind.Error() }
func (e *ReceivedError) Unwrap() error { return e.Kind }

// CheckReceived verifies a received PDF against roots (nil: the shipped roots). It refuses a file that
// is not a readable PDF, carries no signature, or whose verdict is failed; an indeterminate verdict
// (a signer the receiver does not trust) is the receiver's policy and is accepted here.
func CheckReceived(pdf []byte, roots *x509.CertPool) error {
	rep, err := Verify(pdf, roots)
	if err != nil {
		return err
	}
	if rep.Indication != IndicationFailed {
		return nil
	}
	return &ReceivedError{Kind: ErrChangedAfterSigning, Finding: Finding(rep), Report: rep}
}

// Finding summarises in one English line why a report failed.
func Finding(rep Report) string {
	var parts []string
	for _, s := range rep.Signatures {
		if s.Indication != IndicationFailed {
			continue
		}
		what := []string{}
		if !s.DigestValid {
			what = append(what, strings.ToLower(s.SubIndication)+": "+s.Error)
		}
		if m := s.Modifications; m.Disallowed() {
			if len(m.PagesAdded) > 0 {
				what = append(what, "pages added "+joinInts(m.PagesAdded))
			}
			if len(m.PagesRemoved) > 0 {
				what = append(what, "pages removed "+joinInts(m.PagesRemoved))
			}
			if len(m.Overlays) > 0 {
				what = append(what, "an opaque annotation laid over page "+joinInts(m.Overlays))
			}
			if len(m.Undefined) > 0 {
				what = append(what, "page content or structure changed ("+strings.Join(m.Undefined[:min(3, len(m.Undefined))], ", ")+")")
			}
			if len(m.SignatureDictionary) > 0 {
				what = append(what, "the signature dictionary was replaced ("+strings.Join(m.SignatureDictionary, ", ")+")")
			}
			if m.DocMDPViolated {
				what = append(what, fmt.Sprintf("changes beyond the certification's DocMDP level %d", m.DocMDP))
			}
		}
		if s.Revocation != nil && s.Revocation.Status == RevocationRevoked {
			what = append(what, "the signer's certificate is revoked")
		}
		parts = append(parts, fmt.Sprintf("%s #%d (%s): %s", s.Kind, s.Index, s.SignerName, strings.Join(what, "; ")))
	}
	return strings.Join(parts, "; ")
}
