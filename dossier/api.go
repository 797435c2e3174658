// The desk API's types and rules (sohoa/desk) under the names this package has always used.

package dossier

import (
	"image"

	"sohoa/desk"
	"sohoa/dossier/catalog"
)

// The domain types live in sohoa/desk, so the screens and commands need not import this package.
type (
	State         = desk.State
	View          = desk.View
	ComponentView = desk.ComponentView
	Summary       = desk.Summary
	Record        = desk.Record
	CaptureEvent  = desk.CaptureEvent
	ScanRequest   = desk.ScanRequest
	SignOptions   = desk.SignOptions
	StatusChange  = desk.StatusChange
	SyncReport    = desk.SyncReport
	FolderState   = desk.FolderState
	RecoveredFile = desk.RecoveredFile
	AuditRow      = desk.AuditRow
	AuditHead     = desk.AuditHead
	AuditCheck    = desk.AuditCheck
	HolidayYear   = desk.HolidayYear
)

// Dossier states.
const (
	Draft     = desk.Draft
	Captured  = desk.Captured
	Signed    = desk.Signed
	Queued    = desk.Queued
	Submitted = desk.Submitted
	Failed    = desk.Failed
)

// File roles.
const (
	RoleImported = desk.RoleImported
	RoleSigned   = desk.RoleSigned
)

// Sentinels the screens test for, defined with the API (the same values).
var (
	ErrNoUnit          = desk.ErrNoUnit
	ErrNoAuthorization = desk.ErrNoAuthorization
	ErrInvalidUnit     = desk.ErrInvalidUnit
)

// Location is the time zone dossier dates are written in.
var Location = desk.Location

// ValidUnitCode checks a unit code against the QCVN 102:2016 shape.
func ValidUnitCode(code string) error { return desk.ValidUnitCode(code) }

// FeeLines are the fee rows a dossier pays (see desk.FeeLines).
func FeeLines(v View) []catalog.Fee { return desk.FeeLines(v) }

// FeeTotal is what a dossier pays, in VND: the sum of its FeeLines.
func FeeTotal(v View) int64 { return desk.FeeTotal(v) }

// PaymentNote is the receipt's line about online payment.
func PaymentNote(p desk.Payment) string { return desk.PaymentNote(p) }

// Rotate turns img clockwise by 0, 90, 180 or 270 degrees.
func Rotate(img image.Image, degrees int) image.Image { return desk.Rotate(img, degrees) }
