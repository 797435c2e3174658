//go:build cgo

// Logging in to a token: PIN-state checks before and after the attempt, and choosing the signing key.

package pkcs11

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unsafe"

	p11 "github.com/miekg/pkcs11"

	"sohoa/signing"
)

// tokenStateHook lets a test feed the token's flags at the package boundary (SoftHSM2 never reaches
// final-try or locked); nil in production.
var tokenStateHook func(*TokenInfo)

// pick returns the token that sel chooses among the initialised ones; with an empty selector there
// must be exactly one.
func pick(tokens []TokenInfo, sel Selector) (TokenInfo, error) {
	var found []TokenInfo
	for _, t := range tokens {
		if !t.Initialized && sel.empty() {
			continue // an empty soft-token slot
		}
		if (sel.TokenLabel == "" || t.Label == sel.TokenLabel) && (sel.TokenSerial == "" || t.Serial == sel.TokenSerial) {
			found = append(found, t)
		}
	}
	switch {
	case len(found) == 1 || (len(found) > 1 && !sel.empty()):
		return found[0], nil
	case len(found) > 1:
		var labels []string
		for _, t := range found {
			labels = append(labels, fmt.Sprintf("%q (serial %s)", t.Label, t.Serial))
		}
		return TokenInfo{}, fmt.Errorf("%w: %s", ErrSeveralTokens, strings.Join(labels, ", "))
	}
	return TokenInfo{}, fmt.Errorf("%w (%d token(s) present)", ErrTokenNotFound, len(tokens))
}

// Open is OpenWith with default options: a token in the final-try state is refused.
func Open(modulePath string, sel Selector, pin []byte) (signing.Identity, error) {
	return OpenWith(modulePath, sel, pin, Options{})
}

// OpenWith logs in to the token that sel chooses and returns its signing identity: the certificate that
// sel chooses, else the first one with a private key (preferring one valid now that allows signing).
// Before the login it reads the PIN flags: a locked token gives a *PINError (ErrPINLocked) and a token
// whose next wrong PIN locks it gives ErrFinalTryNeedsConfirm unless opt.ConfirmFinalTry; no PIN is
// tried in either case. A failed login gives a *PINError with the flags read afterwards.
// pin is zeroed before OpenWith returns. Close logs out, closes the session and, for the last user,
// finalises the module.
func OpenWith(modulePath string, sel Selector, pin []byte, opt Options) (_ signing.Identity, err error) {
	defer clear(pin)
	tokens, err := List(modulePath)
	if err != nil {
		return nil, err
	}
	tok, err := pick(tokens, sel)
	if err != nil {
		return nil, fmt.Errorf("module %s: %w", modulePath, err)
	}
	if tokenStateHook != nil {
		tokenStateHook(&tok)
	}
	if err := CheckPINState(tok, opt.ConfirmFinalTry); err != nil {
		return nil, err
	}

	moduleMu.Lock()
	defer moduleMu.Unlock()
	ctx, err := acquire(modulePath)
	if err != nil {
		return nil, err
	}
	id := &identity{module: modulePath, ctx: ctx, label: tok.Label, contextPIN: opt.ContextPIN}
	defer func() {
		if err != nil {
			id.closeLocked()
		}
	}()
	if ti, err := ctx.GetTokenInfo(tok.Slot); err != nil || strings.TrimRight(ti.SerialNumber, " \x00") != tok.Serial {
		return nil, fmt.Errorf("%w (module %s: token %q left slot %d)", ErrTokenNotFound, modulePath, tok.Label, tok.Slot)
	}
	id.session, err = ctx.OpenSession(tok.Slot, p11.CKF_SERIAL_SESSION)
	if err != nil {
		return nil, fmt.Errorf("token %q (%s): open session: %w", tok.Label, modulePath, classify(err))
	}
	id.hasSession = true
	if len(pin) > 0 {
		err = ctx.Login(id.session, p11.CKU_USER, unsafe.String(&pin[0], len(pin))) // no Go copy of the PIN
	} else {
		err = ctx.Login(id.session, p11.CKU_USER, "")
	}
	if err != nil && !errors.Is(err, p11.Error(p11.CKR_USER_ALREADY_LOGGED_IN)) {
		return nil, loginError(ctx, tok, err)
	}
	id.loggedIn = true
	if err := selectKey(id, tok, sel); err != nil {
		return nil, err
	}
	if id.alwaysAuth && opt.ContextPIN == nil {
		id.pin = slices.Clone(pin) // the token wants the PIN for each signature; zeroed by Close
	}
	return id, nil
}

