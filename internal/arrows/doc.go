// Package arrows holds no code: its test checks the module's import arrows (app → desk ← dossier →
// {scanner, signing, storage, portal}; app and cli never reach storage, dossier or the wiring; the
// backends do not import each other or the domain; only main creates the Fyne app).
package arrows
