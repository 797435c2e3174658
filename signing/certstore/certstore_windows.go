//go:build windows

// The Windows side: the current user's Personal ("MY") store read through crypt32, the private key
// reached through CNG with certtostore (the token driver shows its own PIN dialog when signing).
// Not run in CI: compiled for GOOS=windows only; see the README for what was verified on Windows.

package certstore

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"fmt"
	"io"
	"sync"
	"time"
	"unsafe"

	"github.com/google/certtostore"
	"golang.org/x/sys/windows"

	"sohoa/signing"
)

// openMy opens the current user's Personal store read-only.
func openMy() (windows.Handle, error) {
	name, err := windows.UTF16PtrFromString("MY")
	if err != nil {
		return 0, err
	}
	h, err := windows.CertOpenStore(windows.CERT_STORE_PROV_SYSTEM, 0, 0,
		windows.CERT_SYSTEM_STORE_CURRENT_USER|windows.CERT_STORE_READONLY_FLAG, uintptr(unsafe.Pointer(name)))
	if err != nil {
		return 0, fmt.Errorf("certstore: opening the Personal certificate store: %w", err)
	}
	return h, nil
}

func parse(c *windows.CertContext) (*x509.Certificate, error) {
	der := bytes.Clone(unsafe.Slice(c.EncodedCert, c.Length))
	return x509.ParseCertificate(der)
}

// each calls f for every certificate of the store until f returns true (keep the context) or the
// store ends. The kept context is duplicated and must be freed by the caller.
func each(ctx context.Context, store windows.Handle, f func(*x509.Certificate, *windows.CertContext) bool) (*windows.CertContext, error) {
	var prev *windows.CertContext
	for {
		if err := ctx.Err(); err != nil {
			if prev != nil {
				windows.CertFreeCertificateContext(prev)
			}
			return nil, err
		}
		c, err := windows.CertEnumCertificatesInStore(store, prev)
		if c == nil || err != nil {
			return nil, nil // CRYPT_E_NOT_FOUND: the end of the store
		}
		prev = c
		x, err := parse(c)
		if err != nil {
			continue // a certificate Go cannot parse cannot sign a PDF either
		}
		if f(x, c) {
			dup := windows.CertDuplicateCertificateContext(c)
			windows.CertFreeCertificateContext(c)
			return dup, nil
		}
	}
}

// List returns the current user's certificates that can sign documents now.
func List(ctx context.Context) ([]Cert, error) {
	store, err := openMy()
	if err != nil {
		return nil, err
	}
	defer windows.CertCloseStore(store, 0)
	var all []*x509.Certificate
	keyed := map[string]bool{}
	if _, err := each(ctx, store, func(c *x509.Certificate, cc *windows.CertContext) bool {
		all = append(all, c)
		keyed[Thumbprint(c)] = hasKeyProvider(cc)
		return false
	}); err != nil {
		return nil, err
	}
	out := Select(all, time.Now())
	for i := range out {
		out[i].HasKey = keyed[out[i].Thumbprint]
	}
	return out, nil
}

// hasKeyProvider reports whether Windows knows where the certificate's private key lives (the
// token's minidriver or CSP, or a software key): CERT_KEY_PROV_INFO_PROP_ID is set.
func hasKeyProvider(cc *windows.CertContext) bool {
	const certKeyProvInfoPropID = 2
	var size uint32
	r, _, _ := procCertGetCertificateContextProperty.Call(uintptr(unsafe.Pointer(cc)), certKeyProvInfoPropID, 0, uintptr(unsafe.Pointer(&size)))
	return r != 0 && size > 0
}

var procCertGetCertificateContextProperty = windows.NewLazySystemDLL("crypt32.dll").NewProc("CertGetCertificateContextProperty")

// Open returns the identity of the certificate with that thumbprint, its key reached through CNG.
func Open(ctx context.Context, thumbprint string) (signing.Identity, error) {
	want := NormalizeThumbprint(thumbprint)
	store, err := openMy()
	if err != nil {
		return nil, err
	}
	defer windows.CertCloseStore(store, 0)
	var cert *x509.Certificate
	cc, err := each(ctx, store, func(c *x509.Certificate, _ *windows.CertContext) bool {
		if Thumbprint(c) == want {
			cert = c
			return true
		}
		return false
	})
	if err != nil {
		return nil, err
	}
	if cc == nil {
		return nil, fmt.Errorf("%w (thumbprint %s)", ErrNotFound, want)
	}
	ws, err := certtostore.OpenWinCertStoreWithOptions(certtostore.WinCertStoreOptions{
		Provider: certtostore.ProviderMSSoftware, CurrentUser: true,
	})
	if err != nil {
		windows.CertFreeCertificateContext(cc)
		return nil, fmt.Errorf("certstore: opening CNG: %w", err)
	}
	key, err := ws.CertKey(cc)
	if err != nil || key == nil {
		windows.CertFreeCertificateContext(cc)
		ws.Close()
		return nil, fmt.Errorf("%w: %v", ErrNoKey, err)
	}
	return &identity{key: key, cert: cert, chain: chain(cc), label: label(cert), cc: cc, ws: ws}, nil
}

// chain asks Windows for the issuing chain (intermediates from the store, roots it trusts).
func chain(cc *windows.CertContext) []*x509.Certificate {
	var para windows.CertChainPara
	para.Size = uint32(unsafe.Sizeof(para))
	var ch *windows.CertChainContext
	if err := windows.CertGetCertificateChain(0, cc, nil, 0, &para, 0, 0, &ch); err != nil || ch == nil {
		return nil
	}
	defer windows.CertFreeCertificateChain(ch)
	if ch.ChainCount == 0 {
		return nil
	}
	simple := unsafe.Slice(ch.Chains, ch.ChainCount)[0]
	var out []*x509.Certificate
	for i, el := range unsafe.Slice(simple.Elements, simple.NumElements) {
		if i == 0 {
			continue // the signer itself
		}
		if c, err := parse(el.CertContext); err == nil {
			out = append(out, c)
		}
	}
	return out
}

// identity is a certificate of the store with its CNG key.
type identity struct {
	mu    sync.Mutex
	key   *certtostore.Key
	cert  *x509.Certificate
	chain []*x509.Certificate
	label string
	cc    *windows.CertContext
	ws    *certtostore.WinCertStore
}

func (id *identity) Public() crypto.PublicKey { return id.cert.PublicKey }

// Sign signs a digest with the CNG key; the token driver may show its PIN dialog.
func (id *identity) Sign(r io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	id.mu.Lock()
	defer id.mu.Unlock()
	if id.key == nil {
		return nil, fmt.Errorf("certstore: identity closed")
	}
	sig, err := id.key.Sign(r, digest, opts)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoKey, err)
	}
	return sig, nil
}

func (id *identity) Certificate() *x509.Certificate { return id.cert }
func (id *identity) Chain() []*x509.Certificate     { return id.chain }
func (id *identity) Label() string                  { return id.label }

// Close frees the certificate context and the CNG handles.
func (id *identity) Close() error {
	id.mu.Lock()
	defer id.mu.Unlock()
	if id.cc != nil {
		windows.CertFreeCertificateContext(id.cc)
		id.cc = nil
	}
	id.key = nil
	if id.ws != nil {
		err := id.ws.Close()
		id.ws = nil
		return err
	}
	return nil
}
