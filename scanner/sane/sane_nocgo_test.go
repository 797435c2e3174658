//go:build !cgo || windows

package sane

import (
	"context"
	"errors"
	"testing"

	"sohoa/scanner"
)

func TestNotAvailableWithoutCgo(t *testing.T) {
	if _, err := scanner.Open("sane:test:0"); !errors.Is(err, ErrNotAvailable) {
		t.Fatalf("Open without cgo: %v, want ErrNotAvailable", err)
	}
	if _, err := List(context.Background()); !errors.Is(err, ErrNotAvailable) {
		t.Fatalf("List without cgo: %v", err)
	}
}
