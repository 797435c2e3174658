// Package storage is the desk's local store: one data folder per profile holding a SQLite
// database (WAL, synchronous=FULL, foreign keys on) and a content-addressed blob store.
// It keeps units, settings, dossier sequences, dossiers with their components, pages and
// files, the outbox through which every submission leaves the desk, and an append-only,
// hash-chained audit log.
//
// Rows come after blobs: write the blob with Blobs().Put, then the row that references it.
// A crash in between leaves an orphan blob that CollectGarbage removes later.
// All times are returned in UTC; the zero time.Time means "not set".
package storage
