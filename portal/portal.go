// The submission client: tus upload of each file and the idempotent commit.

package portal

import (
	"io"
	"time"
)

// Scope names the desk asks for when the citizen authorizes it.
const (
	// ScopeSubmit is the custom scope that lets a token commit dossiers on the citizen's behalf.
	ScopeSubmit = "dossier:submit"
	// DefaultClientID is the OIDC client ID of the desk application registered at the portal.
	DefaultClientID = "sohoa-desk"
)

// DefaultScopes are the scopes the desk requests: "openid profile dossier:submit".
var DefaultScopes = []string{"openid", "profile", ScopeSubmit}

// StatusReceived is TrangThaiHoSo 2 (received), the status a portal answers on a successful commit.
const StatusReceived = 2

// File is one component PDF to upload. Name must match a TaiLieuNop entry's TenTepDinhKem in the manifest.
type File struct {
	Name      string // file name, e.g. "to-khai.pdf"; the manifest's TenTepDinhKem
	Component string // component code, the manifest's MaThanhPhanHoSo
	SHA256    string // lowercase hex SHA-256 of the bytes, the manifest's SHA256
	Size      int64  // bytes, the manifest's KichThuoc
	// Open opens the bytes afresh; Submit calls it once per upload attempt and closes what it returns.
	Open func() (io.ReadSeekCloser, error)
	// UploadURL is the tus upload created by an earlier attempt (from Submission.OnUploadCreated), if any;
	// Submit resumes it when the portal still has it, and otherwise starts a new upload.
	UploadURL string
}

// Submission is one dossier to commit: the idempotency key makes a retried Submit safe.
type Submission struct {
	IdemKey  string // unique per dossier submission, kept in the outbox; reused verbatim on every retry
	Manifest Manifest
	Files    []File
	// OnUploadCreated, when set, is told of every tus upload created so the caller can persist the URL
	// (File.UploadURL) and resume it after a crash.
	OnUploadCreated func(name, uploadURL string)
	// OnProgress, when set, is told after every chunk the portal acknowledged (offset of size bytes held).
	OnProgress func(name string, offset, size int64)
	// BeforeCommit, when set, is called once every file is uploaded, just before the commit request.
	BeforeCommit func()
}

// Receipt is the portal's answer to a commit or a status query.
type Receipt struct {
	PortalCode string    // the portal's dossier code, <unit>-<YYMMDD>-<NNNN>
	Status     int       // TrangThaiHoSo (2 = received)
	ReceivedAt time.Time // when the portal received the dossier
	// StatusToken is the per-dossier read-only token that lets the desk follow the status after the
	// citizen's token is gone (Client.Track). A secret: never marshalled, kept encrypted by the desk.
	StatusToken string    `json:"-"`
	ResultAt    time.Time // NgayKetThucXuLy, when the portal reports processing finished (9, 10); zero otherwise
	Payment     *PaymentRequest
}

// PaymentRequest is what the citizen owes for a dossier and where to pay it online.
type PaymentRequest struct {
	Amount    int64  // VND
	Reference string // the portal's payment reference
	URL       string // the payment page
	QR        string // the text of the payment QR code
	Paid      bool
	PaidAt    time.Time // zero while unpaid
}

// Final statuses (TrangThaiHoSo) after which a dossier's status no longer changes: refused, withdrawn,
// stopped, result returned.
const (
	StatusRefused   = 3
	StatusWithdrawn = 7
	StatusStopped   = 8
	StatusProcessed = 9
	StatusReturned  = 10
)

// FinalStatus reports whether a dossier with status s will not change any more.
func FinalStatus(s int) bool {
	return s == StatusRefused || s == StatusWithdrawn || s == StatusStopped || s == StatusReturned
}

// Token is the citizen's authorization for the desk, as obtained by Authorizer or TrainingLogin.
type Token struct {
	AccessToken  string
	RefreshToken string
	IDToken      string
	Expiry       time.Time // zero when unknown
	Subject      string    // the citizen's 12-digit CCCD number
	Name         string    // the citizen's full name
	VNeID        bool      // the account is authenticated at level 2 of the national e-ID (VNeID)
	Scopes       []string  // the scopes the citizen granted, when the portal said (for the audit log)
	Flow         string    // how it was obtained: "loopback" (browser at the desk) or "device" (citizen's phone)
}

// Expired reports whether the token's expiry is known and passed at now.
func (t Token) Expired(now time.Time) bool {
	return !t.Expiry.IsZero() && !now.Before(t.Expiry)
}

// DossierScopePrefix starts the per-dossier scope "dossier:<MaHoSo>": a token granted with it may commit only
// that dossier, and the portal's consent page names the dossier to the citizen.
const DossierScopePrefix = "dossier:"

// DossierScope is the scope that names one dossier (by its desk code MaHoSo) in the citizen's consent.
func DossierScope(maHoSo string) string { return DossierScopePrefix + maHoSo }

// ValidDossierScopeCode reports whether code may follow "dossier:" in a scope: 1 to 64 letters, digits,
// dots, dashes or underscores, and not "submit".
func ValidDossierScopeCode(code string) bool {
	if code == "" || len(code) > 64 || DossierScopePrefix+code == ScopeSubmit {
		return false
	}
	for _, c := range code {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
