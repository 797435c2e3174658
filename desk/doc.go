// Package desk is the API of a counter desk: the domain types the screens and commands read
// (dossier views, pages, files, the queue, the unit profile) and the services they call, one per
// job (dossiers, capture, signing, outbox, follow-up, secrets, settings, reports, the data folder).
//
// Arrows: app and cli import desk and never storage or dossier; sohoa/dossier implements these
// services over sohoa/storage, and sohoa/wire builds them (with the scanners, identities, portal and
// background workers) for the program. desk imports the domain's leaf packages (desk/model, catalog,
// applicant, workdays, figures, report) and the small interfaces of the backends (scanner, signing,
// portal), never their implementations' stores.
package desk
