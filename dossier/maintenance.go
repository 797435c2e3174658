// Folder and audit-log maintenance for `sohoa doctor` and `sohoa audit`: the data folder's state
// and its repair (which work on a folder too damaged to open a desk), the audit chain's check and
// its head — so the CLI needs neither Desk.DB() nor the storage package.

package dossier

import (
	"context"
	"errors"
	"fmt"
	"time"

	"sohoa/storage"
)

// ErrFolderDamaged reports a data folder whose database is missing, empty or another folder's while
// it holds files; nothing was opened or deleted (storage.ErrFolderDamaged).
var ErrFolderDamaged = storage.ErrFolderDamaged

// ErrAuditBroken reports an audit log that does not verify (storage.ErrAuditBroken).
var ErrAuditBroken = storage.ErrAuditBroken

func folderState(d storage.Diagnosis, moved string) FolderState {
	s := FolderState{Dir: d.Dir, Identity: d.Identity, DBIdentity: d.DBIdentity, Problem: d.Problem, Blobs: d.Blobs,
		Dangling: d.Dangling, Orphans: d.Orphans, MovedDatabase: moved}
	if d.Damage != nil {
		s.Damage, s.Cause = d.Damage.Error(), d.Damage
	}
	for _, r := range d.Recovered {
		s.Recovered = append(s.Recovered, RecoveredFile{Blob: r.Blob, Kind: r.Kind, Size: r.Size, FoundAt: r.FoundAt})
	}
	return s
}

// DiagnoseFolder reports the state of the data folder dir (default folder when "") without changing it.
func DiagnoseFolder(ctx context.Context, dir string) (FolderState, error) {
	if dir == "" {
		dir = DefaultDataDir("")
	}
	d, err := storage.Diagnose(ctx, dir)
	if err != nil {
		return FolderState{}, err
	}
	return folderState(d, ""), nil
}

// RepairFolder makes the data folder usable again without deleting anything: a damaged database
// is moved aside and a fresh one re-indexes the stored files, which are kept from the clean-up
// and listed as recovered for the officer to export or attach again.
func RepairFolder(ctx context.Context, dir string) (FolderState, error) {
	if dir == "" {
		dir = DefaultDataDir("")
	}
	d, moved, err := storage.Repair(ctx, dir)
	if err != nil {
		return FolderState{}, err
	}
	return folderState(d, moved), nil
}

// ExportRecovered copies the recovered files of the data folder dir into out and returns their paths.
func ExportRecovered(ctx context.Context, dir, out string) ([]string, error) {
	if dir == "" {
		dir = DefaultDataDir("")
	}
	db, err := storage.Open(dir)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return db.Recovery().Export(ctx, out)
}

// AuditRows returns the audit rows written in [from, to), oldest first; a zero bound is open.
func (d *auditSvc) AuditRows(ctx context.Context, from, to time.Time) ([]AuditRow, error) {
	es, err := d.db.AuditTrail().Range(ctx, from, to)
	if err != nil {
		return nil, err
	}
	out := make([]AuditRow, len(es))
	for i, e := range es {
		out[i] = AuditRow{ID: e.ID, At: e.At, Actor: e.Actor, Action: e.Action, Dossier: e.DossierID, Detail: e.Detail, PrevHash: e.PrevHash, MAC: e.Hash}
	}
	return out, nil
}

// AuditHead returns the newest row's id and MAC.
func (d *auditSvc) AuditHead(ctx context.Context) (AuditHead, error) {
	h, err := d.db.AuditTrail().Head(ctx)
	return AuditHead{ID: h.ID, MAC: h.MAC}, err
}

// VerifyAudit walks the audit chain (and, when kept is not nil, checks the head a portal kept).
// A log that does not verify gives a check naming the first bad row and an error wrapping
// ErrAuditBroken.
func (d *auditSvc) VerifyAudit(ctx context.Context, kept *AuditHead) (AuditCheck, error) {
	head, err := d.AuditHead(ctx)
	if err != nil {
		return AuditCheck{}, err
	}
	check := AuditCheck{Head: head}
	err = d.db.VerifyAudit(ctx)
	if err == nil && kept != nil {
		err = d.db.AuditTrail().VerifyHead(ctx, storage.AuditHead{ID: kept.ID, MAC: kept.MAC})
	}
	var broken *storage.AuditBrokenError
	if errors.As(err, &broken) {
		check.BadRow, check.Reason = broken.ID, broken.Reason
		return check, fmt.Errorf("audit log: %w", err)
	}
	if err != nil {
		return AuditCheck{}, err
	}
	check.OK = true
	return check, nil
}
