// Errors that frame another error with what it means for the dossier at hand.

package desk

import "sohoa/errs"

// ErrNotQueued frames a failure that happened before a dossier reached the outbox (for example the
// portal could not be reached to authorize): nothing was queued and nothing will be retried by
// itself. Use errs.Frame(ErrNotQueued, err); the officer's sentence then carries err's own sentence.
var ErrNotQueued = errs.New("error.submit.not_queued", errs.Permanent, "dossier: the dossier was not queued; nothing will be retried by itself")
