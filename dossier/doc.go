// Package dossier implements the desk API (sohoa/desk): the services the window (app/) and the
// command line (cli/) use for the whole flow at the counter — intake, capture, check and sign,
// authorize, submit, receipt, follow-up and figures — over one core that owns the dossier's state
// machine and its rules. It is the only caller of the local store; its domain types are the desk
// package's (aliased here).
//
// Arrows: wire → dossier → {desk, scanner, signing, storage, portal} → assets; app and cli reach it
// only through sohoa/desk.
package dossier
