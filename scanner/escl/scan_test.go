// Scan tests against a loopback eSCL server serving real captures, including every fault path.

package escl_test

import (
	"context"
	"errors"
	"image"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"sohoa/scanner"
	"sohoa/scanner/escl"
	"sohoa/scanner/escl/escltest"
)

const (
	capsHP4500 = "hp-scanjet-pro-4500-fn1-capabilities.xml"
	capsTank   = "hp-smart-tank-plus-570-capabilities.xml"
	statusIdle = "hp-laserjet-mfp-m426fdn-status.xml"
)

// fake starts a loopback server for the fake scanner and returns a device on it.
func fake(t *testing.T, srv *escltest.Server, o escl.Options) (*escl.Device, *httptest.Server) {
	t.Helper()
	if srv.Status == nil {
		srv.Status = escltest.Capture(t, statusIdle)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	if o.RetryDelay == 0 {
		o.RetryDelay = time.Millisecond
	}
	d, err := escl.New(hs.URL+"/eSCL", o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	return d, hs
}

// collect returns a handler that keeps the pages.
func collect(pages *[]scanner.Page) scanner.Handler {
	return scanner.Handler{OnPage: func(p scanner.Page) error {
		*pages = append(*pages, p)
		return nil
	}}
}

func gray(t *testing.T, img image.Image) uint8 {
	t.Helper()
	b := img.Bounds()
	r, _, _, _ := img.At(b.Min.X+b.Dx()/2, b.Min.Y+b.Dy()/2).RGBA()
	return uint8(r >> 8)
}

func checkPages(t *testing.T, pages []scanner.Page, n, dpi int, duplex bool) {
	t.Helper()
	if len(pages) != n {
		t.Fatalf("%d pages, want %d", len(pages), n)
	}
	for i, p := range pages {
		if p.Index != i || p.DPI != dpi || p.Image == nil || p.Back != (duplex && i%2 == 1) {
			t.Errorf("page %d: index %d dpi %d back %v", i, p.Index, p.DPI, p.Back)
		}
		if g, want := gray(t, p.Image), escltest.PageGray(i); g < want-3 || g > want+3 {
			t.Errorf("page %d has grey %d, want %d (order lost)", i, g, want)
		}
	}
}

func TestScanFeeder(t *testing.T) {
	srv := &escltest.Server{Caps: escltest.Capture(t, capsHP4500), Pages: 3}
	d, _ := fake(t, srv, escl.Options{})
	var pages []scanner.Page
	var progress []scanner.Progress
	h := collect(&pages)
	h.OnProgress = func(p scanner.Progress) { progress = append(progress, p) }
	if err := d.Scan(context.Background(), scanner.Settings{}, h); err != nil {
		t.Fatal(err)
	}
	checkPages(t, pages, 3, 200, false)
	jobs := srv.Jobs()
	if len(jobs) != 1 {
		t.Fatalf("%d jobs", len(jobs))
	}
	j := jobs[0]
	// Defaults: feeder (the device has one), colour, 200 dpi, the whole width, height capped.
	if j.InputSource != "Feeder" || j.Duplex || j.ColorMode != "RGB24" || j.XResolution != 200 || j.YResolution != 200 ||
		j.DocumentFormat != "image/jpeg" || j.DocumentFormatExt != "image/jpeg" || j.Version == "" {
		t.Errorf("settings sent: %+v", j)
	}
	if r := j.Regions; len(r) != 1 || r[0].Width != 2550 || r[0].Height != escl.MaxRegionHeight || r[0].Units != "escl:ThreeHundredthsOfInches" {
		t.Errorf("region sent: %+v", r)
	}
	if len(srv.Deleted()) != 0 {
		t.Errorf("a finished job must not be deleted: %v", srv.Deleted())
	}
	if d.Name() != "HP ScanJet Pro 4500 fn1" {
		t.Errorf("name %q", d.Name())
	}
	if !slices.ContainsFunc(progress, func(p scanner.Progress) bool { return p.Page == 2 && p.Fraction == 1 }) {
		t.Errorf("no progress for the last page: %v", progress)
	}
}

func TestScanDuplexGrayPlaten(t *testing.T) {
	srv := &escltest.Server{Caps: escltest.Capture(t, capsHP4500), Pages: 4}
	d, _ := fake(t, srv, escl.Options{})
	var pages []scanner.Page
	err := d.Scan(context.Background(), scanner.Settings{Source: scanner.SourceDuplex, DPI: 300, Mode: scanner.ModeGray}, collect(&pages))
	if err != nil {
		t.Fatal(err)
	}
	checkPages(t, pages, 4, 300, true)
	j := srv.Jobs()[0]
	if j.InputSource != "Feeder" || !j.Duplex || j.ColorMode != "Grayscale8" || j.XResolution != 300 || j.Regions[0].Height != 4200 {
		t.Errorf("duplex settings sent: %+v %+v", j, j.Regions)
	}

	// Platen: one page, even if the device would give more; no Duplex element.
	pages = nil
	err = d.Scan(context.Background(), scanner.Settings{Source: scanner.SourcePlaten, DPI: 600, Mode: scanner.ModeBW}, collect(&pages))
	if err != nil {
		t.Fatal(err)
	}
	checkPages(t, pages, 1, 600, false)
	j = srv.Jobs()[1]
	if j.InputSource != "Platen" || j.ColorMode != "BlackAndWhite1" || j.Regions[0].Height != 4200 {
		t.Errorf("platen settings sent: %+v", j)
	}
}

func TestCanonOffersOnly300(t *testing.T) {
	srv := &escltest.Server{Caps: escltest.Capture(t, "canon-mf642c-capabilities.xml"), Pages: 1}
	d, _ := fake(t, srv, escl.Options{})
	var pages []scanner.Page
	if err := d.Scan(context.Background(), scanner.Settings{Source: scanner.SourcePlaten}, collect(&pages)); err != nil {
		t.Fatal(err)
	}
	// 200 dpi asked, the device only offers 300: the page says what it really is.
	checkPages(t, pages, 1, 300, false)
	if srv.Jobs()[0].XResolution != 300 {
		t.Errorf("sent %d dpi", srv.Jobs()[0].XResolution)
	}
}

func TestSimplexFeederRefusesDuplex(t *testing.T) {
	srv := &escltest.Server{Caps: escltest.Capture(t, capsTank), Pages: 2}
	d, _ := fake(t, srv, escl.Options{})
	err := d.Scan(context.Background(), scanner.Settings{Source: scanner.SourceDuplex}, collect(new([]scanner.Page)))
	if !errors.Is(err, scanner.ErrUnsupported) {
		t.Fatalf("err %v, want ErrUnsupported", err)
	}
	if !strings.Contains(err.Error(), "one side only") {
		t.Errorf("message does not say what to do: %v", err)
	}
	for _, r := range srv.Requests() {
		if strings.HasPrefix(r, "POST") {
			t.Fatalf("a job was posted: %v", srv.Requests())
		}
	}
}

func TestBusyThenSuccess(t *testing.T) {
	for _, fault := range []escltest.Fault{escltest.BusyCreate, escltest.BusyPage} {
		srv := &escltest.Server{Caps: escltest.Capture(t, capsHP4500), Pages: 2, Fault: fault, FaultCount: 2}
		d, _ := fake(t, srv, escl.Options{})
		var pages []scanner.Page
		if err := d.Scan(context.Background(), scanner.Settings{}, collect(&pages)); err != nil {
			t.Fatalf("fault %d: %v", fault, err)
		}
		checkPages(t, pages, 2, 200, false)
		posts := 0
		for _, r := range srv.Requests() {
			if strings.HasPrefix(r, "POST") {
				posts++
			}
		}
		if want := map[escltest.Fault]int{escltest.BusyCreate: 3, escltest.BusyPage: 1}[fault]; posts != want {
			t.Errorf("fault %d: %d POSTs, want %d", fault, posts, want)
		}
	}
}

func TestBusyForever(t *testing.T) {
	srv := &escltest.Server{Caps: escltest.Capture(t, capsHP4500), Pages: 2, Fault: escltest.BusyCreate, FaultCount: 100}
	d, _ := fake(t, srv, escl.Options{BusyRetries: 3})
	err := d.Scan(context.Background(), scanner.Settings{}, collect(new([]scanner.Page)))
	if !errors.Is(err, scanner.ErrBusy) {
		t.Fatalf("err %v, want ErrBusy", err)
	}
	if n := len(srv.Requests()); n > 20 {
		t.Errorf("retries not bounded: %d requests", n)
	}
}

func TestJamMidJob(t *testing.T) {
	srv := &escltest.Server{Caps: escltest.Capture(t, capsHP4500), Pages: 5, Fault: escltest.Jam, FaultAt: 2}
	d, _ := fake(t, srv, escl.Options{})
	var pages []scanner.Page
	err := d.Scan(context.Background(), scanner.Settings{}, collect(&pages))
	if !errors.Is(err, scanner.ErrJammed) {
		t.Fatalf("err %v, want ErrJammed", err)
	}
	var e *escl.Error
	if !errors.As(err, &e) || e.Pages != 2 || e.Status != http.StatusConflict {
		t.Errorf("error detail: %#v", e)
	}
	checkPages(t, pages, 2, 200, false)
	if len(srv.Deleted()) != 1 {
		t.Errorf("the jammed job was not deleted: %v", srv.Deleted())
	}
}

func TestFeederEmpty(t *testing.T) {
	srv := &escltest.Server{Caps: escltest.Capture(t, capsHP4500), Pages: 3, Fault: escltest.EmptyFeeder}
	d, _ := fake(t, srv, escl.Options{})
	var pages []scanner.Page
	err := d.Scan(context.Background(), scanner.Settings{Source: scanner.SourceFeeder}, collect(&pages))
	if !errors.Is(err, scanner.ErrFeederEmpty) || len(pages) != 0 {
		t.Fatalf("err %v pages %d, want ErrFeederEmpty and none", err, len(pages))
	}
	if !strings.Contains(err.Error(), "load the pages") {
		t.Errorf("message: %v", err)
	}
}

func TestCoverOpen(t *testing.T) {
	srv := &escltest.Server{Caps: escltest.Capture(t, capsHP4500), Pages: 3, Fault: escltest.CoverOpen}
	d, _ := fake(t, srv, escl.Options{})
	err := d.Scan(context.Background(), scanner.Settings{}, collect(new([]scanner.Page)))
	if !errors.Is(err, scanner.ErrCoverOpen) {
		t.Fatalf("err %v, want ErrCoverOpen", err)
	}
}

func TestDeviceStopsAnswering(t *testing.T) {
	srv := &escltest.Server{Caps: escltest.Capture(t, capsHP4500), Pages: 5, Fault: escltest.Hang, FaultAt: 2}
	d, _ := fake(t, srv, escl.Options{PageTimeout: 300 * time.Millisecond, RequestTimeout: 300 * time.Millisecond})
	var pages []scanner.Page
	start := time.Now()
	err := d.Scan(context.Background(), scanner.Settings{}, collect(&pages))
	if !errors.Is(err, scanner.ErrGone) {
		t.Fatalf("err %v, want ErrGone", err)
	}
	if el := time.Since(start); el > 3*time.Second {
		t.Errorf("took %v to give up", el)
	}
	checkPages(t, pages, 2, 200, false)
	var e *escl.Error
	if !errors.As(err, &e) || e.Pages != 2 || !strings.Contains(err.Error(), "already received are kept") {
		t.Errorf("error: %v", err)
	}
}

func TestCancelDeletesJob(t *testing.T) {
	srv := &escltest.Server{Caps: escltest.Capture(t, capsHP4500), Pages: 5, Fault: escltest.Hang, FaultAt: 1}
	d, _ := fake(t, srv, escl.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var pages []scanner.Page
	h := scanner.Handler{OnPage: func(p scanner.Page) error {
		pages = append(pages, p)
		time.AfterFunc(50*time.Millisecond, cancel) // the officer presses Cancel while page 2 is scanning
		return nil
	}}
	err := d.Scan(ctx, scanner.Settings{}, h)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	if len(pages) != 1 {
		t.Errorf("%d pages kept, want 1", len(pages))
	}
	del := srv.Deleted()
	if len(del) != 1 || !strings.HasPrefix(del[0], "/eSCL/ScanJobs/") {
		t.Errorf("DELETE not seen: %v", del)
	}
}

func TestMaxPagesStopsFeeder(t *testing.T) {
	srv := &escltest.Server{Caps: escltest.Capture(t, capsHP4500), Pages: 5}
	d, _ := fake(t, srv, escl.Options{})
	var pages []scanner.Page
	if err := d.Scan(context.Background(), scanner.Settings{MaxPages: 2}, collect(&pages)); err != nil {
		t.Fatal(err)
	}
	checkPages(t, pages, 2, 200, false)
	if len(srv.Deleted()) != 1 {
		t.Errorf("remaining sheets: job not cancelled: %v", srv.Deleted())
	}
}

func TestOnPageErrorStops(t *testing.T) {
	srv := &escltest.Server{Caps: escltest.Capture(t, capsHP4500), Pages: 5}
	d, _ := fake(t, srv, escl.Options{})
	disk := errors.New("disk full")
	err := d.Scan(context.Background(), scanner.Settings{}, scanner.Handler{OnPage: func(scanner.Page) error { return disk }})
	if !errors.Is(err, disk) || len(srv.Deleted()) != 1 {
		t.Fatalf("err %v, deleted %v", err, srv.Deleted())
	}
}

func TestLocationQuirks(t *testing.T) {
	cases := map[string]func(r *http.Request, job string) string{
		"path only":         func(_ *http.Request, job string) string { return job },
		"relative":          func(_ *http.Request, job string) string { return strings.TrimPrefix(job, "/eSCL/") },
		"trailing slash":    func(r *http.Request, job string) string { return "http://" + r.Host + job + "/" },
		"wrong host":        func(_ *http.Request, job string) string { return "http://printer.invalid:8080" + job },
		"http for https":    func(r *http.Request, job string) string { return "http://" + r.Host + job },
		"quoted characters": func(r *http.Request, job string) string { return "http://" + r.Host + job },
	}
	for name, loc := range cases {
		t.Run(name, func(t *testing.T) {
			srv := &escltest.Server{Caps: escltest.Capture(t, capsHP4500), Status: escltest.Capture(t, statusIdle), Pages: 2, Location: loc}
			var hs *httptest.Server
			var o escl.Options
			if name == "http for https" {
				hs = httptest.NewTLSServer(srv)
			} else {
				hs = httptest.NewServer(srv)
			}
			defer hs.Close()
			d, err := escl.New(hs.URL+"/eSCL/", o)
			if err != nil {
				t.Fatal(err)
			}
			var pages []scanner.Page
			if err := d.Scan(context.Background(), scanner.Settings{}, collect(&pages)); err != nil {
				t.Fatal(err)
			}
			checkPages(t, pages, 2, 200, false)
		})
	}
}

func TestBadPageAndBadLocation(t *testing.T) {
	// A device that answers NextDocument with garbage.
	caps := escltest.Capture(t, capsHP4500)
	status := escltest.Capture(t, statusIdle)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /eSCL/ScannerCapabilities", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(caps) })
	mux.HandleFunc("GET /eSCL/ScannerStatus", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(status) })
	mux.HandleFunc("POST /eSCL/ScanJobs", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("noloc") == "" {
			w.Header().Set("Location", "/eSCL/ScanJobs/1")
		}
		w.WriteHeader(http.StatusCreated)
	})
	mux.HandleFunc("GET /eSCL/ScanJobs/1/NextDocument", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("\xff\xd8\xff\xe0 this is not a JPEG"))
	})
	deleted := 0
	mux.HandleFunc("DELETE /eSCL/ScanJobs/1", func(http.ResponseWriter, *http.Request) { deleted++ })
	hs := httptest.NewServer(mux)
	defer hs.Close()
	d, _ := escl.New(hs.URL+"/eSCL", escl.Options{})
	err := d.Scan(context.Background(), scanner.Settings{}, collect(new([]scanner.Page)))
	if !errors.Is(err, escl.ErrBadData) || deleted != 1 {
		t.Fatalf("corrupt page: err %v, deleted %d", err, deleted)
	}
}

