// The domain types of the desk API: dossier views, the records they carry and the requests the services take.

package desk

import (
	"crypto/x509"
	"encoding/json"
	"image"
	"time"

	"sohoa/desk/model"
	"sohoa/dossier/applicant"
	"sohoa/dossier/catalog"
	"sohoa/scanner"
)

// The records of the desk (see sohoa/desk/model).
type (
	Page          = model.Page
	File          = model.File
	OutboxItem    = model.OutboxItem
	OutboxStats   = model.OutboxStats
	Unit          = model.Unit
	Hotline       = model.Hotline
	Payment       = model.Payment
	DossierFilter = model.DossierFilter
	PurgeResult   = model.PurgeResult
	State         = model.State
)

// Dossier states.
const (
	Draft     = model.Draft
	Captured  = model.Captured
	Signed    = model.Signed
	Queued    = model.Queued
	Submitted = model.Submitted
	Failed    = model.Failed
)

// Roles of a component's files.
const (
	RoleImported = "imported" // a PDF the citizen brought
	RoleSigned   = "signed"   // a component PDF signed at this desk: what is submitted
)

// Record is the domain part of a dossier kept as JSON beside the indexed columns.
type Record struct {
	Applicant     applicant.Applicant `json:"applicant"`
	ProcedureName string              `json:"procedure_name"`
	FieldName     string              `json:"field_name,omitempty"`
	ProcessDays   int                 `json:"process_days"`
	Fees          []catalog.Fee       `json:"fees,omitempty"`
	Copies        int                 `json:"copies,omitempty"` // copies asked for (per-copy and per-page fees); 0 = 1
	ByPost        bool                `json:"by_post,omitempty"`
	PostAddress   string              `json:"post_address,omitempty"`
	OfficerRole   string              `json:"officer_role,omitempty"` // the receiving officer's role (RoleOf the counter type)
	ScanStarted   time.Time           `json:"scan_started,omitzero"`
	SubmittedAt   time.Time           `json:"submitted_at,omitzero"`
	ResultAt      time.Time           `json:"result_at,omitzero"` // when the portal reported the result (NgayKetThucXuLy)
	VNeID         bool                `json:"vneid,omitempty"`
	Signer        string              `json:"signer,omitempty"`
}

// ComponentView is one dossier component with its pages and files.
type ComponentView struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	Required  bool   `json:"required"`
	Confirmed bool   `json:"confirmed"`
	Pages     []Page `json:"pages"`
	Files     []File `json:"files"`
}

// View is everything the screens and `sohoa dossier show` need about one dossier.
type View struct {
	ID            string            `json:"id"`
	State         State             `json:"state"`
	UnitCode      string            `json:"unit_code"`
	Procedure     catalog.Procedure `json:"-"`
	ProcedureCode string            `json:"procedure_code"`
	Record        Record            `json:"record"`
	Officer       string            `json:"officer"`
	Training      bool              `json:"training"`
	Channel       int               `json:"channel"`
	CreatedAt     time.Time         `json:"created_at"`
	UpdatedAt     time.Time         `json:"updated_at"`
	ReceivedAt    time.Time         `json:"received_at"`
	AppointmentAt time.Time         `json:"appointment_at"`
	PortalCode    string            `json:"portal_code,omitempty"`
	PortalStatus  int               `json:"portal_status,omitempty"`
	LastError     string            `json:"last_error,omitempty"`
	Components    []ComponentView   `json:"components"`
	Outbox        *OutboxItem       `json:"outbox,omitempty"`
}

// PageCount is the number of pages over all components.
func (v View) PageCount() int {
	n := 0
	for _, c := range v.Components {
		n += len(c.Pages)
	}
	return n
}

// Component returns the component with the given code.
func (v View) Component(code string) (ComponentView, bool) {
	for _, c := range v.Components {
		if c.Code == code {
			return c, true
		}
	}
	return ComponentView{}, false
}

