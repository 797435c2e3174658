// Package storage is the desk's local store: one data folder per profile holding a SQLite
// database (WAL, synchronous=FULL, foreign keys on) and a content-addressed blob store.
// It keeps units, settings, dossier sequences, dossiers with their components, pages and
// files, the outbox through which every submission leaves the desk, and an append-only,
// hash-chained audit log.
//
// Every step is one unit of work: DB.Update runs a function in one write transaction, DB.View in one read
// snapshot, and the function reaches the repositories (Dossiers, Components, Pages, Files, Outbox,
// Uploads, Payments, Settings, Secrets) and the audit append (Tx.Audit) from its Tx. A step's rows, its
// state move and its audit row are committed together or not at all.
//
// Rows come after blobs: write the blob with Blobs().Put, then the row that references it.
// A crash in between leaves an orphan blob that CollectGarbage removes later.
// All times are returned in UTC; the zero time.Time means "not set".
package storage
