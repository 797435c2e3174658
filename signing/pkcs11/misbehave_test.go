//go:build cgo

// Tests for PIN states, a pulled token, a closed session, a second token, CKA_ALWAYS_AUTHENTICATE and RSA-PSS.

package pkcs11_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/asn1"
	"errors"
	"io"
	"strings"
	"testing"

	p11 "github.com/miekg/pkcs11"

	"sohoa/signing"
	"sohoa/signing/pkcs11"
	"sohoa/signing/pkcs11/softhsmtest"
)

func TestCheckPINState(t *testing.T) {
	for _, c := range []struct {
		tok       pkcs11.TokenInfo
		confirmed bool
		want      error
		state     pkcs11.PINState
	}{
		{pkcs11.TokenInfo{}, false, nil, pkcs11.PINOK},
		{pkcs11.TokenInfo{PINCountLow: true}, false, nil, pkcs11.PINCountLow},
		{pkcs11.TokenInfo{PINCountLow: true, PINFinalTry: true}, false, pkcs11.ErrFinalTryNeedsConfirm, pkcs11.PINFinalTry},
		{pkcs11.TokenInfo{PINFinalTry: true}, true, nil, pkcs11.PINFinalTry},
		{pkcs11.TokenInfo{PINLocked: true}, true, pkcs11.ErrPINLocked, pkcs11.PINLocked},
		{pkcs11.TokenInfo{PINLocked: true, PINFinalTry: true}, false, pkcs11.ErrPINLocked, pkcs11.PINLocked},
	} {
		err := pkcs11.CheckPINState(c.tok, c.confirmed)
		if c.want == nil && err != nil || c.want != nil && !errors.Is(err, c.want) {
			t.Errorf("%+v confirmed=%v: err %v, want %v", c.tok, c.confirmed, err, c.want)
		}
		if got := c.tok.PINState(); got != c.state {
			t.Errorf("%+v: state %v, want %v", c.tok, got, c.state)
		}
	}
}

// withFlags makes OpenWith see the given PIN flags on every read, before and after the login.
func withFlags(t *testing.T, finalTry, locked bool) {
	pkcs11.SetTokenStateHook(func(ti *pkcs11.TokenInfo) {
		ti.PINFinalTry, ti.PINLocked = ti.PINFinalTry || finalTry, ti.PINLocked || locked
	})
	t.Cleanup(func() { pkcs11.SetTokenStateHook(nil) })
}

func TestFinalTryNeedsConfirmation(t *testing.T) {
	dir := newToken(t)
	c := newCA(t)
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	importKey(t, dir, k, c.Issue(t, "Final Try", k.Public(), 21), "05", "officer")
	mod := module(t)
	withFlags(t, true, false)

	wrong := []byte("999999")
	_, err := pkcs11.Open(mod, pkcs11.Selector{TokenLabel: label}, wrong)
	if !errors.Is(err, pkcs11.ErrFinalTryNeedsConfirm) {
		t.Fatalf("unconfirmed final try: %v", err)
	}
	if string(wrong) != "\x00\x00\x00\x00\x00\x00" {
		t.Fatal("PIN not zeroed on refusal")
	}
	// No login was attempted: SoftHSM2 would have raised CKF_USER_PIN_COUNT_LOW.
	if toks, _ := pkcs11.List(mod); len(toks) == 0 || toks[0].PINCountLow {
		t.Fatalf("a PIN was tried although the officer did not confirm: %+v", toks)
	}
	// Confirmed: the wrong PIN is tried and the error carries the state after the attempt.
	_, err = pkcs11.OpenWith(mod, pkcs11.Selector{TokenLabel: label}, []byte("999999"), pkcs11.Options{ConfirmFinalTry: true})
	var pe *pkcs11.PINError
	if !errors.Is(err, pkcs11.ErrWrongPIN) || !errors.As(err, &pe) || !pe.FinalTry || !pe.CountLow || !strings.Contains(err.Error(), "LAST TRY") {
		t.Fatalf("confirmed wrong PIN: %v %+v", err, pe)
	}
	// Confirmed with the right PIN: it signs.
	id, err := pkcs11.OpenWith(mod, pkcs11.Selector{TokenLabel: label}, []byte(pin), pkcs11.Options{ConfirmFinalTry: true})
	if err != nil {
		t.Fatal(err)
	}
	defer id.Close()
	signAndCheck(t, id, c)
}

