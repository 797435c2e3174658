// Package tamper makes the changes an attacker makes to a signed PDF — an incremental update that adds
// a content stream to a page, or lays an opaque annotation over it — so that the verifier and the
// reference portal can be tested against them. It is test support: nothing in sohoa's running code uses it.
package tamper
