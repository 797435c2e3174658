// The IPP-over-USB device: eSCL carried over USB bulk transfers.

package ippusb

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"sohoa/errs"
	"sohoa/scanner"
)

// Scheme is the address scheme of this backend.
const Scheme = "usb"

// ErrNoUSB: USB scanning is not available (a build without cgo, or libusb cannot start).
var ErrNoUSB = errs.New("error.scan.no_usb", errs.Permanent, "ippusb: USB scanning is not available")

// ErrNoAccess: the device exists but this user may not open it.
var ErrNoAccess = errs.New("error.scan.no_access", errs.NeedsOfficer, "ippusb: no permission to use the USB scanner")

func init() {
	scanner.Register(scanner.Backend{
		Scheme: Scheme,
		Open:   Open,
		List:   List,
	})
}

// ParseAddress reads "<bus>:<address>" (the part after "usb:"), e.g. "1:5" or "001:005".
func ParseAddress(rest string) (bus, addr int, err error) {
	b, a, ok := strings.Cut(strings.TrimSpace(rest), ":")
	if ok {
		bus, err = strconv.Atoi(b)
	}
	if ok && err == nil {
		addr, err = strconv.Atoi(a)
	}
	if !ok || err != nil || bus < 0 || bus > 255 || addr < 1 || addr > 127 {
		return 0, 0, fmt.Errorf("ippusb: address %q is not usb:<bus>:<address> (e.g. usb:1:5)", rest)
	}
	return bus, addr, nil
}

// Address formats the scanner address of a USB device.
func Address(bus, addr int) string { return fmt.Sprintf("%s:%d:%d", Scheme, bus, addr) }

// InterfaceClass is a USB interface class/subclass/protocol triple.
type InterfaceClass struct{ Class, SubClass, Protocol int }

// IPPOverUSB lists the interface triples carrying IPP-over-USB. The standard is 7/1/4
// (printer class, IPP protocol); ipp-usb and sane-airscan accept only that one. A
// vendor-specific variant found on a real device is added here.
var IPPOverUSB = []InterfaceClass{{Class: 7, SubClass: 1, Protocol: 4}}

// IsIPPOverUSB reports whether an interface alternate setting carries IPP-over-USB.
func IsIPPOverUSB(class, subClass, protocol int) bool {
	for _, c := range IPPOverUSB {
		if c.Class == class && c.SubClass == subClass && c.Protocol == protocol {
			return true
		}
	}
	return false
}

// Open opens the USB scanner at rest ("<bus>:<address>") as an eSCL device over IPP-over-USB.
func Open(rest string) (scanner.Device, error) {
	bus, addr, err := ParseAddress(rest)
	if err != nil {
		return nil, err
	}
	return openDevice(bus, addr)
}

// List enumerates the USB devices that offer IPP-over-USB.
func List(ctx context.Context) ([]scanner.Info, error) { return listDevices(ctx) }
