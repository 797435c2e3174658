// The Telex and VNI rules: keystrokes to Vietnamese letters and tone marks.

package vnkey

import (
	"strings"
	"unicode"
)

// Method is a typing method.
type Method uint8

// Typing methods.
const (
	Off   Method = iota // keys are typed as they are
	Telex               // aa â, aw ă, ee ê, oo ô, ow ơ, uw ư, dd đ; s f r x j tones, z removes the tone
	VNI                 // 6 ^, 7 horn, 8 breve, 9 đ; 1 2 3 4 5 tones, 0 removes the tone
)

// String is the short name shown on the field: "EN", "TELEX" or "VNI".
func (m Method) String() string {
	switch m {
	case Telex:
		return "TELEX"
	case VNI:
		return "VNI"
	default:
		return "EN"
	}
}

// Next is the method a toggle switches to: Off → Telex → VNI → Off.
func (m Method) Next() Method {
	switch m {
	case Off:
		return Telex
	case Telex:
		return VNI
	default:
		return Off
	}
}

// Style is where the tone goes on the open syllables oa, oe and uy.
type Style uint8

// Tone placement styles.
const (
	StyleOld    Style = iota // hòa, khỏe, thủy (traditional, Unikey's default)
	StyleModern              // hoà, khoẻ, thuỷ (the 1980s ministry rule)
)

// Tone is one of the six Vietnamese tones.
type Tone uint8

// Tones, in the order of the composition table.
const (
	ToneNone  Tone = iota // ngang
	ToneSac               // sắc  á
	ToneHuyen             // huyền à
	ToneHoi               // hỏi  ả
	ToneNga               // ngã  ã
	ToneNang              // nặng ạ
)

// mark is the diacritic that makes a letter of its own: â ê ô (hat), ă (breve), ơ ư (horn), đ (stroke).
type mark uint8

const (
	markNone mark = iota
	markHat
	markBreve
	markHorn
	markStroke
)

// letter is one letter of the word being typed.
type letter struct {
	base     rune // lower-case ASCII letter; 0 when lit is set
	lit      rune // a digit typed as is
	upper    bool
	mark     mark
	autoHorn bool // u horned together with the o after it (uow); drawn plain in the open syllable uơ
	fromW    bool // ư typed as a lone w
}

// Edit is what a field must do after a key: delete Delete runes before the cursor, then insert Insert.
type Edit struct {
	Delete int
	Insert string
}

// Engine turns keys into Vietnamese text for one field. It is not safe for concurrent use.
type Engine struct {
	method   Method
	style    Style
	word     []letter
	tone     Tone
	disabled map[rune]bool // modifier keys undone in this word, typed literally from then on
	keys     []rune        // the keys of this word, to restore a word that turns out not Vietnamese
	restored bool          // the word is shown as typed: no more changes until the next word
	edited   bool          // a backspace happened in this word: keys no longer spell it
	external bool          // another input method composes for this field: pass every key through
	shown    []rune        // the word as the field shows it now
}

// New returns an engine for a typing method and a tone placement style.
func New(m Method, s Style) *Engine {
	return &Engine{method: m, style: s}
}

// Method returns the typing method.
func (e *Engine) Method() Method { return e.method }

// SetMethod changes the typing method, forgets the current word and any input method detected.
func (e *Engine) SetMethod(m Method) { e.method, e.external = m, false; e.Reset() }

// External reports whether another input method (Unikey, IBus, an on-screen keyboard) was seen
// composing Vietnamese letters for this field; the engine then passes every key through so that
// nothing is composed twice, until SetMethod.
func (e *Engine) External() bool { return e.external }

// Style returns the tone placement style.
func (e *Engine) Style() Style { return e.style }

// SetStyle changes the tone placement style; the current word keeps what it shows.
func (e *Engine) SetStyle(s Style) { e.style = s }

// Reset forgets the current word: the next key starts a new one. Fields call it when the cursor
// moves, the text is replaced, or a selection is typed over.
func (e *Engine) Reset() {
	e.word, e.tone, e.disabled, e.shown = e.word[:0], ToneNone, nil, e.shown[:0]
	e.keys, e.restored, e.edited = e.keys[:0], false, false
}

// Word returns the word being typed as the field shows it.
func (e *Engine) Word() string { return string(e.shown) }

