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
	"sohoa/dossier"
	"sohoa/dossier/applicant"
	"sohoa/portal"
	"sohoa/scanner"
	"sohoa/scanner/importer"
	"sohoa/signing"
	"sohoa/signing/pkcs11"
	"sohoa/storage"
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

const settingLang = "ui.lang"

func savedLanguage(d *dossier.Desk) string {
	if d == nil {
		return "vi"
	}
	v, err := d.DB().Setting(context.Background(), settingLang)
	if err != nil || v == "" {
		return "vi"
	}
	return v
}

// errorKeys maps sentinel errors to translation keys, most specific first.
var errorKeys = []struct {
	err error
	key string
}{
	{dossier.ErrNoUnit, "error.no_unit"},
	{dossier.ErrUnknownProcedure, "error.unknown_procedure"},
	{dossier.ErrUnknownComponent, "error.unknown_component"},
	{dossier.ErrNotFollowed, "error.not_followed"},
	{dossier.ErrNoPostAddress, "error.no_post_address"},
	{dossier.ErrDeliveryFixed, "error.delivery_fixed"},
	{dossier.ErrNothingCaptured, "error.nothing_captured"},
	{dossier.ErrNotConfirmed, "error.not_confirmed"},
	{dossier.ErrLocked, "error.locked"},
	{dossier.ErrIllegalMove, "error.illegal_move"},
	{dossier.ErrNoAuthorization, "error.no_authorization"},
	{scanner.ErrFeederEmpty, "error.scan.feeder_empty"},
	{scanner.ErrJammed, "error.scan.jammed"},
	{scanner.ErrCoverOpen, "error.scan.cover_open"},
	{scanner.ErrBusy, "error.scan.busy"},
	{scanner.ErrGone, "error.scan.gone"},
	{scanner.ErrUnsupported, "error.scan.unsupported"},
	{importer.ErrEncrypted, "error.import.encrypted"},
	{importer.ErrCorrupt, "error.import.corrupt"},
	{importer.ErrTooLarge, "error.import.too_large"},
	{importer.ErrUnsupportedFormat, "error.import.format"},
	{signing.ErrCertExpired, "error.cert.expired"},
	{signing.ErrCertNotYetValid, "error.cert.not_yet_valid"},
	{signing.ErrCertKeyUsage, "error.cert.key_usage"},
	{signing.ErrCertWeakKey, "error.cert.weak_key"},
	{signing.ErrCertUntrusted, "error.cert.untrusted"},
	{signing.ErrNoCertificate, "error.cert.none"},
	{signing.ErrSignFailed, "error.sign.failed"},
	{signing.ErrTimestamp, "error.sign.timestamp"},
	{signing.ErrInvalidPDF, "error.sign.invalid_pdf"},
	{pkcs11.ErrWrongPIN, "error.pin.wrong"},
	{pkcs11.ErrPINLocked, "error.pin.locked"},
	{pkcs11.ErrFinalTryNeedsConfirm, "error.pin.final_try"},
	{pkcs11.ErrSeveralTokens, "error.token.several"},
	{pkcs11.ErrTokenRemoved, "error.token.removed"},
	{pkcs11.ErrSessionClosed, "error.token.session"},
	{pkcs11.ErrMechanismUnsupported, "error.token.mechanism"},
	{signing.ErrCertRevoked, "error.cert.revoked"},
	{dossier.ErrInvalidUnit, "error.invalid_unit"},
	{storage.ErrDiskFull, "error.disk_full"},
	{storage.ErrBlobCorrupt, "error.blob_corrupt"},
	{storage.ErrNotFound, "error.not_found"},
	{storage.ErrBlobMissing, "error.blob_missing"},
	{applicant.ErrQRFormat, "error.qr_format"},
	{context.DeadlineExceeded, "error.timeout"},
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
		if errors.Is(err, k.err) {
			return lang.L(k.key) + " (" + err.Error() + ")"
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
	applicant.ReasonInvisible: "applicant.reason.invisible_chars",
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
