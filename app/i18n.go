// Translations: loading the sentences of sohoa/i18n into Fyne's lang package, forcing the chosen
// language; errors become sentences through sohoa/i18n.

package app

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"

	"sohoa/desk"
	"sohoa/i18n"
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
	data, err := i18n.Messages(code)
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

// ErrorText is the sentence the officer sees for err, in the UI language (see sohoa/i18n).
func ErrorText(err error) string { return i18n.ErrorText(current, err) }

// outboxErrorText explains a queue entry's last error from its stored kind, in plain words.
func outboxErrorText(class, msg string) string { return i18n.QueueText(current, class, msg) }

// showMessage shows a dialog with a title and a message.
func showMessage(w fyne.Window, title, msg string) {
	dialog.ShowInformation(title, msg, w)
}
