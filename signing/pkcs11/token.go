//go:build cgo

// Token access through the PKCS#11 module: listing without a PIN (miekg/pkcs11), signing with crypto11.
package pkcs11

import (
	"crypto"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ThalesGroup/crypto11"
	p11 "github.com/miekg/pkcs11"

	"sohoa/signing"
)

// moduleMu serialises module initialisation in this process: C_Initialize/C_Finalize are process-wide.
var moduleMu sync.Mutex

// withModule loads the module, initialises it unless another user in this process already did, and
// finalises it afterwards only if this call initialised it.
func withModule(modulePath string, f func(ctx *p11.Ctx) error) error {
	if _, err := os.Stat(modulePath); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrModuleNotFound, modulePath, err)
	}
	moduleMu.Lock()
	defer moduleMu.Unlock()
	ctx := p11.New(modulePath)
	if ctx == nil {
		return fmt.Errorf("%w: %s cannot be loaded (wrong architecture or missing dependencies)", ErrModuleNotFound, modulePath)
	}
	defer ctx.Destroy()
	owned := true
	if err := ctx.Initialize(); err != nil {
		var pe p11.Error
		if !errors.As(err, &pe) || pe != p11.CKR_CRYPTOKI_ALREADY_INITIALIZED {
			return fmt.Errorf("%w: %s: initialise: %w", ErrModuleNotFound, modulePath, err)
		}
		owned = false
	}
	if owned {
		defer ctx.Finalize()
	}
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

// pick returns the token that sel chooses.
func pick(tokens []TokenInfo, sel Selector) (TokenInfo, bool) {
	for _, t := range tokens {
		if (sel.TokenLabel == "" || t.Label == sel.TokenLabel) && (sel.TokenSerial == "" || t.Serial == sel.TokenSerial) {
			return t, true
		}
	}
	return TokenInfo{}, false
}

// identity is a logged-in token key with its certificate.
type identity struct {
	mu     sync.Mutex
	ctx    *crypto11.Context
	signer crypto.Signer
	cert   *x509.Certificate
	chain  []*x509.Certificate
	label  string
}

// Open logs in to the token that sel chooses and returns its signing identity: the certificate that sel
// chooses, else the first one with a private key (preferring one valid now that allows signing).
// pin is zeroed before Open returns. Close logs out, closes the session and finalises the module.
func Open(modulePath string, sel Selector, pin []byte) (signing.Identity, error) {
	defer clear(pin)
	tokens, err := List(modulePath)
	if err != nil {
		return nil, err
	}
	tok, ok := pick(tokens, sel)
	if !ok {
		return nil, fmt.Errorf("%w (module %s, %d token(s) present)", ErrTokenNotFound, modulePath, len(tokens))
	}
	if tok.PINLocked {
		return nil, &PINError{Kind: ErrPINLocked, Module: modulePath, Token: tok.Label, Locked: true}
	}
	cfg := &crypto11.Config{Path: modulePath, TokenSerial: tok.Serial, Pin: string(pin)}
	if tok.Serial == "" {
		cfg.TokenSerial, cfg.TokenLabel = "", tok.Label
	}
	clear(pin)
	moduleMu.Lock()
	ctx, err := crypto11.Configure(cfg)
	moduleMu.Unlock()
	cfg.Pin = ""
	if err != nil {
		return nil, loginError(modulePath, tok, err)
	}
	id, err := selectKey(ctx, tok, sel)
	if err != nil {
		moduleMu.Lock()
		ctx.Close()
		moduleMu.Unlock()
		return nil, err
	}
	return id, nil
}

// loginError classifies a failed login and reads the PIN flags the token reports afterwards.
func loginError(modulePath string, tok TokenInfo, err error) error {
	var pe p11.Error
	if !errors.As(err, &pe) {
		if strings.Contains(err.Error(), "could not find PKCS#11 token") {
			return fmt.Errorf("%w (module %s): %w", ErrTokenNotFound, modulePath, err)
		}
		return fmt.Errorf("token %q (%s): %w", tok.Label, modulePath, err)
	}
	e := &PINError{Module: modulePath, Token: tok.Label, Err: err}
	switch pe {
	case p11.CKR_PIN_INCORRECT, p11.CKR_PIN_INVALID, p11.CKR_PIN_LEN_RANGE:
		e.Kind = ErrWrongPIN
	case p11.CKR_PIN_LOCKED:
		e.Kind = ErrPINLocked
	default:
		return fmt.Errorf("token %q (%s): login: %w", tok.Label, modulePath, err)
	}
	if after, lerr := List(modulePath); lerr == nil {
		if t, ok := pick(after, Selector{TokenSerial: tok.Serial, TokenLabel: tok.Label}); ok {
			e.CountLow, e.FinalTry, e.Locked = t.PINCountLow, t.PINFinalTry, t.PINLocked
			if t.PINLocked {
				e.Kind = ErrPINLocked
			}
		}
	}
	return e
}

