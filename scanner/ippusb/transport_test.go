// Transport tests with a USB double at the gousb boundary: responses cut into bulk packets, chunked bodies, unplugging.

package ippusb_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"sohoa/scanner"
	"sohoa/scanner/escl"
	"sohoa/scanner/escl/escltest"
	"sohoa/scanner/ippusb"
)

// errNoDevice is what gousb returns once the device is unplugged (LIBUSB_ERROR_NO_DEVICE).
var errNoDevice = errors.New("libusb: no device [code -4]")

// fakeUSB is one IPP-over-USB interface of a device: what the host writes is parsed as HTTP
// requests and answered by handler (the device's firmware); the answer comes back in bulk
// packets of at most packet bytes, or cut at the sizes in cuts. It records every request.
type fakeUSB struct {
	handler http.Handler
	packet  int
	cuts    []int // if set, read sizes cycle through these instead of packet
	chunked bool  // answer with Transfer-Encoding: chunked
	raw     [][]byte
	// unplugAfter > 0: after that many answers, the next answer stops half-way and the
	// device is gone (reads and writes fail with errNoDevice).
	unplugAfter int

	mu       sync.Mutex
	in       []byte
	out      []byte
	answers  int
	unplug   int // bytes of out left before the device disappears, -1: not armed
	gone     bool
	reads    int
	requests [][]byte
	busy     bool // a request is in flight on this interface
	overlap  bool // two requests were in flight at once
	closed   bool
}

func (f *fakeUSB) WriteContext(_ context.Context, p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.gone {
		return 0, errNoDevice
	}
	if f.busy && len(f.out) > 0 {
		f.overlap = true // the host wrote a new request before reading the last answer
	}
	f.in = append(f.in, p...)
	f.serve()
	return len(p), nil
}

// serve answers every complete request in f.in.
func (f *fakeUSB) serve() {
	for len(f.in) > 0 {
		rd := bytes.NewReader(f.in)
		br := bufio.NewReader(rd)
		req, err := http.ReadRequest(br)
		if err != nil {
			return // incomplete: wait for more
		}
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return
		}
		used := len(f.in) - br.Buffered() - rd.Len()
		f.requests = append(f.requests, append([]byte(nil), f.in[:used]...))
		f.in = f.in[used:]
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.RemoteAddr = "usb"
		var answer []byte
		if len(f.raw) > 0 {
			answer, f.raw = f.raw[0], f.raw[1:]
		} else {
			rec := httptest.NewRecorder()
			f.handler.ServeHTTP(rec, req)
			resp := rec.Result()
			if f.chunked {
				resp.ContentLength = -1
				resp.TransferEncoding = []string{"chunked"}
				resp.Header.Del("Content-Length")
			} else {
				resp.ContentLength = int64(rec.Body.Len())
			}
			var b bytes.Buffer
			_ = resp.Write(&b)
			answer = b.Bytes()
		}
		f.answers++
		if f.unplugAfter > 0 && f.answers > f.unplugAfter && f.unplug < 0 {
			f.unplug = len(f.out) + len(answer)/2
		}
		f.out = append(f.out, answer...)
		f.busy = true
	}
}

func (f *fakeUSB) ReadContext(ctx context.Context, p []byte) (int, error) {
	f.mu.Lock()
	if f.gone {
		f.mu.Unlock()
		return 0, errNoDevice
	}
	if len(f.out) == 0 {
		f.mu.Unlock()
		select { // the device has nothing to say
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(5 * time.Second): // never hang a test
			return 0, errors.New("fake USB: read with nothing to read")
		}
	}
	defer f.mu.Unlock()
	n := f.packet
	if len(f.cuts) > 0 {
		n = f.cuts[f.reads%len(f.cuts)]
	}
	f.reads++
	n = min(n, len(p), len(f.out))
	if f.unplug >= 0 {
		if f.unplug == 0 {
			f.gone = true
			return 0, errNoDevice
		}
		n = min(n, f.unplug)
		f.unplug -= n
	}
	copy(p, f.out[:n])
	f.out = f.out[n:]
	if len(f.out) == 0 {
		f.busy = false
	}
	return n, nil
}

func (f *fakeUSB) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	return nil
}

func newFake(h http.Handler) *fakeUSB { return &fakeUSB{handler: h, packet: 512, unplug: -1} }

