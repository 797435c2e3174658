// JSON bodies of the submission API (API.md), shared by the client and the reference portal.
package portal

import "time"

// API paths, relative to the portal's base URL.
const (
	PathDossiers = "/api/v1/dossiers"
	PathFiles    = "/files/"
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
}

// ErrorBody is the JSON body of every API error.
type ErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}
