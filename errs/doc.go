// Package errs is the one error scheme of sohoa: every error has a kind (transient, permanent, needs
// the officer, needs the citizen) that says what to do about it, and a message key that names its
// sentence in the translations (package sohoa/i18n turns an error into a Vietnamese or English
// sentence). Sentinels are made with New and carry both; typed errors implement Key, Kind and Args.
//
// It is a leaf: it imports nothing of sohoa, so storage, portal, dossier, signing, scanner and assets
// can all use it. Modelled on upspin's errors kinds and restic's permanent/transient split.
package errs
