// Package escl is the eSCL (AirScan, Mopria) scanner backend: an HTTP client for
// /eSCL/ScannerCapabilities, ScannerStatus and ScanJobs that streams JPEG pages as
// scanner.Pages, with DNS-SD discovery of _uscan._tcp/_uscans._tcp. It runs over any
// http.RoundTripper, which is how scanner/ippusb carries it over USB.
//
// Addresses are "escl:<base URL>", e.g. "escl:http://192.168.1.20:80/eSCL".
package escl
