// Package signing defines signing identities, PDF signing with a visible appearance, certificate checks and verification.
package signing
