// Package vnkey is a built-in Vietnamese typing engine (Telex and VNI) for text fields that do not
// receive an input method's preedit. It knows nothing about widgets: a field hands it every typed
// rune and backspace, and applies the Edit it returns (delete n runes before the cursor, insert s),
// exactly the way Unikey drives a Windows application with backspaces and Unicode characters.
//
// The engine works on the word being typed: a list of letters (base, diacritic mark, case) and one
// tone for the word, placed on the right vowel every time the word is drawn, so a tone may be
// typed anywhere in the word ("Nguyeenx" and "Nguyeexn" both give "Nguyễn"). Pressing a modifier
// twice undoes it and types the key itself ("ass" → "as"); that key then stays literal for the
// rest of the word. A word whose consonants cannot be Vietnamese ("class", "Windows") is shown as
// typed. When a composed Vietnamese letter arrives as a key, another input method (Unikey, IBus)
// is at work: the engine then passes every key through so nothing is composed twice.
package vnkey
