//go:build !cgo || windows

// Package sane drives scanners through the system's libsane; this build has no cgo, so the
// backend only reports ErrNotAvailable.

package sane

import (
	"context"
	"fmt"

	"sohoa/scanner"
)

func init() {
	scanner.Register(scanner.Backend{
		Scheme: "sane",
		Open: func(rest string) (scanner.Device, error) {
			return nil, fmt.Errorf("sane: cannot open %q: %w", rest, ErrNotAvailable)
		},
		// List is nil: a build without cgo has no SANE devices to show, and listing is not an error.
	})
}

// List reports ErrNotAvailable: this build cannot call libsane.
func List(ctx context.Context) ([]scanner.Info, error) { return nil, ErrNotAvailable }
