// Package tsa is an RFC 3161 timestamp authority as an http.Handler, for the reference portal's
// training mode (mounted at /tsa): it answers application/timestamp-query POSTs with signed tokens.
package tsa