func selectKey(ctx *crypto11.Context, tok TokenInfo, sel Selector) (*identity, error) {
	pairs, err := ctx.FindAllPairedCertificates()
	if err != nil {
		return nil, fmt.Errorf("token %q: read certificates: %w", tok.Label, err)
	}
	type cand struct {
		cert   *x509.Certificate
		signer crypto.Signer
		label  string
	}
	var cands []cand
	for _, p := range pairs {
		if len(p.Certificate) == 0 {
			continue
		}
		c, err := x509.ParseCertificate(p.Certificate[0])
		if err != nil {
			continue
		}
		s, ok := p.PrivateKey.(crypto.Signer)
		if !ok {
			continue
		}
		label := ""
		for _, ci := range tok.Certificates {
			if string(ci.DER) == string(c.Raw) {
				label = ci.Label
			}
		}
		if sel.CertLabel != "" && label != sel.CertLabel {
			continue
		}
		if sel.CertSerial != "" && !strings.EqualFold(fmt.Sprintf("%X", c.SerialNumber), strings.TrimLeft(sel.CertSerial, "0")) {
			continue
		}
		cands = append(cands, cand{c, s, label})
	}
	if len(cands) == 0 {
		return nil, fmt.Errorf("%w (token %q)", ErrNoSigningCertificate, tok.Label)
	}
	now := time.Now()
	score := func(c *x509.Certificate) int {
		n := 0
		if now.After(c.NotBefore) && now.Before(c.NotAfter) {
			n += 2
		}
		if c.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment) != 0 {
			n++
		}
		return n
	}
	slices.SortStableFunc(cands, func(a, b cand) int { return score(b.cert) - score(a.cert) })
	best := cands[0]
	var others []*x509.Certificate
	for _, ci := range tok.Certificates {
		if c, err := x509.ParseCertificate(ci.DER); err == nil && !c.Equal(best.cert) {
			others = append(others, c)
		}
	}
	return &identity{ctx: ctx, signer: best.signer, cert: best.cert, chain: issuerChain(best.cert, others), label: tok.Label}, nil
}

// issuerChain follows issuer names from cert through the token's other certificates.
func issuerChain(cert *x509.Certificate, pool []*x509.Certificate) []*x509.Certificate {
	var chain []*x509.Certificate
	for cur := cert; len(chain) < 8; {
		var next *x509.Certificate
		for _, c := range pool {
			if string(c.RawSubject) == string(cur.RawIssuer) && cur.CheckSignatureFrom(c) == nil && !slices.Contains(chain, c) {
				next = c
				break
			}
		}
		if next == nil || next.Equal(cur) {
			break
		}
		chain = append(chain, next)
		cur = next
	}
	return chain
}

// Public returns the token key's public key.
func (i *identity) Public() crypto.PublicKey { return i.signer.Public() }

// Sign signs digest on the token.
func (i *identity) Sign(rand io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.ctx == nil {
		return nil, errors.New("pkcs11: the token session is closed")
	}
	return i.signer.Sign(rand, digest, opts)
}

// Certificate returns the signer's certificate.
func (i *identity) Certificate() *x509.Certificate { return i.cert }

// Chain returns the issuing certificates found on the token.
func (i *identity) Chain() []*x509.Certificate { return i.chain }

// Label returns the token label.
func (i *identity) Label() string { return i.label }

// Close ends the session (logging out) and finalises the module when it was the last user.
func (i *identity) Close() error {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.ctx == nil {
		return nil
	}
	moduleMu.Lock()
	defer moduleMu.Unlock()
	err := i.ctx.Close()
	i.ctx = nil
	return err
}
