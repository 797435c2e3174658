// The scanner backends this program offers; each registers its address scheme in init.

package cli

import (
	_ "sohoa/scanner/escl"    // escl:URL — eSCL/AirScan over the network
	_ "sohoa/scanner/folder"  // folder:PATH — a hot folder (scan-to-folder, scan-to-SMB)
	_ "sohoa/scanner/ippusb"  // usb:BUS:ADDR — eSCL over IPP-over-USB
	_ "sohoa/scanner/sane"    // sane:NAME — SANE drivers (cgo builds)
	_ "sohoa/scanner/virtual" // virtual: — the training scanner
	_ "sohoa/scanner/wia"     // wia:DEVICE-ID — Windows Image Acquisition (registers on Windows only)
)
