// Small domain rules the screens share with the desk: unit codes, the time zone of dossier dates, fee
// totals, the payment line of the receipt and page rotation.

package desk

import (
	"fmt"
	"image"
	"image/draw"
	"regexp"

	"time"

	"sohoa/dossier/catalog"
	"sohoa/errs"
)

// ErrNoUnit means the desk has no unit profile yet: the first-run set-up must be completed.
var ErrNoUnit = errs.New("error.no_unit", errs.NeedsOfficer, "dossier: no unit profile is set up on this desk; finish the set-up (unit code and name) or start training mode")

// ErrNoAuthorization means the citizen has not (or no longer) authorized the submission.
var ErrNoAuthorization = errs.New("error.no_authorization", errs.NeedsCitizen, "dossier: the citizen's authorization is missing or expired; ask the citizen to log in again")

// ErrInvalidUnit means a unit profile (or a desk setting) is not acceptable.
var ErrInvalidUnit = errs.New("error.invalid_unit", errs.NeedsOfficer, "dossier: invalid unit profile")

var unitCodeRE = regexp.MustCompile(`^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$`)

// ValidUnitCode checks a unit code against the QCVN 102:2016 shape.
func ValidUnitCode(code string) error {
	if !unitCodeRE.MatchString(code) {
		return fmt.Errorf("%w: unit code %q must look like 000.00.00.H47 (QCVN 102:2016); ask the provincial office for your unit's code", ErrInvalidUnit, code)
	}
	return nil
}

// Location is the time zone dossier dates are written in.
var Location = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		return time.FixedZone("ICT", 7*3600)
	}
	return loc
}()

// Channel values of KenhThucHien.
const (
	ChannelInPerson = 1
	ChannelOnline   = 2
	ChannelPostal   = 3
)

// feeChannel is the catalog's fee channel of a dossier channel.
func feeChannel(ch int) string {
	switch ch {
	case ChannelOnline:
		return catalog.ChannelOnline
	case ChannelPostal:
		return catalog.ChannelPost
	}
	return catalog.ChannelInPerson
}

// FeeLines are the fee rows a dossier pays, each with its rate, quantity and total: the procedure's
// rows for the dossier's channel, per-page rows counted on the dossier's pages and per-copy rows on
// the copies asked for (Record.Copies, 1 when unset), plus the delivery-by-post row when there is one.
func FeeLines(v View) []catalog.Fee {
	return catalog.Charge(v.Record.Fees, feeChannel(v.Channel), catalog.Quantity{Pages: v.PageCount(), Copies: v.Record.Copies})
}

// FeeTotal is what a dossier pays, in VND: the sum of its FeeLines.
func FeeTotal(v View) int64 {
	return catalog.Total(FeeLines(v))
}

// PaymentNote is the receipt's line about online payment, e.g.
// "thanh toán trực tuyến, mã TT-…: chưa thanh toán".
func PaymentNote(p Payment) string {
	state := "chưa thanh toán"
	if p.Paid {
		state = "đã thanh toán"
		if !p.PaidAt.IsZero() {
			state += " lúc " + p.PaidAt.In(Location).Format("15:04 02/01/2006")
		}
	}
	return "thanh toán trực tuyến, mã " + p.Reference + ": " + state
}

// Rotate turns img clockwise by 0, 90, 180 or 270 degrees.
func Rotate(img image.Image, degrees int) image.Image {
	degrees = ((degrees % 360) + 360) % 360
	if degrees == 0 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	var out draw.Image
	if degrees == 180 {
		out = image.NewRGBA(image.Rect(0, 0, w, h))
	} else {
		out = image.NewRGBA(image.Rect(0, 0, h, w))
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := img.At(b.Min.X+x, b.Min.Y+y)
			switch degrees {
			case 90:
				out.Set(h-1-y, x, c)
			case 180:
				out.Set(w-1-x, h-1-y, c)
			case 270:
				out.Set(y, w-1-x, c)
			}
		}
	}
	return out
}
