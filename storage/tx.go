// The unit of work: one transaction per step (Update for writes, View for consistent reads), and the
// repositories every read and write goes through, reached from the transaction.

package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// querier is what the repositories run their statements on: a write or a read transaction.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Tx is one transaction of the store. Everything a step writes (its rows, its state move, its audit row)
// goes through one Tx, so it is all there after a crash, or none of it is. A Tx is valid only inside the
// function given to Update or View, and only on that function's goroutine.
type Tx struct {
	ctx    context.Context
	q      querier
	db     *DB
	write  bool
	pinned bool // holds the blob store's read lock: no blob can be collected until the commit
}

// Update runs fn in one write transaction (BEGIN IMMEDIATE; one at a time within this process) and
// commits it when fn returns nil; any error rolls everything back. what names the step in errors and in
// the crash points "before-commit:<what>" and "after-commit:<what>". Errors fn returns come back
// unchanged (errors of the database are wrapped with what and a full disk becomes ErrDiskFull).
// Never do network, token or other slow I/O inside fn: the write lock is held until it returns.
func (db *DB) Update(ctx context.Context, what string, fn func(tx *Tx) error) error {
	select {
	case db.wsem <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("%s: %w", what, ctx.Err())
	}
	defer func() { <-db.wsem }()
	st, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return dbErr(what, err)
	}
	tx := &Tx{ctx: ctx, q: st, db: db, write: true}
	defer tx.unpin()
	if err := fn(tx); err != nil {
		_ = st.Rollback()
		return txErr(what, err)
	}
	CrashPoint("before-commit:" + what)
	if err := st.Commit(); err != nil {
		return dbErr(what, err)
	}
	CrashPoint("after-commit:" + what)
	return nil
}

// View runs fn in one read transaction: every read inside sees the same snapshot of the store, and
// writes are refused (ErrInvalid). It never waits for writers (WAL).
func (db *DB) View(ctx context.Context, fn func(tx *Tx) error) error {
	st, err := db.sql.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return dbErr("read", err)
	}
	defer st.Rollback()
	return txErr("read", fn(&Tx{ctx: ctx, q: st, db: db}))
}

// txErr passes errors of the caller and classified errors of the store through unchanged, and wraps
// the database's own errors with what was being done.
func txErr(what string, err error) error {
	if err == nil {
		return nil
	}
	var keep *keptError
	if errors.As(err, &keep) {
		return fmt.Errorf("%s: %w", what, keep.err)
	}
	if sqliteCode(err) != 0 || isDiskFull(err) || errors.Is(err, sql.ErrConnDone) || errors.Is(err, sql.ErrTxDone) {
		return dbErr(what, err)
	}
	return err
}

// Context is the context the transaction runs under.
func (tx *Tx) Context() context.Context { return tx.ctx }

// exec runs a writing statement; ErrInvalid inside View.
func (tx *Tx) exec(query string, args ...any) (sql.Result, error) {
	if !tx.write {
		return nil, kept(fmt.Errorf("%w: a write inside a read transaction", ErrInvalid))
	}
	return tx.q.ExecContext(tx.ctx, query, args...)
}

// query runs a statement returning rows.
func (tx *Tx) query(query string, args ...any) (*sql.Rows, error) {
	return tx.q.QueryContext(tx.ctx, query, args...)
}

// queryRow runs a statement returning one row. A RETURNING clause writes: refused inside View.
func (tx *Tx) queryRow(query string, args ...any) *sql.Row {
	return tx.q.QueryRowContext(tx.ctx, query, args...)
}

// pin keeps the blob store's read lock until the transaction ends, so the garbage collector cannot
// delete a blob between the check that it exists and the commit of the row that references it.
func (tx *Tx) pin() {
	if !tx.pinned {
		tx.db.blobs.mu.RLock()
		tx.pinned = true
	}
}

func (tx *Tx) unpin() {
	if tx.pinned {
		tx.db.blobs.mu.RUnlock()
		tx.pinned = false
	}
}

// Repositories, one per kind of row.

// Dossiers are the dossier rows.
func (tx *Tx) Dossiers() Dossiers { return Dossiers{tx} }

// Components are the components of dossiers.
func (tx *Tx) Components() Components { return Components{tx} }

// Pages are the captured page images of components.
func (tx *Tx) Pages() Pages { return Pages{tx} }

// Files are the component files: imported and signed PDFs.
func (tx *Tx) Files() Files { return Files{tx} }

// Outbox is the queue of dossiers to upload.
func (tx *Tx) Outbox() Outbox { return Outbox{tx} }

// Uploads are the resumable upload URLs of dossiers being uploaded.
func (tx *Tx) Uploads() Uploads { return Uploads{tx} }

// Payments are the portal's payment requests.
func (tx *Tx) Payments() Payments { return Payments{tx} }

// Settings are the key/value settings, the unit profiles and the dossier-code sequences.
func (tx *Tx) Settings() Settings { return Settings{tx} }

// Secrets are the per-dossier secrets (the citizen's token, the status token), deleted with the dossier.
func (tx *Tx) Secrets() Secrets { return Secrets{tx} }

// Single reads and writes outside a step, for callers that need one value (the settings screens, the
// queue's list). Each runs its own transaction.

// Setting returns the value stored under key, or "" and ErrNotFound when absent.
func (db *DB) Setting(ctx context.Context, key string) (v string, err error) {
	err = db.View(ctx, func(tx *Tx) error { v, err = tx.Settings().Get(key); return err })
	return v, err
}

// SetSetting stores value under key, replacing any previous value.
func (db *DB) SetSetting(ctx context.Context, key, value string) error {
	return db.Update(ctx, "save setting "+key, func(tx *Tx) error { return tx.Settings().Set(key, value) })
}

// Outbox returns every outbox item, oldest first.
func (db *DB) Outbox(ctx context.Context) (items []OutboxItem, err error) {
	err = db.View(ctx, func(tx *Tx) error { items, err = tx.Outbox().List(); return err })
	return items, err
}

// OutboxStats counts the outbox items by state.
func (db *DB) OutboxStats(ctx context.Context) (s OutboxStats, err error) {
	err = db.View(ctx, func(tx *Tx) error { s, err = tx.Outbox().Stats(); return err })
	return s, err
}

// OpenedAt is when this DB was opened: claims older than that belong to a process that is gone.
func (db *DB) OpenedAt() time.Time { return db.openedAt }
