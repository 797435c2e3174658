// Vietnamese-aware text folding used by catalog search and reused by the GUI.

package catalog

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold returns s lower-cased with every diacritic removed and "đ" mapped to "d",
// with runs of white space collapsed to one ASCII space and the ends trimmed.
// Precomposed (NFC) and decomposed (NFD) input fold to the same string, so
// "Đăng ký khai sinh", its NFD form and "dang ky khai sinh" all give "dang ky khai sinh".
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ' || r == 'Đ':
			r = 'd'
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		default:
			r = unicode.ToLower(r)
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// lowerNFC lower-cases s in NFC form with white space collapsed, keeping diacritics;
// search uses it to rank an exact diacritic match above a folded one.
func lowerNFC(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(norm.NFC.String(s))), " ")
}
