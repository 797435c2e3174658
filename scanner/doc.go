// Package scanner defines the Device interface every scanner backend implements, its typed errors and the address registry.
package scanner
