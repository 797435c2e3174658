//go:build cgo

// Module loading (one initialisation per process) and listing tokens and certificates without a PIN.

package pkcs11

import (
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	p11 "github.com/miekg/pkcs11"
)

// moduleMu guards modules: C_Initialize/C_Finalize are process-wide, so each module file is loaded and
// initialised once and finalised when its last user (a List call or an open identity) lets go.
var (
	moduleMu sync.Mutex
	modules  = map[string]*loadedModule{}
)

type loadedModule struct {
	ctx   *p11.Ctx
	refs  int
	owned bool // this package called C_Initialize (another library in the process may have done it)
}

// acquire returns the initialised module; the caller holds moduleMu and calls release when done.
func acquire(modulePath string) (*p11.Ctx, error) {
	if m := modules[modulePath]; m != nil {
		m.refs++
		return m.ctx, nil
	}
	if _, err := os.Stat(modulePath); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrModuleNotFound, modulePath, err)
	}
	ctx := p11.New(modulePath)
	if ctx == nil {
		return nil, fmt.Errorf("%w: %s cannot be loaded (wrong architecture or missing dependencies)", ErrModuleNotFound, modulePath)
	}
	owned := true
	if err := ctx.Initialize(); err != nil {
		var pe p11.Error
		if !errors.As(err, &pe) || pe != p11.CKR_CRYPTOKI_ALREADY_INITIALIZED {
			ctx.Destroy()
			return nil, fmt.Errorf("%w: %s: initialise: %w", ErrModuleNotFound, modulePath, err)
		}
		owned = false
	}
	modules[modulePath] = &loadedModule{ctx: ctx, refs: 1, owned: owned}
	return ctx, nil
}

// release drops one reference and finalises the module after the last one; the caller holds moduleMu.
func release(modulePath string) {
	m := modules[modulePath]
	if m == nil {
		return
	}
	if m.refs--; m.refs > 0 {
		return
	}
	delete(modules, modulePath)
	if m.owned {
		_ = m.ctx.Finalize() // fails harmlessly when the module was finalised under us (token driver reset)
	}
	m.ctx.Destroy()
}

// withModule runs f with the initialised module.
func withModule(modulePath string, f func(ctx *p11.Ctx) error) error {
	moduleMu.Lock()
	defer moduleMu.Unlock()
	ctx, err := acquire(modulePath)
	if err != nil {
		return err
	}
	defer release(modulePath)
	return f(ctx)
}

// List describes every token present in the module's slots, with its certificates, without a PIN.
func List(modulePath string) ([]TokenInfo, error) {
	var out []TokenInfo
	err := withModule(modulePath, func(ctx *p11.Ctx) error {
		slots, err := ctx.GetSlotList(true)
		if err != nil {
			return fmt.Errorf("list slots of %s: %w", modulePath, err)
		}
		for _, s := range slots {
			ti, err := ctx.GetTokenInfo(s)
			if err != nil {
				continue // token removed meanwhile
			}
			info := tokenInfo(modulePath, s, ti)
			info.Certificates, _ = listCerts(ctx, s)
			out = append(out, info)
		}
		return nil
	})
	return out, err
}

func tokenInfo(module string, slot uint, ti p11.TokenInfo) TokenInfo {
	return TokenInfo{
		Module: module, Slot: slot,
		Label:         strings.TrimRight(ti.Label, " \x00"),
		Serial:        strings.TrimRight(ti.SerialNumber, " \x00"),
		Manufacturer:  strings.TrimRight(ti.ManufacturerID, " \x00"),
		Model:         strings.TrimRight(ti.Model, " \x00"),
		Flags:         ti.Flags,
		LoginRequired: ti.Flags&p11.CKF_LOGIN_REQUIRED != 0,
		PINCountLow:   ti.Flags&p11.CKF_USER_PIN_COUNT_LOW != 0,
		PINFinalTry:   ti.Flags&p11.CKF_USER_PIN_FINAL_TRY != 0,
		PINLocked:     ti.Flags&p11.CKF_USER_PIN_LOCKED != 0,
		Initialized:   ti.Flags&p11.CKF_TOKEN_INITIALIZED != 0,
	}
}

// listCerts reads the public certificate objects of a token and looks for keys with the same CKA_ID.
func listCerts(ctx *p11.Ctx, slot uint) ([]CertInfo, error) {
	sh, err := ctx.OpenSession(slot, p11.CKF_SERIAL_SESSION)
	if err != nil {
		return nil, err
	}
	defer ctx.CloseSession(sh)
	objs, err := findAll(ctx, sh, []*p11.Attribute{p11.NewAttribute(p11.CKA_CLASS, p11.CKO_CERTIFICATE)})
	if err != nil {
		return nil, err
	}
	var out []CertInfo
	for _, o := range objs {
		attrs, err := ctx.GetAttributeValue(sh, o, []*p11.Attribute{
			p11.NewAttribute(p11.CKA_VALUE, nil), p11.NewAttribute(p11.CKA_ID, nil), p11.NewAttribute(p11.CKA_LABEL, nil),
		})
		if err != nil || len(attrs) != 3 {
			continue
		}
		c, err := x509.ParseCertificate(attrs[0].Value)
		if err != nil {
			continue
		}
		ci := CertInfo{
			Label: string(attrs[2].Value), ID: hex.EncodeToString(attrs[1].Value),
			SubjectCN: c.Subject.CommonName, Issuer: c.Issuer.CommonName, Serial: fmt.Sprintf("%X", c.SerialNumber),
			NotBefore: c.NotBefore, NotAfter: c.NotAfter, DER: c.Raw,
		}
		if len(attrs[1].Value) > 0 {
			for _, class := range []uint{p11.CKO_PRIVATE_KEY, p11.CKO_PUBLIC_KEY} {
				keys, _ := findAll(ctx, sh, []*p11.Attribute{p11.NewAttribute(p11.CKA_CLASS, class), p11.NewAttribute(p11.CKA_ID, attrs[1].Value)})
				if len(keys) > 0 {
					ci.HasPrivateKey = true
					break
				}
			}
		}
		out = append(out, ci)
	}
	return out, nil
}

func findAll(ctx *p11.Ctx, sh p11.SessionHandle, tmpl []*p11.Attribute) ([]p11.ObjectHandle, error) {
	if err := ctx.FindObjectsInit(sh, tmpl); err != nil {
		return nil, err
	}
	defer ctx.FindObjectsFinal(sh)
	var all []p11.ObjectHandle
	for {
		objs, _, err := ctx.FindObjects(sh, 64)
		if err != nil {
			return all, err
		}
		if len(objs) == 0 {
			return all, nil
		}
		all = append(all, objs...)
	}
}
