// Tests for CCCD QR parsing and typed-in applicant validation, good and hostile input.

package applicant

import (
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
)

func TestMain(m *testing.M) {
	now = func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, vnLoc) }
	m.Run()
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, vnLoc) }

func TestParseCCCDQRGood(t *testing.T) {
	cases := []struct {
		name, in string
		want     Applicant
	}{
		{"7 fields", "049090001234|205123456|Nguyễn Văn An|15031990|Nam|Thôn 1, Xã Tam Kỳ, Đà Nẵng|10082021",
			Applicant{ID: "049090001234", OldID: "205123456", Name: "Nguyễn Văn An", DOB: date(1990, 3, 15), Sex: Male, Address: "Thôn 1, Xã Tam Kỳ, Đà Nẵng", IssueDate: date(2021, 8, 10)}},
		{"7 fields empty old", "049190001234||Trần Thị Bích|01011990|Nữ|Hội An|25122022",
			Applicant{ID: "049190001234", Name: "Trần Thị Bích", DOB: date(1990, 1, 1), Sex: Female, Address: "Hội An", IssueDate: date(2022, 12, 25)}},
		{"6 fields", "079304001234|Lê Thị Cúc|29022004|Nữ|Quận 1, TP HCM|01032024",
			Applicant{ID: "079304001234", Name: "Lê Thị Cúc", DOB: date(2004, 2, 29), Sex: Female, Address: "Quận 1, TP HCM", IssueDate: date(2024, 3, 1)}},
		{"trailing pipe CRLF", "049090001234|205123456|Nguyễn Văn An|15031990|Nam|Tam Kỳ|10082021|\r\n",
			Applicant{ID: "049090001234", OldID: "205123456", Name: "Nguyễn Văn An", DOB: date(1990, 3, 15), Sex: Male, Address: "Tam Kỳ", IssueDate: date(2021, 8, 10)}},
		{"NFD text", norm.NFD.String("049190001234||Trần Thị Bích|01011990|Nữ|Hội An|25122022"),
			Applicant{ID: "049190001234", Name: "Trần Thị Bích", DOB: date(1990, 1, 1), Sex: Female, Address: "Hội An", IssueDate: date(2022, 12, 25)}},
		{"BOM and spaces", "\ufeff  001080001234| 012345678901 |Phạm  Văn   Đức|31121980|nam|Hà Nội|01012021  ",
			Applicant{ID: "001080001234", OldID: "012345678901", Name: "Phạm Văn Đức", DOB: date(1980, 12, 31), Sex: Male, Address: "Hà Nội", IssueDate: date(2021, 1, 1)}},
		{"born 1800s digit 9 (synthetic)", "096999001234||Cụ Bà|01011899|Nữ|Cà Mau|01012021",
			Applicant{ID: "096999001234", Name: "Cụ Bà", DOB: date(1899, 1, 1), Sex: Female, Address: "Cà Mau", IssueDate: date(2021, 1, 1)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseCCCDQR(tc.in)
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if got != tc.want {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
			if !norm.NFC.IsNormalString(got.Name) || !norm.NFC.IsNormalString(got.Sex) {
				t.Error("result is not NFC")
			}
			if err := got.Validate(); err != nil {
				t.Errorf("parsed applicant does not validate: %v", err)
			}
		})
	}
}

func TestParseCCCDQRBad(t *testing.T) {
	ok := []string{"049090001234", "205123456", "Nguyễn Văn An", "15031990", "Nam", "Tam Kỳ", "10082021"}
	with := func(i int, v string) string {
		f := append([]string(nil), ok...)
		f[i] = v
		return strings.Join(f, "|")
	}
	cases := []struct {
		name, in, field, reason string
	}{
		{"empty", "", "", ""},
		{"garbage", "hello world", "", ""},
		{"URL QR", "https://example.com/?a=b", "", ""},
		{"5 fields", "049090001234|An|15031990|Nam|Tam Kỳ", "", ""},
		{"8 fields", strings.Join(ok, "|") + "|x|y", "", ""},
		{"huge", strings.Repeat("1|", 2000), "", ""},
		{"ID 11 digits", with(0, "04909000123"), FieldID, ReasonFormat},
		{"ID letters", with(0, "04909000123A"), FieldID, ReasonFormat},
		{"ID empty", with(0, ""), FieldID, ReasonEmpty},
		{"ID province 000", with(0, "000090001234"), FieldID, ReasonProvince},
		{"ID province 097", with(0, "097090001234"), FieldID, ReasonProvince},
		{"ID female digit for Nam", with(0, "049190001234"), FieldID, ReasonMismatch},
		{"ID year digits wrong", with(0, "049091001234"), FieldID, ReasonMismatch},
		{"ID century wrong", with(0, "049290001234"), FieldID, ReasonMismatch},
		{"old ID 8 digits", with(1, "20512345"), FieldOldID, ReasonFormat},
		{"name empty", with(2, "  "), FieldName, ReasonEmpty},
		{"name control char", with(2, "An\x00"), FieldName, ReasonForbidden},
		{"name invalid UTF-8", with(2, "An\xff"), FieldName, ReasonForbidden},
		{"DOB 31 Feb", with(3, "31021990"), FieldDOB, ReasonDate},
		{"DOB 29 Feb non-leap", with(3, "29021990"), FieldDOB, ReasonDate},
		{"DOB month 13", with(3, "15131990"), FieldDOB, ReasonDate},
		{"DOB dashes", with(3, "15-03-1990"), FieldDOB, ReasonDate},
		{"DOB future", with(3, "15032030"), FieldDOB, ReasonFuture},
		{"DOB after issue", with(6, "10081989"), FieldDOB, ReasonOrder},
		{"sex other", with(4, "Male"), FieldSex, ReasonUnknown},
		{"sex empty", with(4, ""), FieldSex, ReasonUnknown},
		{"address empty", with(5, ""), FieldAddress, ReasonEmpty},
		{"issue future", with(6, "01012027"), FieldIssueDate, ReasonFuture},
		{"issue bad", with(6, "00002021"), FieldIssueDate, ReasonDate},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseCCCDQR(tc.in)
			if err == nil {
				t.Fatal("accepted")
			}
			if tc.field == "" {
				if !errors.Is(err, ErrQRFormat) {
					t.Errorf("err = %v, want ErrQRFormat", err)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want *FieldError", err)
			}
			if fe.Field != tc.field || fe.Reason != tc.reason {
				t.Errorf("got %s/%s, want %s/%s (%v)", fe.Field, fe.Reason, tc.field, tc.reason, err)
			}
			if !strings.Contains(err.Error(), tc.field) {
				t.Errorf("message %q does not name the field", err)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	base := Applicant{ID: "049090001234", Name: "Nguyễn Văn An", DOB: date(1990, 3, 15), Sex: Male}
	mod := func(f func(*Applicant)) Applicant { a := base; f(&a); return a }
	good := []Applicant{
		base,
		{ID: "205123456", Name: "An"},
		{ID: "049090001234", Name: "An"},
		mod(func(a *Applicant) { a.Phone = "0905 123 456" }),
		mod(func(a *Applicant) { a.Phone = "+84 905.123.456" }),
		mod(func(a *Applicant) { a.Phone = "84905123456" }),
		mod(func(a *Applicant) { a.Phone = "0235 3812 345" }),
		mod(func(a *Applicant) { a.Phone = "(0235) 3812345" }),
		mod(func(a *Applicant) { a.Email = "an.nguyen@quangnam.gov.vn" }),
		mod(func(a *Applicant) { a.Sex = norm.NFD.String("Nữ"); a.ID = "049190001234" }),
	}
	for i, a := range good {
		if err := a.Validate(); err != nil {
			t.Errorf("good[%d] %+v: %v", i, a, err)
		}
	}
	bad := []struct {
		a             Applicant
		field, reason string
	}{
		{mod(func(a *Applicant) { a.ID = "" }), FieldID, ReasonEmpty},
		{mod(func(a *Applicant) { a.ID = "12345" }), FieldID, ReasonFormat},
		{mod(func(a *Applicant) { a.ID = "20512345X" }), FieldID, ReasonFormat},
		{mod(func(a *Applicant) { a.Name = " " }), FieldName, ReasonEmpty},
		{mod(func(a *Applicant) { a.Name = strings.Repeat("A", 101) }), FieldName, ReasonTooLong},
		{mod(func(a *Applicant) { a.Sex = "Female" }), FieldSex, ReasonUnknown},
		{mod(func(a *Applicant) { a.Sex = Female }), FieldID, ReasonMismatch},
		{mod(func(a *Applicant) { a.DOB = date(1991, 3, 15) }), FieldID, ReasonMismatch},
		{mod(func(a *Applicant) { a.DOB = date(2027, 1, 1) }), FieldDOB, ReasonFuture},
		{mod(func(a *Applicant) { a.IssueDate = date(1989, 1, 1) }), FieldDOB, ReasonOrder},
		{mod(func(a *Applicant) { a.Phone = "0123456789" }), FieldPhone, ReasonFormat},
		{mod(func(a *Applicant) { a.Phone = "090512345" }), FieldPhone, ReasonFormat},
		{mod(func(a *Applicant) { a.Phone = "0905-123-456 ext 2" }), FieldPhone, ReasonFormat},
		{mod(func(a *Applicant) { a.Phone = "0905+123456" }), FieldPhone, ReasonFormat},
		{mod(func(a *Applicant) { a.Email = "an" }), FieldEmail, ReasonFormat},
		{mod(func(a *Applicant) { a.Email = "An <an@x.vn>" }), FieldEmail, ReasonFormat},
		{mod(func(a *Applicant) { a.Email = "an@localhost" }), FieldEmail, ReasonFormat},
	}
	for i, tc := range bad {
		err := tc.a.Validate()
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field || fe.Reason != tc.reason {
			t.Errorf("bad[%d]: err = %v, want %s/%s", i, err, tc.field, tc.reason)
		}
	}
}

func TestNormalizePhone(t *testing.T) {
	for in, want := range map[string]string{"0905123456": "0905123456", "+84 905 123 456": "0905123456", "0235.3812.345": "02353812345"} {
		if got, err := NormalizePhone(in); err != nil || got != want {
			t.Errorf("NormalizePhone(%q) = %q, %v", in, got, err)
		}
	}
}

func TestErrorDoesNotLeakValue(t *testing.T) {
	_, err := ParseCCCDQR("049090001234||Nguyễn Văn An|15031990|Nam|Tam Kỳ|10081980")
	if err == nil || strings.Contains(err.Error(), "Nguyễn") || strings.Contains(err.Error(), "049090001234") {
		t.Errorf("err = %v", err)
	}
}

func FuzzParseCCCDQR(f *testing.F) {
	f.Add("049090001234|205123456|Nguyễn Văn An|15031990|Nam|Tam Kỳ|10082021")
	f.Add("079304001234|Lê Thị Cúc|29022004|Nữ|Quận 1|01032024|")
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseCCCDQR(s)
		if err == nil {
			if len(a.ID) != 12 || a.Name == "" || !a.DOB.Before(a.IssueDate) {
				t.Fatalf("accepted %+v", a)
			}
		}
	})
}

// TestInvisibleCharacters: names and addresses that carry bidirectional controls or
// zero-width characters (which make "Nguyễn Văn An" display one way and compare another)
// are refused with ReasonInvisible, both from the QR code and when typed at the desk;
// the sentence says what is wrong and what to do.
func TestInvisibleCharacters(t *testing.T) {
	ok := []string{"049090001234", "205123456", "Nguyễn Văn An", "15031990", "Nam", "Tam Kỳ", "10082021"}
	chars := []rune{0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069,
		0x200E, 0x200F, 0x061C, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF}
	for _, r := range chars {
		for _, field := range []int{2, 5} {
			f := append([]string(nil), ok...)
			f[field] = "Nguyễn " + string(r) + "Văn An"
			_, err := ParseCCCDQR(strings.Join(f, "|"))
			want := map[int]string{2: FieldName, 5: FieldAddress}[field]
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != want || fe.Reason != ReasonInvisible {
				t.Errorf("QR %s with U+%04X: err = %v, want %s/%s", want, r, err, want, ReasonInvisible)
			}
		}
		a := Applicant{ID: "205123456", Name: "An" + string(r) + "h"}
		var fe *FieldError
		if err := a.Validate(); !errors.As(err, &fe) || fe.Field != FieldName || fe.Reason != ReasonInvisible {
			t.Errorf("typed name with U+%04X: err = %v", r, err)
		}
		a = Applicant{ID: "205123456", Name: "An", Address: "Tam Kỳ" + string(r)}
		if err := a.Validate(); !errors.As(err, &fe) || fe.Field != FieldAddress || fe.Reason != ReasonInvisible {
			t.Errorf("typed address with U+%04X: err = %v", r, err)
		}
	}
	err := (&FieldError{FieldName, "x", ReasonInvisible}).Error()
	if !strings.Contains(err, "invisible") || !strings.Contains(err, "type it again") {
		t.Errorf("message %q does not say what is wrong and what to do", err)
	}
	// Vietnamese diacritics, including the decomposed form a keyboard may send, stay accepted.
	if err := (Applicant{ID: "205123456", Name: norm.NFD.String("Lê Thị Hồng Nhung"), Address: "Phường Tân Thạnh, Tam Kỳ"}).Validate(); err != nil {
		t.Errorf("plain Vietnamese refused: %v", err)
	}
}
