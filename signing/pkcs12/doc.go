// Package pkcs12 provides software signing identities: .p12/.pfx files and the generated TRAINING identity.
package pkcs12
