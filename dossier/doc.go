// Package dossier is the desk service: the one API the window (app/) and the command line (cli/)
// use for the whole flow at the counter — intake, capture, check and sign, authorize, submit,
// receipt, follow-up and figures. It owns the dossier's state machine and its rules, and is the
// only caller of the local store.
//
// Arrows: app, cli → dossier → {scanner, signing, storage, portal} → assets.
package dossier
