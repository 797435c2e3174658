// Benchmark of the USB transport: one 2 MiB page (a 300 dpi colour A4 JPEG is 0.5-2 MiB) in 512-byte packets.

package ippusb_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"

	"sohoa/scanner/ippusb"
)

func BenchmarkTransportPage(b *testing.B) {
	page := bytes.Repeat([]byte{0xAB}, 2<<20)
	raw := append([]byte(fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n", len(page))), page...)
	f := newFake(nil)
	tr := ippusb.NewTransport(f)
	defer tr.Close()
	b.SetBytes(int64(len(page)))
	for b.Loop() {
		f.raw = [][]byte{raw}
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, "http://localhost/eSCL/ScanJobs/1/NextDocument", nil)
		resp, err := tr.RoundTrip(req)
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || n != int64(len(page)) {
			b.Fatalf("%d bytes, %v", n, err)
		}
	}
}
