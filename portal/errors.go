// Error classes and stable error codes of the submission API, shared by the client and the reference portal.

package portal

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"sohoa/errs"
)

// Class says what the caller should do about an error: the module's one error kind.
type Class = errs.Kind

const (
	// Transient errors go away by themselves: retry later (network down, timeout, 5xx, 429).
	Transient = errs.Transient
	// Permanent errors will fail again: the dossier must be corrected (bad manifest, hash mismatch, 403, 409).
	Permanent = errs.Permanent
	// NeedsUser errors need the citizen: authorize the desk again (401, login timeout).
	NeedsUser = errs.NeedsCitizen
)

// Stable error codes: the "code" of an API error body, and Error.Code on the client side.
const (
	CodeInvalidManifest     = "invalid_manifest"        // 400: the manifest or the request body is malformed
	CodeMissingIdemKey      = "missing_idempotency_key" // 400: no Idempotency-Key header
	CodeUnauthorized        = "unauthorized"            // 401: token missing, invalid or expired
	CodeInsufficientScope   = "insufficient_scope"      // 403: token lacks the dossier:submit scope
	CodeNotOwner            = "not_owner"               // 403: the citizen is not the dossier's owner
	CodeNotFound            = "not_found"               // 404: no such dossier or upload
	CodeIdempotencyConflict = "idempotency_conflict"    // 409: same Idempotency-Key, different dossier
	CodeTooLarge            = "too_large"               // 413: body or file over the portal's limit
	CodeUploadMissing       = "upload_missing"          // 422: a file's upload_url names no upload of this citizen
	CodeUploadIncomplete    = "upload_incomplete"       // 422: a file's upload has not received all its bytes
	CodeHashMismatch        = "hash_mismatch"           // 422: uploaded bytes' SHA-256 or size differ from the manifest
	CodeSignatureInvalid    = "signature_invalid"       // 422: a PDF's signature does not verify
	CodeRateLimited         = "rate_limited"            // 429: slow down, see Retry-After
	CodeInternal            = "internal"                // 500: the portal failed
	CodeNetwork             = "network"                 // client side: the portal could not be reached or did not answer in time
	CodeTokenExpired        = "token_expired"           // client side: the token expired before the request was sent
	CodeLocalFile           = "local_file"              // client side: a file to upload cannot be read or changed since signing
	CodeAuthTimeout         = "auth_timeout"            // client side: nobody completed the login in time
	CodeAuthState           = "auth_state_mismatch"     // client side: the login redirect carried a foreign state
	CodeAuthDenied          = "auth_denied"             // client side: the portal refused the authorization
	CodeLoginFailed         = "login_failed"            // client side: training login refused (wrong CCCD or password)
	CodeAuthExpired         = "auth_expired"            // client side: the device-flow code expired before the citizen approved
	CodeProtocol            = "protocol"                // client side: the portal answered something the client cannot understand
)

// Error is an error of the portal client: its Class says whether to retry, ask the user, or give up.
// errors.Is(err, ErrX) matches on Code, so the UI can translate a sentinel into Vietnamese.
type Error struct {
	Class      Class
	HTTPStatus int           // 0 when no HTTP answer was received
	Code       string        // one of the Code* constants (or the portal's own code)
	Message    string        // what happened and what to do, in English
	RetryAfter time.Duration // from a 429/503 Retry-After header, 0 if none
	Err        error         // the underlying cause, if any
}

// Error implements error.
func (e *Error) Error() string {
	msg := e.Code
	if e.Message != "" {
		msg += ": " + e.Message
	}
	if e.HTTPStatus != 0 {
		msg = fmt.Sprintf("portal: HTTP %d %s", e.HTTPStatus, msg)
	} else {
		msg = "portal: " + msg
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Kind is the error's class, for errs.KindOf.
func (e *Error) Kind() errs.Kind { return e.Class }

// Key names the sentence of the error's code ("error.portal.<code>"); codes the desk does not know
// have no sentence and are explained by their kind.
func (e *Error) Key() string {
	if e.Code == "" {
		return ""
	}
	return "error.portal." + e.Code
}

// Args gives the sentence the code and the HTTP status.
func (e *Error) Args() map[string]any {
	return map[string]any{"Code": e.Code, "Status": e.HTTPStatus}
}

// Is reports whether target is an *Error with the same non-empty Code, so sentinels work with errors.Is.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code != "" && t.Code == e.Code
}

// Sentinel errors, to test with errors.Is; the errors returned carry more detail than these.
var (
	ErrInvalidManifest     = &Error{Class: Permanent, Code: CodeInvalidManifest, Message: "the dossier manifest is invalid; correct the dossier"}
	ErrUnauthorized        = &Error{Class: NeedsUser, Code: CodeUnauthorized, Message: "the citizen's authorization is invalid or expired; ask the citizen to log in again"}
	ErrTokenExpired        = &Error{Class: NeedsUser, Code: CodeTokenExpired, Message: "the citizen's authorization has expired; ask the citizen to log in again"}
	ErrNotOwner            = &Error{Class: Permanent, Code: CodeNotOwner, Message: "the logged-in citizen is not the dossier's owner; the owner must log in"}
	ErrIdempotencyConflict = &Error{Class: Permanent, Code: CodeIdempotencyConflict, Message: "the portal already holds a different dossier under this idempotency key"}
	ErrHashMismatch        = &Error{Class: Permanent, Code: CodeHashMismatch, Message: "an uploaded file does not match the manifest"}
	ErrSignatureInvalid    = &Error{Class: Permanent, Code: CodeSignatureInvalid, Message: "the portal rejected a PDF signature; sign the component again"}
	ErrAuthTimeout         = &Error{Class: NeedsUser, Code: CodeAuthTimeout, Message: "nobody completed the portal login in time; start the authorization again"}
	ErrStateMismatch       = &Error{Class: NeedsUser, Code: CodeAuthState, Message: "the login answer did not belong to this request; start the authorization again"}
	ErrAccessDenied        = &Error{Class: NeedsUser, Code: CodeAuthDenied, Message: "the portal refused the authorization; ask the citizen to log in again"}
	ErrLoginFailed         = &Error{Class: NeedsUser, Code: CodeLoginFailed, Message: "the portal refused the CCCD number or password"}
	ErrDeviceCodeExpired   = &Error{Class: NeedsUser, Code: CodeAuthExpired, Message: "the code shown at the desk expired before the citizen approved; show a new code"}
)

// Classify says what to do about err: errs.KindOf (Transient for network errors, timeouts, 5xx and 429;
// NeedsUser for 401 and authorization failures; Permanent for other 4xx and anything unknown).
// Classify(nil) is "".
func Classify(err error) Class { return errs.KindOf(err) }

// classForStatus maps an HTTP status to a class.
func classForStatus(status int) Class {
	switch {
	case status == http.StatusUnauthorized:
		return NeedsUser
	case status == http.StatusTooManyRequests, status == http.StatusRequestTimeout, status >= 500:
		return Transient
	default:
		return Permanent
	}
}

// networkError wraps a transport failure as a Transient error.
func networkError(what string, err error) error {
	return &Error{Class: Transient, Code: CodeNetwork, Message: what + " failed: the portal could not be reached or did not answer in time; check the network", Err: err}
}

// parseRetryAfter reads a Retry-After header (delay-seconds or HTTP-date).
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}
