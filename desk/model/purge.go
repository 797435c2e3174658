// What the retention rules removed.

package model

// PurgeResult counts what Purge removed.
type PurgeResult struct {
	Pages, Files, Blobs int
}
