// Package portal is the client side of the online-submission API (see API.md) and the citizen's authorization.
//
// A desk submits a dossier (a Manifest plus one signed PDF per component) through the citizen's own portal
// account: Authorizer obtains the citizen's Token (OIDC authorization code + PKCE on a loopback redirect),
// Client.Submit uploads the files resumably (tus) and commits the dossier exactly once under an idempotency key.
// Every error the client returns is classified (Classify) as Transient, Permanent or NeedsUser.
package portal
