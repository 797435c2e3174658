// Hand-written Telex and VNI sequences: tone placement in both styles, free key order, undo by
// repetition, backspace, words that are not Vietnamese, Unikey's backspace-and-Unicode stream,
// and hostile key streams.

package vnkey_test

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"sohoa/app/vnkey"
)

func TestSequences(t *testing.T) {
	cases := []struct {
		m     vnkey.Method
		s     vnkey.Style
		keys  string
		want  string
		about string
	}{
		{vnkey.Telex, vnkey.StyleOld, "Nguyeenx Thij Thuyr", "Nguyễn Thị Thủy", "the issue's example"},
		{vnkey.Telex, vnkey.StyleModern, "Nguyeenx Thij Thuyr", "Nguyễn Thị Thuỷ", "modern style"},
		{vnkey.Telex, vnkey.StyleOld, "Nguyeexn", "Nguyễn", "tone before the final consonant"},
		{vnkey.Telex, vnkey.StyleOld, "Nguyexne", "Nguyễn", "circumflex key after the final consonant"},
		{vnkey.Telex, vnkey.StyleOld, "hoaf hoaf", "hòa hòa", "old: òa"},
		{vnkey.Telex, vnkey.StyleModern, "hoaf khoer thuyr", "hoà khoẻ thuỷ", "modern: oà oẻ uỷ"},
		{vnkey.Telex, vnkey.StyleModern, "hoangf khuynhf", "hoàng khuỳnh", "closed syllable: last vowel in both styles"},
		{vnkey.Telex, vnkey.StyleOld, "hofang", "hoàng", "tone moves when the final consonant comes"},
		{vnkey.Telex, vnkey.StyleOld, "quys quyeets gias gif", "quý quyết giá gì", "qu and gi are initials"},
		{vnkey.Telex, vnkey.StyleOld, "oais xoays khuyur ngoeoj", "oái xoáy khuỷu ngoẹo", "three vowels: the middle one"},
		{vnkey.Telex, vnkey.StyleOld, "nguoiwf", "người", "one w for ươ"},
		{vnkey.Telex, vnkey.StyleOld, "nguwowif", "người", "a w each"},
		{vnkey.Telex, vnkey.StyleOld, "thuowr huow", "thuở huơ", "open uơ"},
		{vnkey.Telex, vnkey.StyleOld, "huouw", "hươu", "ươu"},
		{vnkey.Telex, vnkey.StyleOld, "cuuws", "cứu", "ưu from uuw"},
		{vnkey.Telex, vnkey.StyleOld, "xoawn", "xoăn", "w on the a of oa"},
		{vnkey.Telex, vnkey.StyleOld, "w tw nhwxng", "ư tư những", "lone w"},
		{vnkey.Telex, vnkey.StyleOld, "ww", "w", "ww undoes the lone w"},
		{vnkey.Telex, vnkey.StyleOld, "ass asss buss", "as ass bus", "a repeated tone key types itself"},
		{vnkey.Telex, vnkey.StyleOld, "aaa oww aww", "aa ow aw", "repeated mark keys"},
		{vnkey.Telex, vnkey.StyleOld, "xooong", "xoong", "ooo keeps oo"},
		{vnkey.Telex, vnkey.StyleOld, "asf asz", "à a", "change and remove the tone"},
		{vnkey.Telex, vnkey.StyleOld, "z", "z", "z with nothing to remove"},
		{vnkey.Telex, vnkey.StyleOld, "ddd did", "dd đi", "dd, and d typed later"},
		{vnkey.Telex, vnkey.StyleOld, "tuana", "tuân", "circumflex typed after the final consonant"},
		{vnkey.Telex, vnkey.StyleOld, "oow", "ơ", "w turns ô into ơ"},
		{vnkey.Telex, vnkey.StyleOld, "DDUWOWNGF", "ĐƯỜNG", "capitals"},
		{vnkey.Telex, vnkey.StyleOld, "Aa aA", "Â â", "the letter keeps its case"},
		{vnkey.Telex, vnkey.StyleOld, "class Windows address scanner print", "class Windows address scanner print", "not Vietnamese: as typed"},
		{vnkey.Telex, vnkey.StyleOld, "sohoa.vn, 2024!", "sohoa.vn, 2024!", "punctuation and digits end words"},
		{vnkey.Telex, vnkey.StyleOld, "Vieetj Nam\nHaf Nooij", "Việt Nam\nHà Nội", "newline"},
		{vnkey.Telex, vnkey.StyleOld, "Ddawks Lawks", "Đắk Lắk", "Central Highlands k"},
		{vnkey.Telex, vnkey.StyleOld, "hoaf\b", "hò", "backspace keeps the tone on o"},
		{vnkey.Telex, vnkey.StyleOld, "hoafn\b", "hòa", "backspace redraws the tone (hoàn → hòa)"},
		{vnkey.Telex, vnkey.StyleOld, "mas\ba", "ma", "deleting the toned vowel drops the tone"},
		{vnkey.Telex, vnkey.StyleOld, "mas\b\b\bbaf", "bà", "backspace across the whole word"},
		{vnkey.Telex, vnkey.StyleOld, "\b\bab", "ab", "backspace on an empty field"},
		{vnkey.VNI, vnkey.StyleOld, "Nguye6n4 Thi5 Thuy3", "Nguyễn Thị Thủy", "VNI"},
		{vnkey.VNI, vnkey.StyleModern, "hoa2 Thuy3", "hoà Thuỷ", "VNI modern"},
		{vnkey.VNI, vnkey.StyleOld, "d9uo7ng2 nguoi72", "đường người", "VNI ươ with one 7"},
		{vnkey.VNI, vnkey.StyleOld, "a11 a66 d99", "a1 a6 d9", "VNI undo"},
		{vnkey.VNI, vnkey.StyleOld, "a10 2024 so61 12", "a 2024 số 12", "digits without a target stay digits"},
		{vnkey.VNI, vnkey.StyleOld, "xoa8n", "xoăn", "VNI breve"},
		{vnkey.Off, vnkey.StyleOld, "Nguyeenx", "Nguyeenx", "off"},
	}
	for _, c := range cases {
		if got := vnkey.Type(c.m, c.s, c.keys); got != c.want {
			t.Errorf("%s: %v %q = %q, want %q", c.about, c.m, c.keys, got, c.want)
		}
	}
}

