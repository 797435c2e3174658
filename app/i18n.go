// Translations: loading vi.json/en.json into Fyne's lang package, forcing the chosen language, and
// turning errors into translated sentences for the officer.

package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"

	"sohoa/assets"
	"sohoa/desk"
	"sohoa/dossier/applicant"
	"sohoa/portal"
	"sohoa/scanner"
	"sohoa/scanner/importer"
	"sohoa/signing"
	"sohoa/signing/pkcs11"
)

// Languages the UI ships, the default first.
var Languages = []string{"vi", "en"}

// Fyne v2.7.1 has no call to force a locale: it matches the system's locales against the languages
// it holds translations for (its own, English first as the fallback, plus ours). So SetLanguage
// registers the chosen language's messages under "vi", under "en" (the fallback, e.g. for LANG=C)
// and under the system's own language: whatever Fyne picks, our keys resolve in the chosen language.
// Fyne's own dialog words ("Cancel", "OK"...) are in our files too, so dialogs follow the choice.

var current = "vi"

// SetLanguage makes code ("vi" or "en") the UI language, whatever the system locale.
func SetLanguage(code string) error {
	if code != "en" {
		code = "vi"
	}
	data, err := fs.ReadFile(assets.FS, "i18n/"+code+".json")
	if err != nil {
		return fmt.Errorf("translations %s: %w", code, err)
	}
	locales := []string{"vi", "en"}
	if sys := lang.SystemLocale().LanguageString(); sys != "" && sys != "vi" && sys != "en" && sys != "und" {
		locales = append(locales, sys)
	}
	for _, l := range locales {
		if err := lang.AddTranslationsForLocale(data, fyne.Locale(l)); err != nil {
			return fmt.Errorf("translations %s for %s: %w", code, l, err)
		}
	}
	current = code
	return nil
}

// Language is the UI language in use.
func Language() string { return current }

const settingLang = desk.PrefLanguage

func savedLanguage(d *desk.Desk) string {
	if d == nil {
		return "vi"
	}
	v, err := d.Settings.Pref(context.Background(), settingLang)
	if err != nil || v == "" {
		return "vi"
	}
	return v
}

// errorKeys maps sentinel errors to translation keys, most specific first; the desk's store and
// workflow add theirs through AddErrorKeys (the screens do not import them).
var errorKeys = []desk.ErrorKey{
	{Err: desk.ErrNoUnit, Key: "error.no_unit"},
	{Err: desk.ErrNoAuthorization, Key: "error.no_authorization"},
	{Err: scanner.ErrFeederEmpty, Key: "error.scan.feeder_empty"},
	{Err: scanner.ErrJammed, Key: "error.scan.jammed"},
	{Err: scanner.ErrCoverOpen, Key: "error.scan.cover_open"},
	{Err: scanner.ErrBusy, Key: "error.scan.busy"},
	{Err: scanner.ErrGone, Key: "error.scan.gone"},
	{Err: scanner.ErrUnsupported, Key: "error.scan.unsupported"},
	{Err: importer.ErrEncrypted, Key: "error.import.encrypted"},
	{Err: importer.ErrCorrupt, Key: "error.import.corrupt"},
	{Err: importer.ErrTooLarge, Key: "error.import.too_large"},
	{Err: importer.ErrUnsupportedFormat, Key: "error.import.format"},
	{Err: signing.ErrCertExpired, Key: "error.cert.expired"},
	{Err: signing.ErrCertNotYetValid, Key: "error.cert.not_yet_valid"},
	{Err: signing.ErrCertKeyUsage, Key: "error.cert.key_usage"},
	{Err: signing.ErrCertWeakKey, Key: "error.cert.weak_key"},
	{Err: signing.ErrCertUntrusted, Key: "error.cert.untrusted"},
	{Err: signing.ErrNoCertificate, Key: "error.cert.none"},
	{Err: signing.ErrSignFailed, Key: "error.sign.failed"},
	{Err: signing.ErrTimestamp, Key: "error.sign.timestamp"},
	{Err: signing.ErrInvalidPDF, Key: "error.sign.invalid_pdf"},
	{Err: pkcs11.ErrWrongPIN, Key: "error.pin.wrong"},
	{Err: pkcs11.ErrPINLocked, Key: "error.pin.locked"},
	{Err: pkcs11.ErrFinalTryNeedsConfirm, Key: "error.pin.final_try"},
	{Err: pkcs11.ErrSeveralTokens, Key: "error.token.several"},
	{Err: pkcs11.ErrTokenRemoved, Key: "error.token.removed"},
	{Err: pkcs11.ErrSessionClosed, Key: "error.token.session"},
	{Err: pkcs11.ErrMechanismUnsupported, Key: "error.token.mechanism"},
	{Err: signing.ErrCertRevoked, Key: "error.cert.revoked"},
	{Err: desk.ErrInvalidUnit, Key: "error.invalid_unit"},
	{Err: applicant.ErrQRFormat, Key: "error.qr_format"},
	{Err: context.DeadlineExceeded, Key: "error.timeout"},
}

