// The desk's services, one job each, and the Desk that holds them for the screens and commands.

package desk

import (
	"context"
	"crypto/x509"
	"image"
	"io"
	"time"

	"sohoa/assets/bands"
	"sohoa/dossier/applicant"
	"sohoa/dossier/catalog"
	"sohoa/dossier/figures"
	"sohoa/dossier/report"
	"sohoa/dossier/workdays"
	"sohoa/portal"
	"sohoa/signing"
)

// Desk is one open counter desk: its services over one store. The screens and the commands reach
// the desk only through these; sohoa/wire fills them in.
type Desk struct {
	Dossiers Dossiers
	Capture  Capture
	Signing  Signing
	Outbox   Outbox
	FollowUp FollowUp
	Secrets  Secrets
	Settings Settings
	Reports  Reports
	Folder   Folder
	Audit    Audit
	// Close releases the store (and whatever the desk opened with it).
	Close func() error
}

// Dossiers opens, reads and lists dossiers.
type Dossiers interface {
	NewDossier(ctx context.Context, procedureCode string, a applicant.Applicant) (View, error)
	Dossier(ctx context.Context, id string) (View, error)
	List(ctx context.Context, f DossierFilter) ([]Summary, error)
	// Confirm records the officer's check that a component's pages match the original paper.
	Confirm(ctx context.Context, id, comp string, ok bool) error
	SetDelivery(ctx context.Context, id string, byPost bool, address string) error
	// SetCopies records how many copies the citizen asks for (per-copy and per-page fees).
	SetCopies(ctx context.Context, id string, copies int) error
	// Export writes the dossier package (manifest and signed PDFs) as a ZIP.
	Export(ctx context.Context, id string, w io.Writer) error
	Manifest(ctx context.Context, id string) (portal.Manifest, error)
	Catalog() *catalog.Catalog
	Calendar() *workdays.Calendar
}

// Capture scans and imports pages and edits them while the dossier is open for capture.
type Capture interface {
	Scan(ctx context.Context, r ScanRequest) (int, error)
	// ScanInto scans like Scan and then, in one transaction, puts the new pages at p.At or in the
	// place of page p.Replace.
	ScanInto(ctx context.Context, r ScanRequest, p Placement) (int, error)
	Import(ctx context.Context, id, comp string, paths ...string) error
	ReopenCapture(ctx context.Context, id string) error
	PageImage(ctx context.Context, p Page) (image.Image, error)
	// FileData returns the stored content of one of a dossier's files (an imported PDF, a signed PDF).
	FileData(ctx context.Context, f File) ([]byte, error)
	RotatePage(ctx context.Context, id, comp string, pageID int64, degrees int) error
	DeletePage(ctx context.Context, id, comp string, pageID int64) error
	ReorderPages(ctx context.Context, id, comp string, ids []int64) error
	MovePage(ctx context.Context, id, comp string, pageID int64, to int) error
}

// Signing signs a dossier's components and checks the signed files.
type Signing interface {
	Sign(ctx context.Context, id string, ident signing.Identity, opt SignOptions) error
	// VerifySigned verifies every signed file of a dossier against roots (nil: the shipped roots).
	VerifySigned(ctx context.Context, id string, roots *x509.CertPool, lang string) ([]SignedCheck, error)
	// TestPage is a blank one-page PDF for the settings' test signature.
	TestPage() ([]byte, error)
}

// Outbox puts dossiers in the outbox and shows what waits there.
type Outbox interface {
	Submit(ctx context.Context, id string, tok portal.Token) (OutboxItem, error)
	Retry(ctx context.Context, id string) error
	// Queue lists the dossiers, newest first (at most limit; 0: all), each with its outbox entry.
	Queue(ctx context.Context, limit int) (Queue, error)
	// QueueStats counts the outbox items by state.
	QueueStats(ctx context.Context) (OutboxStats, error)
	// Uploader drains the outbox through c.
	Uploader(c *portal.Client, o UploaderOptions) Uploader
}

// FollowUp follows submitted dossiers on the portal: status, payment, receipt.
type FollowUp interface {
	Follow(ctx context.Context, c *portal.Client, id string, tok portal.Token) error
	SyncStatus(ctx context.Context, c *portal.Client, id string) (StatusChange, error)
	SyncAll(ctx context.Context, c *portal.Client) (SyncReport, error)
	Payment(ctx context.Context, id string) (Payment, bool, error)
	Receipt(ctx context.Context, id string) ([]byte, error)
	// StatusSyncer follows the submitted dossiers through c on a schedule.
	StatusSyncer(c *portal.Client, o SyncOptions) StatusSyncer
}

// Secrets keeps what the citizen lent the desk (the authorization), only as long as it is needed.
type Secrets interface {
	ForgetAuthorization(ctx context.Context, id string) error
}

// Settings are the desk's profile and preferences.
type Settings interface {
	Training() bool
	Officer() string
	SetOfficer(name string)
	Unit(ctx context.Context) (Unit, error)
	SaveUnit(ctx context.Context, u Unit) error
	DeskNumber(ctx context.Context) (int, error)
	SetDeskNumber(ctx context.Context, n int) error
	PostFee(ctx context.Context) (int64, error)
	SetPostFee(ctx context.Context, vnd int64) error
	// Pref reads a preference of the screens ("" when not set); SetPref writes one.
	Pref(ctx context.Context, key string) (string, error)
	SetPref(ctx context.Context, key, value string) error
	// Purge applies the retention rules now.
	Purge(ctx context.Context) (PurgeResult, error)
	// Desks is this desk's number k and the unit's number of desks N (desk k takes the numbers
	// k, k+N, k+2N… of the unit's daily sequence); SetDesks sets both.
	Desks(ctx context.Context) (desk, desks int, err error)
	SetDesks(ctx context.Context, desk, desks int) error
	// ImportCatalog, ImportFees and ImportHolidays load the unit's own procedures, fee table and
	// holiday table (kept in the data folder) and return how many entries (or which year) they loaded.
	ImportCatalog(ctx context.Context, name string, data []byte) (int, error)
	ImportFees(ctx context.Context, data []byte) (int, error)
	ImportHolidays(ctx context.Context, data []byte) (int, error)
	// HolidaysAhead reports on the holiday tables of the current and the coming year;
	// HolidaysMissing names a coming year without one.
	HolidaysAhead(now time.Time) []HolidayYear
	HolidaysMissing() (year int, missing bool)
}

// Preference keys the screens and commands share.
const (
	PrefLanguage = "ui.lang" // "vi" or "en"
	PrefScan     = "ui.scan" // the last scan settings (JSON)
)

// Reports computes the desk's figures and reports.
type Reports interface {
	Figures(ctx context.Context, from, to time.Time) (figures.Figures, error)
	// Report computes a report of the unit; b nil: the unit's colour bands (or the shipped ones).
	Report(ctx context.Context, s report.Spec, b *bands.Bands, opt figures.Options) (*report.Report, error)
	// Bands are the colour bands of the unit's data folder, or the shipped ones.
	Bands() (*bands.Bands, error)
}

// Folder names the places in the desk's data folder.
type Folder interface {
	Dir() string
	ReportsDir() string
	ReceiptPath(id string) string
	ExportPath(id string) string
	LogPath() string
	TrainingIdentityDir() string
}
