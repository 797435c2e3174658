// Dossier codes <unit code>-<YYMMDD>-<NNNN> (Circular 01/2018/TT-VPCP Art. 19) and unit-code checks.
package dossier

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"
)

// ErrInvalidUnit means a unit profile field is malformed.
var ErrInvalidUnit = errors.New("dossier: invalid unit profile")

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
// so it survives restarts and never repeats.
func (d *Desk) nextCode(ctx context.Context, unit string, now time.Time) (string, error) {
	day := now.In(Location).Format("060102")
	n, err := d.db.NextSequence(ctx, unit, day)
	if err != nil {
		return "", err
	}
	if n > 9999 {
		return "", fmt.Errorf("dossier: unit %s has used all 9999 dossier codes of %s", unit, day)
	}
	return FormatCode(unit, now, n), nil
}
