// Selecting dossiers in a list.

package model

import (
	"time"
)

// DossierFilter selects dossiers: State "" means any; Since (inclusive) and Until
// (exclusive) bound CreatedAt when set; Limit 0 means no limit.
type DossierFilter struct {
	State        string
	Since, Until time.Time
	Limit        int
}