// unikeyStreams are what Unikey (Telex, on Windows) sends to an application for some words: it
// lets a key through, or sends backspaces ('\b') and the changed tail as Unicode characters.
var unikeyStreams = []struct{ stream, want string }{
	{"Nguye\bên\b\bễn Th\bhi\bị Thuy\b\bủy", "Nguyễn Thị Thủy"},
	{"ngu\bưo\b\bươi\b\b\bười", "người"},
	{"a\bá\bas", "as"},                 // "ass": the undo comes back as two ASCII letters
	{"ư\bw", "w"},                      // "ww"
	{"Vie\bêt\b\bệt Nam", "Việt Nam"},  // tone after the final consonant
	{"d\bđa\bâ\bấy", "đấy"},            // dd, aa, s
	{"ho\bòa\b\boà\b\bòa", "hòa"},      // style changes mid-word
	{"class Windows", "class Windows"}, // passed through
}

// TestUnikeyStream feeds Unikey's stream into the engine, with the built-in method off and on:
// the field must end with what Unikey meant, and nothing may be composed twice.
func TestUnikeyStream(t *testing.T) {
	for _, m := range []vnkey.Method{vnkey.Off, vnkey.Telex, vnkey.VNI} {
		for _, c := range unikeyStreams {
			if got := vnkey.Type(m, vnkey.StyleOld, c.stream); got != c.want {
				t.Errorf("%v: stream %q gives %q, want %q", m, c.stream, got, c.want)
			}
		}
	}
	e := vnkey.New(vnkey.Telex, vnkey.StyleOld)
	e.Key('a')
	e.Backspace()
	e.Key('á')
	if !e.External() {
		t.Error("a composed letter arriving as a key should mark the input method as external")
	}
	if ed := e.Key('s'); ed.Insert != "s" || ed.Delete != 0 {
		t.Errorf("after an external input method, keys pass through; got %+v", ed)
	}
	e.SetMethod(vnkey.Telex)
	if e.External() {
		t.Error("SetMethod should forget the external input method")
	}
}

