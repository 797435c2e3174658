// Dossier codes <unit code>-<YYMMDD>-<NNNN> (Circular 01/2018/TT-VPCP Art. 19) and unit-code checks.

package dossier

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"sohoa/errs"
	"sohoa/storage"
)

// FormatCode builds a dossier code from its parts.
func FormatCode(unit string, day time.Time, seq int) string {
	return fmt.Sprintf("%s-%s-%04d", unit, day.In(Location).Format("060102"), seq)
}

// nextCode takes the next number of the unit's daily sequence (Circular 01/2018/TT-VPCP Art. 19:
// <unit code>-<YYMMDD>-<NNNN>, one sequence per unit and day), inside the transaction that creates the
// dossier. The desk's own counter lives in the store, so it survives restarts and never repeats. A unit
// with N desks shares the one sequence by interleaving: desk k (1…N) takes the numbers k, k+N, k+2N… — a
// single desk numbers 0001, 0002…, two desks 0001/0003… and 0002/0004…; no two desks ever take the same
// number, no desk number is put in front of the sequence, and the whole range 0001–9999 stays the unit's
// (see dossier/doc.go). desk and desks come from Desks.
func (d *dossierSvc) nextCode(tx *storage.Tx, unit string, desk, desks int, now time.Time) (string, error) {
	day := now.In(Location).Format("060102")
	n, err := tx.Settings().NextSequence(unit, day)
	if err != nil {
		return "", err
	}
	seq, ok := SequenceNumber(n, desk, desks)
	if !ok {
		return "", fmt.Errorf("dossier: this desk of unit %s has used all its dossier codes of %s (desk %d of %d)", unit, day, desk, desks)
	}
	return FormatCode(unit, now, seq), nil
}

// SequenceNumber is the <NNNN> part of the n-th dossier (1, 2, 3…) of the day taken at desk k of a
// unit with the given number of desks: (n-1)·desks + k. Desk 0 is the unit's only desk (k = 1,
// desks = 1). ok is false past 9999, the last number the 4-digit format holds.
func SequenceNumber(n, desk, desks int) (int, bool) {
	if desk <= 0 || desks <= 0 {
		desk, desks = 1, 1
	}
	seq := (n-1)*desks + desk
	return seq, n >= 1 && seq <= 9999
}

const settingDesks = "desk.count"

// Desks returns this desk's number in its unit and how many desks the unit has: (1, 1) for a
// unit's only desk. A folder numbered before the count existed (desk number set, no count)
// counts 9 desks, the most there can be, so its numbers never meet another desk's.
func (d *core) Desks(ctx context.Context) (desk, desks int, err error) {
	desk, err = d.DeskNumber(ctx)
	if err != nil {
		return 0, 0, err
	}
	v, err := d.db.Setting(ctx, settingDesks)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && v == "") {
		if desk == 0 {
			return 1, 1, nil
		}
		return desk, 9, nil
	}
	if err != nil {
		return 0, 0, err
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 9 || (desk > n) {
		return 0, 0, fmt.Errorf("%w (stored: desk %d of %q)", ErrInvalidDesk, desk, v)
	}
	if desk == 0 {
		desk = 1
	}
	return desk, n, nil
}

// SetDesks sets this desk's number k and the number of desks N of its unit (1 ≤ k ≤ N ≤ 9); every
// desk of the unit must be given the same N.
func (d *settingsSvc) SetDesks(ctx context.Context, desk, desks int) error {
	if desks < 1 || desks > 9 || desk < 1 || desk > desks {
		return fmt.Errorf("%w (given: desk %d of %d)", ErrInvalidDesk, desk, desks)
	}
	return d.db.Update(ctx, "number desk", func(tx *storage.Tx) error {
		if err := tx.Settings().Set(settingDesk, strconv.Itoa(desk)); err != nil {
			return err
		}
		if err := tx.Settings().Set(settingDesks, strconv.Itoa(desks)); err != nil {
			return err
		}
		return tx.Audit(d.actor(), "desk.numbered", "", map[string]any{"desk": desk, "desks": desks})
	})
}

const settingDesk = "desk.number"

// ErrInvalidDesk means a desk number outside 0–9.
var ErrInvalidDesk = errs.New("error.invalid_desk", errs.NeedsOfficer, "dossier: the desk number must be 0 (the unit's only desk) or 1–9")

// DeskNumber is this desk's number within its unit (0: the unit's only desk).
func (d *core) DeskNumber(ctx context.Context) (int, error) {
	v, err := d.db.Setting(ctx, settingDesk)
	if errors.Is(err, storage.ErrNotFound) || v == "" {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 9 {
		return 0, fmt.Errorf("%w (stored: %q)", ErrInvalidDesk, v)
	}
	return n, nil
}

// SetDeskNumber sets this desk's number within its unit: 0 for a single desk, 1–9 when the unit has several.
func (d *settingsSvc) SetDeskNumber(ctx context.Context, n int) error {
	if n < 0 || n > 9 {
		return fmt.Errorf("%w (given: %d)", ErrInvalidDesk, n)
	}
	return d.db.Update(ctx, "number desk", func(tx *storage.Tx) error {
		if err := tx.Settings().Set(settingDesk, strconv.Itoa(n)); err != nil {
			return err
		}
		return tx.Audit(d.actor(), "desk.numbered", "", map[string]any{"desk": n})
	})
}
