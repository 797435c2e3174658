// Fetching the RFC 3161 signature timestamp (PAdES B-T) under the caller's context.

package signing

import (
	"bytes"
	"context"
	"crypto"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/digitorus/timestamp"
)

// TSATimeout bounds one timestamp request.
const TSATimeout = 30 * time.Second

// fetchTimestamp asks the RFC 3161 authority at url for a token over data's SHA-256 and returns the
// TimeStampToken (a CMS ContentInfo) after checking it answers this request.
func fetchTimestamp(ctx context.Context, url string, data []byte) ([]byte, error) {
	req, err := timestamp.CreateRequest(bytes.NewReader(data), &timestamp.RequestOptions{Hash: crypto.SHA256, Certificates: true})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, TSATimeout)
	defer cancel()
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(req))
	if err != nil {
		return nil, err
	}
	hreq.Header.Set("Content-Type", "application/timestamp-query")
	resp, err := http.DefaultClient.Do(hreq)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("%s answered HTTP %d", url, resp.StatusCode)
	}
	ts, err := timestamp.ParseResponse(body)
	if err != nil {
		return nil, err
	}
	want := sha256.Sum256(data)
	if ts.HashAlgorithm != crypto.SHA256 || !bytes.Equal(ts.HashedMessage, want[:]) {
		return nil, errors.New("the timestamp does not cover the signature value")
	}
	return ts.RawToken, nil
}
