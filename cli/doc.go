// Package cli holds sohoa's subcommands; main.go adds the GUI and runs them.
package cli
