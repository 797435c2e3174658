// Package wire is the one place that wires the program for the window and the commands: it opens
// the desk (sohoa/dossier over sohoa/storage) behind the desk API, registers the scanner backends,
// finds the signing identities (USB tokens, the training identity), starts the training portal, and
// owns the background workers (outbox uploader, status sync) that talk to the portal.
//
// Arrows: main → wire → {dossier, scanner backends, signing backends, portal, refportal}; app and cli
// never import wire (they get desk.Program from main), so they never depend on storage.
package wire
