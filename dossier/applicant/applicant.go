// The applicant record and the CCCD QR code parser.

package applicant

import (
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"sohoa/errs"
)

// Sex values as printed on the card and in the QR code (NFC).
const (
	Male   = "Nam"
	Female = "Nữ"
)

// Field names used in FieldError.Field.
const (
	FieldID        = "id"
	FieldOldID     = "old_id"
	FieldName      = "name"
	FieldDOB       = "dob"
	FieldSex       = "sex"
	FieldAddress   = "address"
	FieldIssueDate = "issue_date"
	FieldPhone     = "phone"
	FieldEmail     = "email"
)

// Reasons used in FieldError.Reason; the UI maps Field+Reason to a Vietnamese sentence.
const (
	ReasonEmpty     = "empty"           // the field is required and blank
	ReasonFormat    = "format"          // wrong shape (digits, length, date layout, address syntax)
	ReasonDate      = "invalid_date"    // not a calendar date
	ReasonFuture    = "future"          // date after today
	ReasonOrder     = "after_issue"     // date of birth on or after the issue date
	ReasonProvince  = "province"        // ID's first 3 digits are not a province code 001–096
	ReasonMismatch  = "mismatch_id"     // ID's century/sex digit or year digits contradict DOB/sex
	ReasonUnknown   = "unknown_value"   // sex not Nam/Nữ
	ReasonTooLong   = "too_long"        // longer than any real value
	ReasonForbidden = "forbidden_chars" // control characters or '|'
	ReasonInvisible = "invisible_chars" // bidirectional controls or zero-width characters
)

// ErrQRFormat means the scanned text is not a CCCD QR code at all (wrong number of
// '|'-separated fields, or empty). Ask the citizen to scan the QR code on the card again.
var ErrQRFormat = errs.New("error.qr_format", errs.NeedsOfficer, "applicant: not a citizen ID card QR code (expected 6 or 7 fields separated by '|'); scan the QR code on the front of the card again or type the details")

// FieldError says which field of an applicant is wrong and why. Error() does not
// repeat Value, which is personal data; the UI may show it to the officer.
type FieldError struct {
	Field  string // one of the Field* constants
	Value  string
	Reason string // one of the Reason* constants
}

// Key names the sentence of the reason ("applicant.reason.<reason>", "applicant.reason.other" for a
// reason the translations do not know yet: the i18n test lists every Reason constant).
func (e *FieldError) Key() string {
	switch e.Reason {
	case ReasonEmpty, ReasonFormat, ReasonDate, ReasonFuture, ReasonOrder, ReasonProvince, ReasonMismatch,
		ReasonUnknown, ReasonTooLong, ReasonForbidden, ReasonInvisible:
		return "applicant.reason." + e.Reason
	}
	return "applicant.reason.other"
}

// Kind: the officer corrects the field.
func (e *FieldError) Kind() errs.Kind { return errs.NeedsOfficer }

// Args names the field in the sentence by its label's message key.
func (e *FieldError) Args() map[string]any {
	return map[string]any{"Field": errs.Msg("applicant." + e.Field)}
}

func (e *FieldError) Error() string {
	what := map[string]string{
		ReasonEmpty:     "is empty; fill it in",
		ReasonFormat:    "is not in the expected format; check it against the card and type it again",
		ReasonDate:      "is not a valid date (ddMMyyyy); check it against the card",
		ReasonFuture:    "is in the future; check it against the card",
		ReasonOrder:     "is not before the card's issue date; check both dates against the card",
		ReasonProvince:  "does not start with a province code 001–096; check the 12-digit number on the card",
		ReasonMismatch:  "does not agree with the date of birth or sex (4th to 6th digits); check the number, the date of birth and the sex",
		ReasonUnknown:   "must be Nam or Nữ",
		ReasonTooLong:   "is too long; check it",
		ReasonForbidden: "contains characters that are not allowed; type it again",
		ReasonInvisible: "contains invisible characters (text-direction or zero-width marks, often pasted from another program) that can make it read differently from what is stored; type it again by hand",
	}[e.Reason]
	if what == "" {
		what = "is invalid (" + e.Reason + ")"
	}
	return fmt.Sprintf("applicant: %s %s", e.Field, what)
}

// Applicant is the person handing in a dossier. Dates are calendar dates at
// midnight in Asia/Ho_Chi_Minh; a zero time means unknown.
type Applicant struct {
	ID        string // 12-digit personal identification number (số định danh cá nhân), or a 9-digit old CMND when typed
	OldID     string // old CMND number from the QR code, may be empty
	Name      string
	DOB       time.Time
	Sex       string // Male or Female, NFC
	Address   string
	IssueDate time.Time
	Phone     string
	Email     string
}

var vnLoc = func() *time.Location {
	l, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		return time.FixedZone("ICT", 7*3600)
	}
	return l
}()

