// Errors that frame another error with what it means for the dossier at hand.

package dossier

import "sohoa/desk"

// ErrNotQueued is desk.ErrNotQueued: nothing was queued, nothing will be retried by itself.
var ErrNotQueued = desk.ErrNotQueued
