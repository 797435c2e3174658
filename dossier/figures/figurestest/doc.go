// Package figurestest builds a known desk history through storage's API, for the tests of the
// figures, the reports and the GUI: several officers and procedures, refused, failed, overdue and
// training dossiers, a week across a month boundary (2026-W49) and the Tết 2026 holiday.
// The expected figures are written down in sohoa/dossier/figures' tests.
package figurestest
