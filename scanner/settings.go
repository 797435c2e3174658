// Checking scan settings before anything else (space, paper): an absurd value is an invalid setting.

package scanner

import (
	"fmt"

	"sohoa/errs"
)

// Resolutions a scan may ask for, whatever the device: below MinDPI a page is unreadable, above
// MaxDPI an A4 page no longer fits in memory or in the portal's size limit.
const (
	MinDPI = 50
	MaxDPI = 1200
)

// ErrInvalidSetting reports scan settings that no scan can use; see *SettingError for which.
var ErrInvalidSetting = errs.New("error.scan.invalid_setting", errs.NeedsOfficer, "scanner: invalid scan settings; choose the resolution, colour mode and paper source again")

// SettingError names the setting that is out of range. errors.Is(err, ErrInvalidSetting) holds.
type SettingError struct {
	Setting  string // "dpi"
	Value    int
	Min, Max int
}

// Error says what is wrong and what to do.
func (e *SettingError) Error() string {
	return fmt.Sprintf("scanner: a %s of %d is not valid; choose from %d to %d", e.Setting, e.Value, e.Min, e.Max)
}

// Is makes errors.Is(err, ErrInvalidSetting) true.
func (e *SettingError) Is(target error) bool { return target == ErrInvalidSetting }

// Key names the sentence for the setting.
func (e *SettingError) Key() string { return "error.scan.invalid_" + e.Setting }

// Kind: the officer chooses another value.
func (e *SettingError) Kind() errs.Kind { return errs.NeedsOfficer }

// Args fills the sentence.
func (e *SettingError) Args() map[string]any {
	return map[string]any{"Value": e.Value, "Min": e.Min, "Max": e.Max}
}

// Validate refuses settings no scan can use (today: a resolution outside MinDPI–MaxDPI; what a given
// device supports is its backend's to refuse with ErrUnsupported). Call it after Normalize and before
// checking free space, so an absurd value is reported as what it is rather than as a full disk.
func Validate(s Settings) error {
	if s.DPI < MinDPI || s.DPI > MaxDPI {
		return &SettingError{Setting: "dpi", Value: s.DPI, Min: MinDPI, Max: MaxDPI}
	}
	return nil
}
