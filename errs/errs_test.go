// Kinds and keys read back through wrapping; the stored spellings of kinds.

package errs

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
)

type typed struct {
	kind Kind
	err  error
}

func (t *typed) Error() string { return "typed" }
func (t *typed) Kind() Kind    { return t.kind }
func (t *typed) Key() string   { return "" }
func (t *typed) Unwrap() error { return t.err }

func TestKindAndKeyThroughWrapping(t *testing.T) {
	errA := New("test.a", NeedsOfficer, "a: do this")
	wrapped := fmt.Errorf("step: %w", fmt.Errorf("inner: %w", errA))
	if !errors.Is(wrapped, errA) || KindOf(wrapped) != NeedsOfficer || Key(wrapped) != "test.a" {
		t.Fatalf("wrapped sentinel: is=%v kind=%q key=%q", errors.Is(wrapped, errA), KindOf(wrapped), Key(wrapped))
	}
	// A typed error without a key passes the search on to what it wraps; its own kind wins.
	ty := &typed{kind: Transient, err: errA}
	if Key(ty) != "test.a" || KindOf(ty) != Transient {
		t.Fatalf("typed: key %q kind %q", Key(ty), KindOf(ty))
	}
	// An empty kind passes on too.
	if KindOf(&typed{err: errA}) != NeedsOfficer {
		t.Fatalf("empty kind did not pass on")
	}
	// Two sentinels joined: the first wins.
	errB := New("test.b", Transient, "b")
	if Key(fmt.Errorf("%w (%w)", errB, errA)) != "test.b" {
		t.Fatal("join order")
	}
}

func TestKindOfUnknownErrors(t *testing.T) {
	cases := []struct {
		err  error
		want Kind
	}{
		{nil, ""},
		{errors.New("boom"), Permanent},
		{fmt.Errorf("x: %w", context.DeadlineExceeded), Transient},
		{context.Canceled, Transient},
		{&net.OpError{Op: "dial", Err: errors.New("refused")}, Transient},
	}
	for _, c := range cases {
		if got := KindOf(c.err); got != c.want {
			t.Errorf("KindOf(%v) = %q, want %q", c.err, got, c.want)
		}
	}
	if Key(errors.New("x")) != "" {
		t.Error("key of a plain error")
	}
}

func TestParseKindReadsEveryStoredSpelling(t *testing.T) {
	for _, k := range Kinds {
		if ParseKind(string(k)) != k {
			t.Errorf("ParseKind(%q) = %q", k, ParseKind(string(k)))
		}
	}
	for s, want := range map[string]Kind{"user": NeedsCitizen, "needs-user": NeedsCitizen, "": "", "bogus": Permanent} {
		if got := ParseKind(s); got != want {
			t.Errorf("ParseKind(%q) = %q, want %q", s, got, want)
		}
	}
}

func TestSentinelsRegistered(t *testing.T) {
	e := New("test.registered", Permanent, "r")
	for _, s := range Sentinels() {
		if s == e {
			return
		}
	}
	t.Fatal("New did not register the sentinel")
}

type onlyIs struct{ target error }

func (o *onlyIs) Error() string        { return "only is" }
func (o *onlyIs) Is(target error) bool { return target == o.target }

func TestTypedErrorsThatOnlyImplementIs(t *testing.T) {
	s := New("test.only_is", NeedsOfficer, "x")
	err := fmt.Errorf("ctx: %w", &onlyIs{s})
	if Key(err) != "test.only_is" || KindOf(err) != NeedsOfficer {
		t.Fatalf("key %q kind %q", Key(err), KindOf(err))
	}
}

func TestFrame(t *testing.T) {
	outer := New("test.frame", Permanent, "not queued")
	inner := New("test.inner", Transient, "network")
	err := Frame(outer, fmt.Errorf("login: %w", inner))
	if !errors.Is(err, outer) || !errors.Is(err, inner) || Key(err) != "test.frame" || KindOf(err) != Transient {
		t.Fatalf("frame: key %q kind %q", Key(err), KindOf(err))
	}
	if Frame(outer, nil) != nil {
		t.Fatal("Frame(nil) is not nil")
	}
}
