// Package escltest is a fake eSCL scanner for tests: an http.Handler that serves real captured
// capabilities and status documents, accepts scan jobs, records what clients send, returns
// generated JPEG pages and can play device faults (busy, jam, empty feeder, hang).
package escltest