func TestLockedTokenNotTried(t *testing.T) {
	dir := newToken(t)
	c := newCA(t)
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	importKey(t, dir, k, c.Issue(t, "Locked", k.Public(), 22), "06", "officer")
	mod := module(t)
	withFlags(t, false, true)
	_, err := pkcs11.OpenWith(mod, pkcs11.Selector{}, []byte(pin), pkcs11.Options{ConfirmFinalTry: true})
	var pe *pkcs11.PINError
	if !errors.Is(err, pkcs11.ErrPINLocked) || !errors.As(err, &pe) || !pe.Locked {
		t.Fatalf("locked token: %v", err)
	}
}

func TestCountLowOnSoftHSM(t *testing.T) {
	dir := newToken(t)
	c := newCA(t)
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	importKey(t, dir, k, c.Issue(t, "Count Low", k.Public(), 23), "07", "officer")
	mod := module(t)
	toks, _ := pkcs11.List(mod)
	if toks[0].PINState() != pkcs11.PINOK {
		t.Fatalf("fresh token: %v", toks[0].PINState())
	}
	_, err := pkcs11.Open(mod, pkcs11.Selector{}, []byte("111111"))
	var pe *pkcs11.PINError
	if !errors.As(err, &pe) || !pe.CountLow || pe.FinalTry || pe.Locked || !strings.Contains(err.Error(), "wrong PIN was entered") {
		t.Fatalf("after a wrong PIN: %v", err)
	}
	toks, _ = pkcs11.List(mod)
	if toks[0].PINState() != pkcs11.PINCountLow {
		t.Fatalf("state after a wrong PIN: %v", toks[0].PINState())
	}
	// Count-low does not need a confirmation, and a good login clears it.
	id, err := pkcs11.Open(mod, pkcs11.Selector{}, []byte(pin))
	if err != nil {
		t.Fatal(err)
	}
	id.Close()
	if toks, _ = pkcs11.List(mod); toks[0].PINState() != pkcs11.PINOK {
		t.Fatalf("state after a good login: %v", toks[0].PINState())
	}
}

// pullingIdentity finalises the module (as a driver does when the token is pulled) before signing.
type pullingIdentity struct {
	signing.Identity
	pull func()
}

func (p pullingIdentity) Sign(r io.Reader, d []byte, o crypto.SignerOpts) ([]byte, error) {
	p.pull()
	return p.Identity.Sign(r, d, o)
}

func TestTokenPulledMidSignature(t *testing.T) {
	dir := newToken(t)
	c := newCA(t)
	k, _ := rsa.GenerateKey(rand.Reader, 2048)
	importKey(t, dir, k, c.Issue(t, "Pulled", k.Public(), 24), "08", "officer")
	mod := module(t)
	id, err := pkcs11.Open(mod, pkcs11.Selector{}, []byte(pin))
	if err != nil {
		t.Fatal(err)
	}
	pull := func() {
		ctx := p11.New(mod)
		defer ctx.Destroy()
		if err := ctx.Finalize(); err != nil {
			t.Errorf("finalize: %v", err)
		}
	}
	out, err := signing.Sign(context.Background(), onePagePDF(t), pullingIdentity{id, pull}, signing.Appearance{}, signing.Options{Roots: pool(c.Cert)})
	if out != nil || !errors.Is(err, pkcs11.ErrTokenRemoved) || !errors.Is(err, signing.ErrSignFailed) {
		t.Fatalf("pulled token: %v", err)
	}
	if err := id.Close(); err != nil {
		t.Fatalf("Close after the token was pulled: %v", err)
	}
	// Plugged in again: a new Open initialises the module afresh and signs.
	id2, err := pkcs11.Open(mod, pkcs11.Selector{}, []byte(pin))
	if err != nil {
		t.Fatal(err)
	}
	defer id2.Close()
	signAndCheck(t, id2, c)
}

