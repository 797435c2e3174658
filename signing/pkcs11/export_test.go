//go:build cgo

// Test hooks: feed token flags at the package boundary, since SoftHSM2 never reaches final-try or locked.

package pkcs11

// SetTokenStateHook makes OpenWith see the flags f sets, before and after the login; nil removes it.
func SetTokenStateHook(f func(*TokenInfo)) { tokenStateHook = f }