// AddErrorKeys adds sentinel errors of the packages the screens do not import (the wiring hands them
// over); call it before the window starts.
func AddErrorKeys(keys ...desk.ErrorKey) {
	errorKeys = append(errorKeys, keys...)
}

// ErrorText is the sentence the officer sees for err, in the UI language: what happened and what
// to do, followed by the technical detail for support.
func ErrorText(err error) string {
	if err == nil {
		return ""
	}
	detail := map[string]any{"Detail": err.Error()}
	var fe *applicant.FieldError
	if errors.As(err, &fe) {
		data := map[string]any{"Field": fieldLabel(fe.Field)}
		if k, ok := reasonKeys[fe.Reason]; ok {
			return lang.L(k, data)
		}
		return lang.L("applicant.reason.other", data)
	}
	for _, k := range errorKeys {
		if errors.Is(err, k.Err) {
			return lang.L(k.Key) + " (" + err.Error() + ")"
		}
	}
	var pe *portal.Error
	if errors.As(err, &pe) {
		switch portal.Classify(err) {
		case portal.NeedsUser:
			return lang.L("error.portal.auth", detail)
		case portal.Transient:
			return lang.L("error.portal.transient", detail)
		default:
			return lang.L("error.portal.permanent", detail)
		}
	}
	return lang.L("error.generic", detail)
}

// outboxErrorText explains a queue entry's last error from its class, in plain words.
func outboxErrorText(class, msg string) string {
	if msg == "" {
		return ""
	}
	switch class {
	case "transient":
		return lang.L("queue.err.transient")
	case "user":
		return lang.L("queue.err.user")
	default:
		return lang.L("queue.err.permanent", map[string]any{"Detail": msg})
	}
}

// showMessage shows a dialog with a title and a message.
func showMessage(w fyne.Window, title, msg string) {
	dialog.ShowInformation(title, msg, w)
}

// reasonKeys maps applicant.FieldError reasons to sentences that name the field.
var reasonKeys = map[string]string{
	applicant.ReasonEmpty:     "applicant.reason.empty",
	applicant.ReasonFormat:    "applicant.reason.format",
	applicant.ReasonDate:      "applicant.reason.invalid_date",
	applicant.ReasonFuture:    "applicant.reason.future",
	applicant.ReasonOrder:     "applicant.reason.after_issue",
	applicant.ReasonProvince:  "applicant.reason.province",
	applicant.ReasonMismatch:  "applicant.reason.mismatch_id",
	applicant.ReasonUnknown:   "applicant.reason.unknown_value",
	applicant.ReasonTooLong:   "applicant.reason.too_long",
	applicant.ReasonForbidden: "applicant.reason.forbidden_chars",
}

// fieldLabel translates an applicant field name as applicant.FieldError reports it.
func fieldLabel(f string) string {
	switch f {
	case "ID", "id":
		return lang.L("applicant.id")
	case "OldID", "old_id":
		return lang.L("applicant.old_id")
	case "Name", "name":
		return lang.L("applicant.name")
	case "DOB", "dob":
		return lang.L("applicant.dob")
	case "Sex", "sex":
		return lang.L("applicant.sex")
	case "Address", "address":
		return lang.L("applicant.address")
	case "IssueDate", "issue_date":
		return lang.L("applicant.issue_date")
	case "Phone", "phone":
		return lang.L("applicant.phone")
	case "Email", "email":
		return lang.L("applicant.email")
	}
	return f
}