func TestSessionClosedUnderUs(t *testing.T) {
	dir := newToken(t)
	c := newCA(t)
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	importKey(t, dir, k, c.Issue(t, "Timeout", k.Public(), 25), "09", "officer")
	mod := module(t)
	id, err := pkcs11.Open(mod, pkcs11.Selector{}, []byte(pin))
	if err != nil {
		t.Fatal(err)
	}
	defer id.Close()
	// The token ends every session (what a session timeout or a re-plug does).
	ctx := p11.New(mod)
	slots, _ := ctx.GetSlotList(true)
	for _, s := range slots {
		ctx.CloseAllSessions(s)
	}
	ctx.Destroy()
	d := sha256.Sum256([]byte("x"))
	if _, err := id.Sign(rand.Reader, d[:], crypto.SHA256); !errors.Is(err, pkcs11.ErrSessionClosed) {
		t.Fatalf("closed session: %v", err)
	}
}

func TestSecondToken(t *testing.T) {
	dir := newToken(t)
	c := newCA(t)
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	importKey(t, dir, k, c.Issue(t, "First", k.Public(), 26), "0a", "officer")
	sh(t, "softhsm2-util", "--init-token", "--free", "--label", "second", "--pin", "222222", "--so-pin", softhsmtest.SOPIN)
	mod := module(t)
	_, err := pkcs11.Open(mod, pkcs11.Selector{}, []byte(pin))
	if !errors.Is(err, pkcs11.ErrSeveralTokens) || !strings.Contains(err.Error(), `"second"`) || !strings.Contains(err.Error(), `"`+label+`"`) {
		t.Fatalf("two tokens, no choice: %v", err)
	}
	id, err := pkcs11.Open(mod, pkcs11.Selector{TokenLabel: label}, []byte(pin))
	if err != nil {
		t.Fatal(err)
	}
	defer id.Close()
	signAndCheck(t, id, c)
	if _, err := pkcs11.Open(mod, pkcs11.Selector{TokenLabel: "second"}, []byte("222222")); !errors.Is(err, pkcs11.ErrNoSigningCertificate) {
		t.Fatalf("empty second token: %v", err)
	}
}

// generateOnToken makes a P-256 key pair inside the token, the private key with CKA_ALWAYS_AUTHENTICATE.
func generateOnToken(t *testing.T, mod string, id []byte) *ecdsa.PublicKey {
	ctx := p11.New(mod)
	if err := ctx.Initialize(); err != nil {
		t.Fatal(err)
	}
	defer ctx.Destroy()
	defer ctx.Finalize()
	slots, _ := ctx.GetSlotList(true)
	se, err := ctx.OpenSession(slots[0], p11.CKF_SERIAL_SESSION|p11.CKF_RW_SESSION)
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.CloseSession(se)
	if err := ctx.Login(se, p11.CKU_USER, pin); err != nil {
		t.Fatal(err)
	}
	defer ctx.Logout(se)
	p256, _ := asn1.Marshal(asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7})
	pub, _, err := ctx.GenerateKeyPair(se, []*p11.Mechanism{p11.NewMechanism(p11.CKM_EC_KEY_PAIR_GEN, nil)},
		[]*p11.Attribute{
			p11.NewAttribute(p11.CKA_TOKEN, true), p11.NewAttribute(p11.CKA_VERIFY, true),
			p11.NewAttribute(p11.CKA_EC_PARAMS, p256), p11.NewAttribute(p11.CKA_ID, id),
		},
		[]*p11.Attribute{
			p11.NewAttribute(p11.CKA_TOKEN, true), p11.NewAttribute(p11.CKA_SIGN, true), p11.NewAttribute(p11.CKA_PRIVATE, true),
			p11.NewAttribute(p11.CKA_SENSITIVE, true), p11.NewAttribute(p11.CKA_ID, id), p11.NewAttribute(p11.CKA_LABEL, "aa"),
			p11.NewAttribute(p11.CKA_ALWAYS_AUTHENTICATE, true),
		})
	if err != nil {
		t.Fatal(err)
	}
	a, err := ctx.GetAttributeValue(se, pub, []*p11.Attribute{p11.NewAttribute(p11.CKA_EC_POINT, nil)})
	if err != nil {
		t.Fatal(err)
	}
	var point []byte
	if _, err := asn1.Unmarshal(a[0].Value, &point); err != nil {
		t.Fatal(err)
	}
	x, y := elliptic.Unmarshal(elliptic.P256(), point)
	return &ecdsa.PublicKey{Curve: elliptic.P256(), X: x, Y: y}
}

