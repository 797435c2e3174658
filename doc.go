// Command sohoa is the counter workstation that digitizes, signs and submits paper dossiers:
// `sohoa gui` (the default with no arguments) opens the window, the other subcommands are the
// command line over the same desk API.
package main
