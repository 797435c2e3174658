// Package selfcheck holds tests of the repository itself, not of a program part: every tool the
// tests and scripts call is installed by `make test` (the Makefile's package lists), nothing in
// the project reads a folder beside the repository, and every row of CONFORMANCE.md names a test
// that exists. It has no code of its own and nothing imports it.
package selfcheck
