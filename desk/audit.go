// The audit log and the data folder's health as the commands see them: rows, the chain head, a
// verification, the state of a damaged folder and the files recovered from it.

package desk

import (
	"context"
	"encoding/json"
	"io"
	"time"

	"sohoa/signing"
)

// Audit checks and exports the desk's audit log.
type Audit interface {
	AuditRows(ctx context.Context, from, to time.Time) ([]AuditRow, error)
	AuditHead(ctx context.Context) (AuditHead, error)
	// VerifyAudit walks the chain (and checks kept, a head a portal kept, when not nil); a log that
	// does not verify gives a check naming the first bad row, and an error.
	VerifyAudit(ctx context.Context, kept *AuditHead) (AuditCheck, error)
	AuditCSV(ctx context.Context, from, to time.Time, w io.Writer) (int, error)
	AuditPDF(ctx context.Context, from, to time.Time, ident signing.Identity, opt SignOptions) ([]byte, error)
}

// FolderState is what `sohoa doctor` reports about a data folder.
type FolderState struct {
	Dir        string          `json:"dir"`
	Identity   string          `json:"identity"`    // written beside the blobs
	DBIdentity string          `json:"db_identity"` // held by the database
	Problem    string          `json:"problem,omitempty"`
	Damage     string          `json:"damage,omitempty"` // the sentence explaining Problem
	Blobs      int             `json:"blobs"`
	Dangling   []string        `json:"dangling"` // rows whose stored file is missing or damaged
	Orphans    []string        `json:"orphans"`  // stored files nothing references
	Recovered  []RecoveredFile `json:"recovered"`
	// MovedDatabase is where a repair moved the damaged database ("" when none).
	MovedDatabase string `json:"moved_database,omitempty"`
	Cause         error  `json:"-"` // the damage as an error (errors.Is the store's ErrFolderDamaged)
}

// RecoveredFile is a stored file a repair found unreferenced and kept.
type RecoveredFile struct {
	Blob    string    `json:"blob"`
	Kind    string    `json:"kind"` // pdf, jpeg, png or unknown
	Size    int64     `json:"size"`
	FoundAt time.Time `json:"found_at"`
}

// AuditRow is one row of the audit log.
type AuditRow struct {
	ID       int64           `json:"id"`
	At       time.Time       `json:"at"`
	Actor    string          `json:"actor"`
	Action   string          `json:"action"`
	Dossier  string          `json:"dossier"`
	Detail   json.RawMessage `json:"detail"`
	PrevHash string          `json:"prev_hash"`
	MAC      string          `json:"mac"`
}

// AuditHead is the newest row of the audit log (sent with every submission as the manifest's ChuoiNhatKy).
type AuditHead struct {
	ID  int64  `json:"id"`
	MAC string `json:"mac"`
}

// AuditCheck is the result of walking the audit chain.
type AuditCheck struct {
	OK     bool      `json:"ok"`
	Head   AuditHead `json:"head"`
	BadRow int64     `json:"bad_row,omitempty"` // the first row that does not verify
	Reason string    `json:"reason,omitempty"`
}

// Err returns the damage as an error wrapping ErrFolderDamaged, or nil when the folder opens.
func (s FolderState) Err() error { return s.Cause }

// Healthy reports whether the folder opens and every row's file is present.
func (s FolderState) Healthy() bool { return s.Problem == "" && len(s.Dangling) == 0 }