func TestAlwaysAuthenticateKey(t *testing.T) {
	newToken(t)
	c := newCA(t)
	mod := module(t)
	pub := generateOnToken(t, mod, []byte{0xaa})
	softhsmtest.CreateCert(t, c.Issue(t, "Always Auth", pub, 27), []byte{0xaa}, "aa")

	asked := 0
	id, err := pkcs11.OpenWith(mod, pkcs11.Selector{}, []byte(pin), pkcs11.Options{ContextPIN: func() ([]byte, error) {
		asked++
		return []byte(pin), nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	if aa, ok := id.(interface{ AlwaysAuthenticate() bool }); !ok || !aa.AlwaysAuthenticate() {
		t.Fatal("CKA_ALWAYS_AUTHENTICATE not detected")
	}
	signAndCheck(t, id, c)
	if asked != 1 {
		t.Fatalf("PIN asked %d times for one signature", asked)
	}
	id.Close()

	// Without a callback the login PIN is given again.
	id, err = pkcs11.Open(mod, pkcs11.Selector{}, []byte(pin))
	if err != nil {
		t.Fatal(err)
	}
	signAndCheck(t, id, c)
	id.Close()

	// A wrong PIN for the signature is a PIN error, and the next signature still works.
	bad := true
	id, err = pkcs11.OpenWith(mod, pkcs11.Selector{}, []byte(pin), pkcs11.Options{ContextPIN: func() ([]byte, error) {
		if bad {
			bad = false
			return []byte("000000"), nil
		}
		return []byte(pin), nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer id.Close()
	d := sha256.Sum256([]byte("x"))
	if _, err := id.Sign(rand.Reader, d[:], crypto.SHA256); !errors.Is(err, pkcs11.ErrWrongPIN) {
		t.Fatalf("wrong context PIN: %v", err)
	}
	sig, err := id.Sign(rand.Reader, d[:], crypto.SHA256)
	if err != nil || !ecdsa.VerifyASN1(pub, d[:], sig) {
		t.Fatalf("second try: %v", err)
	}
}

func TestRSAPSSAndPKCS1OnToken(t *testing.T) {
	dir := newToken(t)
	c := newCA(t)
	k, _ := rsa.GenerateKey(rand.Reader, 2048)
	importKey(t, dir, k, c.Issue(t, "PSS", k.Public(), 28), "0b", "officer")
	id, err := pkcs11.Open(module(t), pkcs11.Selector{}, []byte(pin))
	if err != nil {
		t.Fatal(err)
	}
	defer id.Close()
	d := sha256.Sum256([]byte("hồ sơ"))
	pss := &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: crypto.SHA256}
	sig, err := id.Sign(rand.Reader, d[:], pss)
	if err != nil {
		t.Fatal(err)
	}
	if err := rsa.VerifyPSS(&k.PublicKey, crypto.SHA256, d[:], sig, pss); err != nil {
		t.Fatalf("PSS signature: %v", err)
	}
	sig, err = id.Sign(rand.Reader, d[:], crypto.SHA256)
	if err != nil || rsa.VerifyPKCS1v15(&k.PublicKey, crypto.SHA256, d[:], sig) != nil {
		t.Fatalf("PKCS#1 v1.5 signature: %v", err)
	}
	if _, err := id.Sign(rand.Reader, d[:16], crypto.SHA256); err == nil {
		t.Fatal("short digest accepted")
	}
}