// usbDevice returns the eSCL client running over fake interfaces, as ippusb.Open builds it.
func usbDevice(t *testing.T, pipes ...*fakeUSB) (*escl.Device, *ippusb.Transport) {
	t.Helper()
	bp := make([]ippusb.BulkPipe, len(pipes))
	for i, p := range pipes {
		bp[i] = p
	}
	tr := ippusb.NewTransport(bp...)
	d, err := escl.New("http://localhost/eSCL", escl.Options{Transport: tr, Address: ippusb.Address(1, 5), Closer: tr,
		RetryDelay: time.Millisecond, RequestTimeout: 2 * time.Second, PageTimeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return d, tr
}

func fakeScanner(t *testing.T, pages int) *escltest.Server {
	return &escltest.Server{
		Caps:   escltest.Capture(t, "hp-scanjet-pro-4500-fn1-capabilities.xml"),
		Status: escltest.Capture(t, "hp-laserjet-mfp-m426fdn-status.xml"),
		Pages:  pages,
	}
}

func TestESCLOverUSB(t *testing.T) {
	for _, tc := range []struct {
		name    string
		chunked bool
		cuts    []int
	}{
		{"512-byte packets", false, nil},
		{"chunked, 512-byte packets", true, nil},
		{"chunked, awkward cuts", true, []int{1, 7, 512, 3, 1024, 2, 511}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := fakeScanner(t, 3)
			f := newFake(srv)
			f.chunked, f.cuts = tc.chunked, tc.cuts
			d, _ := usbDevice(t, f)
			defer d.Close()
			var pages []scanner.Page
			err := d.Scan(context.Background(), scanner.Settings{Source: scanner.SourceDuplex}, scanner.Handler{
				OnPage: func(p scanner.Page) error { pages = append(pages, p); return nil },
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(pages) != 3 || !pages[1].Back || pages[2].Index != 2 {
				t.Fatalf("pages %+v", pages)
			}
			if j := srv.Jobs(); len(j) != 1 || !j[0].Duplex || j[0].InputSource != "Feeder" {
				t.Errorf("job %+v", j)
			}
			if d.Name() != "HP ScanJet Pro 4500 fn1" || d.Address() != "usb:1:5" {
				t.Errorf("name %q address %q", d.Name(), d.Address())
			}
			// Every request went out whole, with Host localhost, and was answered in full.
			if len(f.requests) < 5 || len(f.out) != 0 || f.overlap {
				t.Errorf("%d requests, %d bytes unread, overlap %v", len(f.requests), len(f.out), f.overlap)
			}
			for _, r := range f.requests {
				if !bytes.Contains(r, []byte("\r\nHost: localhost\r\n")) {
					t.Errorf("request without Host localhost: %q", r)
				}
			}
			if !strings.HasPrefix(string(f.requests[0]), "GET /eSCL/ScannerCapabilities HTTP/1.1\r\n") {
				t.Errorf("first request %q", f.requests[0])
			}
		})
	}
}

// A recorded answer: chunked, with the chunk sizes and the final CRLFs falling across packets.
func TestRecordedChunkedAnswer(t *testing.T) {
	status := escltest.Capture(t, "kyocera-ecosys-m2040dn-status-adfprocessing.xml")
	var raw bytes.Buffer
	raw.WriteString("HTTP/1.1 200 OK\r\nServer: KM-MFP-http/V0.0.1\r\nContent-Type: text/xml\r\nTransfer-Encoding: chunked\r\n\r\n")
	for rest := status; len(rest) > 0; {
		n := min(len(rest), 700)
		fmt.Fprintf(&raw, "%x\r\n%s\r\n", n, rest[:n])
		rest = rest[n:]
	}
	raw.WriteString("0\r\n\r\n")
	f := newFake(nil)
	f.raw = [][]byte{raw.Bytes(), raw.Bytes()}
	f.cuts = []int{511, 2, 1, 512}
	d, _ := usbDevice(t, f)
	defer d.Close()
	for i := 0; i < 2; i++ { // the second answer proves nothing of the first was left behind
		st, err := d.Status(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if st.AdfState != "ScannerAdfProcessing" || st.Condition(scanner.SourceFeeder) != scanner.ErrBusy || len(st.Jobs) != 5 {
			t.Fatalf("status %+v", st)
		}
	}
}

func TestUnpluggedMidScan(t *testing.T) {
	srv := fakeScanner(t, 5)
	f := newFake(srv)
	f.unplugAfter = 4 // capabilities, ScanJobs, page 1, page 2 — then gone while page 3 arrives
	d, tr := usbDevice(t, f)
	defer d.Close()
	var pages []scanner.Page
	err := d.Scan(context.Background(), scanner.Settings{}, scanner.Handler{
		OnPage: func(p scanner.Page) error { pages = append(pages, p); return nil },
	})
	if !errors.Is(err, scanner.ErrGone) {
		t.Fatalf("err %v, want ErrGone", err)
	}
	if len(pages) != 2 {
		t.Errorf("%d pages kept, want 2", len(pages))
	}
	var e *escl.Error
	if !errors.As(err, &e) || e.Pages != 2 {
		t.Errorf("error %v", err)
	}
	// The failed interface was dropped; with none left, requests fail at once.
	req, _ := http.NewRequest(http.MethodGet, "http://localhost/eSCL/ScannerStatus", nil)
	if _, err := tr.RoundTrip(req); !errors.Is(err, scanner.ErrGone) {
		t.Errorf("after unplug: %v", err)
	}
	if !f.closed {
		t.Error("the failed interface was not released")
	}
}

// Two interfaces serve parallel requests, never two at once on one interface.
func TestPoolOneRequestPerInterface(t *testing.T) {
	srv := fakeScanner(t, 1)
	a, b := newFake(srv), newFake(srv)
	_, tr := usbDevice(t, a, b)
	defer tr.Close()
	client := &http.Client{Transport: tr}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := client.Get("http://localhost/eSCL/ScannerCapabilities")
			if err != nil {
				errs <- err
				return
			}
			data, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err == nil && !bytes.Contains(data, []byte("ScanJet Pro 4500")) {
				err = fmt.Errorf("short body %d", len(data))
			}
			if err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if a.overlap || b.overlap || len(a.requests)+len(b.requests) != 16 {
		t.Errorf("overlap %v %v, requests %d+%d", a.overlap, b.overlap, len(a.requests), len(b.requests))
	}
}

// A body closed before its end is drained, so the next answer starts clean.
func TestEarlyCloseDrains(t *testing.T) {
	srv := fakeScanner(t, 1)
	f := newFake(srv)
	_, tr := usbDevice(t, f)
	defer tr.Close()
	client := &http.Client{Transport: tr}
	resp, err := client.Get("http://localhost/eSCL/ScannerCapabilities")
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 10)
	_, _ = resp.Body.Read(buf)
	resp.Body.Close()
	resp, err = client.Get("http://localhost/eSCL/ScannerStatus")
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if _, err := escl.ParseStatus(data); err != nil {
		t.Fatalf("second answer polluted: %v", err)
	}
}

// A device that never answers: the request's context ends the wait, the interface is dropped.
func TestSilentDevice(t *testing.T) {
	f := newFake(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	f.raw = [][]byte{{}} // answers nothing at all
	tr := ippusb.NewTransport(f)
	d, err := escl.New("http://localhost/eSCL", escl.Options{Transport: tr, Closer: tr, RequestTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	if _, err := d.Status(ctx); !errors.Is(err, scanner.ErrGone) {
		t.Fatalf("err %v, want ErrGone", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Error("RequestTimeout not honoured")
	}
}

func TestGarbageAnswer(t *testing.T) {
	f := newFake(nil)
	f.raw = [][]byte{[]byte("\x00\x01garbage that is not HTTP\r\n\r\n")}
	d, _ := usbDevice(t, f)
	defer d.Close()
	if _, err := d.Status(context.Background()); err == nil {
		t.Fatal("garbage accepted")
	}
}

func TestParseAddress(t *testing.T) {
	for in, want := range map[string][2]int{"1:5": {1, 5}, "001:005": {1, 5}, " 3:127 ": {3, 127}} {
		b, a, err := ippusb.ParseAddress(in)
		if err != nil || b != want[0] || a != want[1] {
			t.Errorf("%q: %d %d %v", in, b, a, err)
		}
	}
	for _, bad := range []string{"", "1", "1:", ":5", "x:5", "1:0", "1:128", "-1:5", "1:5:7"} {
		if _, _, err := ippusb.ParseAddress(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := scanner.Open("usb:nonsense"); err == nil || !strings.Contains(err.Error(), "usb:<bus>:<address>") {
		t.Errorf("open nonsense: %v", err)
	}
	if !ippusb.IsIPPOverUSB(7, 1, 4) || ippusb.IsIPPOverUSB(7, 1, 2) || ippusb.IsIPPOverUSB(255, 255, 255) {
		t.Error("interface matching")
	}
}

// There is no USB scanner here: List answers nothing, or says clearly why it cannot look.
func TestListWithoutDevices(t *testing.T) {
	infos, err := ippusb.List(context.Background())
	if err != nil {
		if !errors.Is(err, ippusb.ErrNoUSB) && !errors.Is(err, ippusb.ErrNoAccess) {
			t.Fatalf("unclear error: %v", err)
		}
		t.Logf("List: %v", err)
	}
	for _, i := range infos {
		if !strings.HasPrefix(i.Address, "usb:") {
			t.Errorf("info %+v", i)
		}
	}
	// Opening an address where nothing is plugged is a clear error too.
	_, err = scanner.Open("usb:250:120")
	if err == nil || !(errors.Is(err, scanner.ErrGone) || errors.Is(err, ippusb.ErrNoUSB) || errors.Is(err, ippusb.ErrNoAccess)) {
		t.Errorf("open absent device: %v", err)
	}
}
