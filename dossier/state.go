// Dossier states and the transitions the desk allows between them.

package dossier

import (
	"errors"
	"fmt"
)

// transitions lists the legal moves; anything else is refused.
var transitions = map[State][]State{
	Draft:     {Captured},
	Captured:  {Draft, Signed},
	Signed:    {Captured, Queued}, // back to Captured re-opens capture and drops the signatures
	Queued:    {Submitted, Failed},
	Failed:    {Queued, Captured},
	Submitted: nil,
}

// ErrIllegalMove is returned (wrapped) when a dossier is asked to move between two states that
// are not connected, for example signing a dossier that was already submitted.
var ErrIllegalMove = errors.New("dossier: this step is not allowed in the dossier's current state")

// CanMove reports whether from → to is a legal transition.
func CanMove(from, to State) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

func checkMove(id string, from, to State) error {
	if !CanMove(from, to) {
		return fmt.Errorf("%w: dossier %s is %s, cannot become %s", ErrIllegalMove, id, from, to)
	}
	return nil
}
