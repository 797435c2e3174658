// Package throttle is a loopback HTTP proxy that models a commune office's link for tests and benchmarks:
// it throttles request bodies to a bit rate, drops connections at random points, and counts the upload
// bytes it forwarded per URL path so a test can measure what a client re-sent after a cut.
package throttle
