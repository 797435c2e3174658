// Package storage is the desk's local store: one data folder per profile holding a SQLite
// database (WAL, synchronous=FULL, foreign keys on) and a content-addressed blob store.
// It keeps units, settings, dossier sequences, dossiers with their components, pages and
// files, the outbox through which every submission leaves the desk, and an append-only audit
// log chained by HMAC-SHA-256 under a key kept outside the database (identity.go, audit.go).
//
// The folder has an identity, in the database and in blobs/FOLDER-ID: Open refuses a folder
// whose database is missing, empty or another folder's (ErrFolderDamaged) and changes nothing;
// Repair (sohoa doctor) rebuilds it around its blobs.
//
// Every step is one unit of work: DB.Update runs a function in one write transaction, DB.View in one read
// snapshot, and the function reaches the repositories (Dossiers, Components, Pages, Files, Outbox,
// Uploads, Payments, Settings, Secrets) and the audit append (Tx.Audit) from its Tx. A step's rows, its
// state move and its audit row are committed together or not at all.
//
// Rows come after blobs: write the blob with Blobs().Put, then the row that references it.
// A crash in between leaves an orphan blob that CollectGarbage removes later, and only on a
// folder whose identity checks out, after GCGrace.
// All times are returned in UTC; the zero time.Time means "not set".
package storage
