// Package wia drives scanners through Windows Image Acquisition (the WIA 2.0 automation library,
// wiaaut.dll, over COM with github.com/go-ole/go-ole). Address "wia:<WIA device ID>". The COM code
// is Windows-only; the error mapping, the property settings and the page decoding in this file
// are shared and tested on every platform.
package wia
