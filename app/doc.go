// Package app is the desk GUI (Fyne): the screens of the counter flow, calling sohoa/dossier for every step.
// It never creates the Fyne app itself (main.go does) and builds without cgo, so it is tested headless.
package app
