// The harness: the binary under test, a reference portal process that can be killed and restarted,
// and desk commands run with a crash point or a random-time SIGKILL.

package crashtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"sohoa/portal/refportal"
	"sohoa/storage"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// sohoaBin returns $SOHOA_BIN (make test sets it), else a binary built once for the package's tests.
func sohoaBin(t *testing.T) string {
	t.Helper()
	if b := os.Getenv("SOHOA_BIN"); b != "" {
		abs, err := filepath.Abs(b)
		if err != nil {
			t.Fatal(err)
		}
		return abs
	}
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "sohoa-crashtest-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "sohoa")
		out, err := exec.Command("go", "build", "-o", binPath, "sohoa").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// portalProc is the reference portal as a separate `sohoa portal` process on a fixed address.
type portalProc struct {
	t          *testing.T
	bin, data  string
	addr, base string
	cmd        *exec.Cmd
	kills      int
}

func startPortalProc(t *testing.T, bin string) *portalProc {
	p := &portalProc{t: t, bin: bin, data: filepath.Join(t.TempDir(), "portal"), addr: freeAddr(t)}
	p.base = "http://" + p.addr
	p.start()
	t.Cleanup(func() { p.stop(syscall.SIGTERM) })
	return p
}

func (p *portalProc) start() {
	p.t.Helper()
	p.cmd = exec.Command(p.bin, "--data", p.data, "portal", "--addr", p.addr)
	p.cmd.Stderr, p.cmd.Stdout = nil, nil
	if err := p.cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(p.base + "/.well-known/openid-configuration")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.t.Fatal("the portal did not start within 20 s")
}

func (p *portalProc) stop(sig syscall.Signal) {
	if p.cmd == nil || p.cmd.Process == nil {
		return
	}
	_ = p.cmd.Process.Signal(sig)
	_ = p.cmd.Wait()
	p.cmd = nil
}

// kill SIGKILLs the portal and starts it again after a pause.
func (p *portalProc) kill(pause time.Duration) {
	p.stop(syscall.SIGKILL)
	p.kills++
	time.Sleep(pause)
	p.start()
}

// desk runs commands of one desk data folder; each run may be killed.
type desk struct {
	t     *testing.T
	bin   string
	data  string
	rng   *rand.Rand
	kills *atomic.Int64
	runs  int
	env   []string
	// checks counts the dossiers whose audit trail and state were checked after a kill.
	checks int
}

// result of one run.
type result struct {
	out    []byte
	stderr string
	err    error
	killed bool
}

// run runs the binary with args; crashAt arms a crash point, killAfter > 0 kills it after that delay.
func (d *desk) run(ctx context.Context, crashAt string, killAfter time.Duration, args ...string) result {
	d.t.Helper()
	d.runs++
	cmd := exec.CommandContext(ctx, d.bin, append([]string{"--data", d.data, "--json"}, args...)...)
	cmd.Env = append(append(os.Environ(), d.env...), "SOHOA_CITIZEN_PASSWORD="+citizen().Password)
	if crashAt != "" {
		cmd.Env = append(cmd.Env, storage.CrashEnv+"="+crashAt)
	}
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		d.t.Fatal(err)
	}
	var timer *time.Timer
	if killAfter > 0 {
		timer = time.AfterFunc(killAfter, func() { _ = cmd.Process.Kill() })
	}
	err := cmd.Wait()
	if timer != nil {
		timer.Stop()
	}
	r := result{out: []byte(stdout.String()), stderr: stderr.String(), err: err}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
			r.killed = true
			d.kills.Add(1)
		}
	}
	return r
}

func citizen() refportal.Citizen { return refportal.TrainingCitizens()[0] }

// view is the part of `sohoa dossier show --json` the harness reads.
type view struct {
	ID         string `json:"id"`
	State      string `json:"state"`
	PortalCode string `json:"portal_code"`
	Outbox     *struct {
		IdemKey string
	} `json:"outbox"`
	Components []struct {
		Code  string `json:"code"`
		Pages []struct {
			Blob string
		} `json:"pages"`
		Files []struct {
			Name, Role, Blob string
			Size             int64
		} `json:"files"`
	} `json:"components"`
}