// loginError classifies a failed login and reads the PIN flags the token reports afterwards.
func loginError(ctx *p11.Ctx, tok TokenInfo, err error) error {
	var pe p11.Error
	if !errors.As(err, &pe) {
		return fmt.Errorf("token %q (%s): login: %w", tok.Label, tok.Module, err)
	}
	e := &PINError{Module: tok.Module, Token: tok.Label, Err: err}
	switch pe {
	case p11.CKR_PIN_INCORRECT, p11.CKR_PIN_INVALID, p11.CKR_PIN_LEN_RANGE:
		e.Kind = ErrWrongPIN
	case p11.CKR_PIN_LOCKED:
		e.Kind = ErrPINLocked
	default:
		return fmt.Errorf("token %q (%s): login: %w", tok.Label, tok.Module, classify(err))
	}
	if ti, lerr := ctx.GetTokenInfo(tok.Slot); lerr == nil {
		after := tokenInfo(tok.Module, tok.Slot, ti)
		if tokenStateHook != nil {
			tokenStateHook(&after)
		}
		e.CountLow, e.FinalTry, e.Locked = after.PINCountLow, after.PINFinalTry, after.PINLocked
		if after.PINLocked {
			e.Kind = ErrPINLocked
		}
	}
	return e
}

// privateKey is a private key object on the token.
type privateKey struct {
	handle     p11.ObjectHandle
	id         []byte
	keyType    uint
	alwaysAuth bool
}

// privateKeys lists the private keys visible after login.
func privateKeys(ctx *p11.Ctx, sh p11.SessionHandle) ([]privateKey, error) {
	objs, err := findAll(ctx, sh, []*p11.Attribute{p11.NewAttribute(p11.CKA_CLASS, p11.CKO_PRIVATE_KEY)})
	if err != nil {
		return nil, classify(err)
	}
	var out []privateKey
	for _, o := range objs {
		attrs, err := ctx.GetAttributeValue(sh, o, []*p11.Attribute{
			p11.NewAttribute(p11.CKA_ID, nil), p11.NewAttribute(p11.CKA_KEY_TYPE, nil),
		})
		if err != nil || len(attrs) != 2 {
			continue
		}
		k := privateKey{handle: o, id: attrs[0].Value, keyType: ulong(attrs[1].Value)}
		// CKA_ALWAYS_AUTHENTICATE is optional: a token that does not know it answers with an error.
		if a, err := ctx.GetAttributeValue(sh, o, []*p11.Attribute{p11.NewAttribute(p11.CKA_ALWAYS_AUTHENTICATE, nil)}); err == nil && len(a) == 1 && len(a[0].Value) > 0 {
			k.alwaysAuth = a[0].Value[0] != 0
		}
		out = append(out, k)
	}
	return out, nil
}

// ulong reads a CK_ULONG attribute value (native byte order, as the module wrote it).
func ulong(b []byte) uint {
	var v uint
	for i := len(b) - 1; i >= 0; i-- {
		v = v<<8 | uint(b[i])
	}
	return v
}

// selectKey chooses the certificate and its private key (same CKA_ID) and fills id.
func selectKey(id *identity, tok TokenInfo, sel Selector) error {
	keys, err := privateKeys(id.ctx, id.session)
	if err != nil {
		return fmt.Errorf("token %q: read keys: %w", tok.Label, err)
	}
	type cand struct {
		cert  *x509.Certificate
		key   privateKey
		label string
	}
	var cands []cand
	for _, ci := range tok.Certificates {
		c, err := x509.ParseCertificate(ci.DER)
		if err != nil || ci.ID == "" {
			continue
		}
		if sel.CertLabel != "" && ci.Label != sel.CertLabel {
			continue
		}
		if sel.CertSerial != "" && !strings.EqualFold(fmt.Sprintf("%X", c.SerialNumber), strings.TrimLeft(sel.CertSerial, "0")) {
			continue
		}
		for _, k := range keys {
			if hex.EncodeToString(k.id) == ci.ID && keyMatches(k.keyType, c.PublicKey) {
				cands = append(cands, cand{c, k, ci.Label})
				break
			}
		}
	}
	if len(cands) == 0 {
		return fmt.Errorf("%w (token %q)", ErrNoSigningCertificate, tok.Label)
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
	id.cert, id.key, id.alwaysAuth = best.cert, best.key.handle, best.key.alwaysAuth
	id.keyType = best.key.keyType
	id.chain = issuerChain(best.cert, others)
	return nil
}

// keyMatches tells whether a PKCS#11 key type fits the certificate's public key.
func keyMatches(keyType uint, pub crypto.PublicKey) bool {
	switch pub.(type) {
	case *rsa.PublicKey:
		return keyType == p11.CKK_RSA
	case *ecdsa.PublicKey:
		return keyType == p11.CKK_EC
	}
	return false
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
