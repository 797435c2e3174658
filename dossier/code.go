// Dossier codes <unit code>-<YYMMDD>-<NNNN> (Circular 01/2018/TT-VPCP Art. 19) and unit-code checks.

package dossier

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"sohoa/errs"
	"sohoa/storage"
)

// ErrInvalidUnit means a unit profile field is malformed.
var ErrInvalidUnit = errs.New("error.invalid_unit", errs.NeedsOfficer, "dossier: invalid unit profile")

// unitCodeRE is the QCVN 102:2016/BTTTT shape: 000.00.00.H47, 000.00.12.G01, 000.21.30.H47 ...
var unitCodeRE = regexp.MustCompile(`^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$`)

// ValidUnitCode checks a unit code against the QCVN 102:2016 shape.
func ValidUnitCode(code string) error {
	if !unitCodeRE.MatchString(code) {
		return fmt.Errorf("%w: unit code %q must look like 000.00.00.H47 (QCVN 102:2016); ask the provincial office for your unit's code", ErrInvalidUnit, code)
	}
	return nil
}

// Location is the time zone dossier dates are written in.
var Location = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		return time.FixedZone("ICT", 7*3600)
	}
	return loc
}()

// FormatCode builds a dossier code from its parts.
func FormatCode(unit string, day time.Time, seq int) string {
	return fmt.Sprintf("%s-%s-%04d", unit, day.In(Location).Format("060102"), seq)
}

// nextCode takes the next number of the unit's daily sequence; the sequence lives in the store,
// so it survives restarts and never repeats. A unit with several desks gives each desk a number
// 1–9: desk k then numbers its dossiers k001–k999 each day, so two desks never hand out the same code.
func (d *Desk) nextCode(ctx context.Context, unit string, now time.Time) (string, error) {
	day := now.In(Location).Format("060102")
	desk, err := d.DeskNumber(ctx)
	if err != nil {
		return "", err
	}
	n, err := d.db.NextSequence(ctx, unit, day)
	if err != nil {
		return "", err
	}
	limit := 9999
	if desk > 0 {
		limit = 999
	}
	if n > limit {
		return "", fmt.Errorf("dossier: this desk of unit %s has used all %d dossier codes of %s", unit, limit, day)
	}
	return FormatCode(unit, now, desk*1000+n), nil
}

const settingDesk = "desk.number"

// ErrInvalidDesk means a desk number outside 0–9.
var ErrInvalidDesk = errs.New("error.invalid_desk", errs.NeedsOfficer, "dossier: the desk number must be 0 (the unit's only desk) or 1–9")

// DeskNumber is this desk's number within its unit (0: the unit's only desk).
func (d *Desk) DeskNumber(ctx context.Context) (int, error) {
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
func (d *Desk) SetDeskNumber(ctx context.Context, n int) error {
	if n < 0 || n > 9 {
		return fmt.Errorf("%w (given: %d)", ErrInvalidDesk, n)
	}
	if err := d.db.SetSetting(ctx, settingDesk, strconv.Itoa(n)); err != nil {
		return err
	}
	return d.db.Audit(ctx, d.actor(), "desk.numbered", "", map[string]any{"desk": n})
}
