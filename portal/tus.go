// A small tus 1.0 client: create an upload, ask its offset, PATCH it in chunks, resuming from the server's offset.

package portal

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

const tusVersion = "1.0.0"

// upload makes sure the portal holds all of f's bytes and returns the upload's URL.
func (c *Client) upload(ctx context.Context, s Submission, f File, tok Token) (string, error) {
	if err := verifyLocal(f); err != nil {
		return "", err
	}
	key := s.IdemKey + "\x00" + f.Name + "\x00" + f.SHA256
	u := f.UploadURL
	c.mu.Lock()
	if known, ok := c.uploads[key]; ok {
		u = known
	}
	c.mu.Unlock()

	offset := int64(-1)
	if u != "" {
		off, length, err := c.tusHead(ctx, u, tok)
		var pe *Error
		switch {
		case err == nil && length == f.Size:
			offset = off
		case err == nil, errors.As(err, &pe) && (pe.HTTPStatus == http.StatusNotFound || pe.HTTPStatus == http.StatusGone || pe.HTTPStatus == http.StatusForbidden):
			u = "" // gone, foreign or of another size: start afresh
		default:
			return "", err
		}
	}
	if u == "" {
		var err error
		if u, err = c.tusCreate(ctx, s.IdemKey, f, tok); err != nil {
			return "", err
		}
		offset = 0
		c.mu.Lock()
		if c.uploads == nil {
			c.uploads = make(map[string]string)
		}
		c.uploads[key] = u
		c.mu.Unlock()
		if s.OnUploadCreated != nil {
			s.OnUploadCreated(f.Name, u)
		}
	}

	failures := 0
	for offset < f.Size {
		next, err := c.tusPatch(ctx, u, f, offset, tok)
		if err == nil {
			if next <= offset {
				return "", &Error{Class: Transient, Code: CodeProtocol, Message: "the portal accepted no bytes of the upload"}
			}
			offset, failures = next, 0
			if s.OnProgress != nil {
				s.OnProgress(f.Name, offset, f.Size)
			}
			continue
		}
		if ctx.Err() != nil || Classify(err) != Transient && !isOffsetConflict(err) {
			return "", err
		}
		failures++
		if failures > c.maxResumes() {
			return "", err
		}
		if err := sleepCtx(ctx, time.Duration(failures)*100*time.Millisecond); err != nil {
			return "", err
		}
		off, _, herr := c.tusHead(ctx, u, tok)
		if herr != nil {
			if Classify(herr) == Transient {
				continue // retry the HEAD at the next round, counted as a failure
			}
			return "", herr
		}
		offset = off
	}
	return u, nil
}

func (c *Client) maxResumes() int {
	if c.MaxResumes > 0 {
		return c.MaxResumes
	}
	return 3
}

func isOffsetConflict(err error) bool {
	var pe *Error
	return errors.As(err, &pe) && pe.HTTPStatus == http.StatusConflict
}

// verifyLocal hashes the file and checks it still matches its SHA-256 and size (the signed bytes).
func verifyLocal(f File) error {
	r, err := f.Open()
	if err != nil {
		return &Error{Class: Permanent, Code: CodeLocalFile, Message: fmt.Sprintf("cannot open %s", f.Name), Err: err}
	}
	defer r.Close()
	h := sha256.New()
	n, err := io.Copy(h, r)
	if err != nil {
		return &Error{Class: Permanent, Code: CodeLocalFile, Message: fmt.Sprintf("cannot read %s", f.Name), Err: err}
	}
	if n != f.Size || hex.EncodeToString(h.Sum(nil)) != f.SHA256 {
		return &Error{Class: Permanent, Code: CodeLocalFile, Message: fmt.Sprintf("%s changed since it was signed (SHA-256 or size differ); rebuild the dossier", f.Name)}
	}
	return nil
}

func tusMetadata(kv ...string) string {
	parts := make([]string, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		parts = append(parts, kv[i]+" "+base64.StdEncoding.EncodeToString([]byte(kv[i+1])))
	}
	return strings.Join(parts, ",")
}

