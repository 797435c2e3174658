// Package cli holds sohoa's subcommands. They reach the desk through the desk API (sohoa/desk)
// and get the program's wiring (opening desks, identities, the training portal, the workers) as a
// desk.Program from main.go; they never import the store.
package cli
