// Check and sign: every component PDF is assembled, marked in training, and signed by the officer.

package dossier

import (
	"context"
	"fmt"
	"strings"

	"sohoa/errs"
	"sohoa/signing"
	"sohoa/storage"
)

// ErrNotConfirmed means a component has not been checked against the original paper.
var ErrNotConfirmed = errs.New("error.not_confirmed", errs.NeedsOfficer, "dossier: component not confirmed against the original")

// SignReason is written into every signature dictionary.
const SignReason = "Số hóa hồ sơ tiếp nhận trực tiếp (Thông tư 01/2023/TT-VPCP, Điều 8)"

// Sign assembles each component into one PDF and signs it (and signs, incrementally, any PDF the
// citizen brought already signed). All signatures are made in memory first; only when every one
// succeeded are the files stored and the dossier moved to Signed, so a wrong PIN or a pulled token
// leaves the dossier exactly as it was. The token, OCSP and TSA are used outside any lock or transaction;
// then one transaction checks that the dossier is still the one that was signed, records the signed files,
// a component.signed audit row for each and the move to Signed.
func (d *signSvc) Sign(ctx context.Context, id string, ident signing.Identity, opt SignOptions) error {
	// A dossier captured by an older version may be a complete draft: derive its state first.
	if err := d.refreshCaptured(ctx, id); err != nil {
		return err
	}
	v, err := d.Dossier(ctx, id)
	if err != nil {
		return err
	}
	if err := checkMove(id, v.State, Signed); err != nil {
		return err
	}
	for _, c := range v.Components {
		if (len(c.Pages) > 0 || len(c.Files) > 0) && !c.Confirmed {
			return fmt.Errorf("%w: %s (%s); compare the pages with the paper and tick \"matches the original\"", ErrNotConfirmed, c.Name, c.Code)
		}
	}
	unit, err := d.Unit(ctx)
	if err != nil {
		return err
	}
	signer := d.cfg.Officer
	if signer == "" {
		signer = ident.Certificate().Subject.CommonName
	}
	scanTime := v.Record.ScanStarted
	if scanTime.IsZero() {
		scanTime = v.CreatedAt
	}
	app := signing.Appearance{SignerName: signer, Unit: unit.Name, ScanTime: scanTime.In(Location), Training: v.Training}
	sopt := signing.Options{Reason: SignReason, Location: unit.Name, Contact: firstPhone(unit), TSAURL: opt.TSAURL, Roots: opt.Roots, Now: d.now(),
		Revocation: signing.RevocationOptions{Offline: opt.Offline || v.Training}}
	var warnings []string
	sign := func(pdf []byte) ([]byte, error) {
		res, err := signing.SignDetailed(ctx, pdf, ident, app, sopt)
		for _, w := range res.Warnings {
			warnings = append(warnings, w.Error())
		}
		return res.PDF, err
	}

	var out []storage.File
	var blobs [][]byte
	for _, c := range v.Components {
		pdf, err := d.componentPDF(ctx, c)
		if err != nil {
			return err
		}
		if pdf != nil {
			if v.Training {
				if pdf, err = StampTraining(pdf); err != nil {
					return err
				}
			}
			signed, err := sign(pdf)
			if err != nil {
				return fmt.Errorf("sign %s: %w", c.Code, err)
			}
			n, err := PDFPageCount(signed)
			if err != nil {
				return fmt.Errorf("sign %s: %w", c.Code, err)
			}
			out = append(out, storage.File{DossierID: id, ComponentCode: c.Code, Name: fileName(id, c.Code, ""),
				Role: RoleSigned, Size: int64(len(signed)), Pages: n, Signed: true, Signer: signer})
			blobs = append(blobs, signed)
		}
		for _, f := range c.Files {
			if f.Role != RoleImported || !f.Signed {
				continue
			}
			orig, err := d.db.Blobs().Get(f.Blob)
			if err != nil {
				return fmt.Errorf("sign %s: %s: %w", c.Code, f.Name, err)
			}
			signed, err := sign(orig)
			if err != nil {
				return fmt.Errorf("sign %s: %s: %w", c.Code, f.Name, err)
			}
			out = append(out, storage.File{DossierID: id, ComponentCode: c.Code, Name: fileName(id, c.Code, f.Name),
				Role: RoleSigned, Size: int64(len(signed)), Pages: f.Pages, Signed: true, Signer: signer})
			blobs = append(blobs, signed)
		}
	}
	if len(out) == 0 {
		return fmt.Errorf("%w: dossier %s has no pages to sign", ErrNothingCaptured, id)
	}
	for i := range out {
		sha, err := d.db.Blobs().PutBytes(blobs[i])
		if err != nil {
			return err
		}
		out[i].Blob = sha
	}
	cert := ident.Certificate()
	basis := signBasis(v)
	return d.db.Update(ctx, "sign dossier", func(tx *storage.Tx) error {
		now, err := d.viewTx(tx, id)
		if err != nil {
			return err
		}
		if now.State != v.State || signBasis(now) != basis {
			return fmt.Errorf("%w: dossier %s changed while it was being signed (%s); sign it again", storage.ErrStateConflict, id, now.State)
		}
		if err := tx.Files().Delete(id, "", RoleSigned); err != nil {
			return err
		}
		for _, f := range out {
			f.CreatedAt = d.now()
			fid, err := tx.Files().Add(f)
			if err != nil {
				return err
			}
			if err := tx.Audit(d.actor(), "component.signed", id, map[string]any{
				"component": f.ComponentCode, "file": f.Name, "file_id": fid, "sha256": f.Blob, "pages": f.Pages}); err != nil {
				return err
			}
		}
		if err := d.updateRecordTx(tx, id, func(r *Record) { r.Signer = signer }); err != nil {
			return err
		}
		// An offline desk signs, but never silently: the missing revocation check is on record.
		return d.moveTx(tx, id, Captured, Signed, map[string]any{
			"signer": signer, "certificate_subject": cert.Subject.String(), "certificate_serial": cert.SerialNumber.String(),
			"issuer": cert.Issuer.String(), "files": len(out), "tsa": opt.TSAURL, "warnings": warnings})
	})
}

