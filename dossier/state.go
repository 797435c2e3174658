// Dossier states and the transitions the desk allows between them.

package dossier

import (
	"context"
	"fmt"

	"sohoa/errs"
	"sohoa/storage"
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

// moveTx checks and makes a state move inside the step's transaction, with its audit row: the move and
// its record are committed together or not at all.
func (d *core) moveTx(tx *storage.Tx, id string, from, to State, detail any) error {
	if err := checkMove(id, from, to); err != nil {
		return err
	}
	if err := tx.Dossiers().Move(id, string(from), string(to)); err != nil {
		return fmt.Errorf("dossier %s: %w", id, err)
	}
	return tx.Audit(d.actor(), "dossier."+string(to), id, detail)
}

// audit appends one audit row in a transaction of its own, for what changes nothing else (a receipt
// printed, a dossier exported).
func (d *core) audit(ctx context.Context, action, id string, detail any) error {
	return d.db.Update(ctx, action, func(tx *storage.Tx) error { return tx.Audit(d.actor(), action, id, detail) })
}

// updateRecordTx changes a dossier's record (and the typed columns written from it) inside tx.
func (d *core) updateRecordTx(tx *storage.Tx, id string, f func(*Record)) error {
	row, err := tx.Dossiers().Get(id)
	if err != nil {
		return err
	}
	rec, err := decodeRecord(row)
	if err != nil {
		return err
	}
	f(&rec)
	if err := encodeRecord(&row, rec); err != nil {
		return err
	}
	return tx.Dossiers().Update(row)
}

// stateTx reads a dossier's state inside tx.
func stateTx(tx *storage.Tx, id string) (State, error) {
	row, err := tx.Dossiers().Get(id)
	if err != nil {
		return "", err
	}
	return State(row.State), nil
}