// MarshalJSON includes the procedure's name with the view.
func (v View) MarshalJSON() ([]byte, error) {
	type plain View
	return json.Marshal(struct {
		plain
		ProcedureName string `json:"procedure_name"`
		Pages         int    `json:"pages"`
	}{plain(v), v.Record.ProcedureName, v.PageCount()})
}

// Summary is one line of the dossier list.
type Summary struct {
	ID            string    `json:"id"`
	State         State     `json:"state"`
	ProcedureCode string    `json:"procedure_code"`
	ApplicantName string    `json:"applicant_name"`
	ApplicantID   string    `json:"applicant_id"`
	CreatedAt     time.Time `json:"created_at"`
	PortalCode    string    `json:"portal_code,omitempty"`
	LastError     string    `json:"last_error,omitempty"`
	Training      bool      `json:"training"`
}

// QueueItem is one line of the queue: a dossier with its outbox entry (nil when it has none).
type QueueItem struct {
	Summary
	Outbox *OutboxItem `json:"outbox,omitempty"`
}

// Queue is the queue screen's content: the dossiers, newest first, with the outbox counts.
type Queue struct {
	Items []QueueItem `json:"items"`
	Stats OutboxStats `json:"stats"`
}

// CaptureEvent tells the screen about a page that was just stored.
type CaptureEvent struct {
	Page  Page
	Image image.Image // the cleaned pixels, for the thumbnail
}

// ScanRequest asks for a scan into one component.
type ScanRequest struct {
	Dossier, Component string
	Device             string // device address, e.g. "virtual:" or "sane:test:0"
	Settings           scanner.Settings
	OnPage             func(CaptureEvent)     // may be nil; called after the page is safely stored
	OnProgress         func(scanner.Progress) // may be nil
}

// Placement says where ScanInto puts the scanned pages: at position At (0-based; the pages from
// there move back), or, when Replace is set, in the place of that page, which goes in the same
// transaction.
type Placement struct {
	At      int   // the position the first new page takes
	Replace int64 // the id of the page the new pages replace; 0: none
}

// SignOptions are the desk-level choices for signing.
type SignOptions struct {
	TSAURL  string         // RFC 3161 timestamp authority; "" for none
	Roots   *x509.CertPool // trust anchors for the pre-sign check; nil: the shipped roots
	Offline bool           // the desk knows it has no network: skip OCSP/CRL (recorded as a warning)
}

// StatusChange is what one status query found.
type StatusChange struct {
	DossierID  string    `json:"dossier_id"`
	PortalCode string    `json:"portal_code"`
	From       int       `json:"from"`
	To         int       `json:"to"`
	Status     int       `json:"status"`             // the status now (To)
	Changed    bool      `json:"changed"`            // the status changed
	ResultAt   time.Time `json:"result_at,omitzero"` // NgayKetThucXuLy, for 9 and 10
	NewlyPaid  bool      `json:"newly_paid"`         // the portal reports the payment made since the last query
	Payment    *Payment  `json:"payment,omitempty"`
}

// SyncReport sums up one pass over the followed dossiers.
type SyncReport struct {
	Checked     int              `json:"checked"`
	Changed     []StatusChange   `json:"changed"`      // dossiers whose status or payment changed
	Failed      map[string]error `json:"-"`            // dossier → why its query failed
	NotFollowed int              `json:"not_followed"` // submitted dossiers without a status token
}

// SignedCheck is what VerifySigned found for one signed file of a dossier.
type SignedCheck struct {
	File   File
	PDF    []byte // the signed file as stored
	Report string // the verification report, in the language asked for
	Err    error  // the file could not be read or verified
}

// HolidayYear says whether the desk has a holiday table for a year.
type HolidayYear struct {
	Year     int  `json:"year"`
	Missing  bool `json:"missing"`  // no table: only the computed Labour Code rules, no government decision
	Inferred bool `json:"inferred"` // a table, but not (wholly) from an official announcement
}
