// Package arrows holds no code: its tests check the module's shape — the import arrows (app → desk
// ← dossier → {scanner, signing, storage, portal}; app and cli never reach storage, dossier or the
// wiring; the backends do not import each other or the domain; only main creates the Fyne app) and
// that no type declares more than 25 methods.
package arrows
