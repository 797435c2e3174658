// Dossier states and the transitions the desk allows between them.

package dossier

import (
	"fmt"

	"sohoa/errs"
)

// State is where a dossier is in the desk flow.
type State string

// Dossier states.
const (
	Draft     State = "draft"     // procedure and applicant chosen, pages being captured
	Captured  State = "captured"  // every required component has pages
	Signed    State = "signed"    // every component PDF carries the officer's signature
	Queued    State = "queued"    // in the outbox, waiting for upload
	Submitted State = "submitted" // the portal returned its dossier code
	Failed    State = "failed"    // the upload stopped with a permanent error; the officer must act
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
var ErrIllegalMove = errs.New("error.illegal_move", errs.Permanent, "dossier: this step is not allowed in the dossier's current state")

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