// Key takes one typed rune and says how to change the text before the cursor.
func (e *Engine) Key(r rune) Edit {
	if e.method == Off || e.external {
		return Edit{Insert: string(r)}
	}
	lower := unicode.ToLower(r)
	isLetter := lower >= 'a' && lower <= 'z'
	isDigit := r >= '0' && r <= '9'
	switch {
	case isLetter:
	case isDigit && e.method == VNI:
	case unicode.IsLetter(r) || unicode.Is(unicode.Mn, r):
		// Composed by another input method (Unikey sends "ê" after a backspace): from now on that
		// method composes and the engine stays out of its way.
		e.external = true
		e.Reset()
		return Edit{Insert: string(r)}
	default:
		e.Reset()
		return Edit{Insert: string(r)}
	}
	upper := r != lower
	e.keys = append(e.keys, r)
	if e.restored || e.disabled[lower] || !e.apply(lower, upper) {
		if isDigit {
			if len(e.word) == 0 || !e.disabled[lower] {
				e.Reset()
				return Edit{Insert: string(r)}
			}
			e.word = append(e.word, letter{lit: r})
		} else {
			e.word = append(e.word, letter{base: lower, upper: upper})
		}
	}
	if _, _, ok := e.syllable(); !ok && !e.restored && !e.edited && e.disabled == nil {
		// Not Vietnamese after all ("Windows", "dd" in "address"): show the keys as typed.
		e.restored, e.tone = true, ToneNone
		e.word = e.word[:0]
		for _, k := range e.keys {
			if kl := unicode.ToLower(k); kl >= 'a' && kl <= 'z' {
				e.word = append(e.word, letter{base: kl, upper: k != kl})
			} else {
				e.word = append(e.word, letter{lit: k})
			}
		}
	}
	return e.redraw()
}

// Backspace tells the engine that the officer pressed backspace, and returns the edit to make
// instead of deleting one rune: the word may be redrawn (the tone moves back to "hòa" when the n
// of "hoàn" is deleted). With an empty word it is a plain one-rune deletion.
func (e *Engine) Backspace() Edit {
	if e.method == Off || e.external || len(e.word) == 0 {
		return Edit{Delete: 1}
	}
	last := len(e.word) - 1
	if s, _, ok := e.syllable(); ok && e.tone != ToneNone && e.tonePos(s) == last {
		e.tone = ToneNone // the toned vowel is gone
	}
	e.word = e.word[:last]
	e.edited = true
	shown := e.shown[:len(e.shown)-1]
	e.shown = shown
	if _, _, ok := e.syllable(); !ok || !e.hasVowel() {
		e.tone = ToneNone
	}
	ed := e.redraw()
	if len(e.word) == 0 {
		e.Reset()
	}
	ed.Delete++
	return ed
}

// apply tries a key as a modifier of the word and reports whether it was one.
func (e *Engine) apply(k rune, upper bool) bool {
	if e.method == Telex {
		switch k {
		case 's':
			return e.setTone(ToneSac, k, upper)
		case 'f':
			return e.setTone(ToneHuyen, k, upper)
		case 'r':
			return e.setTone(ToneHoi, k, upper)
		case 'x':
			return e.setTone(ToneNga, k, upper)
		case 'j':
			return e.setTone(ToneNang, k, upper)
		case 'z':
			return e.clearTone()
		case 'a', 'e', 'o':
			return e.setMark(markHat, string(k), k, upper)
		case 'w':
			return e.horn(k, upper, "aou") || e.loneW(upper)
		case 'd':
			return e.stroke(k, upper)
		}
		return false
	}
	switch k {
	case '1', '2', '3', '4', '5':
		return e.setTone(Tone(k-'0'), k, upper)
	case '0':
		return e.clearTone()
	case '6':
		return e.setMark(markHat, "aeo", k, upper)
	case '7':
		return e.horn(k, upper, "ou")
	case '8':
		return e.setMark(markBreve, "a", k, upper)
	case '9':
		return e.stroke(k, upper)
	}
	return false
}

// undo removes a modifier and types its key, which stays literal for the rest of the word.
func (e *Engine) undo(k rune, upper bool) {
	if e.disabled == nil {
		e.disabled = map[rune]bool{}
	}
	e.disabled[k] = true
	if k >= '0' && k <= '9' {
		e.word = append(e.word, letter{lit: k})
		return
	}
	e.word = append(e.word, letter{base: k, upper: upper})
}

func (e *Engine) setTone(t Tone, k rune, upper bool) bool {
	if _, _, ok := e.syllable(); !ok || !e.hasVowel() {
		return false
	}
	if e.tone == t {
		e.tone = ToneNone
		e.undo(k, upper)
		return true
	}
	e.tone = t
	return true
}

func (e *Engine) clearTone() bool {
	if e.tone == ToneNone {
		return false
	}
	e.tone = ToneNone
	return true
}