func (d *desk) show(ctx context.Context, id string) view {
	d.t.Helper()
	r := d.run(ctx, "", 0, "dossier", "show", id)
	var v view
	if r.err != nil || json.Unmarshal(r.out, &v) != nil {
		d.t.Fatalf("dossier show %s: %v\n%s\n%s", id, r.err, r.out, r.stderr)
	}
	return v
}

func (d *desk) list(ctx context.Context) []string {
	d.t.Helper()
	r := d.run(ctx, "", 0, "dossier", "list")
	var l []struct {
		ID string `json:"id"`
	}
	if r.err != nil || json.Unmarshal(r.out, &l) != nil {
		d.t.Fatalf("dossier list: %v\n%s\n%s", r.err, r.out, r.stderr)
	}
	var ids []string
	for _, x := range l {
		ids = append(ids, x.ID)
	}
	return ids
}

// signedFiles returns name → SHA-256 of the signed PDFs of a dossier view.
func (v view) signedFiles() map[string]string {
	out := map[string]string{}
	for _, c := range v.Components {
		for _, f := range c.Files {
			if f.Role == "signed" {
				out[f.Name] = f.Blob
			}
		}
	}
	return out
}

func (v view) pages() int {
	n := 0
	for _, c := range v.Components {
		n += len(c.Pages)
	}
	return n
}

// checkPortal checks that every dossier arrived exactly once and byte-identical to what was signed.
// signed is keyed by idempotency key: desks of one unit number their dossiers alike.
func checkPortal(t *testing.T, bin, portalData string, signed map[string]map[string]string) {
	t.Helper()
	out, err := exec.Command(bin, "--data", portalData, "--json", "portal", "dossiers").Output()
	if err != nil {
		t.Fatalf("portal dossiers: %v", err)
	}
	var held []refportal.StoredDossier
	if err := json.Unmarshal(out, &held); err != nil {
		t.Fatalf("portal dossiers: %v\n%s", err, out)
	}
	count := map[string]int{}
	for _, h := range held {
		count[h.IdempotencyKey]++
		want, ok := signed[h.IdempotencyKey]
		if !ok {
			t.Errorf("the portal holds %s (%s), which no desk submitted", h.MaHoSo, h.PortalCode)
			continue
		}
		if len(h.Files) != len(want) {
			t.Errorf("%s: the portal holds %d files, the desk signed %d", h.MaHoSo, len(h.Files), len(want))
		}
		for _, f := range h.Files {
			data, err := os.ReadFile(f.Path)
			if err != nil {
				t.Errorf("%s: %v", h.MaHoSo, err)
				continue
			}
			sum := sha256.Sum256(data)
			if got := hex.EncodeToString(sum[:]); got != want[f.Name] || f.SHA256 != got {
				t.Errorf("%s/%s: the portal's bytes hash to %s, the desk signed %s", h.MaHoSo, f.Name, got, want[f.Name])
			}
		}
	}
	for id := range signed {
		if count[id] != 1 {
			t.Errorf("dossier with idempotency key %s arrived %d times, want exactly once", id, count[id])
		}
	}
}

// checkDesk checks that no row of a desk's store points to a missing or damaged blob.
func checkDesk(t *testing.T, dir string) {
	t.Helper()
	db, err := storage.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	dang, err := db.Dangling(context.Background())
	if err != nil || len(dang) != 0 {
		t.Errorf("desk %s: rows point to missing blobs %v (%v)", dir, dang, err)
	}
	ups, err := db.SQL().Query(`SELECT count(*) FROM uploads u JOIN dossiers d ON d.id = u.dossier_id WHERE d.state = 'submitted'`)
	if err == nil {
		var n int
		for ups.Next() {
			_ = ups.Scan(&n)
		}
		ups.Close()
		if n != 0 {
			t.Errorf("desk %s: %d upload URLs kept for submitted dossiers", dir, n)
		}
	}
}
