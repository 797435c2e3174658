// The fake eSCL scanner: an http.Handler serving recorded captures.

package escltest

import (
	"sohoa/internal/testdata"

	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"sohoa/scanner/escl"
)

// CaptureDir returns the folder of real eSCL captures, <repo>/testdata/escl.
func CaptureDir(tb testing.TB) string {
	tb.Helper()
	return testdata.Dir(tb, "escl")
}

// Capture reads one capture file by name.
func Capture(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(CaptureDir(tb), name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// Fault is a device misbehaviour the Server plays.
type Fault int

// Faults.
const (
	NoFault     Fault = iota
	BusyCreate        // the first FaultCount POST ScanJobs answer 503
	BusyPage          // the first FaultCount NextDocument answer 503 (status Processing)
	Jam               // after FaultAt pages NextDocument answers 409 and AdfState is ScannerAdfJam
	EmptyFeeder       // the job ends at once (404) and AdfState is ScannerAdfEmpty
	Hang              // after FaultAt pages NextDocument never answers (until the client gives up)
	CoverOpen         // POST ScanJobs answers 409 and AdfState is ScannerAdfHatchOpen
)

// Server is the fake scanner. Set the exported fields before serving; read the records
// with the accessor methods.
type Server struct {
	Caps       []byte // ScannerCapabilities body (a real capture)
	Status     []byte // ScannerStatus body (a real capture); State/AdfState are rewritten as the job goes
	Pages      int    // pages a job delivers
	Fault      Fault
	FaultAt    int // pages delivered before Jam/Hang
	FaultCount int // 503 answers for BusyCreate/BusyPage
	// BusyAdfState is the AdfState reported while BusyPage plays (default: sheets loaded),
	// e.g. "ScannerAdfProcessing" as Kyocera and Epson report between pages.
	BusyAdfState string
	// Location builds the Location header from the request and the job path
	// ("/eSCL/ScanJobs/<id>"); default: an absolute URL on the request's host.
	Location func(r *http.Request, jobPath string) string

	mu       sync.Mutex
	jobs     []*escl.ScanSettings
	deleted  []string
	requests []string
	served   int
	busy     int
	state    string
	adf      string
	jobPath  string
}

// ServeHTTP implements the eSCL endpoints.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests = append(s.requests, r.Method+" "+r.URL.Path)
	s.mu.Unlock()
	p := r.URL.Path
	switch {
	case r.Method == http.MethodGet && p == "/eSCL/ScannerCapabilities":
		w.Header().Set("Content-Type", "text/xml")
		_, _ = w.Write(s.Caps)
	case r.Method == http.MethodGet && p == "/eSCL/ScannerStatus":
		w.Header().Set("Content-Type", "text/xml")
		_, _ = w.Write(s.status())
	case r.Method == http.MethodPost && p == "/eSCL/ScanJobs":
		s.createJob(w, r)
	case r.Method == http.MethodGet && strings.HasPrefix(p, "/eSCL/ScanJobs/") && strings.HasSuffix(p, "/NextDocument"):
		s.nextDocument(w, r, strings.TrimSuffix(p, "/NextDocument"))
	case r.Method == http.MethodDelete && strings.HasPrefix(p, "/eSCL/ScanJobs/"):
		s.mu.Lock()
		s.deleted = append(s.deleted, p)
		s.mu.Unlock()
		w.WriteHeader(http.StatusOK)
	default:
		http.NotFound(w, r)
	}
}

func (s *Server) createJob(w http.ResponseWriter, r *http.Request) {
	var body bytes.Buffer
	_, _ = body.ReadFrom(r.Body)
	set, err := escl.ParseScanSettings(body.Bytes())
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.Fault == BusyCreate && s.busy < s.FaultCount:
		s.busy++
		s.state = "Processing"
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	case s.Fault == CoverOpen:
		s.adf = "ScannerAdfHatchOpen"
		w.WriteHeader(http.StatusConflict)
		return
	}
	s.state = ""
	s.jobs = append(s.jobs, set)
	s.served = 0
	s.busy = 0
	s.jobPath = fmt.Sprintf("/eSCL/ScanJobs/urn:uuid:4509a320-00a0-008f-00b6-%012d", len(s.jobs))
	loc := "http://" + r.Host + s.jobPath
	if s.Location != nil {
		loc = s.Location(r, s.jobPath)
	}
	w.Header().Set("Location", loc)
	w.WriteHeader(http.StatusCreated)
}

func (s *Server) nextDocument(w http.ResponseWriter, r *http.Request, job string) {
	s.mu.Lock()
	if job != s.jobPath {
		s.mu.Unlock()
		http.NotFound(w, r)
		return
	}
	switch {
	case s.Fault == BusyPage && s.busy < s.FaultCount:
		s.busy++
		s.state = "Processing"
		s.adf = s.BusyAdfState
		s.mu.Unlock()
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	case s.Fault == Jam && s.served >= s.FaultAt:
		s.adf, s.state = "ScannerAdfJam", "Processing"
		s.mu.Unlock()
		w.WriteHeader(http.StatusConflict)
		return
	case s.Fault == EmptyFeeder:
		s.adf, s.state = "ScannerAdfEmpty", "Idle"
		s.mu.Unlock()
		http.NotFound(w, r)
		return
	case s.Fault == Hang && s.served >= s.FaultAt:
		s.mu.Unlock()
		select {
		case <-r.Context().Done():
		case <-time.After(30 * time.Second):
		}
		return
	case s.served >= s.Pages:
		s.state, s.adf = "Idle", "ScannerAdfEmpty"
		s.mu.Unlock()
		http.NotFound(w, r)
		return
	}
	i := s.served
	s.served++
	s.state = ""
	s.mu.Unlock()
	w.Header().Set("Content-Type", "image/jpeg")
	_, _ = w.Write(PageJPEG(i))
}

var (
	reState = regexp.MustCompile(`(<(?:pwg:)?State>)[^<]*(</(?:pwg:)?State>)`)
	reAdf   = regexp.MustCompile(`(<(?:scan:)?AdfState>)[^<]*(</(?:scan:)?AdfState>)`)
)

func (s *Server) status() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.Status
	if s.state != "" {
		b = reState.ReplaceAll(b, []byte("${1}"+s.state+"${2}"))
	}
	adf := s.adf
	if adf == "" && s.served < s.Pages && s.Fault != EmptyFeeder {
		adf = "ScannerAdfLoaded" // sheets wait in the feeder
	}
	if adf != "" {
		b = reAdf.ReplaceAll(b, []byte("${1}"+adf+"${2}"))
	}
	return b
}

// Jobs returns the ScanSettings of every job created.
func (s *Server) Jobs() []*escl.ScanSettings {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*escl.ScanSettings(nil), s.jobs...)
}

// Deleted returns the paths of the DELETE requests received.
func (s *Server) Deleted() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.deleted...)
}

// Requests returns "METHOD path" of every request received.
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...)
}

// PageGray is the grey level of generated page i, so tests can check page order.
func PageGray(i int) uint8 { return uint8(30 + (i*45)%200) }

// PageJPEG returns page i: a small uniform grey JPEG of PageGray(i).
func PageJPEG(i int) []byte {
	img := image.NewGray(image.Rect(0, 0, 64, 88))
	for j := range img.Pix {
		img.Pix[j] = PageGray(i)
	}
	var b bytes.Buffer
	_ = jpeg.Encode(&b, img, &jpeg.Options{Quality: 90})
	return b.Bytes()
}
