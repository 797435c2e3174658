// The portal's own SQLite store of committed dossiers, the durable file helpers, and ListDossiers.

package refportal

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // database/sql driver "sqlite"

	"sohoa/internal/atomicfile"
	"sohoa/portal"
)

const dbFile = "portal.db"

const schema = `
CREATE TABLE IF NOT EXISTS dossiers (
	portal_code    TEXT PRIMARY KEY,
	owner          TEXT NOT NULL,
	idem_key       TEXT NOT NULL,
	request_hash   TEXT NOT NULL,
	applicant_name TEXT NOT NULL,
	applicant_id   TEXT NOT NULL,
	ma_ho_so       TEXT NOT NULL,
	ma_tthc        TEXT NOT NULL,
	training       INTEGER NOT NULL,
	status         INTEGER NOT NULL,
	received_at    TEXT NOT NULL,
	day            TEXT NOT NULL,
	seq            INTEGER NOT NULL,
	manifest       TEXT NOT NULL,
	UNIQUE (owner, idem_key),
	UNIQUE (day, seq)
);
CREATE TABLE IF NOT EXISTS files (
	portal_code TEXT NOT NULL REFERENCES dossiers (portal_code),
	name        TEXT NOT NULL,
	component   TEXT NOT NULL,
	sha256      TEXT NOT NULL,
	size        INTEGER NOT NULL,
	path        TEXT NOT NULL,
	PRIMARY KEY (portal_code, name)
);`

// StoredDossier is a dossier the portal holds, as listed by ListDossiers.
type StoredDossier struct {
	PortalCode     string       `json:"portal_code"`
	IdempotencyKey string       `json:"idempotency_key"`
	Owner          string       `json:"owner"` // the citizen (CCCD) whose account submitted it
	ApplicantName  string       `json:"applicant_name"`
	ApplicantID    string       `json:"applicant_id"`
	MaHoSo         string       `json:"ma_ho_so"` // the desk's dossier code
	MaTTHC         string       `json:"ma_tthc"`
	Training       bool         `json:"training"`
	Status         int          `json:"status"`
	ReceivedAt     time.Time    `json:"received_at"`
	Files          []StoredFile `json:"files"`
	// AuditHead is the desk's audit chain head sent with the dossier (kept in its manifest), to
	// check the desk's log against later (`sohoa audit verify --head`).
	AuditHead *portal.AuditHead `json:"audit_head,omitempty"`
}

// StoredFile is one file of a stored dossier.
type StoredFile struct {
	Name      string `json:"name"`
	Component string `json:"component"`
	SHA256    string `json:"sha256"`
	Size      int64  `json:"size"`
	Path      string `json:"path"` // absolute path of the stored copy
}

func openDB(ctx context.Context, path string, readOnly bool) (*sql.DB, error) {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "foreign_keys(1)")
	if readOnly {
		q.Add("mode", "ro")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(FULL)")
	}
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if !readOnly {
		if _, err := db.ExecContext(ctx, schema+progressSchema); err != nil {
			db.Close()
			return nil, fmt.Errorf("create schema in %s: %w", path, err)
		}
	}
	return db, nil
}

// ListDossiers lists the dossiers stored in a portal data dir, oldest first (for `sohoa portal dossiers`).
// It works while the portal runs.
func ListDossiers(dataDir string) ([]StoredDossier, error) {
	path := filepath.Join(dataDir, dbFile)
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("no reference portal data in %s: %w", dataDir, err)
	}
	ctx := context.Background()
	db, err := openDB(ctx, path, true)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return listDossiers(ctx, db, "")
}

// listDossiers lists dossiers, all of them or those matching owner and (portal code or idempotency key).
func listDossiers(ctx context.Context, db *sql.DB, where string, args ...any) ([]StoredDossier, error) {
	q := `SELECT portal_code, idem_key, owner, applicant_name, applicant_id, ma_ho_so, ma_tthc, training, status, received_at,
		manifest FROM dossiers`
	var qargs []any
	if where != "" {
		q += " WHERE " + where
		qargs = args
	}
	rows, err := db.QueryContext(ctx, q+" ORDER BY received_at, portal_code", qargs...)
	if err != nil {
		return nil, fmt.Errorf("list dossiers: %w", err)
	}
	var out []StoredDossier
	for rows.Next() {
		var d StoredDossier
		var recv, manifest string
		if err := rows.Scan(&d.PortalCode, &d.IdempotencyKey, &d.Owner, &d.ApplicantName, &d.ApplicantID, &d.MaHoSo, &d.MaTTHC, &d.Training, &d.Status, &recv, &manifest); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list dossiers: %w", err)
		}
		var m struct{ ChuoiNhatKy *portal.AuditHead }
		if json.Unmarshal([]byte(manifest), &m) == nil {
			d.AuditHead = m.ChuoiNhatKy
		}
		if d.ReceivedAt, err = time.Parse(time.RFC3339Nano, recv); err != nil {
			rows.Close()
			return nil, fmt.Errorf("dossier %s: bad received_at %q: %w", d.PortalCode, recv, err)
		}
		out = append(out, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list dossiers: %w", err)
	}
	for i := range out {
		fr, err := db.QueryContext(ctx, `SELECT name, component, sha256, size, path FROM files WHERE portal_code = ? ORDER BY rowid`, out[i].PortalCode)
		if err != nil {
			return nil, fmt.Errorf("list files of %s: %w", out[i].PortalCode, err)
		}
		for fr.Next() {
			var f StoredFile
			if err := fr.Scan(&f.Name, &f.Component, &f.SHA256, &f.Size, &f.Path); err != nil {
				fr.Close()
				return nil, fmt.Errorf("list files of %s: %w", out[i].PortalCode, err)
			}
			out[i].Files = append(out[i].Files, f)
		}
		fr.Close()
		if err := fr.Err(); err != nil {
			return nil, fmt.Errorf("list files of %s: %w", out[i].PortalCode, err)
		}
	}
	return out, nil
}

// writeFileAtomic writes data durably: temp file, flush, a rename that is durable on Linux (fsync
// of the folder) and on Windows (write-through move; Windows cannot flush a folder).
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	if err := atomicfile.Write(path, data, perm); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func constantTimeEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
