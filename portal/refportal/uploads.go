// The tus upload endpoint (tusd with a file store in the data dir), restricted to the uploading citizen.

package refportal

import (
	"net/http"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/tus/tusd/v2/pkg/filestore"
	tusd "github.com/tus/tusd/v2/pkg/handler"
	"github.com/tus/tusd/v2/pkg/memorylocker"
	expslog "golang.org/x/exp/slog"

	"sohoa/portal"
)

// metaOwner is the upload metadata key holding the uploading citizen's CCCD, set by the portal.
const metaOwner = "owner"

var uploadIDRe = regexp.MustCompile(`^[0-9a-f]{32}$`)

func (s *Server) setupUploads() error {
	s.files = filestore.New(filepath.Join(s.cfg.DataDir, "uploads"))
	composer := tusd.NewStoreComposer()
	s.files.UseIn(composer)
	memorylocker.New().UseIn(composer)
	h, err := tusd.NewHandler(tusd.Config{
		BasePath:                portal.PathFiles,
		StoreComposer:           composer,
		MaxSize:                 s.cfg.MaxFileSize,
		DisableDownload:         true,
		DisableTermination:      true,
		DisableConcatenation:    true,
		PreUploadCreateCallback: s.preCreate,
		Logger:                  expslog.New(expslog.NewTextHandler(discard, nil)),
	})
	if err != nil {
		return err
	}
	s.tus = h
	return nil
}

// preCreate checks the upload's metadata and records its owner.
func (s *Server) preCreate(hook tusd.HookEvent) (tusd.HTTPResponse, tusd.FileInfoChanges, error) {
	sub, _ := hook.Context.Value(subjectKey{}).(string)
	md := hook.Upload.MetaData
	if sub == "" {
		return tusd.HTTPResponse{}, tusd.FileInfoChanges{}, tusd.NewError("ERR_UNAUTHORIZED", "no citizen token", http.StatusUnauthorized)
	}
	if err := portal.ValidFileName(md["filename"]); err != nil {
		return tusd.HTTPResponse{}, tusd.FileInfoChanges{}, tusd.NewError("ERR_INVALID_METADATA", "filename: "+err.Error(), http.StatusBadRequest)
	}
	if len(md["sha256"]) != 64 {
		return tusd.HTTPResponse{}, tusd.FileInfoChanges{}, tusd.NewError("ERR_INVALID_METADATA", "sha256 metadata is required", http.StatusBadRequest)
	}
	if hook.Upload.SizeIsDeferred {
		return tusd.HTTPResponse{}, tusd.FileInfoChanges{}, tusd.NewError("ERR_INVALID_METADATA", "Upload-Length is required", http.StatusBadRequest)
	}
	keep := tusd.MetaData{metaOwner: sub}
	for _, k := range []string{"filename", "component", "sha256", "idempotency_key"} {
		keep[k] = md[k]
	}
	return tusd.HTTPResponse{}, tusd.FileInfoChanges{MetaData: keep}, nil
}

// uploadOwnerCheck answers 404 for requests on uploads that do not exist or belong to another citizen.
func (s *Server) uploadOwnerCheck(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := strings.TrimPrefix(r.URL.Path, portal.PathFiles)
		if id == "" || r.Method == http.MethodOptions {
			next.ServeHTTP(w, r)
			return
		}
		if _, ok := s.ownUpload(r, id); !ok {
			writeError(w, http.StatusNotFound, portal.CodeNotFound, "no such upload for this citizen; create a new upload")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// ownUpload returns the citizen's upload with the given ID.
func (s *Server) ownUpload(r *http.Request, id string) (tusd.FileInfo, bool) {
	if !uploadIDRe.MatchString(id) {
		return tusd.FileInfo{}, false
	}
	up, err := s.files.GetUpload(r.Context(), id)
	if err != nil {
		return tusd.FileInfo{}, false
	}
	info, err := up.GetInfo(r.Context())
	if err != nil || info.MetaData[metaOwner] != subject(r) {
		return tusd.FileInfo{}, false
	}
	return info, true
}
