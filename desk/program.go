// What the one wiring place (sohoa/wire) gives the commands and the window: opening a desk, the
// training portal and identity, and the background workers with their one owner.

package desk

import (
	"context"
	"crypto/x509"
	"log/slog"
	"time"

	"sohoa/signing"
)

// Program opens desks and the parts around them; main.go builds the one implementation
// (sohoa/wire) and hands it to the CLI and the window.
type Program interface {
	// DefaultDataDir is the data folder of a profile when --data is not given.
	DefaultDataDir(profile string) string
	// Open opens (creating when needed) a desk's data folder.
	Open(ctx context.Context, o OpenOptions) (*Desk, error)
	// ListTokens lists every signing certificate on the plugged-in USB tokens; OpenToken opens one with a PIN.
	ListTokens(ctx context.Context) ([]TokenCert, error)
	OpenToken(ctx context.Context, c TokenCert, pin []byte) (signing.Identity, error)
	// StartTrainingPortal starts the reference portal of training mode on loopback, with its data
	// under the desk's data folder and a training timestamp authority.
	StartTrainingPortal(ctx context.Context, dataDir string) (*TrainingPortal, error)
	// OpenIdentity opens the officer's signing identity: a PKCS#11 token or a PKCS#12 file.
	OpenIdentity(ctx context.Context, s IdentitySpec) (signing.Identity, error)
	// TrainingIdentity opens (creating on first use) the training signing identity of a desk, and a
	// trust pool holding the training CA.
	TrainingIdentity(ctx context.Context, d *Desk) (signing.Identity, *x509.CertPool, error)
	// VerifyForPortal is the check the reference portal runs on every received PDF: at least one
	// signature, every signature intact.
	VerifyForPortal(roots *x509.CertPool) func(name string, pdf []byte) error
	// Doctor reports the state of a data folder without opening it as a desk; repair moves a
	// missing, empty or foreign database aside and re-indexes the stored files (nothing is deleted).
	Doctor(ctx context.Context, dataDir string, repair bool) (FolderState, error)
	// ExportRecovered copies the files recovered in a data folder into out and returns their paths.
	ExportRecovered(ctx context.Context, dataDir, out string) ([]string, error)
	// Workers are the background loops of a desk that talk to the portal at portalURL.
	Workers(d *Desk, portalURL string, log *slog.Logger) Workers
}

// OpenOptions open a desk.
type OpenOptions struct {
	DataDir  string // "" : the default profile's
	Training bool   // training mode: virtual scanner, training identity, reference portal
	Officer  string // the officer at the desk ("" : the signing certificate's name)
	// FallbackToTraining: a desk without a unit profile opens in training mode instead (its
	// default folder is then the training profile's).
	FallbackToTraining bool
}

// IdentitySpec names a signing identity: a certificate on a PKCS#11 token (Module, TokenLabel), a
// PKCS#12 file, or a certificate in the Windows certificate store (CertStore, its thumbprint); PIN
// unlocks it (the caller clears it afterwards).
type IdentitySpec struct {
	Module, TokenLabel string
	ConfirmFinalTry    bool // the officer confirmed a PIN try that may lock the token
	PKCS12             string
	CertStore          string // thumbprint of a certificate in the Windows certificate store
	PIN                []byte
}

// TokenCert is one signing certificate on a token, as the certificate picker shows it.
type TokenCert struct {
	Module, Token, Serial string // PKCS#11 module file, token label and serial
	Holder, Issuer        string // subject and issuer common names
	NotBefore, NotAfter   time.Time
	PINCountLow           bool // the token reports failed PIN tries
	PINFinalTry           bool // one more wrong PIN locks the token
	PINLocked             bool
	Ref                   any // backend-specific selector passed back to OpenToken
}

// TrainingPortal is the reference portal of training mode, with its timestamp authority.
type TrainingPortal struct {
	URL     string            // the portal's base URL (OIDC issuer and submission API)
	TSAURL  string            // the RFC 3161 timestamp authority every training signature uses
	TSARoot *x509.Certificate // trust it to see the training timestamps as trusted
	Stop    func()
}

// Workers own the background loops of a desk (the outbox uploader and the status sync): Start runs
// them until Stop (or ctx's end), Stop ends them and waits; no loop outlives its owner.
type Workers interface {
	// Start runs the loops; onChange is called from a loop's goroutine after a dossier changed.
	Start(ctx context.Context, onChange func(dossierID string))
	Stop()
	// UploadNow uploads what is due now instead of waiting for the next poll.
	UploadNow(ctx context.Context) error
}

// Uploader drains the outbox through a portal client.
type Uploader interface {
	// Drain uploads until nothing is due (or ctx ends).
	Drain(ctx context.Context) error
	// Run drains the outbox until ctx ends, polling every interval when idle.
	Run(ctx context.Context, interval time.Duration) error
}

// UploaderOptions tune an Uploader; zero values take the defaults.
type UploaderOptions struct {
	Lease                      time.Duration // how long a claim holds before another worker may take it over
	InitialBackoff, MaxBackoff time.Duration // bounds of the retry backoff of transient failures
	Log                        *slog.Logger
	OnChange                   func(dossierID string) // after an item changed state; may be nil
}

// StatusSyncer follows the submitted dossiers on the portal on a schedule.
type StatusSyncer interface {
	// Run makes a pass at once and then every interval until ctx ends.
	Run(ctx context.Context) error
}

// SyncOptions tune a StatusSyncer; zero values take the defaults.
type SyncOptions struct {
	Interval time.Duration // between passes; 15 minutes when zero
	Log      *slog.Logger
	OnChange func(StatusChange) // for every dossier whose status or payment changed; may be nil
}

// WindowOptions are what the window needs from the command line.
type WindowOptions struct {
	Desk      OpenOptions
	Lang      string // "vi" or "en"; "" : the desk's saved language
	Autopilot string // walk the training flow and save screenshots into this folder (tests)
	Version   string // the program's version, for the log
}
