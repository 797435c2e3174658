//go:build !cgo

// Stubs for builds without cgo: USB tokens need the C PKCS#11 interface.

package pkcs11

import "sohoa/signing"

// List needs cgo; this build returns ErrNoCgo.
func List(modulePath string) ([]TokenInfo, error) { return nil, ErrNoCgo }

// Open needs cgo; this build returns ErrNoCgo.
func Open(modulePath string, sel Selector, pin []byte) (signing.Identity, error) {
	clear(pin)
	return nil, ErrNoCgo
}

// OpenWith needs cgo; this build returns ErrNoCgo.
func OpenWith(modulePath string, sel Selector, pin []byte, opt Options) (signing.Identity, error) {
	clear(pin)
	return nil, ErrNoCgo
}
