// The portal's payment request on screen: the amount, the reference, paid or not, and the QR code the
// citizen scans to pay online.

package app

import (
	"fmt"
	"image"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"sohoa/desk"
)

// paymentCard shows a payment request: the receipt's payment line (desk.PaymentNote), the amount and,
// while unpaid, the payment QR code. Hook: the receipt tab and the queue's detail show it for a dossier
// with u.desk.FollowUp.Payment(ctx, id) ok.
func paymentCard(p desk.Payment) fyne.CanvasObject {
	note := widget.NewLabel(fmt.Sprintf("%s — %s đồng", desk.PaymentNote(p), groupThousands(p.Amount)))
	note.Wrapping = fyne.TextWrapWord
	if p.Paid || p.QR == "" {
		return note
	}
	img, err := paymentQR(p)
	if err != nil {
		return note
	}
	qr := canvas.NewImageFromImage(img)
	qr.FillMode = canvas.ImageFillContain
	qr.SetMinSize(fyne.NewSize(160, 160))
	return container.NewBorder(nil, nil, qr, nil, note)
}

// paymentQR is the payment request's QR code.
func paymentQR(p desk.Payment) (image.Image, error) {
	return qrImage(p.QR, 320)
}

// groupThousands writes an amount the Vietnamese way: 25000 → "25.000".
func groupThousands(n int64) string {
	s := fmt.Sprint(n)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	out := make([]byte, 0, len(s)+len(s)/3)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, '.')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}
