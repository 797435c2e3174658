//go:build !windows

// Off Windows there is no WIA: no backend is registered and Open says why.

package wia

import "sohoa/scanner"

// Open returns ErrUnsupported off Windows.
func Open(deviceID string) (scanner.Device, error) { return nil, ErrUnsupported }
