// The verification report as sentences for the officer, in Vietnamese (default) or English.

package signing

import (
	"fmt"
	"strings"
)

type phrases struct {
	noSig, sig, docTS, signer, time, fromTS, fromSigner, fromPDF, intact, broken, whole, later,
	laterSigs, laterAnnots, laterContent, laterUnknown, trusted, untrusted, weak, tsOK, tsBad, dss,
	certOutside, reason, location, key, verdictOK, verdictBad string
	revGood, revRevoked, revUnknown, revUnchecked, revNone, revAt string
}

var texts = map[string]phrases{
	"vi": {
		noSig: "Tài liệu không có chữ ký số.", sig: "Chữ ký số", docTS: "Dấu thời gian tài liệu",
		signer: "Người ký", time: "Thời điểm ký", fromTS: "theo dấu thời gian", fromSigner: "theo đồng hồ máy người ký",
		fromPDF: "khai trong tài liệu, không được ký", intact: "Nội dung được ký còn nguyên vẹn, chữ ký hợp lệ về mặt toán học.",
		broken: "CHỮ KÝ KHÔNG HỢP LỆ", whole: "Chữ ký bao trùm toàn bộ tài liệu.",
		later: "Sau khi ký có %d lần cập nhật tiếp theo", laterSigs: "chỉ thêm chữ ký, dấu thời gian hoặc dữ liệu kiểm tra",
		laterAnnots: "thêm hoặc sửa chú thích, trường biểu mẫu hoặc siêu dữ liệu", laterContent: "NỘI DUNG TÀI LIỆU ĐÃ BỊ THAY ĐỔI SAU KHI KÝ",
		laterUnknown: "không phân tích được nội dung thay đổi", trusted: "Chứng thư số được tin cậy (chuỗi tới CA gốc hợp lệ).",
		untrusted: "Chứng thư số KHÔNG được tin cậy", weak: "Thuật toán yếu", tsOK: "Dấu thời gian hợp lệ", tsBad: "Dấu thời gian không hợp lệ",
		dss: "Tài liệu có dữ liệu kiểm tra dài hạn (DSS).", certOutside: "Thời điểm ký nằm ngoài thời hạn hiệu lực của chứng thư số.",
		reason: "Lý do", location: "Nơi ký", key: "Khóa", verdictOK: "KẾT LUẬN: tất cả chữ ký hợp lệ.",
		verdictBad: "KẾT LUẬN: có chữ ký không hợp lệ hoặc không được tin cậy.",
		revGood:    "Tình trạng thu hồi: chứng thư số chưa bị thu hồi", revRevoked: "Tình trạng thu hồi: CHỨNG THƯ SỐ ĐÃ BỊ THU HỒI",
		revUnknown: "Tình trạng thu hồi: máy chủ OCSP không biết chứng thư số này", revUnchecked: "Tình trạng thu hồi: không kiểm tra được",
		revNone: "Chữ ký không kèm dữ liệu thu hồi (OCSP/CRL).", revAt: "theo %s, dữ liệu lúc %s",
	},
	"en": {
		noSig: "The document carries no digital signature.", sig: "Signature", docTS: "Document timestamp",
		signer: "Signer", time: "Signing time", fromTS: "from a timestamp", fromSigner: "signer's computer clock",
		fromPDF: "declared in the document, unsigned", intact: "The signed content is intact and the signature verifies.",
		broken: "SIGNATURE INVALID", whole: "The signature covers the whole document.",
		later: "%d later revision(s) after signing", laterSigs: "only adding signatures, timestamps or validation data",
		laterAnnots: "adding or changing annotations, form fields or metadata", laterContent: "THE DOCUMENT'S CONTENT WAS CHANGED AFTER SIGNING",
		laterUnknown: "their changes could not be analysed", trusted: "The certificate is trusted (valid chain to a root CA).",
		untrusted: "The certificate is NOT trusted", weak: "Weak algorithm", tsOK: "Timestamp valid", tsBad: "Timestamp invalid",
		dss: "The document carries long-term validation data (DSS).", certOutside: "The signing time is outside the certificate's validity.",
		reason: "Reason", location: "Location", key: "Key", verdictOK: "RESULT: every signature is valid.",
		verdictBad: "RESULT: at least one signature is invalid or not trusted.",
		revGood:    "Revocation: the certificate is not revoked", revRevoked: "Revocation: THE CERTIFICATE IS REVOKED",
		revUnknown: "Revocation: the OCSP responder does not know the certificate", revUnchecked: "Revocation: could not be checked",
		revNone: "The signature carries no revocation data (OCSP/CRL).", revAt: "from %s, data of %s",
	},
}

