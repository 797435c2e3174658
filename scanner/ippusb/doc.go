// Package ippusb carries the eSCL scanner protocol over USB (IPP-over-USB, USB-IF "IPP USB"
// class 7/1/4) with github.com/google/gousb: it claims every IPP-over-USB interface of a device
// and runs HTTP over their bulk endpoints (Transport), so the scanner/escl client works unchanged.
//
// Addresses are "usb:<bus>:<address>", as lsusb prints them. USB needs cgo and libusb-1.0; a
// build without cgo registers the backend but reports ErrNoUSB.
package ippusb
