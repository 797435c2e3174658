// Benchmarks: a full submission (lookup, resumable upload, commit) against the reference portal on loopback.

package portal_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"testing"

	"sohoa/portal"
)

// BenchmarkSubmit4MiB submits one dossier with a 4 MiB component per iteration (1 MiB chunks).
func BenchmarkSubmit4MiB(b *testing.B) {
	_, base := startPortal(b, b.TempDir(), nil)
	tok := login(b, base, binh())
	data := make([]byte, 4<<20)
	rand.Read(data)
	f := memFile("big.pdf", "TP1", data)
	c := portal.NewClient(base)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Submit(context.Background(), submission(fmt.Sprintf("bench-%d", i), binh(), f), tok); err != nil {
			b.Fatal(err)
		}
	}
}
