// Training-mode wiring shared by the CLI and the GUI: the reference portal on loopback and the training identity.

package wire

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"sohoa/desk"
	"sohoa/portal/refportal"
	"sohoa/portal/refportal/tsa"
	"sohoa/signing"
	"sohoa/signing/pkcs12"
)

// VerifyForPortal is the signature check the reference portal runs on every received PDF: sohoa's own
// verifier, refusing a file that is unsigned, unreadable, broken or changed after signing.
func (Program) VerifyForPortal(roots *x509.CertPool) func(name string, pdf []byte) error {
	return func(name string, pdf []byte) error {
		if err := signing.CheckReceived(pdf, roots); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		return nil
	}
}

// StartTrainingPortal starts the reference portal on a free loopback port with its data under the
// desk's data folder, serving a training timestamp authority at /tsa.
func (Program) StartTrainingPortal(ctx context.Context, deskData string) (*desk.TrainingPortal, error) {
	authority, err := tsa.Generate("sohoa TRAINING TSA — ĐÀO TẠO", 5*365*24*time.Hour)
	if err != nil {
		return nil, err
	}
	srv, err := refportal.New(refportal.Config{Addr: "127.0.0.1:0", DataDir: filepath.Join(deskData, "refportal"),
		VerifyPDF: Program{}.VerifyForPortal(nil), TSA: authority})
	if err != nil {
		return nil, err
	}
	url, err := srv.Start(ctx)
	if err != nil {
		srv.Close()
		return nil, err
	}
	return &desk.TrainingPortal{URL: url, TSAURL: url + "/tsa", TSARoot: authority.Chain()[0], Stop: func() { srv.Close() }}, nil
}

// TrainingIdentity opens (creating on first use) the training signing identity of a desk, and a
// trust pool holding the training CA.
func (Program) TrainingIdentity(ctx context.Context, d *desk.Desk) (signing.Identity, *x509.CertPool, error) {
	unit, err := d.Settings.Unit(ctx)
	if err != nil {
		return nil, nil, err
	}
	officer := d.Settings.Officer()
	if officer == "" {
		officer = "Cán bộ Đào Tạo"
	}
	id, ca, err := pkcs12.Training(d.Folder.TrainingIdentityDir(), officer, unit.Name)
	if err != nil {
		return nil, nil, err
	}
	if ca == nil {
		id.Close()
		return nil, nil, errors.New("training identity has no CA")
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	return id, pool, nil
}