// setMark puts m on the last vowel of the syllable whose base is one of bases.
func (e *Engine) setMark(m mark, bases string, k rune, upper bool) bool {
	s, end, ok := e.syllable()
	if !ok {
		return false
	}
	for i := end - 1; i >= s; i-- {
		l := &e.word[i]
		if !strings.ContainsRune(bases, l.base) {
			continue
		}
		if m == markHat && !hatFits(e.word[i+1:end]) {
			return false // ô, ê, â are followed by at most one i, u or y: "ngoeo" stays "ngoeo"
		}
		if l.mark == m {
			l.mark = markNone
			e.undo(k, upper)
			return true
		}
		l.mark, l.autoHorn = m, false
		return true
	}
	return false
}

// hatFits reports whether the vowels after a letter allow it a circumflex (âu, ây, êu, ôi, iêu...).
func hatFits(after []letter) bool {
	return len(after) == 0 || len(after) == 1 && strings.ContainsRune("iuy", after[0].base)
}

// horn puts the horn on "uo" together (ươ), or else on the last of the syllable's vowels in bases
// (the first u of "uu": ưu); an a among them gets the breve (Telex w).
func (e *Engine) horn(k rune, upper bool, bases string) bool {
	s, end, ok := e.syllable()
	if !ok {
		return false
	}
	for i := s; i+1 < end; i++ {
		u, o := &e.word[i], &e.word[i+1]
		if u.base != 'u' || o.base != 'o' {
			continue
		}
		if u.mark == markHorn && o.mark == markHorn {
			u.mark, o.mark, u.autoHorn = markNone, markNone, false
			e.undo(k, upper)
			return true
		}
		if u.mark != markHorn {
			u.autoHorn = true
		}
		u.mark, o.mark = markHorn, markHorn
		return true
	}
	for i := end - 1; i >= s; i-- {
		l := &e.word[i]
		if !strings.ContainsRune(bases, l.base) || (l.base == 'u' && i > s && e.word[i-1].base == 'u') {
			continue
		}
		m := markHorn
		if l.base == 'a' {
			m = markBreve
		}
		if l.mark == m {
			if l.fromW {
				// "ww": the lone w comes back as a w.
				*l = letter{base: 'w', upper: l.upper}
				e.undo(k, upper)
				e.word = e.word[:len(e.word)-1]
				return true
			}
			l.mark = markNone
			e.undo(k, upper)
			return true
		}
		l.mark, l.autoHorn = m, false
		return true
	}
	return false
}

// loneW types ư for a Telex w that has no vowel to change, after a Vietnamese initial ("nhw" → "như").
func (e *Engine) loneW(upper bool) bool {
	if e.hasVowel() || !validInitial(e.consonants(0, len(e.word))) {
		return false
	}
	e.word = append(e.word, letter{base: 'u', mark: markHorn, upper: upper, fromW: true})
	return true
}

// stroke turns the d that starts the word into đ.
func (e *Engine) stroke(k rune, upper bool) bool {
	if _, _, ok := e.syllable(); !ok || len(e.word) == 0 || e.word[0].base != 'd' {
		return false
	}
	if e.word[0].mark == markStroke {
		e.word[0].mark = markNone
		e.undo(k, upper)
		return true
	}
	e.word[0].mark = markStroke
	return true
}

func isVowel(l letter) bool {
	switch l.base {
	case 'a', 'e', 'i', 'o', 'u', 'y':
		return true
	}
	return false
}

func (e *Engine) hasVowel() bool {
	for _, l := range e.word {
		if isVowel(l) {
			return true
		}
	}
	return false
}

// syllable finds the vowel nucleus [s, end) of the word, the u of "qu" and the i of "gi" counting
// as consonants. ok is false when the word cannot be a Vietnamese syllable: a consonant cluster
// that is no Vietnamese initial or final, two vowel groups, or a digit typed as is.
func (e *Engine) syllable() (s, end int, ok bool) {
	w := e.word
	s = 0
	for s < len(w) && !isVowel(w[s]) {
		s++
	}
	end = s
	for end < len(w) && isVowel(w[end]) {
		end++
	}
	if end-s > 1 && s == 1 {
		switch {
		case w[0].base == 'q' && w[1].base == 'u' && w[1].mark == markNone,
			w[0].base == 'g' && w[1].base == 'i':
			s = 2
		}
	}
	if !validInitial(e.consonants(0, s)) || !validFinal(e.consonants(end, len(w))) {
		return s, end, false
	}
	return s, end, true
}

// consonants spells word[i:j] in lower case, đ as "đ".
func (e *Engine) consonants(i, j int) string {
	var b strings.Builder
	for _, l := range e.word[i:j] {
		switch {
		case l.lit != 0:
			b.WriteRune(l.lit)
		case l.mark == markStroke:
			b.WriteRune('đ')
		case l.mark != markNone:
			b.WriteRune('?') // a marked vowel among consonants: two vowel groups
		default:
			b.WriteRune(l.base)
		}
	}
	return b.String()
}

