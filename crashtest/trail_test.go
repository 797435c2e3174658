// After every kill: each dossier's audit trail is complete and its state is one a person can act on.

package crashtest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"sohoa/storage"
)

// trailStates are the states a "dossier.<state>" audit row records a move to.
var trailStates = map[string]bool{
	storage.StateDraft: true, storage.StateCaptured: true, storage.StateSigned: true,
	storage.StateQueued: true, storage.StateSubmitted: true, storage.StateFailed: true,
}

// checkTrails opens a desk's store (no desk process runs on it now) and checks every dossier: the audit chain
// verifies; the dossier's last state move on record is its state; signed and later dossiers have a
// component.signed row per signed file and a dossier.signed row; queued and later ones a citizen.authorized
// row; a queued dossier has a live outbox item (pending or claimed), a failed one a failed item, a submitted one
// a done item and no citizen token; no draft has every required component filled. It returns the problems.
func checkTrails(ctx context.Context, dir string) ([]string, int, error) {
	db, err := storage.Open(dir)
	if err != nil {
		return nil, 0, err
	}
	defer db.Close()
	if err := db.VerifyAudit(ctx); err != nil {
		return []string{err.Error()}, 0, nil
	}
	var problems []string
	var n int
	err = db.View(ctx, func(tx *storage.Tx) error {
		ds, err := tx.Dossiers().List(storage.DossierFilter{})
		if err != nil {
			return err
		}
		n = len(ds)
		for _, d := range ds {
			p, err := checkTrail(tx, d)
			if err != nil {
				return err
			}
			for _, s := range p {
				problems = append(problems, fmt.Sprintf("%s (%s): %s", d.ID, d.State, s))
			}
		}
		return nil
	})
	return problems, n, err
}

func checkTrail(tx *storage.Tx, d storage.Dossier) ([]string, error) {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	log, err := tx.AuditLog(d.ID)
	if err != nil {
		return nil, err
	}
	count := map[string]int{}
	last := ""
	for _, e := range log {
		count[e.Action]++
		if e.Action == "dossier.created" {
			last = storage.StateDraft
		}
		if s, ok := strings.CutPrefix(e.Action, "dossier."); ok && trailStates[s] {
			last = s
		}
	}
	if count["dossier.created"] != 1 {
		bad("%d dossier.created rows", count["dossier.created"])
	}
	if last != d.State {
		bad("the audit trail ends in %q", last)
	}
	files, err := tx.Files().List(d.ID)
	if err != nil {
		return nil, err
	}
	signedFiles := 0
	for _, f := range files {
		if f.Role == "signed" {
			signedFiles++
		}
	}
	after := func(states ...string) bool {
		for _, s := range states {
			if d.State == s {
				return true
			}
		}
		return false
	}
	if after(storage.StateSigned, storage.StateQueued, storage.StateSubmitted, storage.StateFailed) {
		if signedFiles == 0 || count["dossier.signed"] == 0 || count["component.signed"] < signedFiles {
			bad("%d signed files, %d dossier.signed and %d component.signed rows", signedFiles, count["dossier.signed"], count["component.signed"])
		}
	}
	if after(storage.StateQueued, storage.StateSubmitted, storage.StateFailed) && count["citizen.authorized"] == 0 {
		bad("no citizen.authorized row")
	}
	it, err := tx.Outbox().Get(d.ID)
	if errors.Is(err, storage.ErrNotFound) {
		it, err = storage.OutboxItem{}, nil
	}
	if err != nil {
		return nil, err
	}
	switch d.State {
	case storage.StateQueued:
		if it.State != storage.OutboxPending && it.State != storage.OutboxClaimed {
			bad("queued with outbox item %q: nothing will upload it", it.State)
		}
	case storage.StateFailed:
		if it.State != storage.OutboxFailed {
			bad("failed with outbox item %q", it.State)
		}
	case storage.StateSubmitted:
		if it.State != storage.OutboxDone {
			bad("submitted with outbox item %q", it.State)
		}
		if _, err := tx.Secrets().Get(d.ID, storage.SecretCitizenToken); err == nil {
			bad("the citizen's token is kept after submission")
		}
	case storage.StateDraft, storage.StateCaptured, storage.StateSigned:
		if it.State != "" {
			bad("%s with outbox item %q", d.State, it.State)
		}
	}
	if d.State == storage.StateDraft {
		comps, err := tx.Components().List(d.ID)
		if err != nil {
			return nil, err
		}
		if len(comps) == 0 {
			bad("a dossier without components")
		}
		full, any := len(comps) > 0, false
		for _, c := range comps {
			pages, err := tx.Pages().List(d.ID, c.Code)
			if err != nil {
				return nil, err
			}
			has := len(pages) > 0
			for _, f := range files {
				has = has || f.ComponentCode == c.Code
			}
			any = any || has
			if c.Required && !has {
				full = false
			}
		}
		if full && any {
			bad("a draft whose required components are all captured")
		}
	}
	return problems, nil
}

// mustTrails fails the test with every problem checkTrails finds.
func mustTrails(t *testing.T, ctx context.Context, dir, after string) int {
	t.Helper()
	problems, n, err := checkTrails(ctx, dir)
	if err != nil {
		t.Fatalf("check trails after %s: %v", after, err)
	}
	for _, p := range problems {
		t.Errorf("after %s: %s", after, p)
	}
	return n
}
