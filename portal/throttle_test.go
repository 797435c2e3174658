// Uploads through a link that drops connections: resumed from the portal's offset, re-sending at most one
// chunk per cut (measured at the proxy); and the throughput through a 256 kbit/s link.

package portal_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"net/url"
	"testing"
	"time"

	"sohoa/portal"
	"sohoa/portal/throttle"
)

func TestUploadThroughDroppingLinkResendsAtMostOneChunkPerCut(t *testing.T) {
	t.Parallel()
	_, base := startPortal(t, t.TempDir(), nil)
	px, err := throttle.Start(base, throttle.Config{BitsPerSecond: 8 << 20, DropEvery: 80 << 10, DropMethods: []string{"PATCH"}, Seed: 8})
	if err != nil {
		t.Fatal(err)
	}
	defer px.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	tok := login(t, px.URL, binh())
	pdf := readShared(t, "pdfsign-hello_hsm.pdf")
	big := append(bytes.Clone(pdf), make([]byte, 700<<10)...) // 700 KiB more: many chunks (the portal hashes, it does not parse)
	rand.Read(big[len(pdf):])
	const chunk = 64 << 10
	c := portal.NewClient(px.URL)
	c.ChunkSize = chunk
	c.MaxResumes = 10
	s := submission("drop-1", binh(), memFile("lon.pdf", "TP1", big))
	var uploadURL string
	s.OnUploadCreated = func(_, u string) { uploadURL = u }
	r, err := c.Submit(ctx, s, tok)
	if err != nil || r.PortalCode == "" {
		t.Fatalf("Submit through a dropping link = %+v, %v", r, err)
	}
	u, err := url.Parse(uploadURL)
	if err != nil {
		t.Fatal(err)
	}
	st := px.Stats(u.Path)
	resent := st.Bytes - int64(len(big))
	t.Logf("file %d bytes, %d cuts, %d bytes forwarded, %d re-sent (%.1f KiB per cut; chunk %d KiB)",
		len(big), st.Cuts, st.Bytes, resent, float64(resent)/1024/float64(max(st.Cuts, 1)), chunk>>10)
	if st.Cuts < 3 {
		t.Fatalf("only %d cuts: the link did not drop enough to test resumption", st.Cuts)
	}
	if resent < 0 || resent > int64(st.Cuts)*chunk {
		t.Fatalf("re-sent %d bytes after %d cuts: more than one chunk (%d) per cut", resent, st.Cuts, chunk)
	}
}

// BenchmarkUploadThrottled256k uploads a 128 KiB dossier through a 256 kbit/s link and reports the
// throughput as a fraction of the link's limit (login excluded; lookup, tus create/patch and commit included).
func BenchmarkUploadThrottled256k(b *testing.B) {
	_, base := startPortal(b, b.TempDir(), nil)
	const bps = 256_000
	px, err := throttle.Start(base, throttle.Config{BitsPerSecond: bps})
	if err != nil {
		b.Fatal(err)
	}
	defer px.Close()
	tok := login(b, px.URL, binh())
	pdf := readShared(b, "pdfsign-hello_hsm.pdf")
	data := append(bytes.Clone(pdf), make([]byte, 128<<10-len(pdf))...)
	c := portal.NewClient(px.URL)
	ctx := context.Background()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	start := time.Now()
	for i := 0; b.Loop(); i++ {
		if _, err := c.Submit(ctx, submission(fmt.Sprintf("bench-throttle-%d", i), binh(), memFile("a.pdf", "TP1", data)), tok); err != nil {
			b.Fatal(err)
		}
	}
	el := time.Since(start)
	rate := float64(int64(len(data))*int64(b.N)*8) / el.Seconds()
	b.ReportMetric(rate/bps, "fraction-of-limit")
}
