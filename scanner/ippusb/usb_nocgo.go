// The USB side in a build without cgo: the backend is registered but says USB is not in this build.

//go:build !cgo || windows

package ippusb

import (
	"context"
	"fmt"

	"sohoa/scanner"
)

func openDevice(bus, addr int) (scanner.Device, error) {
	return nil, fmt.Errorf("%w: this build of the program has no USB support (built without cgo); connect the scanner by network or use a build with USB", ErrNoUSB)
}

func listDevices(context.Context) ([]scanner.Info, error) {
	return nil, fmt.Errorf("%w: this build of the program has no USB support (built without cgo)", ErrNoUSB)
}