// tusCreate creates an upload (POST with Upload-Length and Upload-Metadata) and returns its absolute URL.
func (c *Client) tusCreate(ctx context.Context, idemKey string, f File, tok Token) (string, error) {
	hdr := map[string]string{
		"Tus-Resumable":   tusVersion,
		"Upload-Length":   strconv.FormatInt(f.Size, 10),
		"Upload-Metadata": tusMetadata("filename", f.Name, "component", f.Component, "sha256", f.SHA256, "idempotency_key", idemKey),
	}
	resp, cancel, err := c.send(ctx, http.MethodPost, PathFiles, nil, 0, tok, hdr)
	if err != nil {
		return "", err
	}
	defer cancel()
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return "", responseError(resp)
	}
	loc := resp.Header.Get("Location")
	if loc == "" {
		return "", &Error{Class: Transient, HTTPStatus: resp.StatusCode, Code: CodeProtocol, Message: "the portal created an upload without a Location"}
	}
	return c.resolveAgainst(resp.Request.URL.String(), loc)
}

func (c *Client) resolveAgainst(base, ref string) (string, error) {
	b, err := http.NewRequest(http.MethodGet, base, nil)
	if err != nil {
		return "", &Error{Class: Permanent, Code: CodeProtocol, Message: "invalid upload URL", Err: err}
	}
	r, err := b.URL.Parse(ref)
	if err != nil {
		return "", &Error{Class: Transient, Code: CodeProtocol, Message: "the portal gave an invalid upload URL", Err: err}
	}
	return r.String(), nil
}

// tusHead asks the server's offset and the upload's declared length.
func (c *Client) tusHead(ctx context.Context, u string, tok Token) (offset, length int64, err error) {
	resp, cancel, err := c.send(ctx, http.MethodHead, u, nil, 0, tok, map[string]string{"Tus-Resumable": tusVersion})
	if err != nil {
		return 0, 0, err
	}
	defer cancel()
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusNoContent {
		return 0, 0, responseError(resp)
	}
	offset, err1 := strconv.ParseInt(resp.Header.Get("Upload-Offset"), 10, 64)
	length, err2 := strconv.ParseInt(resp.Header.Get("Upload-Length"), 10, 64)
	if err1 != nil || err2 != nil || offset < 0 || offset > length {
		return 0, 0, &Error{Class: Transient, HTTPStatus: resp.StatusCode, Code: CodeProtocol, Message: "the portal's upload offset is unreadable"}
	}
	return offset, length, nil
}

// tusPatch sends one chunk from offset and returns the server's new offset.
func (c *Client) tusPatch(ctx context.Context, u string, f File, offset int64, tok Token) (int64, error) {
	chunk := c.ChunkSize
	if chunk <= 0 {
		chunk = DefaultChunkSize
	}
	chunk = min(chunk, f.Size-offset)
	r, err := f.Open()
	if err != nil {
		return 0, &Error{Class: Permanent, Code: CodeLocalFile, Message: fmt.Sprintf("cannot open %s", f.Name), Err: err}
	}
	defer r.Close()
	if _, err := r.Seek(offset, io.SeekStart); err != nil {
		return 0, &Error{Class: Permanent, Code: CodeLocalFile, Message: fmt.Sprintf("cannot seek in %s", f.Name), Err: err}
	}
	hdr := map[string]string{
		"Tus-Resumable": tusVersion,
		"Upload-Offset": strconv.FormatInt(offset, 10),
		"Content-Type":  "application/offset+octet-stream",
	}
	resp, cancel, err := c.send(ctx, http.MethodPatch, u, io.LimitReader(r, chunk), chunk, tok, hdr)
	if err != nil {
		return 0, err
	}
	defer cancel()
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent && resp.StatusCode != http.StatusOK {
		return 0, responseError(resp)
	}
	next, err := strconv.ParseInt(resp.Header.Get("Upload-Offset"), 10, 64)
	if err != nil || next < offset || next > f.Size {
		return 0, &Error{Class: Transient, HTTPStatus: resp.StatusCode, Code: CodeProtocol, Message: "the portal's upload offset is unreadable"}
	}
	return next, nil
}

func (c *Client) forgetUploads(s Submission) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, f := range s.Files {
		delete(c.uploads, s.IdemKey+"\x00"+f.Name+"\x00"+f.SHA256)
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
