// The outbox: what waits to leave the desk.

package model

import (
	"encoding/json"
	"time"
)

// OutboxItem is a dossier waiting to leave, or that left, the desk.
type OutboxItem struct {
	ID                    int64
	DossierID             string
	IdemKey               string // idempotency key sent with every attempt
	State                 string // "pending","claimed","done","failed"
	Attempts              int
	NextAt                time.Time // when a pending item is due; zero means now
	LeaseUntil            time.Time // when a claimed item's lease runs out
	LastError, ErrorClass string
	Result                json.RawMessage // the portal's answer, set by Done
	CreatedAt, UpdatedAt  time.Time
}

// OutboxStats counts outbox items by state.
type OutboxStats struct {
	Pending, Claimed, Done, Failed int
}
