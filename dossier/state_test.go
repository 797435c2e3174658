// Tests of the dossier state machine and dossier codes.

package dossier

import (
	"errors"
	"testing"
	"time"
)

func TestTransitions(t *testing.T) {
	legal := [][2]State{{Draft, Captured}, {Captured, Signed}, {Signed, Queued}, {Queued, Submitted}, {Queued, Failed}, {Failed, Queued}, {Signed, Captured}, {Captured, Draft}}
	for _, m := range legal {
		if !CanMove(m[0], m[1]) {
			t.Errorf("%s → %s should be allowed", m[0], m[1])
		}
	}
	illegal := [][2]State{{Draft, Signed}, {Draft, Queued}, {Captured, Queued}, {Submitted, Queued}, {Submitted, Failed}, {Submitted, Draft}, {Queued, Signed}, {Signed, Submitted}}
	for _, m := range illegal {
		if CanMove(m[0], m[1]) {
			t.Errorf("%s → %s should be refused", m[0], m[1])
		}
		if err := checkMove("X", m[0], m[1]); !errors.Is(err, ErrIllegalMove) {
			t.Errorf("%s → %s: error %v, want ErrIllegalMove", m[0], m[1], err)
		}
	}
}

func TestFormatCodeAndUnit(t *testing.T) {
	day := time.Date(2026, 11, 26, 23, 30, 0, 0, time.UTC) // already 27/11 in Vietnam
	if got := FormatCode("000.00.00.H47", day, 7); got != "000.00.00.H47-261127-0007" {
		t.Errorf("FormatCode = %s", got)
	}
	for _, ok := range []string{"000.00.00.H47", "000.21.30.H47", "000.00.12.G01"} {
		if err := ValidUnitCode(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "H47", "000.00.00.h47", "000.00.00.H4", "000-00-00-H47", "000.00.00.H47 "} {
		if err := ValidUnitCode(bad); !errors.Is(err, ErrInvalidUnit) {
			t.Errorf("%q accepted", bad)
		}
	}
}
