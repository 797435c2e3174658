// Fees, online payment and the post-office counter: the officer's role, result delivery by post with its
// fee, and the payment request the portal answers a submission with.

package dossier

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"sohoa/dossier/catalog"
	"sohoa/errs"
	"sohoa/portal"
	"sohoa/storage"
)

// Roles of the receiving officer, recorded on each dossier (Record.OfficerRole) and in its manifest.
const (
	RoleCommune = "Công chức Bộ phận Một cửa"
	RolePostal  = "Nhân viên bưu chính"
)

// RoleOf is the receiving officer's role at a counter of the given type ("postal" or "commune").
func RoleOf(counterType string) string {
	if counterType == "postal" {
		return RolePostal
	}
	return RoleCommune
}

// PostFeeCode is the fee row (MaPhiLePhi) of result delivery by post.
const PostFeeCode = "BUU_CHINH_TRA_KQ"

// PostFeeName names the fee row of result delivery by post.
const PostFeeName = "Cước dịch vụ bưu chính công ích chuyển trả kết quả"

// DefaultPostFee is the delivery fee (VND) when the unit has set none: our default, to be set per unit
// from the public postal operator's tariff (`sohoa status post-fee`).
const DefaultPostFee = 25000

const settingPostFee = "post.delivery_fee"

// Errors of SetDelivery.
var (
	// ErrNoPostAddress means delivery by post was asked without an address.
	ErrNoPostAddress = errs.New("error.no_post_address", errs.NeedsOfficer, "dossier: delivery by post needs the address the result is posted to; type the address")
	// ErrDeliveryFixed means the dossier is already queued or submitted: its fees went to the portal.
	ErrDeliveryFixed = errs.New("error.delivery_fixed", errs.Permanent, "dossier: the dossier is already sent to the portal; delivery and its fee can no longer change")
)

// PostFee is the unit's fee for delivering a result by post, in VND.
func (d *core) PostFee(ctx context.Context) (int64, error) {
	v, err := d.db.Setting(ctx, settingPostFee)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && v == "") {
		return DefaultPostFee, nil
	}
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return DefaultPostFee, nil
	}
	return n, nil
}

// SetPostFee sets the unit's fee for delivering a result by post (VND, 0 or more).
func (d *settingsSvc) SetPostFee(ctx context.Context, vnd int64) error {
	if vnd < 0 {
		return fmt.Errorf("%w: the delivery fee %d is negative", ErrInvalidUnit, vnd)
	}
	return d.db.Update(ctx, "set post fee", func(tx *storage.Tx) error {
		if err := tx.Settings().Set(settingPostFee, strconv.FormatInt(vnd, 10)); err != nil {
			return err
		}
		return tx.Audit(d.actor(), "unit.post_fee", "", map[string]any{"vnd": vnd})
	})
}

// SetDelivery records whether the citizen wants the result delivered by post, and where. With byPost the
// unit's delivery fee becomes a fee row of the dossier (in its manifest's DanhSachLePhi and on the receipt);
// without it the row goes. Only before the dossier is queued (ErrDeliveryFixed after).
func (d *dossierSvc) SetDelivery(ctx context.Context, id string, byPost bool, address string) error {
	address = strings.TrimSpace(address)
	if byPost && address == "" {
		return ErrNoPostAddress
	}
	fee, err := d.PostFee(ctx)
	if err != nil {
		return err
	}
	return d.db.Update(ctx, "set delivery", func(tx *storage.Tx) error {
		st, err := stateTx(tx, id)
		if err != nil {
			return err
		}
		switch st {
		case Queued, Submitted, Failed:
			return fmt.Errorf("%w (dossier %s is %s)", ErrDeliveryFixed, id, st)
		}
		return d.setDeliveryTx(tx, id, byPost, address, fee)
	})
}

// setDeliveryTx writes the delivery choice and its fee row with the audit row.
func (d *dossierSvc) setDeliveryTx(tx *storage.Tx, id string, byPost bool, address string, fee int64) error {
	if err := d.updateRecordTx(tx, id, func(r *Record) {
		r.ByPost, r.PostAddress = byPost, ""
		if byPost {
			r.PostAddress = address
		}
		fees := r.Fees[:0:0]
		for _, f := range r.Fees {
			if f.Code != PostFeeCode {
				fees = append(fees, f)
			}
		}
		// Delivery by post is charged whatever channel the dossier came in through.
		if byPost {
			fees = append(fees, catalog.Fee{Code: PostFeeCode, Name: PostFeeName, Amount: fee, Unit: "lần"})
		}
		r.Fees = fees
	}); err != nil {
		return err
	}
	detail := map[string]any{"by_post": byPost}
	if byPost {
		detail["address"], detail["fee"] = address, fee
	}
	return tx.Audit(d.actor(), "dossier.delivery", id, detail)
}

// Payment returns the portal's payment request for a dossier, and whether there is one.
func (d *followSvc) Payment(ctx context.Context, id string) (p storage.Payment, ok bool, err error) {
	err = d.db.View(ctx, func(tx *storage.Tx) error { p, ok, err = paymentTx(tx, id); return err })
	return p, ok, err
}

// paymentTx is Payment inside tx.
func paymentTx(tx *storage.Tx, id string) (storage.Payment, bool, error) {
	p, err := tx.Payments().Get(id)
	if errors.Is(err, storage.ErrNotFound) {
		return storage.Payment{}, false, nil
	}
	return p, err == nil, err
}

// savePayment stores the portal's payment request or its news inside tx; the first request time is kept.
func (d *followSvc) savePayment(tx *storage.Tx, id string, p *portal.PaymentRequest) error {
	if p.Reference == "" || p.Amount < 0 {
		return fmt.Errorf("dossier %s: the portal's payment request has no reference or a negative amount", id)
	}
	sp := storage.Payment{DossierID: id, Amount: p.Amount, Reference: p.Reference, URL: p.URL, QR: p.QR,
		Paid: p.Paid, PaidAt: p.PaidAt, CheckedAt: d.now()}
	if sp.Paid && sp.PaidAt.IsZero() {
		sp.PaidAt = d.now()
	}
	if old, ok, err := paymentTx(tx, id); err != nil {
		return err
	} else if ok {
		sp.RequestedAt = old.RequestedAt
	} else {
		sp.RequestedAt = d.now()
	}
	return tx.Payments().Save(sp)
}
