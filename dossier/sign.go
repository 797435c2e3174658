// Check and sign: every component PDF is assembled, marked in training, and signed by the officer.

package dossier

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"sohoa/signing"
	"sohoa/storage"
)

// ErrNotConfirmed means a component has not been checked against the original paper.
var ErrNotConfirmed = errors.New("dossier: component not confirmed against the original")

// SignReason is written into every signature dictionary.
const SignReason = "Số hóa hồ sơ tiếp nhận trực tiếp (Thông tư 01/2023/TT-VPCP, Điều 8)"

// Sign assembles each component into one PDF and signs it (and signs, incrementally, any PDF the
// citizen brought already signed). All signatures are made in memory first; only when every one
// succeeded are the files stored and the dossier moved to Signed, so a wrong PIN or a pulled token
// leaves the dossier exactly as it was.
func (d *signSvc) Sign(ctx context.Context, id string, ident signing.Identity, opt SignOptions) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	// A crash between storing a page and moving the state leaves a complete draft: derive it again.
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
	for _, c := range v.Components {
		if err := d.db.DeleteFiles(ctx, id, c.Code, RoleSigned); err != nil {
			return err
		}
	}
	for _, f := range out {
		f.CreatedAt = d.now()
		if _, err := d.db.AddFile(ctx, f); err != nil {
			return err
		}
	}
	if err := d.updateRecord(ctx, id, func(r *Record) { r.Signer = signer }); err != nil {
		return err
	}
	cert := ident.Certificate()
	// An offline desk signs, but never silently: the missing revocation check is on record.
	return d.move(ctx, id, Captured, Signed, map[string]any{
		"signer": signer, "certificate_subject": cert.Subject.String(), "certificate_serial": cert.SerialNumber.String(),
		"issuer": cert.Issuer.String(), "files": len(out), "tsa": opt.TSAURL, "warnings": warnings})
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
	row, err := d.db.Dossier(ctx, id)
	if err != nil {
		return err
	}
	rec, err := decodeRecord(row)
	if err != nil {
		return err
	}
	f(&rec)
	if err := encodeRecord(&row, rec); err != nil {
		return err
	}
	return d.db.UpdateDossier(ctx, row)
}
