// Package sane drives scanners through the system's libsane (cgo). Address "sane:<SANE device name>",
// e.g. "sane:test:0" or "sane:fujitsu:libusb:001:004". Builds without cgo get a stub that returns
// ErrNotAvailable.
package sane
