// Package deskkey keeps a desk's secret keys apart from its database: in the OS keyring where
// the desk has one (Secret Service, Windows Credential Manager, macOS Keychain), else in a file
// of the data folder readable only by the user. It sits under storage and dossier and imports
// nothing of sohoa but internal/atomicfile.
package deskkey
