// Errors into sentences: by message key, else by kind with the technical detail in parentheses.

package i18n

import (
	"context"
	"errors"
	"strings"

	"sohoa/errs"
)

// ErrorText is the sentence the officer sees for err in lang ("vi" or "en"): what happened and what
// to do. An error with a sentence of its own gets only that sentence (its English text is for the
// log); any other error gets the sentence of its kind followed by the technical detail in
// parentheses, so support can tell what went wrong. ErrorText(lang, nil) is "".
func ErrorText(lang string, err error) string {
	if err == nil {
		return ""
	}
	if k := errs.Keyed(err); k != nil && Has(lang, k.Key()) {
		return T(lang, k.Key(), args(lang, k))
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return T(lang, "error.timeout", nil)
	}
	return KindText(lang, errs.KindOf(err), err.Error())
}

// KindText explains an error known only by its kind and its technical detail (for example an outbox
// entry's stored class and last error): "error.kind.<kind>" with detail in parentheses.
func KindText(lang string, kind errs.Kind, detail string) string {
	if kind == "" {
		kind = errs.Permanent
	}
	return T(lang, "error.kind."+string(errs.ParseKind(string(kind))), map[string]any{"Detail": detail})
}

// QueueText explains why an outbox entry is waiting or stopped, from its stored class and last error:
// a transient failure is retried by itself; the others wait for the officer's Retry.
func QueueText(lang, class, lastError string) string {
	if lastError == "" {
		return ""
	}
	kind := errs.ParseKind(class)
	if kind == "" {
		kind = errs.Permanent
	}
	return T(lang, "queue.err."+string(kind), map[string]any{"Detail": lastError})
}

// args collects the placeholders of k's sentence: its Args (a errs.Msg value is translated) and
// {{.Cause}}, the sentence of the error k frames.
func args(lang string, k errs.Keyer) map[string]any {
	data := map[string]any{}
	if a, ok := k.(errs.Arger); ok {
		for n, v := range a.Args() {
			if m, ok := v.(errs.Msg); ok {
				v = T(lang, string(m), nil)
			}
			data[n] = v
		}
	}
	if c, ok := k.(interface{ Cause() error }); ok {
		data["Cause"] = ErrorText(lang, c.Cause())
	}
	if err, ok := k.(error); ok {
		data["Detail"] = err.Error()
	}
	return data
}

// ErrorDetail is ErrorText followed, on a second line, by the technical detail in parentheses, for
// the command line (its output goes to support and to scripts). An error explained only by its
// kind already ends with its detail and gets no second line.
func ErrorDetail(lang string, err error) string {
	text := ErrorText(lang, err)
	if err == nil || strings.HasSuffix(text, err.Error()+")") {
		return text
	}
	return text + "\n(" + T(lang, "support.detail", nil) + ": " + err.Error() + ")"
}
