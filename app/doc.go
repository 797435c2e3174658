// Package app is the desk GUI (Fyne): the screens of the counter flow, calling the desk API
// (sohoa/desk) for every step. It never creates the Fyne app itself (main.go does), never imports
// the store or the wiring, and builds without cgo, so it is tested headless.
package app
