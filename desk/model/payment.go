// Payment requests of the portal.

package model

import (
	"time"
)

// Payment is the portal's payment request for one dossier (online payment of its fees).
type Payment struct {
	DossierID   string
	Amount      int64  // VND
	Reference   string // the portal's payment reference, quoted by the citizen or the bank
	URL         string // where the citizen pays online
	QR          string // the text of the payment QR code (a URL or a bank QR payload)
	Paid        bool
	PaidAt      time.Time // zero while unpaid
	RequestedAt time.Time // when the desk recorded the request
	CheckedAt   time.Time // the last time the portal was asked; zero: never
}