// signBasis names what a signature covers: every component's confirmation, pages (image, rotation,
// order) and imported files. Sign records its files only if the basis did not change while it signed.
func signBasis(v View) string {
	var b strings.Builder
	for _, c := range v.Components {
		fmt.Fprintf(&b, "%s:%v;", c.Code, c.Confirmed)
		for _, p := range c.Pages {
			fmt.Fprintf(&b, "p%d:%s:%d;", p.ID, p.Blob, p.Rotation)
		}
		for _, f := range c.Files {
			if f.Role != RoleSigned {
				fmt.Fprintf(&b, "f%d:%s;", f.ID, f.Blob)
			}
		}
	}
	return b.String()
}

// fileName is the submitted file's name: <dossier>_<component>.pdf, or the imported file's name.
func fileName(id, comp, imported string) string {
	if imported != "" {
		base := strings.TrimSuffix(imported, ".pdf")
		base = strings.TrimSuffix(base, ".PDF")
		return fmt.Sprintf("%s_%s_%s.pdf", id, comp, sanitize(base))
	}
	return fmt.Sprintf("%s_%s.pdf", id, comp)
}

func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ':' || r < 32 {
			return '_'
		}
		return r
	}, s)
}

func firstPhone(u storage.Unit) string {
	for _, h := range u.Hotlines {
		if h.Phone != "" {
			return h.Phone
		}
	}
	return ""
}

func (d *core) updateRecord(ctx context.Context, id string, f func(*Record)) error {
	return d.db.Update(ctx, "update record", func(tx *storage.Tx) error { return d.updateRecordTx(tx, id, f) })
}
