// Payment requests the portal answers a submission with, and whether the portal reports them paid.

package storage

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"sohoa/desk/model"
)

// Payment is the desk's record, kept by this store (defined in sohoa/desk/model).
type Payment = model.Payment

// Payments is the repository of payment requests, reached from a Tx.
type Payments struct{ tx *Tx }

// Save inserts or replaces the payment request of p.DossierID.
// ErrNotFound if the dossier does not exist; ErrInvalid for a negative amount or no reference.
func (r Payments) Save(p Payment) error {
	what := "save payment of dossier " + p.DossierID
	if p.DossierID == "" || p.Reference == "" || p.Amount < 0 {
		return kept(fmt.Errorf("%s: %w: empty dossier code or reference, or negative amount", what, ErrInvalid))
	}
	for _, t := range []struct {
		name string
		at   time.Time
	}{{"paid", p.PaidAt}, {"requested", p.RequestedAt}, {"checked", p.CheckedAt}} {
		if err := checkTime(t.name, t.at); err != nil {
			return kept(fmt.Errorf("%s: %w", what, err))
		}
	}
	if p.RequestedAt.IsZero() {
		p.RequestedAt = r.tx.db.now()
	}
	_, err := r.tx.exec(`INSERT INTO payments (dossier_id, amount, reference, url, qr, paid, paid_at, requested_at, checked_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (dossier_id) DO UPDATE SET amount = excluded.amount, reference = excluded.reference, url = excluded.url,
				qr = excluded.qr, paid = excluded.paid, paid_at = excluded.paid_at, checked_at = excluded.checked_at`,
		p.DossierID, p.Amount, p.Reference, p.URL, p.QR, p.Paid, nanos(p.PaidAt), nanos(p.RequestedAt), nanos(p.CheckedAt))
	return noDossier(err, p.DossierID)
}

const paymentColumns = `dossier_id, amount, reference, url, qr, paid, paid_at, requested_at, checked_at`

func scanPayment(row interface{ Scan(...any) error }) (Payment, error) {
	var p Payment
	var paid, requested, checked int64
	if err := row.Scan(&p.DossierID, &p.Amount, &p.Reference, &p.URL, &p.QR, &p.Paid, &paid, &requested, &checked); err != nil {
		return Payment{}, err
	}
	p.PaidAt, p.RequestedAt, p.CheckedAt = fromNanos(paid), fromNanos(requested), fromNanos(checked)
	return p, nil
}

// Payment returns the payment request of a dossier; ErrNotFound when the portal asked for none.
func (r Payments) Get(dossierID string) (Payment, error) {
	p, err := scanPayment(r.tx.queryRow(`SELECT `+paymentColumns+` FROM payments WHERE dossier_id = ?`, dossierID))
	if errors.Is(err, sql.ErrNoRows) {
		return Payment{}, kept(fmt.Errorf("payment of dossier %s: %w", dossierID, ErrNotFound))
	}
	if err != nil {
		return Payment{}, dbErr("read payment of "+dossierID, err)
	}
	return p, nil
}

// Unpaid returns the payment requests not yet reported paid, oldest request first.
func (r Payments) Unpaid() ([]Payment, error) {
	rows, err := r.tx.query(`SELECT ` + paymentColumns + ` FROM payments WHERE paid = 0 ORDER BY requested_at, dossier_id`)
	if err != nil {
		return nil, dbErr("list unpaid payments", err)
	}
	defer rows.Close()
	var out []Payment
	for rows.Next() {
		p, err := scanPayment(rows)
		if err != nil {
			return nil, dbErr("list unpaid payments", err)
		}
		out = append(out, p)
	}
	return out, dbErr("list unpaid payments", rows.Err())
}

// Followed returns the codes of the dossiers in state whose portal status is not one of final, or whose
// payment is unpaid, oldest first: the dossiers a status sync asks the portal about.
func (r Dossiers) Followed(state string, final ...int) ([]string, error) {
	q := `SELECT id FROM dossiers WHERE state = ? AND (portal_status NOT IN (SELECT value FROM json_each(?))
		OR id IN (SELECT dossier_id FROM payments WHERE paid = 0)) ORDER BY created_at, id`
	if final == nil {
		final = []int{}
	}
	list, err := json.Marshal(final)
	if err != nil {
		return nil, err
	}
	rows, err := r.tx.query(q, state, string(list))
	if err != nil {
		return nil, dbErr("list followed dossiers", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, dbErr("list followed dossiers", err)
		}
		out = append(out, id)
	}
	return out, dbErr("list followed dossiers", rows.Err())
}
