// The payment card: amounts grouped the Vietnamese way, the QR code only while unpaid.

package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"sohoa/desk"
)

func TestPaymentCard(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1.000", 25000: "25.000", 1234567: "1.234.567", -8000: "-8.000"} {
		if got := groupThousands(n); got != want {
			t.Errorf("groupThousands(%d) = %q, want %q", n, got, want)
		}
	}
	p := desk.Payment{Amount: 32000, Reference: "TT-REF-1", QR: "http://127.0.0.1/pay/TT-REF-1"}
	if _, ok := paymentCard(p).(*fyne.Container); !ok {
		t.Errorf("unpaid card has no QR code beside the note")
	}
	p.Paid = true
	l, ok := paymentCard(p).(*widget.Label)
	if !ok || l.Text == "" {
		t.Fatalf("paid card: %T", paymentCard(p))
	}
	if want := "thanh toán trực tuyến, mã TT-REF-1: đã thanh toán — 32.000 đồng"; l.Text != want {
		t.Errorf("paid card %q, want %q", l.Text, want)
	}
}