func validInitial(c string) bool {
	switch c {
	case "", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh", "nh",
		"p", "ph", "q", "qu", "r", "s", "t", "th", "tr", "v", "x":
		return true
	}
	return false
}

func validFinal(c string) bool {
	switch c {
	case "", "c", "ch", "k", "m", "n", "ng", "nh", "p", "t": // k: Đắk Lắk, Kon Tum's place names
		return true
	}
	return false
}

// tonePos returns the index of the letter that carries the tone in the nucleus starting at s.
func (e *Engine) tonePos(s int) int {
	w := e.word
	end := s
	for end < len(w) && isVowel(w[end]) {
		end++
	}
	if end == s {
		return -1
	}
	// A vowel with its own diacritic takes the tone; in ươ the ơ does.
	for i := end - 1; i >= s; i-- {
		if w[i].mark != markNone && !(e.drawnPlain(i)) {
			return i
		}
	}
	if end < len(w) { // closed syllable: the last vowel (hoàng, thuyết, khuỳnh)
		return end - 1
	}
	switch end - s {
	case 1:
		return s
	case 2:
		if e.style == StyleModern {
			pair := string([]rune{w[s].base, w[s+1].base})
			if pair == "oa" || pair == "oe" || pair == "uy" {
				return s + 1
			}
		}
		return s
	default:
		return s + 1 // oai, oay, uyu, oeo: the middle vowel
	}
}

// drawnPlain reports whether letter i is the u of an open "uơ" made by uow (thuở, huơ).
func (e *Engine) drawnPlain(i int) bool {
	w := e.word
	return w[i].autoHorn && i+2 == len(w) && w[i+1].base == 'o' && w[i+1].mark == markHorn
}

// redraw draws the word and returns the edit from what the field shows to the new drawing.
func (e *Engine) redraw() Edit {
	out := make([]rune, 0, len(e.word))
	pos := -1
	if s, _, ok := e.syllable(); ok && e.tone != ToneNone {
		pos = e.tonePos(s)
	}
	for i, l := range e.word {
		if l.lit != 0 {
			out = append(out, l.lit)
			continue
		}
		m := l.mark
		if e.drawnPlain(i) {
			m = markNone
		}
		t := ToneNone
		if i == pos {
			t = e.tone
		}
		r := compose(l.base, m, t)
		if l.upper {
			r = unicode.ToUpper(r)
		}
		out = append(out, r)
	}
	p := 0
	for p < len(out) && p < len(e.shown) && out[p] == e.shown[p] {
		p++
	}
	ed := Edit{Delete: len(e.shown) - p, Insert: string(out[p:])}
	e.shown = out
	return ed
}

// toneTable holds each vowel with the six tones, in Tone order.
var toneTable = map[rune]string{
	'a': "aáàảãạ", 'ă': "ăắằẳẵặ", 'â': "âấầẩẫậ",
	'e': "eéèẻẽẹ", 'ê': "êếềểễệ",
	'i': "iíìỉĩị",
	'o': "oóòỏõọ", 'ô': "ôốồổỗộ", 'ơ': "ơớờởỡợ",
	'u': "uúùủũụ", 'ư': "ưứừửữự",
	'y': "yýỳỷỹỵ",
}

// compose returns the precomposed (NFC) lower-case rune for a base letter, a mark and a tone.
func compose(base rune, m mark, t Tone) rune {
	r := base
	switch {
	case m == markHat && (base == 'a' || base == 'e' || base == 'o'):
		r = map[rune]rune{'a': 'â', 'e': 'ê', 'o': 'ô'}[base]
	case m == markBreve && base == 'a':
		r = 'ă'
	case m == markHorn && base == 'o':
		r = 'ơ'
	case m == markHorn && base == 'u':
		r = 'ư'
	case m == markStroke && base == 'd':
		r = 'đ'
	}
	if t == ToneNone {
		return r
	}
	if forms, ok := toneTable[r]; ok {
		return []rune(forms)[t]
	}
	return r
}

// Type feeds keys to a fresh engine as a field would ('\b' is a backspace) and returns the text
// the field ends up with. It is the engine's reference behaviour and a convenience for tests.
func Type(m Method, s Style, keys string) string {
	e := New(m, s)
	var text []rune
	for _, k := range keys {
		var ed Edit
		if k == '\b' {
			ed = e.Backspace()
		} else {
			ed = e.Key(k)
		}
		text = ApplyEdit(text, ed)
	}
	return string(text)
}

// ApplyEdit applies an edit to text whose cursor is at the end and returns the new text.
func ApplyEdit(text []rune, ed Edit) []rune {
	n := ed.Delete
	if n > len(text) {
		n = len(text)
	}
	return append(text[:len(text)-n], []rune(ed.Insert)...)
}