// now is replaced in tests.
var now = time.Now

// ParseCCCDQR parses the text of a CCCD QR code:
//
//	ID|old CMND|Full name|DOB ddMMyyyy|Sex|Address|Issue date ddMMyyyy   (7 fields)
//	ID|Full name|DOB ddMMyyyy|Sex|Address|Issue date ddMMyyyy            (6 fields)
//
// Surrounding white space, CR/LF from a keyboard-wedge scanner, a BOM and one trailing
// '|' are tolerated; text is normalised to NFC. Checks: 12-digit ID with a province
// code 001–096 and 4th–6th digits consistent with DOB and sex (see CheckID); old number
// empty or 9/12 digits; name and address non-empty; valid dates, DOB not in the future
// and before the issue date; issue date not in the future; sex Nam or Nữ.
// A wrong field count is ErrQRFormat; a wrong field is a *FieldError.
func ParseCCCDQR(s string) (Applicant, error) {
	s = norm.NFC.String(strings.TrimPrefix(strings.TrimSpace(s), "\ufeff"))
	s = strings.TrimSpace(s)
	if len(s) > 1024 {
		return Applicant{}, ErrQRFormat
	}
	s = strings.TrimSuffix(s, "|")
	f := strings.Split(s, "|")
	for i := range f {
		f[i] = strings.TrimSpace(f[i])
	}
	switch len(f) {
	case 7:
	case 6:
		f = append(f[:1], append([]string{""}, f[1:]...)...)
	default:
		return Applicant{}, ErrQRFormat
	}
	a := Applicant{ID: f[0], OldID: f[1], Name: collapse(f[2]), Address: collapse(f[5])}
	var err error
	if err = checkDigits(FieldID, a.ID, 12); err != nil {
		return Applicant{}, err
	}
	if a.OldID != "" && !(allDigits(a.OldID) && (len(a.OldID) == 9 || len(a.OldID) == 12)) {
		return Applicant{}, &FieldError{FieldOldID, a.OldID, ReasonFormat}
	}
	if err = checkText(FieldName, a.Name, 100); err != nil {
		return Applicant{}, err
	}
	if a.DOB, err = parseDate(FieldDOB, f[3]); err != nil {
		return Applicant{}, err
	}
	if a.Sex, err = parseSex(f[4]); err != nil {
		return Applicant{}, err
	}
	if err = checkText(FieldAddress, a.Address, 300); err != nil {
		return Applicant{}, err
	}
	if a.IssueDate, err = parseDate(FieldIssueDate, f[6]); err != nil {
		return Applicant{}, err
	}
	if !a.DOB.Before(a.IssueDate) {
		return Applicant{}, &FieldError{FieldDOB, f[3], ReasonOrder}
	}
	if err = CheckID(a.ID, a.DOB, a.Sex); err != nil {
		return Applicant{}, err
	}
	return a, nil
}

// Validate checks an applicant typed in at the desk: ID is a 12-digit number (checked
// with CheckID against DOB and Sex when they are set) or a 9-digit old CMND; Name is
// non-empty; Sex, if set, is Nam or Nữ; DOB, if set, is not in the future; Phone, if
// set, is a Vietnamese mobile (10 digits, 03/05/07/08/09…) or landline (11 digits,
// 02…), spaces, dots and dashes allowed, +84/84 accepted for the leading 0; Email, if
// set, is a plain address. Errors are *FieldError.
func (a Applicant) Validate() error {
	id := strings.TrimSpace(a.ID)
	switch {
	case id == "":
		return &FieldError{FieldID, a.ID, ReasonEmpty}
	case len(id) == 9 && allDigits(id):
	default:
		if err := checkDigits(FieldID, id, 12); err != nil {
			return err
		}
	}
	if err := checkText(FieldName, collapse(norm.NFC.String(a.Name)), 100); err != nil {
		return err
	}
	if addr := collapse(norm.NFC.String(a.Address)); addr != "" {
		if err := checkText(FieldAddress, addr, 300); err != nil {
			return err
		}
	}
	sex := ""
	if strings.TrimSpace(a.Sex) != "" {
		var err error
		if sex, err = parseSex(a.Sex); err != nil {
			return err
		}
	}
	if !a.DOB.IsZero() && a.DOB.After(now()) {
		return &FieldError{FieldDOB, a.DOB.Format("02012006"), ReasonFuture}
	}
	if !a.DOB.IsZero() && !a.IssueDate.IsZero() && !a.DOB.Before(a.IssueDate) {
		return &FieldError{FieldDOB, a.DOB.Format("02012006"), ReasonOrder}
	}
	if len(id) == 12 {
		if err := CheckID(id, a.DOB, sex); err != nil {
			return err
		}
	}
	if a.Phone != "" {
		if _, err := NormalizePhone(a.Phone); err != nil {
			return err
		}
	}
	if a.Email != "" {
		e := strings.TrimSpace(a.Email)
		addr, err := mail.ParseAddress(e)
		if err != nil || addr.Address != e || addr.Name != "" || !strings.Contains(e[strings.LastIndexByte(e, '@')+1:], ".") || len(e) > 254 {
			return &FieldError{FieldEmail, a.Email, ReasonFormat}
		}
	}
	return nil
}

