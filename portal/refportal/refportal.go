// The reference portal's server: wiring of its OIDC provider, tus endpoint and API.

package refportal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/tus/tusd/v2/pkg/filestore"
	tusd "github.com/tus/tusd/v2/pkg/handler"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"
)

// Config configures a reference portal.
type Config struct {
	Addr    string // listen address for Start; "127.0.0.1:0" (a free loopback port) when empty
	DataDir string // SQLite, uploads, stored dossiers and the OIDC keys; required
	Prefix  string // unit code that starts the portal's dossier codes; "REF" when empty
	// VerifyPDF checks a committed PDF's signature; an error rejects the commit with 422 signature_invalid.
	// nil skips the check.
	VerifyPDF func(name string, pdf []byte) error
	Logger    *slog.Logger // nil discards logs
	// TSA, when set, is served at /tsa: the RFC 3161 timestamp authority of training mode (see tsa/).
	TSA http.Handler

	Citizens      []Citizen     // accounts; TrainingCitizens() when nil
	TokenLifetime time.Duration // access-token lifetime; 1 hour when zero
	MaxFileSize   int64         // largest upload in bytes; 64 MiB when zero
	MaxBodyBytes  int64         // largest commit body in bytes; 1 MiB when zero

	// Device flow (RFC 8628): how long a user code stays valid (10 minutes when zero), the polling interval
	// announced to the desk (5 s when zero; whole seconds), and the least time the portal accepts between
	// two polls of one device code (the interval when zero): a faster poll is answered slow_down.
	DeviceLifetime     time.Duration
	DevicePollInterval time.Duration
	DevicePollSpacing  time.Duration
}

// Server is a reference portal. Make it with New; serve it with Start or mount Handler in your own server.
type Server struct {
	cfg      Config
	db       *sql.DB
	oidc     *oidcStore
	provider *op.Provider
	files    filestore.FileStore
	tus      *tusd.Handler
	handler  http.Handler

	commitMu sync.Mutex // serializes commits: code assignment and idempotency checks
	secret   [32]byte   // keys the status tokens and the trainer's and payment forms

	mu     sync.Mutex
	srv    *http.Server
	served chan struct{}
}

// New opens (or creates) the portal's data dir and builds its handlers. Close releases it.
func New(cfg Config) (*Server, error) {
	if cfg.DataDir == "" {
		return nil, errors.New("refportal: Config.DataDir is required")
	}
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	if cfg.Prefix == "" {
		cfg.Prefix = "REF"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Citizens == nil {
		cfg.Citizens = TrainingCitizens()
	}
	if cfg.TokenLifetime == 0 {
		cfg.TokenLifetime = time.Hour
	}
	if cfg.MaxFileSize <= 0 {
		cfg.MaxFileSize = 64 << 20
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if cfg.DeviceLifetime <= 0 {
		cfg.DeviceLifetime = 10 * time.Minute
	}
	if cfg.DevicePollInterval < time.Second {
		cfg.DevicePollInterval = 5 * time.Second
	}
	if cfg.DevicePollSpacing <= 0 {
		cfg.DevicePollSpacing = cfg.DevicePollInterval
	}
	for _, d := range []string{cfg.DataDir, filepath.Join(cfg.DataDir, "uploads"), filepath.Join(cfg.DataDir, "dossiers")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("refportal: data dir: %w", err)
		}
	}
	key, err := loadOrCreateKey(cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("refportal: %w", err)
	}
	cryptoKey, err := loadOrCreateSecret(cfg.DataDir, "oidc-crypto.key")
	if err != nil {
		return nil, fmt.Errorf("refportal: %w", err)
	}
	secret, err := loadOrCreateSecret(cfg.DataDir, "status-token.key")
	if err != nil {
		return nil, fmt.Errorf("refportal: %w", err)
	}
	db, err := openDB(context.Background(), filepath.Join(cfg.DataDir, dbFile), false)
	if err != nil {
		return nil, fmt.Errorf("refportal: %w", err)
	}
	s := &Server{cfg: cfg, db: db, secret: secret, oidc: newOIDCStore(key, cfg.Citizens, cfg.TokenLifetime)}
	s.oidc.spacing = cfg.DevicePollSpacing
	s.provider, err = op.NewProvider(&op.Config{
		CryptoKey:          cryptoKey,
		CryptoKeyId:        key.id,
		CodeMethodS256:     true,
		SupportedUILocales: []language.Tag{language.Vietnamese, language.English},
		DeviceAuthorization: op.DeviceAuthorizationConfig{
			Lifetime: cfg.DeviceLifetime, PollInterval: cfg.DevicePollInterval,
			UserFormPath: devicePath, UserCode: op.UserCodeBase20,
		},
	}, s.oidc, op.IssuerFromHost(""), op.WithAllowInsecure())
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("refportal: OpenID provider: %w", err)
	}
	if err := s.setupUploads(); err != nil {
		db.Close()
		return nil, fmt.Errorf("refportal: uploads: %w", err)
	}
	s.handler = s.routes()
	return s, nil
}

