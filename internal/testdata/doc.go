// Package testdata finds the project's own test data folder (<module root>/testdata) from any
// package's tests, so that no test reads anything outside the repository.
package testdata
