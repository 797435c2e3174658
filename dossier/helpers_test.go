// Small file helpers shared by the desk tests.

package dossier_test

import (
	"context"
	"errors"
	"image/jpeg"
	"os"
	"testing"

	"sohoa/dossier"
	"sohoa/scanner"
	"sohoa/storage"
)

func writeJPEG(path string, p scanner.Page) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := jpeg.Encode(f, p.Image, &jpeg.Options{Quality: 80}); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// secret reads a dossier's stored (sealed) secret of kind; "" when there is none.
func secret(t *testing.T, d *dossier.Desk, id, kind string) string {
	t.Helper()
	var v []byte
	err := dossier.StoreOf(d).View(context.Background(), func(tx *storage.Tx) error {
		var err error
		v, err = tx.Secrets().Get(id, kind)
		return err
	})
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		t.Fatal(err)
	}
	return string(v)
}

// setSecret replaces a dossier's stored secret of kind, as a hand edit of the store would; "" deletes it.
func setSecret(t *testing.T, d *dossier.Desk, id, kind, value string) {
	t.Helper()
	err := dossier.StoreOf(d).Update(context.Background(), "test secret", func(tx *storage.Tx) error {
		if value == "" {
			return tx.Secrets().Delete(id, kind)
		}
		return tx.Secrets().Put(id, kind, []byte(value))
	})
	if err != nil {
		t.Fatal(err)
	}
}

// outboxItem reads a dossier's outbox item (the zero item when it has none).
func outboxItem(d *dossier.Desk, id string) storage.OutboxItem {
	var it storage.OutboxItem
	_ = dossier.StoreOf(d).View(context.Background(), func(tx *storage.Tx) error {
		var err error
		it, err = tx.Outbox().Get(id)
		return err
	})
	return it
}

// followed lists the dossiers a status sync asks the portal about.
func followed(d *dossier.Desk) ([]string, error) {
	var ids []string
	err := dossier.StoreOf(d).View(context.Background(), func(tx *storage.Tx) error {
		var err error
		ids, err = tx.Dossiers().Followed(storage.StateSubmitted, 3, 7, 8, 10)
		return err
	})
	return ids, err
}

// setState moves a dossier's state by hand (compare-and-set), around the desk's rules.
func setState(d *dossier.Desk, id, from, to string) error {
	return dossier.StoreOf(d).Update(context.Background(), "test state", func(tx *storage.Tx) error { return tx.Dossiers().Move(id, from, to) })
}
