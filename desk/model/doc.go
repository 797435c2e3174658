// Package model holds the records of a desk — pages, files, outbox items, units, payments — as the
// store keeps them and the desk API hands them to the screens and commands. It imports nothing of
// sohoa: storage persists these types (as aliases) and sohoa/desk re-exports them, so the screens
// never need the storage package to read a dossier.
package model