// CheckID checks a 12-digit personal identification number against the CCCD scheme
// (Decree 137/2015/NĐ-CP, Circular 07/2016/TT-BCA, as later amended):
//   - digits 1–3: a province code in 001–096 (the range is checked, not each code);
//   - digit 4: century and sex — 0/1 born 1900–1999 male/female, 2/3 2000–2099,
//     4/5 2100–2199, 6/7 2200–2299, 8/9 1800–1899; checked against dob's century
//     when dob is set and against sex when it is Nam or Nữ;
//   - digits 5–6: the last two digits of the birth year, checked when dob is set;
//   - digits 7–12: a random serial, not checked (there is no check digit).
func CheckID(id string, dob time.Time, sex string) error {
	if err := checkDigits(FieldID, id, 12); err != nil {
		return err
	}
	if p := atoi(id[:3]); p < 1 || p > 96 {
		return &FieldError{FieldID, id, ReasonProvince}
	}
	g := int(id[3] - '0')
	female := g%2 == 1
	century := map[int]int{0: 1900, 1: 1900, 2: 2000, 3: 2000, 4: 2100, 5: 2100, 6: 2200, 7: 2200, 8: 1800, 9: 1800}[g]
	if sex == Male && female || sex == Female && !female {
		return &FieldError{FieldID, id, ReasonMismatch}
	}
	if !dob.IsZero() {
		y := dob.Year()
		if y/100*100 != century || y%100 != atoi(id[4:6]) {
			return &FieldError{FieldID, id, ReasonMismatch}
		}
	}
	return nil
}

// NormalizePhone returns a Vietnamese phone number as digits with a leading 0
// ("0905123456"), or a *FieldError for FieldPhone.
func NormalizePhone(s string) (string, error) {
	var b strings.Builder
	for i, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')':
		case r == '+' && i == 0:
		default:
			return "", &FieldError{FieldPhone, s, ReasonFormat}
		}
	}
	d := b.String()
	if strings.HasPrefix(d, "84") && (len(d) == 11 || len(d) == 12) {
		d = "0" + d[2:]
	}
	switch {
	case len(d) == 10 && d[0] == '0' && strings.ContainsRune("35789", rune(d[1])):
	case len(d) == 11 && strings.HasPrefix(d, "02"):
	default:
		return "", &FieldError{FieldPhone, s, ReasonFormat}
	}
	return d, nil
}

func parseDate(field, s string) (time.Time, error) {
	if len(s) != 8 || !allDigits(s) {
		return time.Time{}, &FieldError{field, s, ReasonDate}
	}
	d, m, y := atoi(s[:2]), atoi(s[2:4]), atoi(s[4:])
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, vnLoc)
	if t.Day() != d || int(t.Month()) != m || y < 1800 {
		return time.Time{}, &FieldError{field, s, ReasonDate}
	}
	if t.After(now()) {
		return time.Time{}, &FieldError{field, s, ReasonFuture}
	}
	return t, nil
}

func parseSex(s string) (string, error) {
	v := norm.NFC.String(strings.TrimSpace(s))
	switch {
	case strings.EqualFold(v, Male):
		return Male, nil
	case strings.EqualFold(v, Female):
		return Female, nil
	}
	return "", &FieldError{FieldSex, s, ReasonUnknown}
}

func checkDigits(field, s string, n int) error {
	switch {
	case s == "":
		return &FieldError{field, s, ReasonEmpty}
	case len(s) != n || !allDigits(s):
		return &FieldError{field, s, ReasonFormat}
	}
	return nil
}

func checkText(field, s string, max int) error {
	switch {
	case s == "":
		return &FieldError{field, s, ReasonEmpty}
	case len([]rune(s)) > max:
		return &FieldError{field, s, ReasonTooLong}
	}
	for _, r := range s {
		if unicode.IsControl(r) || r == '|' || r == '\ufffd' {
			return &FieldError{field, s, ReasonForbidden}
		}
		if invisible(r) {
			return &FieldError{field, s, ReasonInvisible}
		}
	}
	return nil
}

// invisible reports the characters that change how text reads without showing:
// bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069),
// the directional marks U+200E, U+200F and U+061C, and the zero-width characters
// U+200B–U+200D, U+2060 and U+FEFF.
func invisible(r rune) bool {
	switch {
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069,
		r == 0x200E, r == 0x200F, r == 0x061C,
		r >= 0x200B && r <= 0x200D, r == 0x2060, r == 0xFEFF:
		return true
	}
	return false
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
