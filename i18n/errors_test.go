// Sentences for real errors: known errors get their own sentence in the chosen language with no
// English inside; unknown errors get their kind's sentence and the detail in parentheses.

package i18n

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"sohoa/dossier"
	"sohoa/dossier/applicant"
	"sohoa/errs"
	"sohoa/portal"
	"sohoa/scanner"
	"sohoa/scanner/folder"
	"sohoa/signing"
	"sohoa/signing/pkcs11"
	"sohoa/storage"
)

// english lists common English words (and the technical ones that leaked before) that never belong
// in a Vietnamese sentence. Words that are also Vietnamese ("to", "in", "an", "no", "do"…) are left out,
// and so is "Email", the label Vietnamese forms (and the portal's) use for the e-mail address field.
var english = strings.Fields(`the and or is are was were not cannot can will would should must please error failed
	fail file files folder disk full free space token portal retry retried again try found missing invalid
	scanner scan timeout network server database open check your you this that with from for has have
	been matching plugged wrong password certificate sign signature signed upload queue queued dossier
	setting settings unknown state storage sqlite http detail automatically citizen officer page pages
	stopped busy jammed cover feeder empty device driver module session key weak expired revoked`)

var placeholder = regexp.MustCompile(`\{\{[^}]*\}\}`)

// wordsOf splits a sentence into lower-case words, diacritics included.
func wordsOf(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127 && (r < 0x2000 || r > 0x206F))
	})
}

func englishIn(s string) []string {
	var out []string
	for _, w := range wordsOf(placeholder.ReplaceAllString(s, " ")) {
		for _, e := range english {
			if w == e {
				out = append(out, w)
			}
		}
	}
	return out
}

func TestEnglishWordListCatchesTheOldMessage(t *testing.T) {
	if len(englishIn("Có lỗi: no matching token is plugged in: plug in the USB token")) == 0 {
		t.Fatal("the check does not see English")
	}
	if w := englishIn("Chưa cắm thiết bị ký số phù hợp: cắm vào cổng USB, chờ vài giây rồi thử lại."); len(w) != 0 {
		t.Fatalf("the check sees English in Vietnamese: %v", w)
	}
}

// errorSentence reports whether a key is an error sentence the officer reads.
func errorSentence(k string) bool {
	return strings.HasPrefix(k, "error.") || strings.HasPrefix(k, "queue.err.") || strings.HasPrefix(k, "applicant.reason.")
}

func TestVietnameseSentencesHaveNoEnglish(t *testing.T) {
	n := 0
	for _, k := range Keys("vi") {
		if !errorSentence(k) {
			continue
		}
		n++
		msg := T("vi", k, nil)
		if w := englishIn(msg); len(w) != 0 {
			t.Errorf("%s: English words %v in %q", k, w, msg)
		}
		if en := T("en", k, nil); en == msg {
			t.Errorf("%s: the Vietnamese sentence is the English one", k)
		}
	}
	if n < 120 {
		t.Fatalf("only %d error sentences checked", n)
	}
}

// whatToDo: a sentence says what happened, then (after a colon, or in a second sentence) what to do.
var whatToDo = regexp.MustCompile(`\S[:;.—] \S`)

func TestEverySentenceSaysWhatToDo(t *testing.T) {
	for _, lang := range Languages {
		for _, k := range Keys(lang) {
			if !errorSentence(k) {
				continue
			}
			if msg := T(lang, k, map[string]any{"Field": "X", "Cause": "Y.", "Detail": "d"}); !whatToDo.MatchString(msg) {
				t.Errorf("%s %s: %q does not say what to do after what happened", lang, k, msg)
			}
		}
	}
}