// TestEditsMatchWord checks the engine's promise: applying its edits leaves the field ending in Word().
func TestEditsMatchWord(t *testing.T) {
	keys := "Nguyeenx\b\bxn Thuyr\bwr hoafn\b\bz ddd 12 uow ww"
	for _, m := range []vnkey.Method{vnkey.Telex, vnkey.VNI} {
		e := vnkey.New(m, vnkey.StyleOld)
		var text []rune
		for _, k := range keys {
			var ed vnkey.Edit
			if k == '\b' {
				ed = e.Backspace()
			} else {
				ed = e.Key(k)
			}
			if ed.Delete > len(text) && len(text) > 0 {
				t.Fatalf("%v: edit %+v deletes more than the %d runes typed", m, ed, len(text))
			}
			text = vnkey.ApplyEdit(text, ed)
			if !strings.HasSuffix(string(text), e.Word()) {
				t.Fatalf("%v: after %q the field shows %q, which does not end in the word %q", m, k, string(text), e.Word())
			}
		}
	}
}

// TestHostileKeys feeds random streams of letters, digits, marks, backspaces and odd runes: no
// panic, edits never delete more than is there, and the field stays valid UTF-8 ending in Word().
func TestHostileKeys(t *testing.T) {
	alphabet := []rune("aeiouydwsfrxjzqgnhtAEOWDSF0123456789 \b\b\b.ê\u0301\u200b\U0001F600\x00\uFFFD")
	rng := rand.New(rand.NewPCG(1, 2))
	for _, m := range []vnkey.Method{vnkey.Telex, vnkey.VNI} {
		for _, s := range []vnkey.Style{vnkey.StyleOld, vnkey.StyleModern} {
			for run := 0; run < 300; run++ {
				e := vnkey.New(m, s)
				var text []rune
				for i := 0; i < 60; i++ {
					k := alphabet[rng.IntN(len(alphabet))]
					var ed vnkey.Edit
					if k == '\b' {
						ed = e.Backspace()
					} else {
						ed = e.Key(k)
					}
					if ed.Delete < 0 || ed.Delete > len(text)+1 {
						t.Fatalf("%v: edit %+v with %d runes in the field", m, ed, len(text))
					}
					text = vnkey.ApplyEdit(text, ed)
					if !utf8.ValidString(string(text)) || !strings.HasSuffix(string(text), e.Word()) {
						t.Fatalf("%v: field %q does not end in word %q", m, string(text), e.Word())
					}
				}
			}
		}
	}
}

func TestMethodNames(t *testing.T) {
	if vnkey.Off.String() != "EN" || vnkey.Telex.String() != "TELEX" || vnkey.VNI.String() != "VNI" {
		t.Error("method names changed: the field shows them")
	}
	if vnkey.Off.Next() != vnkey.Telex || vnkey.Telex.Next() != vnkey.VNI || vnkey.VNI.Next() != vnkey.Off {
		t.Error("the toggle should cycle EN → TELEX → VNI → EN")
	}
}

// FuzzKeys checks the same invariants as TestHostileKeys on fuzzed input (go test -fuzz FuzzKeys).
func FuzzKeys(f *testing.F) {
	f.Add("Nguyeenx Thij Thuyr\b\b", true)
	f.Add("d9uo7ng2 a11", false)
	f.Fuzz(func(t *testing.T, keys string, telex bool) {
		m := vnkey.VNI
		if telex {
			m = vnkey.Telex
		}
		e := vnkey.New(m, vnkey.StyleOld)
		var text []rune
		for _, k := range keys {
			var ed vnkey.Edit
			if k == '\b' {
				ed = e.Backspace()
			} else {
				ed = e.Key(k)
			}
			text = vnkey.ApplyEdit(text, ed)
			if !strings.HasSuffix(string(text), e.Word()) {
				t.Fatalf("field %q does not end in word %q", string(text), e.Word())
			}
		}
	})
}

func BenchmarkTelexWord(b *testing.B) {
	e := vnkey.New(vnkey.Telex, vnkey.StyleOld)
	for b.Loop() {
		for _, k := range "Nguyeenx " {
			e.Key(k)
		}
	}
}
