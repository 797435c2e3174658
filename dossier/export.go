// Export: a dossier package (manifest + signed PDFs + checksum list) a person can upload by hand.

package dossier

import (
	"archive/zip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Export writes the dossier package of a signed (or later) dossier as a zip: manifest.json, every
// signed PDF, and SHA256SUMS in the format sha256sum -c reads.
func (d *dossierSvc) Export(ctx context.Context, id string, w io.Writer) error {
	v, err := d.Dossier(ctx, id)
	if err != nil {
		return err
	}
	switch v.State {
	case Signed, Queued, Submitted, Failed:
	default:
		return fmt.Errorf("%w: dossier %s is %s; sign it before exporting", ErrIllegalMove, id, v.State)
	}
	m, err := d.Manifest(ctx, id)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(w)
	mb, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	var sums strings.Builder
	if err := addZip(zw, "manifest.json", mb); err != nil {
		return err
	}
	for _, c := range v.Components {
		for _, f := range c.Files {
			if f.Role != RoleSigned {
				continue
			}
			b, err := d.db.Blobs().Get(f.Blob)
			if err != nil {
				return fmt.Errorf("export %s: %s: %w", id, f.Name, err)
			}
			if err := addZip(zw, f.Name, b); err != nil {
				return err
			}
			fmt.Fprintf(&sums, "%s  %s\n", f.Blob, f.Name)
		}
	}
	if err := addZip(zw, "SHA256SUMS", []byte(sums.String())); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return d.audit(ctx, "dossier.exported", id, nil)
}

func addZip(zw *zip.Writer, name string, b []byte) error {
	fw, err := zw.Create(name)
	if err != nil {
		return err
	}
	_, err = fw.Write(b)
	return err
}