func TestRealErrorsGetTheirOwnSentence(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("sign component TP1: open token: %w", err) }
	cases := []struct {
		err    error
		vi, en string // part of each sentence
	}{
		{wrap(pkcs11.ErrTokenNotFound), "Chưa cắm thiết bị ký số", "No matching token"},
		{wrap(pkcs11.ErrModuleNotFound), "trình điều khiển", "driver"},
		{wrap(pkcs11.ErrNoSigningCertificate), "không chứa chứng thư số", "no certificate"},
		{wrap(storage.ErrInUse), "đang được một cửa sổ sohoa khác", "already in use"},
		{wrap(folder.ErrPDF), "Nhập tệp", "Import file"},
		{&signing.CertError{Kind: signing.ErrCertExpired}, "đã hết hạn", "has expired"},
		{&storage.LowDiskError{Dir: "/d", Free: 10 << 20, Need: 80 << 20}, "còn trống 10 MB, cần 80 MB", "Only 10 MB free"},
		{&applicant.FieldError{Field: applicant.FieldDOB, Reason: applicant.ReasonFuture}, "Ngày sinh: ở tương lai", "future"},
		{fmt.Errorf("upload: %w", &portal.Error{Class: portal.NeedsUser, Code: portal.CodeUnauthorized, HTTPStatus: 401}), "đăng nhập lại", "log in again"},
		{&scanner.SettingError{Setting: "dpi", Value: 99999, Min: 50, Max: 1200}, "99999 dpi", "99999 dpi"},
		{errs.Frame(dossier.ErrNotQueued, &portal.Error{Class: portal.Transient, Code: portal.CodeNetwork}),
			"chưa vào hàng đợi gửi, nên sẽ không tự gửi lại. Không kết nối được Cổng", "not in the queue, so nothing will be sent by itself. The portal could not be reached"},
		{fmt.Errorf("x: %w", context.DeadlineExceeded), "quá nhiều thời gian", "too long"},
	}
	for _, c := range cases {
		vi, en := ErrorText("vi", c.err), ErrorText("en", c.err)
		if !strings.Contains(vi, c.vi) || strings.Contains(vi, "(") && !strings.Contains(c.vi, "(") && strings.Contains(vi, c.err.Error()) {
			t.Errorf("vi for %v: %q", c.err, vi)
		}
		if w := englishIn(vi); len(w) != 0 {
			t.Errorf("vi for %v has English %v: %q", c.err, w, vi)
		}
		if !strings.Contains(en, c.en) {
			t.Errorf("en for %v: %q", c.err, en)
		}
	}
}

func TestUnknownErrorsGetTheirKindAndTheDetailInParentheses(t *testing.T) {
	err := fmt.Errorf("write report: %w", errors.New("boom 42"))
	vi := ErrorText("vi", err)
	if !strings.HasSuffix(vi, "(chi tiết: write report: boom 42)") || !strings.HasPrefix(vi, "Có lỗi không thể tự khắc phục") {
		t.Errorf("vi: %q", vi)
	}
	if w := englishIn(strings.Split(vi, "(")[0]); len(w) != 0 {
		t.Errorf("English before the detail: %v", w)
	}
	// A portal code the desk does not know is explained by its kind.
	pe := &portal.Error{Class: portal.Transient, Code: "brand_new_code", HTTPStatus: 503}
	if vi := ErrorText("vi", pe); !strings.HasPrefix(vi, "Có sự cố tạm thời") {
		t.Errorf("unknown transient portal code: %q", vi)
	}
	// The officer's own sentence never carries the English text of a known error.
	if vi := ErrorText("vi", fmt.Errorf("sign: %w", pkcs11.ErrTokenNotFound)); strings.Contains(vi, "(") {
		t.Errorf("known error with detail: %q", vi)
	}
	if ErrorText("vi", nil) != "" {
		t.Error("nil error has a sentence")
	}
}

func TestQueueTextSaysWhetherItRetriesByItself(t *testing.T) {
	if s := QueueText("vi", "transient", "portal: HTTP 503"); !strings.Contains(s, "sẽ tự gửi lại") {
		t.Errorf("transient: %q", s)
	}
	for _, class := range []string{"permanent", "officer", "citizen", "user"} {
		if s := QueueText("vi", class, "x"); !strings.Contains(s, "Gửi lại") || strings.Contains(s, "tự gửi lại") {
			t.Errorf("%s: %q", class, s)
		}
	}
	if QueueText("vi", "user", "x") != QueueText("vi", "citizen", "x") {
		t.Error("the legacy class user is not read as citizen")
	}
	if QueueText("vi", "transient", "") != "" {
		t.Error("no error, no text")
	}
}

func TestMessagesForFyneHoldBothFiles(t *testing.T) {
	for _, lang := range Languages {
		data, err := Messages(lang)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), `"app.title"`) || !strings.Contains(string(data), `"error.token.not_found"`) {
			t.Errorf("%s: messages lack the UI or the error file", lang)
		}
	}
}

func TestErrorDetailForTheCommandLine(t *testing.T) {
	err := fmt.Errorf("open desk: %w", storage.ErrInUse)
	got := ErrorDetail("vi", err)
	lines := strings.Split(got, "\n")
	if len(lines) != 2 || lines[0] != ErrorText("vi", err) || lines[1] != "(chi tiết kỹ thuật cho bộ phận hỗ trợ: "+err.Error()+")" {
		t.Errorf("%q", got)
	}
	if w := englishIn(lines[0]); len(w) != 0 {
		t.Errorf("English in the sentence: %v", w)
	}
	// An unknown error already ends with its detail: no second line.
	plain := errors.New("boom")
	if got := ErrorDetail("en", plain); strings.Contains(got, "\n") || !strings.HasSuffix(got, "(detail: boom)") {
		t.Errorf("%q", got)
	}
}
