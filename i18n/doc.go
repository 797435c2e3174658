// Package i18n holds sohoa's sentences for the officer, in Vietnamese (the default) and English, and
// turns any error into one: what happened and what to do. It needs no GUI: the CLI prints the same
// sentences the window shows, and the window hands Messages to Fyne's lang package.
//
// The sentences live in assets/i18n/*.json ("vi.json" and "errors.vi.json" for Vietnamese, the same
// for English). An error's sentence is found by its message key (package sohoa/errs); an error with
// no sentence is explained by its kind, followed by its technical detail in parentheses.
//
// Place in the arrows: i18n → {errs, assets}; app and cli use it.
package i18n
