// Tests of the gousb side that need no device: interface selection from descriptors and error classification.

//go:build cgo && !windows

package ippusb

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/gousb"

	"sohoa/scanner"
)

func bulk(num int, dir gousb.EndpointDirection) gousb.EndpointDesc {
	addr := gousb.EndpointAddress(num)
	if dir == gousb.EndpointDirectionIn {
		addr |= 0x80
	}
	return gousb.EndpointDesc{Address: addr, Number: num, Direction: dir, TransferType: gousb.TransferTypeBulk, MaxPacketSize: 512}
}

func alt(num, altNum, class, sub, proto int, eps ...gousb.EndpointDesc) gousb.InterfaceSetting {
	m := map[gousb.EndpointAddress]gousb.EndpointDesc{}
	for _, e := range eps {
		m[e.Address] = e
	}
	return gousb.InterfaceSetting{Number: num, Alternate: altNum, Class: gousb.Class(class), SubClass: gousb.Class(sub), Protocol: gousb.Protocol(proto), Endpoints: m}
}

// The layout an HP MFP reports (ipp-usb issue #26): interface 0 is vendor-specific in alt 0 and
// IPP-over-USB in alt 1; interface 1 is 7/1/2 in alt 0 and 7/1/4 in alt 1; interface 2 is 7/1/2 only.
func TestIPPInterfaces(t *testing.T) {
	in, out := gousb.EndpointDirectionIn, gousb.EndpointDirectionOut
	desc := &gousb.DeviceDesc{Bus: 1, Address: 5, Configs: map[int]gousb.ConfigDesc{1: {Number: 1, Interfaces: []gousb.InterfaceDesc{
		{Number: 0, AltSettings: []gousb.InterfaceSetting{alt(0, 0, 255, 0, 255, bulk(1, out), bulk(1, in)), alt(0, 1, 7, 1, 4, bulk(2, out), bulk(2, in))}},
		{Number: 1, AltSettings: []gousb.InterfaceSetting{alt(1, 0, 7, 1, 2, bulk(3, out), bulk(3, in)), alt(1, 1, 7, 1, 4, bulk(4, out), bulk(4, in))}},
		{Number: 2, AltSettings: []gousb.InterfaceSetting{alt(2, 0, 7, 1, 2, bulk(5, out), bulk(5, in))}},
		{Number: 3, AltSettings: []gousb.InterfaceSetting{alt(3, 0, 7, 1, 4, bulk(6, out))}}, // no IN endpoint: unusable
	}}}}
	cfg, got := ippInterfaces(desc)
	want := []ifaceAddr{{num: 0, alt: 1, in: 2, out: 2}, {num: 1, alt: 1, in: 4, out: 4}}
	if cfg != 1 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("config %d interfaces %v, want 1 %v", cfg, got, want)
	}
	printer := &gousb.DeviceDesc{Configs: map[int]gousb.ConfigDesc{1: {Number: 1, Interfaces: []gousb.InterfaceDesc{
		{Number: 0, AltSettings: []gousb.InterfaceSetting{alt(0, 0, 7, 1, 2, bulk(1, out), bulk(1, in))}},
	}}}}
	if _, got := ippInterfaces(printer); len(got) != 0 {
		t.Errorf("a plain 7/1/2 printer was taken for IPP-over-USB: %v", got)
	}
}

func TestUSBErrorClassification(t *testing.T) {
	for _, err := range []error{gousb.ErrorNoDevice, gousb.TransferNoDevice, fmt.Errorf("read: %w", gousb.ErrorNoDevice)} {
		if got := usbError(err); !errors.Is(got, scanner.ErrGone) {
			t.Errorf("%v: %v is not ErrGone", err, got)
		}
	}
	if got := usbError(gousb.ErrorAccess); !errors.Is(got, ErrNoAccess) {
		t.Errorf("access: %v", got)
	}
	if got := usbError(gousb.TransferCancelled); errors.Is(got, scanner.ErrGone) {
		t.Errorf("a cancelled transfer is not an unplugged device: %v", got)
	}
}
