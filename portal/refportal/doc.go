// Package refportal is the reference portal: an OpenID provider for citizen logins, a tus upload endpoint and
// the dossier submission API of portal/API.md, storing what it receives in its own SQLite and data dir.
// Trainers run it on loopback; tests run the portal client against it.
package refportal
