// JSON bodies of the submission API (API.md), shared by the client and the reference portal.

package portal

import "time"

// API paths, relative to the portal's base URL.
const (
	PathDossiers = "/api/v1/dossiers"
	PathFiles    = "/files/"
	// PathStatusSuffix follows PathDossiers + "/" + portal code: the status query by status token.
	PathStatusSuffix = "/status"
)

// HeaderIdempotencyKey carries the submission's idempotency key on a commit.
const HeaderIdempotencyKey = "Idempotency-Key"

// CommitRequest is the body of POST /api/v1/dossiers.
type CommitRequest struct {
	Manifest Manifest     `json:"manifest"`
	Files    []CommitFile `json:"files"`
}

// CommitFile names one uploaded file of a commit.
type CommitFile struct {
	Name      string `json:"name"`
	Component string `json:"component"`
	SHA256    string `json:"sha256"`
	Size      int64  `json:"size"`
	UploadURL string `json:"upload_url"`
}

// ReceiptBody is the answer to a commit, a status query or a lookup.
type ReceiptBody struct {
	PortalCode     string    `json:"portal_code"`
	Status         int       `json:"status"`
	ReceivedAt     time.Time `json:"received_at"`
	IdempotencyKey string    `json:"idempotency_key,omitempty"`
	// StatusToken is the per-dossier, read-only token for GET /api/v1/dossiers/{code}/status; given to the
	// citizen's token only (commit, lookup, status), never to a status-token query.
	StatusToken string `json:"status_token,omitempty"`
	// ResultAt is NgayKetThucXuLy: when the agency finished processing (statuses 9 and 10).
	ResultAt time.Time    `json:"result_at,omitzero"`
	Payment  *PaymentBody `json:"payment,omitempty"` // the payment request, for a dossier with fees
}

// PaymentBody is a payment request: what the citizen owes for a dossier and where to pay it.
type PaymentBody struct {
	Amount    int64     `json:"amount"`    // VND
	Reference string    `json:"reference"` // the payment reference
	URL       string    `json:"url"`       // the payment page
	QR        string    `json:"qr"`        // the text of the payment QR code
	Paid      bool      `json:"paid"`
	PaidAt    time.Time `json:"paid_at,omitzero"`
}

// ErrorBody is the JSON body of every API error.
type ErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}
