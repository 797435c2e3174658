// The verification report as sentences for the officer, in Vietnamese (default) or English. Every line is
// a whole sentence of the chosen language; technical details in English (library error texts) stay in
// the JSON report only.

package signing

import (
	"fmt"
	"strings"
)

type phrases struct {
	noSig, sig, docTS, field, fields, signer, time, fromTS, fromSigner, fromPDF, intact, whole, later,
	laterSigs, laterAnnots, laterContent, laterUnknown, trusted, untrusted, weak, tsOK, tsBad, dss,
	certOutside, reason, location, key, level, levelNone, repaired string
	verdict                                                       map[string]string // by indication
	subs                                                          map[string]string // by sub-indication: what went wrong and what to do
	mods                                                          map[string]string
	weakWhat                                                      map[string]string
	revGood, revRevoked, revUnknown, revUnchecked, revNone, revAt string
}

var texts = map[string]phrases{
	"vi": {
		noSig: "Tài liệu không có chữ ký số.", sig: "Chữ ký số", docTS: "Dấu thời gian tài liệu", field: "trường", fields: "các trường",
		signer: "Người ký", time: "Thời điểm ký", fromTS: "theo dấu thời gian", fromSigner: "theo đồng hồ máy người ký",
		fromPDF: "khai trong tài liệu, không được ký", intact: "Nội dung được ký còn nguyên vẹn, chữ ký hợp lệ về mặt toán học.",
		whole: "Chữ ký bao trùm toàn bộ tài liệu.",
		later: "Sau khi ký có %d lần cập nhật tiếp theo, %s.", laterSigs: "chỉ thêm chữ ký, dấu thời gian, dữ liệu kiểm tra hoặc điền biểu mẫu",
		laterAnnots: "có thêm hoặc sửa chú thích", laterContent: "NỘI DUNG TÀI LIỆU ĐÃ BỊ THAY ĐỔI SAU KHI KÝ",
		laterUnknown: "không phân tích được nội dung thay đổi", trusted: "Chứng thư số được tin cậy (chuỗi tới CA gốc hợp lệ).",
		untrusted: "Chứng thư số KHÔNG được tin cậy: chuỗi chứng thư không dẫn tới CA gốc nào được tin cậy.", weak: "Thuật toán yếu",
		tsOK: "Dấu thời gian hợp lệ", tsBad: "Dấu thời gian không hợp lệ.",
		dss: "Tài liệu có dữ liệu kiểm tra dài hạn (DSS).", certOutside: "Thời điểm ký nằm ngoài thời hạn hiệu lực của chứng thư số.",
		reason: "Lý do", location: "Nơi ký", key: "Khóa", level: "Mức PAdES đạt được", levelNone: "không phải chữ ký PAdES (định dạng PKCS#7 cũ)",
		repaired: "Bảng tham chiếu chéo của tệp bị hỏng; tệp đã được đọc lại bằng cách dò từng đối tượng.",
		verdict: map[string]string{
			IndicationPassed:        "KẾT LUẬN: HỢP LỆ — mọi chữ ký đều nguyên vẹn, được tin cậy và tài liệu không bị thay đổi sau khi ký.",
			IndicationFailed:        "KẾT LUẬN: KHÔNG HỢP LỆ — có chữ ký bị hỏng hoặc tài liệu đã bị thay đổi sau khi ký. Không tiếp nhận tài liệu này; đề nghị người nộp cung cấp bản gốc.",
			IndicationIndeterminate: "KẾT LUẬN: CHƯA XÁC ĐỊNH — nội dung được ký còn nguyên vẹn nhưng chưa xác lập được độ tin cậy, thời điểm hoặc thuật toán của chữ ký. Kiểm tra chứng thư số của người ký với tổ chức cung cấp dịch vụ chứng thực.",
		},
		subs: map[string]string{
			SubHashFailure:        "CHỮ KÝ KHÔNG HỢP LỆ: nội dung đã bị thay đổi sau khi ký (giá trị băm không khớp).",
			SubSigCryptoFailure:   "CHỮ KÝ KHÔNG HỢP LỆ: giá trị chữ ký không khớp với khóa công khai của người ký.",
			SubFormatFailure:      "CHỮ KÝ KHÔNG HỢP LỆ: chữ ký bị hỏng hoặc sai cấu trúc (vùng ký, dữ liệu CMS hoặc chứng thư người ký).",
			SubModified:           "CHỮ KÝ KHÔNG CÒN GIÁ TRỊ CHO TÀI LIỆU NÀY: tài liệu đã bị thay đổi sau khi ký.",
			SubCryptoConstraints:  "Chữ ký dùng thuật toán không được hỗ trợ hoặc quá yếu nên không kiểm tra được.",
			SubNoCertificateChain: "Chứng thư số KHÔNG được tin cậy: chuỗi chứng thư không dẫn tới CA gốc nào được tin cậy.",
			SubOutOfBounds:        "Thời điểm ký nằm ngoài thời hạn hiệu lực của chứng thư số.",
			SubRevoked:            "CHỨNG THƯ SỐ ĐÃ BỊ THU HỒI.",
		},
		mods: map[string]string{
			"pagesAdded": "Trang được thêm sau khi ký: %s.", "pagesRemoved": "Trang bị xóa sau khi ký: %s.",
			"overlays":  "Có hình che phủ được đặt lên trang %s sau khi ký.",
			"dict":      "Thông tin của chữ ký (lý do, nơi ký, thời điểm) đã bị sửa sau khi ký; báo cáo này ghi giá trị lúc ký.",
			"undefined": "Nội dung trang hoặc cấu trúc tài liệu đã bị sửa sau khi ký.",
			"docmdp":    "Các thay đổi vượt quá mức cho phép của chữ ký chứng nhận (DocMDP mức %d).",
			"annots":    "Có chú thích được thêm hoặc sửa sau khi ký.",
		},
		weakWhat: map[string]string{"digest": "thuật toán băm", "key": "khóa"},
		revGood:  "Tình trạng thu hồi: chứng thư số chưa bị thu hồi", revRevoked: "Tình trạng thu hồi: CHỨNG THƯ SỐ ĐÃ BỊ THU HỒI",
		revUnknown: "Tình trạng thu hồi: máy chủ OCSP không biết chứng thư số này", revUnchecked: "Tình trạng thu hồi: không kiểm tra được dữ liệu thu hồi kèm theo chữ ký.",
		revNone: "Chữ ký không kèm dữ liệu thu hồi (OCSP/CRL).", revAt: "theo %s, dữ liệu lúc %s",
	},
	"en": {
		noSig: "The document carries no digital signature.", sig: "Signature", docTS: "Document timestamp", field: "field", fields: "fields",
		signer: "Signer", time: "Signing time", fromTS: "from a timestamp", fromSigner: "signer's computer clock",
		fromPDF: "declared in the document, unsigned", intact: "The signed content is intact and the signature verifies.",
		whole: "The signature covers the whole document.",
		later: "%d later revision(s) after signing, %s.", laterSigs: "only adding signatures, timestamps, validation data or form fill",
		laterAnnots: "adding or changing annotations", laterContent: "THE DOCUMENT WAS CHANGED AFTER SIGNING",
		laterUnknown: "their changes could not be analysed", trusted: "The certificate is trusted (valid chain to a root CA).",
		untrusted: "The certificate is NOT trusted: its chain does not reach a trusted root CA.", weak: "Weak algorithm",
		tsOK: "Timestamp valid", tsBad: "The timestamp is invalid.",
		dss: "The document carries long-term validation data (DSS).", certOutside: "The signing time is outside the certificate's validity.",
		reason: "Reason", location: "Location", key: "Key", level: "PAdES level reached", levelNone: "not a PAdES signature (legacy PKCS#7 format)",
		repaired: "The file's cross-reference table is damaged; it was read again by scanning its objects.",
		verdict: map[string]string{
			IndicationPassed:        "RESULT: VALID — every signature is intact and trusted, and the document is unchanged since it was signed.",
			IndicationFailed:        "RESULT: INVALID — a signature is broken or the document was changed after signing. Do not accept this document; ask the applicant for the original.",
			IndicationIndeterminate: "RESULT: INDETERMINATE — the signed content is intact, but the signature's trust, time or algorithm could not be established. Check the signer's certificate with its certification authority.",
		},
		subs: map[string]string{
			SubHashFailure:        "SIGNATURE INVALID: the content was changed after signing (digest mismatch).",
			SubSigCryptoFailure:   "SIGNATURE INVALID: the signature value does not match the signer's public key.",
			SubFormatFailure:      "SIGNATURE INVALID: the signature is damaged or malformed (signed range, CMS data or signer certificate).",
			SubModified:           "THE SIGNATURE NO LONGER HOLDS FOR THIS DOCUMENT: the document was changed after signing.",
			SubCryptoConstraints:  "The signature uses an unsupported or too weak algorithm and cannot be checked.",
			SubNoCertificateChain: "The certificate is NOT trusted: its chain does not reach a trusted root CA.",
			SubOutOfBounds:        "The signing time is outside the certificate's validity.",
			SubRevoked:            "THE CERTIFICATE IS REVOKED.",
		},
		mods: map[string]string{
			"pagesAdded": "Pages added after signing: %s.", "pagesRemoved": "Pages removed after signing: %s.",
			"overlays":  "An opaque box was laid over page %s after signing.",
			"dict":      "The signature's details (reason, location, time) were edited after signing; this report shows the signed values.",
			"undefined": "Page content or the document's structure was changed after signing.",
			"docmdp":    "The changes exceed what the certification signature allows (DocMDP level %d).",
			"annots":    "Annotations were added or changed after signing.",
		},
		weakWhat: map[string]string{"digest": "digest", "key": "key"},
		revGood:  "Revocation: the certificate is not revoked", revRevoked: "Revocation: THE CERTIFICATE IS REVOKED",
		revUnknown: "Revocation: the OCSP responder does not know the certificate", revUnchecked: "Revocation: the revocation data embedded in the signature could not be checked.",
		revNone: "The signature carries no revocation data (OCSP/CRL).", revAt: "from %s, data of %s",
	},
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ", ")
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
	if r.Repaired {
		b.WriteString(p.repaired + "\n")
	}
	const layout = "02/01/2006 15:04:05 MST"
	for _, s := range r.Signatures {
		kind := p.sig
		if s.Kind == KindDocumentTimestamp {
			kind = p.docTS
		}
		fmt.Fprintf(&b, "%s #%d", kind, s.Index)
		switch {
		case len(s.Fields) > 1:
			fmt.Fprintf(&b, " — %s %s", p.fields, strings.Join(s.Fields, ", "))
		case s.Field != "":
			fmt.Fprintf(&b, " — %s %s", p.field, s.Field)
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
		switch {
		case s.DigestValid:
			b.WriteString("  " + p.intact + "\n")
		case s.UnsupportedAlgorithm:
			b.WriteString("  " + p.subs[SubCryptoConstraints] + "\n")
		default:
			sub := s.SubIndication
			if p.subs[sub] == "" {
				sub = SubFormatFailure
			}
			b.WriteString("  " + p.subs[sub] + "\n")
		}
		if s.CoversWholeDocument {
			b.WriteString("  " + p.whole + "\n")
		} else if s.LaterChanges != "" {
			what := map[string]string{ChangesSignaturesOnly: p.laterSigs, ChangesAnnotations: p.laterAnnots, ChangesContent: p.laterContent, ChangesUnknown: p.laterUnknown}[s.LaterChanges]
			fmt.Fprintf(&b, "  "+p.later+"\n", s.LaterRevisions, what)
		}
		if m := s.Modifications; m != nil {
			if len(m.PagesAdded) > 0 {
				fmt.Fprintf(&b, "  "+p.mods["pagesAdded"]+"\n", joinInts(m.PagesAdded))
			}
			if len(m.PagesRemoved) > 0 {
				fmt.Fprintf(&b, "  "+p.mods["pagesRemoved"]+"\n", joinInts(m.PagesRemoved))
			}
			if len(m.Overlays) > 0 {
				fmt.Fprintf(&b, "  "+p.mods["overlays"]+"\n", joinInts(m.Overlays))
			}
			if len(m.SignatureDictionary) > 0 {
				b.WriteString("  " + p.mods["dict"] + "\n")
			}
			if len(m.Undefined) > 0 {
				b.WriteString("  " + p.mods["undefined"] + "\n")
			}
			if m.DocMDPViolated {
				fmt.Fprintf(&b, "  "+p.mods["docmdp"]+"\n", m.DocMDP)
			}
			if len(m.Annotations) > 0 && len(m.Overlays) == 0 {
				b.WriteString("  " + p.mods["annots"] + "\n")
			}
		}
		if s.Trusted {
			b.WriteString("  " + p.trusted + "\n")
		} else if s.Signer != nil {
			b.WriteString("  " + p.untrusted + "\n")
		}
		if s.Signer != nil && !s.CertValidAtSigning {
			b.WriteString("  " + p.certOutside + "\n")
		}
		if s.KeyAlgorithm != "" {
			fmt.Fprintf(&b, "  %s: %s, %s\n", p.key, s.KeyAlgorithm, s.DigestAlgorithm)
		}
		if s.Weak {
			var ws []string
			for _, w := range s.WeakReasons {
				what, detail, _ := strings.Cut(w, " ")
				if t := p.weakWhat[what]; t != "" {
					what = t
				}
				ws = append(ws, what+" "+detail)
			}
			fmt.Fprintf(&b, "  %s: %s\n", p.weak, strings.Join(ws, ", "))
		}
		if s.Kind == KindSignature && s.Level != "" {
			lv := s.Level
			if lv == LevelNone {
				lv = p.levelNone
			}
			fmt.Fprintf(&b, "  %s: %s\n", p.level, lv)
		}
		if s.Kind == KindSignature && s.Signer != nil {
			switch rv := s.Revocation; {
			case rv == nil:
				b.WriteString("  " + p.revNone + "\n")
			case rv.Status == RevocationUnchecked:
				b.WriteString("  " + p.revUnchecked + "\n")
			default:
				line := map[string]string{RevocationGood: p.revGood, RevocationRevoked: p.revRevoked, RevocationUnknown: p.revUnknown}[rv.Status]
				fmt.Fprintf(&b, "  %s ("+p.revAt+").\n", line, strings.ToUpper(rv.Source), rv.CheckedAt.In(vietnamTime).Format(layout))
			}
		}
		if t := s.Timestamp; t != nil && s.Kind == KindSignature {
			if t.Valid {
				fmt.Fprintf(&b, "  %s: %s, %s\n", p.tsOK, t.Time.In(vietnamTime).Format(layout), t.Authority)
			} else {
				b.WriteString("  " + p.tsBad + "\n")
			}
		}
	}
	if r.HasDSS {
		b.WriteString(p.dss + "\n")
	}
	ind := r.Indication
	if p.verdict[ind] == "" {
		ind = IndicationIndeterminate
	}
	b.WriteString(p.verdict[ind] + "\n")
	return b.String()
}
