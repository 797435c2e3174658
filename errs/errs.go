// Kinds, sentinels carrying a message key and a kind, and reading both back from a wrapped error chain.

package errs

import (
	"context"
	"errors"
	"net"
	"sort"
	"sync"
)

// Kind says what should happen after an error. It is stored as text (the outbox's error class), so
// its values never change.
type Kind string

const (
	// Transient errors go away by themselves: retry later (network down, timeout, portal busy).
	Transient Kind = "transient"
	// Permanent errors fail again the same way: the data must be corrected or support called.
	Permanent Kind = "permanent"
	// NeedsOfficer errors need the officer at the desk to act: plug in the token, free disk space,
	// fix a setting, type a field again.
	NeedsOfficer Kind = "officer"
	// NeedsCitizen errors need the citizen: log in to the portal again, authorize the desk.
	NeedsCitizen Kind = "citizen"
)

// Kinds lists every kind, for tests and translations ("error.kind.<kind>").
var Kinds = []Kind{Transient, Permanent, NeedsOfficer, NeedsCitizen}

// ParseKind reads a stored kind. It also reads the spellings used before this package existed
// ("user", "needs-user": the citizen had to authorize again); anything else is Permanent.
func ParseKind(s string) Kind {
	switch s {
	case string(Transient):
		return Transient
	case string(NeedsOfficer):
		return NeedsOfficer
	case string(NeedsCitizen), "user", "needs-user":
		return NeedsCitizen
	case "":
		return ""
	}
	return Permanent
}

// Error is a sentinel error: an English message for logs, a message key for the officer's sentence
// and a kind. Compare with errors.Is (identity); wrap it with fmt.Errorf("...: %w", ErrX).
type Error struct {
	key  string
	kind Kind
	msg  string
}

// Error returns the English message.
func (e *Error) Error() string { return e.msg }

// Key returns the message key of the sentence that explains the error, e.g. "error.disk_full".
func (e *Error) Key() string { return e.key }

// Kind returns what should happen after the error.
func (e *Error) Kind() Kind { return e.kind }

var (
	mu       sync.Mutex
	registry []*Error
)

// New makes a sentinel error with its message key, its kind and its English message (what happened
// and what to do). Every key needs a sentence in assets/i18n/vi.json and en.json; a test checks it.
func New(key string, kind Kind, english string) *Error {
	e := &Error{key: key, kind: kind, msg: english}
	mu.Lock()
	registry = append(registry, e)
	mu.Unlock()
	return e
}

// Sentinels returns every sentinel made with New in the packages linked into the program, by key.
func Sentinels() []*Error {
	mu.Lock()
	out := append([]*Error(nil), registry...)
	mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].key < out[j].key })
	return out
}

// Keyer is an error that names the sentence explaining it.
type Keyer interface{ Key() string }

// Kinder is an error that says what should happen after it.
type Kinder interface{ Kind() Kind }

// Arger is an error that fills the placeholders of its sentence ({{.Name}}). A value of type Msg is
// itself a message key, translated before it is put in the sentence.
type Arger interface{ Args() map[string]any }

// Msg is a message key used as an argument of a sentence (for example the name of a form field).
type Msg string

// Key returns the message key of Keyed(err), or "".
func Key(err error) string {
	if k := Keyed(err); k != nil {
		return k.Key()
	}
	return ""
}

// Keyed returns the outermost error in err's chain that names a sentence, or, when none does, the
// first sentinel made with New that errors.Is finds in err (typed errors that only implement Is).
func Keyed(err error) Keyer {
	var k Keyer
	for e := err; e != nil; {
		if !errors.As(e, &k) {
			break
		}
		if k.Key() != "" {
			return k
		}
		e = next(k)
	}
	if err == nil {
		return nil
	}
	mu.Lock()
	reg := registry
	mu.Unlock()
	for _, s := range reg {
		if errors.Is(err, s) {
			return s
		}
	}
	return nil
}

// Args returns the sentence arguments of the outermost error in err's chain that has them, or nil.
func Args(err error) map[string]any {
	var a Arger
	if errors.As(err, &a) {
		return a.Args()
	}
	return nil
}

// KindOf says what should happen after err: the kind of the outermost error in its chain that has
// one, else of the sentinel errors.Is finds in it; Transient for timeouts, cancellations and network errors; Permanent for anything else.
// KindOf(nil) is "".
func KindOf(err error) Kind {
	if err == nil {
		return ""
	}
	var k Kinder
	for e := err; e != nil; {
		if !errors.As(e, &k) {
			break
		}
		if kind := k.Kind(); kind != "" {
			return kind
		}
		e = next(k)
	}
	if s, ok := Keyed(err).(*Error); ok && s.kind != "" {
		return s.kind
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return Transient
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return Transient
	}
	return Permanent
}

// next is what v wraps, to keep looking past an error whose key or kind is empty.
func next(v any) error {
	if u, ok := v.(interface{ Unwrap() error }); ok {
		return u.Unwrap()
	}
	return nil
}

// Frame wraps err in the sentence of s, which says what the failure means for the work at hand
// (for example "the dossier was not queued"): errors.Is matches both s and err, the key is s's, the
// kind is err's, and the sentence of s receives err's own sentence as {{.Cause}}.
func Frame(s *Error, err error) error {
	if err == nil {
		return nil
	}
	return &framed{s: s, err: err}
}

type framed struct {
	s   *Error
	err error
}

func (f *framed) Error() string   { return f.s.msg + ": " + f.err.Error() }
func (f *framed) Unwrap() []error { return []error{f.s, f.err} }
func (f *framed) Key() string     { return f.s.key }
func (f *framed) Kind() Kind      { return KindOf(f.err) }

// Cause is the framed error, whose sentence fills {{.Cause}}.
func (f *framed) Cause() error { return f.err }
