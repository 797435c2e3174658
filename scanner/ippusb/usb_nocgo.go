// The USB side in a build without cgo: the backend is registered but says USB is not in this build.

//go:build !cgo || windows

package ippusb

import (
	"context"
	"fmt"
	"runtime"

	"sohoa/scanner"
)

func openDevice(bus, addr int) (scanner.Device, error) {
	if runtime.GOOS == "windows" {
		return nil, fmt.Errorf("%w: on Windows, USB scanners are used through their Windows driver (the wia: entries of the scanner list)", ErrNoUSB)
	}
	return nil, fmt.Errorf("%w: this build of the program has no USB support (built without cgo); connect the scanner by network or use a build with USB", ErrNoUSB)
}

func listDevices(context.Context) ([]scanner.Info, error) {
	if runtime.GOOS == "windows" {
		return nil, nil // USB scanners show up through WIA; IPP-over-USB has no Windows side here
	}
	return nil, fmt.Errorf("%w: this build of the program has no USB support (built without cgo)", ErrNoUSB)
}
