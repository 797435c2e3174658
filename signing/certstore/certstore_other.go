//go:build !windows

// The Windows certificate store is absent from this build: List and Open say so.

package certstore

import (
	"context"

	"sohoa/signing"
)

// List returns ErrUnsupported off Windows.
func List(ctx context.Context) ([]Cert, error) { return nil, ErrUnsupported }

// Open returns ErrUnsupported off Windows.
func Open(ctx context.Context, thumbprint string) (signing.Identity, error) {
	return nil, ErrUnsupported
}