// Text renders the report for the officer: lang "vi" (default) or "en".
func (r Report) Text(lang string) string {
	p, ok := texts[lang]
	if !ok {
		p = texts["vi"]
	}
	var b strings.Builder
	if len(r.Signatures) == 0 {
		b.WriteString(p.noSig + "\n")
		return b.String()
	}
	const layout = "02/01/2006 15:04:05 MST"
	for _, s := range r.Signatures {
		kind := p.sig
		if s.Kind == KindDocumentTimestamp {
			kind = p.docTS
		}
		fmt.Fprintf(&b, "%s #%d", kind, s.Index)
		if s.Field != "" {
			fmt.Fprintf(&b, " (%s)", s.Field)
		}
		b.WriteString("\n")
		if s.SignerName != "" {
			fmt.Fprintf(&b, "  %s: %s\n", p.signer, s.SignerName)
		}
		if !s.SigningTime.IsZero() {
			src := map[string]string{TimeFromTimestamp: p.fromTS, TimeFromSignedAttr: p.fromSigner, TimeFromPDF: p.fromPDF}[s.TimeSource]
			fmt.Fprintf(&b, "  %s: %s (%s)\n", p.time, s.SigningTime.In(vietnamTime).Format(layout), src)
		}
		if s.Reason != "" {
			fmt.Fprintf(&b, "  %s: %s\n", p.reason, s.Reason)
		}
		if s.Location != "" {
			fmt.Fprintf(&b, "  %s: %s\n", p.location, s.Location)
		}
		if s.DigestValid {
			b.WriteString("  " + p.intact + "\n")
		} else {
			fmt.Fprintf(&b, "  %s: %s\n", p.broken, s.Error)
		}
		if s.CoversWholeDocument {
			b.WriteString("  " + p.whole + "\n")
		} else if s.LaterChanges != "" {
			what := map[string]string{ChangesSignaturesOnly: p.laterSigs, ChangesAnnotations: p.laterAnnots, ChangesContent: p.laterContent, ChangesUnknown: p.laterUnknown}[s.LaterChanges]
			fmt.Fprintf(&b, "  "+p.later+": %s.\n", s.LaterRevisions, what)
		}
		if s.Trusted {
			b.WriteString("  " + p.trusted + "\n")
		} else if s.TrustError != "" {
			fmt.Fprintf(&b, "  %s: %s\n", p.untrusted, s.TrustError)
		}
		if s.Signer != nil && !s.CertValidAtSigning {
			b.WriteString("  " + p.certOutside + "\n")
		}
		if s.KeyAlgorithm != "" {
			fmt.Fprintf(&b, "  %s: %s, %s\n", p.key, s.KeyAlgorithm, s.DigestAlgorithm)
		}
		if s.Weak {
			fmt.Fprintf(&b, "  %s: %s\n", p.weak, strings.Join(s.WeakReasons, ", "))
		}
		if s.Kind == KindSignature && s.Signer != nil {
			switch rv := s.Revocation; {
			case rv == nil:
				b.WriteString("  " + p.revNone + "\n")
			case rv.Status == RevocationUnchecked:
				fmt.Fprintf(&b, "  %s: %s\n", p.revUnchecked, rv.Notes)
			default:
				line := map[string]string{RevocationGood: p.revGood, RevocationRevoked: p.revRevoked, RevocationUnknown: p.revUnknown}[rv.Status]
				fmt.Fprintf(&b, "  %s ("+p.revAt+").\n", line, strings.ToUpper(rv.Source), rv.CheckedAt.In(vietnamTime).Format(layout))
			}
		}
		if t := s.Timestamp; t != nil && s.Kind == KindSignature {
			if t.Valid {
				fmt.Fprintf(&b, "  %s: %s, %s\n", p.tsOK, t.Time.In(vietnamTime).Format(layout), t.Authority)
			} else {
				fmt.Fprintf(&b, "  %s: %s\n", p.tsBad, t.Error)
			}
		}
	}
	if r.HasDSS {
		b.WriteString(p.dss + "\n")
	}
	if r.Valid() {
		b.WriteString(p.verdictOK + "\n")
	} else {
		b.WriteString(p.verdictBad + "\n")
	}
	return b.String()
}
