// The program: desk.Program over sohoa/dossier, the scanner backends and the PKCS#11 tokens.

package wire

import (
	"context"
	"errors"
	"os"

	"sohoa/desk"
	"sohoa/dossier"
	"sohoa/errs"
	_ "sohoa/scanner/escl"    // escl:URL — eSCL/AirScan over the network
	_ "sohoa/scanner/folder"  // folder:PATH — a hot folder (scan-to-folder, scan-to-SMB)
	_ "sohoa/scanner/ippusb"  // usb:BUS:ADDR — eSCL over IPP-over-USB
	_ "sohoa/scanner/sane"    // sane:NAME — SANE drivers (cgo builds)
	_ "sohoa/scanner/virtual" // virtual: — the training scanner
	_ "sohoa/scanner/wia"     // wia:DEVICE-ID — Windows Image Acquisition (registers on Windows only)
	"sohoa/signing"
	"sohoa/signing/certstore"
	"sohoa/signing/pkcs11"
	"sohoa/signing/pkcs12"
)

// Program is the program's desk.Program.
type Program struct{}

var _ desk.Program = Program{}

// DefaultDataDir is the data folder used when --data is not given: <user config dir>/sohoa/<profile>.
func (Program) DefaultDataDir(profile string) string { return dossier.DefaultDataDir(profile) }

func dataDir(o desk.OpenOptions) string {
	switch {
	case o.DataDir != "":
		return o.DataDir
	case o.Training:
		return dossier.DefaultDataDir("training")
	}
	return dossier.DefaultDataDir("")
}

// Open opens (creating when needed) a desk's data folder.
func (p Program) Open(ctx context.Context, o desk.OpenOptions) (*desk.Desk, error) {
	d, err := dossier.Open(ctx, dossier.Config{DataDir: dataDir(o), Training: o.Training, Officer: o.Officer})
	if err != nil {
		return nil, err
	}
	if o.FallbackToTraining && !o.Training {
		if _, err := d.Unit(ctx); err != nil {
			d.Close()
			// Nothing configured: the desk starts in training mode, as the README promises.
			o.Training = true
			return p.Open(ctx, o)
		}
	}
	return d.Services(), nil
}

// Doctor reports (or, with repair, repairs) the state of a data folder.
func (Program) Doctor(ctx context.Context, dataDir string, repair bool) (desk.FolderState, error) {
	if repair {
		return dossier.RepairFolder(ctx, dataDir)
	}
	return dossier.DiagnoseFolder(ctx, dataDir)
}

// ExportRecovered copies the files recovered in a data folder into out.
func (Program) ExportRecovered(ctx context.Context, dataDir, out string) ([]string, error) {
	return dossier.ExportRecovered(ctx, dataDir, out)
}

// ListTokens lists every signing certificate on the tokens of the known PKCS#11 modules.
func (Program) ListTokens(ctx context.Context) ([]desk.TokenCert, error) {
	var out []desk.TokenCert
	var errs []error
	for _, m := range pkcs11.Candidates() {
		if _, err := os.Stat(m); err != nil {
			continue
		}
		tokens, err := pkcs11.List(m)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, t := range tokens {
			for _, c := range t.Certificates {
				if !c.HasPrivateKey {
					continue
				}
				out = append(out, desk.TokenCert{Module: m, Token: t.Label, Serial: t.Serial, Holder: c.SubjectCN, Issuer: c.Issuer,
					NotBefore: c.NotBefore, NotAfter: c.NotAfter, PINCountLow: t.PINCountLow, PINFinalTry: t.PINFinalTry, PINLocked: t.PINLocked,
					Ref: pkcs11.Selector{TokenLabel: t.Label, TokenSerial: t.Serial, CertLabel: c.Label}})
			}
		}
	}
	if len(out) == 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// ErrNoIdentity means no signing identity was named.
var ErrNoIdentity = errs.New("error.wire.no_identity", errs.NeedsOfficer, "wire: choose a signing identity: a PKCS#11 module (--pkcs11-module) or a PKCS#12 file (--pkcs12)")

// OpenIdentity opens the officer's signing identity: a PKCS#11 token, a PKCS#12 file or a certificate-store entry.
func (Program) OpenIdentity(ctx context.Context, s desk.IdentitySpec) (signing.Identity, error) {
	switch {
	case s.Module != "":
		return pkcs11.OpenWith(s.Module, pkcs11.Selector{TokenLabel: s.TokenLabel}, s.PIN, pkcs11.Options{ConfirmFinalTry: s.ConfirmFinalTry})
	case s.PKCS12 != "":
		return pkcs12.Open(s.PKCS12, string(s.PIN))
	case s.CertStore != "":
		return certstore.Open(ctx, s.CertStore)
	}
	return nil, ErrNoIdentity
}

// OpenToken opens the certificate chosen in the picker with the PIN.
func (Program) OpenToken(ctx context.Context, c desk.TokenCert, pin []byte) (signing.Identity, error) {
	sel, _ := c.Ref.(pkcs11.Selector)
	// The PIN dialog showed the final-try warning before the officer pressed OK: that is the confirmation.
	return pkcs11.OpenWith(c.Module, sel, pin, pkcs11.Options{ConfirmFinalTry: c.PINFinalTry})
}
