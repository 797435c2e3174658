// Test access to a desk's store for this package's external tests (the desk itself hands it to nobody).

package dossier

import "sohoa/storage"

// StoreOf is the store of a desk, for tests that check what was written.
func StoreOf(d *Desk) *storage.DB { return d.db }