// routes assembles the portal: login pages, the tus endpoint, the API and the OpenID provider at the root.
func (s *Server) routes() http.Handler {
	issuer := op.NewIssuerInterceptor(s.provider.IssuerFromRequest)
	mux := http.NewServeMux()
	mux.Handle("GET /login", http.HandlerFunc(s.loginPage))
	mux.Handle("POST /login", issuer.HandlerFunc(s.loginSubmit))
	mux.Handle("GET "+devicePath, http.HandlerFunc(s.devicePage))
	mux.Handle("POST "+devicePath, http.HandlerFunc(s.deviceSubmit))
	mux.Handle("/files/", s.authenticated(s.uploadOwnerCheck(http.StripPrefix("/files/", s.tus))))
	mux.Handle("POST /api/v1/dossiers", s.authenticated(http.HandlerFunc(s.commit)))
	mux.Handle("GET /api/v1/dossiers", s.authenticated(http.HandlerFunc(s.lookup)))
	mux.Handle("GET /api/v1/dossiers/{code}", s.authenticated(http.HandlerFunc(s.status)))
	mux.Handle("GET /api/v1/dossiers/{code}/status", http.HandlerFunc(s.trackStatus))
	tp := trainerPages{s}
	mux.Handle("GET /trainer", loopbackOnly(tp.trainerPage))
	mux.Handle("POST /trainer/status", loopbackOnly(tp.trainerAction))
	mux.Handle("POST /trainer/pay", loopbackOnly(tp.trainerAction))
	if s.cfg.TSA != nil {
		mux.Handle("POST /tsa", s.cfg.TSA)
	}
	mux.Handle("GET /pay/{ref}", http.HandlerFunc(tp.payPage))
	mux.Handle("POST /pay/{ref}", http.HandlerFunc(tp.payPage))
	mux.Handle("/", s.provider)
	return mux
}

// Handler returns the portal's HTTP handler; its issuer is the scheme and host the request arrived on.
func (s *Server) Handler() http.Handler { return s.handler }

// Start binds Config.Addr and serves the portal until Close; it returns the base URL, which is also the
// OIDC issuer (e.g. "http://127.0.0.1:41234").
func (s *Server) Start(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil {
		return "", errors.New("refportal: already started")
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return "", fmt.Errorf("refportal: listen on %s: %w", s.cfg.Addr, err)
	}
	srv := &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(s.cfg.Logger.Handler(), slog.LevelWarn)}
	served := make(chan struct{})
	s.srv, s.served = srv, served
	go func() { // srv and served are this goroutine's own: Close may clear the fields meanwhile
		defer close(served)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.cfg.Logger.Error("reference portal stopped", "err", err)
		}
	}()
	base := "http://" + ln.Addr().String()
	s.cfg.Logger.Info("reference portal listening", "url", base, "data", s.cfg.DataDir)
	return base, nil
}

// Close stops serving (waiting briefly for requests in flight) and closes the database.
func (s *Server) Close() error {
	s.mu.Lock()
	srv, served := s.srv, s.served
	s.srv = nil
	s.mu.Unlock()
	var errs []error
	if srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		if err := srv.Shutdown(ctx); err != nil {
			errs = append(errs, srv.Close())
		}
		cancel()
		<-served
	}
	errs = append(errs, s.db.Close())
	return errors.Join(errs...)
}

// discard is a writer for libraries whose logs the portal does not keep.
var discard io.Writer = io.Discard