func TestUnreachable(t *testing.T) {
	hs := httptest.NewServer(http.NotFoundHandler())
	u := hs.URL
	hs.Close() // nothing listens there any more
	d, err := escl.New(u+"/eSCL", escl.Options{RequestTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Capabilities(context.Background()); !errors.Is(err, scanner.ErrGone) {
		t.Fatalf("err %v, want ErrGone", err)
	}
}

func TestRegistry(t *testing.T) {
	srv := &escltest.Server{Caps: escltest.Capture(t, capsTank), Status: escltest.Capture(t, "hp-smart-tank-plus-570-status-idle-jobs.xml")}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	dev, err := scanner.Open("escl:" + hs.URL + "/eSCL")
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	if dev.Address() != "escl:"+hs.URL+"/eSCL" {
		t.Errorf("address %q", dev.Address())
	}
	caps, err := dev.Capabilities(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(caps.Sources, []scanner.Source{scanner.SourcePlaten, scanner.SourceFeeder}) {
		t.Errorf("sources %v", caps.Sources)
	}
	desc, err := dev.(*escl.Device).Describe(context.Background())
	if err != nil || desc.Address != dev.Address() || desc.Duplex || len(desc.Sources) != 2 {
		t.Errorf("describe: %+v %v", desc, err)
	}
	for _, bad := range []string{"escl:", "escl:ftp://x/eSCL", "escl:http://", "escl:%zz"} {
		if _, err := scanner.Open(bad); err == nil {
			t.Errorf("%q opened", bad)
		}
	}
}

// Kyocera/Epson report ScannerAdfProcessing between feeder pages: keep polling, never "empty".
func TestKyoceraAdfProcessing(t *testing.T) {
	srv := &escltest.Server{
		Caps:   escltest.Capture(t, "kyocera-ecosys-m2040dn-capabilities.xml"),
		Status: escltest.Capture(t, "kyocera-ecosys-m2040dn-status-adfprocessing.xml"),
		Pages:  3, Fault: escltest.BusyPage, FaultCount: 3, BusyAdfState: "ScannerAdfProcessing",
	}
	d, _ := fake(t, srv, escl.Options{})
	var pages []scanner.Page
	if err := d.Scan(context.Background(), scanner.Settings{Source: scanner.SourceDuplex}, collect(&pages)); err != nil {
		t.Fatal(err)
	}
	checkPages(t, pages, 3, 200, true)
}
