// Tests of the hot folder on real folders: slow writers, order, moves, crashes at every step,
// cancel, MaxPages, corrupt and hostile files.

package folder

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"sohoa/scanner"
	"sohoa/scanner/importer"
)

// fast are options that make tests quick: poll every 20 ms, end the batch after 300 ms idle.
func fast() Options {
	return Options{Interval: 20 * time.Millisecond, Idle: 300 * time.Millisecond}
}

// pngOf returns a PNG whose width identifies it: 10+id pixels wide.
func pngOf(t *testing.T, id int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 10+id, 8))
	for i := range img.Pix {
		img.Pix[i] = uint8(40 * id)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// tiffOf writes a multi-page TIFF at path whose pages identify as ids (width 10+id), with ImageMagick.
func tiffOf(t *testing.T, path string, ids ...int) {
	t.Helper()
	args := []string{}
	for _, id := range ids {
		args = append(args, "-size", fmt.Sprintf("%dx8", 10+id), "xc:gray50")
	}
	args = append(args, "-compress", "lzw", path)
	if out, err := exec.Command("convert", args...).CombinedOutput(); err != nil {
		t.Fatalf("convert: %v\n%s", err, out)
	}
}

// collector is a Handler recording the ids of the pages it is given.
type collector struct {
	mu    sync.Mutex
	ids   []int
	idx   []int
	at    []time.Time
	fail  func(id int) error // optional
	onAny func()             // optional, after recording
}

func (c *collector) handler() scanner.Handler {
	return scanner.Handler{OnPage: func(p scanner.Page) error {
		id := p.Image.Bounds().Dx() - 10
		if c.fail != nil {
			if err := c.fail(id); err != nil {
				return err
			}
		}
		c.mu.Lock()
		c.ids = append(c.ids, id)
		c.idx = append(c.idx, p.Index)
		c.at = append(c.at, time.Now())
		c.mu.Unlock()
		if p.DPI <= 0 {
			panic("page without DPI")
		}
		if c.onAny != nil {
			c.onAny()
		}
		return nil
	}}
}

func write(t *testing.T, path string, data []byte, mod time.Time) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if !mod.IsZero() {
		if err := os.Chtimes(path, mod, mod); err != nil {
			t.Fatal(err)
		}
	}
}

// names lists the regular files in dir (sorted); a missing dir is empty.
func names(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if e.Type().IsRegular() {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}

func scan(t *testing.T, dir string, opt Options, s scanner.Settings, c *collector) error {
	t.Helper()
	d, err := New(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return d.Scan(ctx, s, c.handler())
}

// assertClean checks that nothing is left half taken.
func assertClean(t *testing.T, dir string) {
	t.Helper()
	if n := names(t, filepath.Join(dir, stateDir, "taking")); len(n) != 0 {
		t.Errorf("left in taking/: %v", n)
	}
	if n := names(t, filepath.Join(dir, stateDir, "progress")); len(n) != 0 {
		t.Errorf("left in progress/: %v", n)
	}
}

func TestTakesFilesInOrderAndMovesThem(t *testing.T) {
	dir := t.TempDir()
	base := time.Now().Add(-time.Hour)
	// mtime order wins over name order; equal mtimes go by natural name order.
	write(t, filepath.Join(dir, "b.png"), pngOf(t, 1), base)
	write(t, filepath.Join(dir, "a.png"), pngOf(t, 2), base.Add(time.Second))
	write(t, filepath.Join(dir, "scan10.png"), pngOf(t, 4), base.Add(2*time.Second))
	write(t, filepath.Join(dir, "scan2.png"), pngOf(t, 3), base.Add(2*time.Second))
	tiffOf(t, filepath.Join(dir, "fax.tif"), 5, 6, 7)
	if err := os.Chtimes(filepath.Join(dir, "fax.tif"), base.Add(3*time.Second), base.Add(3*time.Second)); err != nil {
		t.Fatal(err)
	}
	var c collector
	opt := fast()
	opt.OnReject = func(e *RejectedError) { t.Errorf("rejected: %v", e) }
	if err := scan(t, dir, opt, scanner.Settings{}, &c); err != nil {
		t.Fatal(err)
	}
	if want := []int{1, 2, 3, 4, 5, 6, 7}; !slices.Equal(c.ids, want) {
		t.Fatalf("pages %v, want %v", c.ids, want)
	}
	if want := []int{0, 1, 2, 3, 4, 5, 6}; !slices.Equal(c.idx, want) {
		t.Fatalf("indexes %v, want %v", c.idx, want)
	}
	if n := names(t, dir); len(n) != 0 {
		t.Fatalf("left in the folder: %v", n)
	}
	if got, want := names(t, filepath.Join(dir, ProcessedDir)), []string{"a.png", "b.png", "fax.tif", "scan10.png", "scan2.png"}; !slices.Equal(got, want) {
		t.Fatalf("processed/ = %v", got)
	}
	assertClean(t, dir)
	// Nothing is read twice: a second scan finds nothing (and ends on cancel).
	var again collector
	d, _ := New(dir, Options{Interval: 10 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	if err := d.Scan(ctx, scanner.Settings{}, again.handler()); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second scan: %v", err)
	}
	if len(again.ids) != 0 {
		t.Fatalf("pages read twice: %v", again.ids)
	}
}

func TestSlowWriterIsNotTakenUntilComplete(t *testing.T) {
	dir := t.TempDir()
	data := pngOf(t, 9)
	var finished time.Time
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		f, err := os.Create(filepath.Join(dir, "slow.png"))
		if err != nil {
			t.Error(err)
			return
		}
		defer f.Close()
		// Chunks every 15 ms against a 60 ms poll: the size changes between every two polls.
		for i := 0; i < len(data); i += 8 {
			if _, err := f.Write(data[i:min(i+8, len(data))]); err != nil {
				t.Error(err)
				return
			}
			time.Sleep(15 * time.Millisecond)
		}
		finished = time.Now()
	}()
	var c collector
	opt := Options{Interval: 60 * time.Millisecond, Idle: 400 * time.Millisecond}
	opt.OnReject = func(e *RejectedError) { t.Errorf("a file being written was rejected: %v", e) }
	err := scan(t, dir, opt, scanner.Settings{}, &c)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.ids, []int{9}) {
		t.Fatalf("pages %v, want [9]", c.ids)
	}
	if c.at[0].Before(finished) {
		t.Fatalf("taken %v before the writer finished", finished.Sub(c.at[0]))
	}
	if got := names(t, filepath.Join(dir, ProcessedDir)); !slices.Equal(got, []string{"slow.png"}) {
		t.Fatalf("processed/ = %v", got)
	}
}

// TestCrashAtEveryStep stops Scan, as a crash would, at each step between taking a file and
// moving it to processed/, then runs a fresh Scan: every page arrives, none is lost, and a page is
// offered twice only when the stop fell between OnPage's return and the journal's record of it.
func TestCrashAtEveryStep(t *testing.T) {
	for _, step := range []string{"taken", "accepted", "recorded", "done", "moved"} {
		t.Run(step, func(t *testing.T) {
			dir := t.TempDir()
			tiffOf(t, filepath.Join(dir, "fax.tif"), 1, 2, 3)
			boom := errors.New("crash")
			hits := 0
			crashPoint = func(s string) error {
				if s == step {
					hits++
					if hits == 2 || (hits == 1 && (step == "taken" || step == "done" || step == "moved")) {
						return boom
					}
				}
				return nil
			}
			defer func() { crashPoint = nil }()
			var first collector
			if err := scan(t, dir, fast(), scanner.Settings{}, &first); !errors.Is(err, boom) {
				t.Fatalf("first scan: %v", err)
			}
			crashPoint = nil
			var second collector
			d, _ := New(dir, fast())
			ctx, cancel := context.WithTimeout(context.Background(), 600*time.Millisecond)
			defer cancel()
			// Idle ends a scan that handed pages over; one with nothing to hand over runs to the deadline.
			if err := d.Scan(ctx, scanner.Settings{}, second.handler()); err != nil && !errors.Is(err, context.DeadlineExceeded) {
				t.Fatal(err)
			}
			all := append(append([]int{}, first.ids...), second.ids...)
			var want []int
			switch step {
			case "taken":
				want = []int{1, 2, 3}
			case "accepted":
				want = []int{1, 2, 2, 3} // page 2 accepted, not yet recorded: offered again
			case "recorded":
				want = []int{1, 2, 3}
			case "done", "moved":
				want = []int{1, 2, 3}
			}
			if !slices.Equal(all, want) {
				t.Fatalf("pages over both runs %v (first %v), want %v", all, first.ids, want)
			}
			if got := names(t, filepath.Join(dir, ProcessedDir)); !slices.Equal(got, []string{"fax.tif"}) {
				t.Fatalf("processed/ = %v", got)
			}
			if got := names(t, filepath.Join(dir, RejectedDir)); len(got) != 0 {
				t.Fatalf("rejected/ = %v", got)
			}
			assertClean(t, dir)
		})
	}
}

func TestCancelBetweenHandOverAndMoveResumes(t *testing.T) {
	dir := t.TempDir()
	tiffOf(t, filepath.Join(dir, "fax.tif"), 1, 2, 3)
	d, err := New(dir, fast())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := collector{onAny: cancel} // the app closes right after page 1 is handed over
	if err := d.Scan(ctx, scanner.Settings{}, c.handler()); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled scan: %v", err)
	}
	if !slices.Equal(c.ids, []int{1}) {
		t.Fatalf("pages before cancel %v", c.ids)
	}
	if got := names(t, filepath.Join(dir, stateDir, "taking")); !slices.Equal(got, []string{"fax.tif"}) {
		t.Fatalf("taking/ = %v: the file must wait there", got)
	}
	var rest collector
	if err := scan(t, dir, fast(), scanner.Settings{}, &rest); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rest.ids, []int{2, 3}) || !slices.Equal(rest.idx, []int{0, 1}) {
		t.Fatalf("resumed pages %v (indexes %v), want [2 3]", rest.ids, rest.idx)
	}
	assertClean(t, dir)
	// Cancelled before anything: returns at once with ctx's error.
	ctx2, cancel2 := context.WithCancel(context.Background())
	cancel2()
	if err := d.Scan(ctx2, scanner.Settings{}, rest.handler()); !errors.Is(err, context.Canceled) {
		t.Fatalf("scan with a cancelled context: %v", err)
	}
}

func TestMaxPagesStopsMidFileAndNextScanContinues(t *testing.T) {
	dir := t.TempDir()
	base := time.Now().Add(-time.Minute)
	tiffOf(t, filepath.Join(dir, "a.tif"), 1, 2, 3)
	if err := os.Chtimes(filepath.Join(dir, "a.tif"), base, base); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "b.png"), pngOf(t, 4), base.Add(time.Second))
	var c collector
	opt := fast()
	opt.Idle = 0 // only MaxPages ends this scan
	if err := scan(t, dir, opt, scanner.Settings{MaxPages: 2, Source: scanner.SourceDuplex}, &c); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.ids, []int{1, 2}) {
		t.Fatalf("MaxPages 2 gave %v", c.ids)
	}
	var rest collector
	if err := scan(t, dir, fast(), scanner.Settings{}, &rest); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rest.ids, []int{3, 4}) {
		t.Fatalf("next scan gave %v, want [3 4]", rest.ids)
	}
	assertClean(t, dir)
}

func TestBadFilesAreRejectedOnceWithAReason(t *testing.T) {
	dir := t.TempDir()
	base := time.Now().Add(-time.Minute)
	good := pngOf(t, 5)
	write(t, filepath.Join(dir, "1-truncated.png"), good[:len(good)/2], base)
	write(t, filepath.Join(dir, "2-garbage.jpg"), []byte("\xff\xd8\xffnot really a jpeg at all"), base.Add(time.Second))
	write(t, filepath.Join(dir, "3-letter.docx"), []byte("PK\x03\x04 a word file"), base.Add(2*time.Second))
	write(t, filepath.Join(dir, "4-form.pdf"), []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"), base.Add(3*time.Second))
	write(t, filepath.Join(dir, "5-good.png"), good, base.Add(4*time.Second))
	// A decompression bomb: a PNG header claiming 60000×60000 pixels.
	bomb := pngOf(t, 1)
	binary.BigEndian.PutUint32(bomb[16:], 60000)
	binary.BigEndian.PutUint32(bomb[20:], 60000)
	binary.BigEndian.PutUint32(bomb[29:], crc32.ChecksumIEEE(bomb[12:29]))
	write(t, filepath.Join(dir, "6-bomb.png"), bomb, base.Add(5*time.Second))
	// Larger than the limit set: refused without being read.
	write(t, filepath.Join(dir, "7-huge.png"), append(pngOf(t, 2), make([]byte, 4096)...), base.Add(6*time.Second))
	var rejected []*RejectedError
	opt := fast()
	opt.Import.MaxBytes = 2048
	opt.OnReject = func(e *RejectedError) { rejected = append(rejected, e) }
	var c collector
	if err := scan(t, dir, opt, scanner.Settings{}, &c); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.ids, []int{5}) {
		t.Fatalf("pages %v, want only the good file's", c.ids)
	}
	want := map[string]error{
		"1-truncated.png": importer.ErrCorrupt,
		"2-garbage.jpg":   importer.ErrCorrupt,
		"3-letter.docx":   importer.ErrUnsupportedFormat,
		"4-form.pdf":      ErrPDF,
		"6-bomb.png":      importer.ErrTooLarge,
		"7-huge.png":      importer.ErrTooLarge,
	}
	if len(rejected) != len(want) {
		t.Fatalf("rejected %d files: %v", len(rejected), rejected)
	}
	for _, e := range rejected {
		if !errors.Is(e.Err, want[e.Name]) {
			t.Errorf("%s rejected with %v, want %v", e.Name, e.Err, want[e.Name])
		}
		var re *RejectedError
		if !errors.As(error(e), &re) || !errors.Is(e, want[e.Name]) {
			t.Errorf("%s: the RejectedError does not unwrap to its cause", e.Name)
		}
		note, err := os.ReadFile(e.Path + ".txt")
		if err != nil {
			t.Fatalf("no reason next to %s: %v", e.Path, err)
		}
		if !strings.Contains(string(note), e.Name) || !strings.Contains(string(note), e.Err.Error()) {
			t.Errorf("reason for %s: %q", e.Name, note)
		}
	}
	got := names(t, filepath.Join(dir, RejectedDir))
	if len(got) != 2*len(want) {
		t.Fatalf("rejected/ = %v", got)
	}
	if n := names(t, dir); len(n) != 0 {
		t.Fatalf("left in the folder: %v", n)
	}
	assertClean(t, dir)
	// The PDF's reason points at the import action.
	note, _ := os.ReadFile(filepath.Join(dir, RejectedDir, "4-form.pdf.txt"))
	if !strings.Contains(string(note), "Import file") {
		t.Errorf("PDF reason does not say what to do: %q", note)
	}
}

func TestDuplicateContentIsNotHandedOverTwice(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "scan.png"), pngOf(t, 3), time.Time{})
	var c collector
	if err := scan(t, dir, fast(), scanner.Settings{}, &c); err != nil {
		t.Fatal(err)
	}
	// The scanner sends the same file again (an SMB retry), under the same name.
	write(t, filepath.Join(dir, "scan.png"), pngOf(t, 3), time.Time{})
	var rejected []*RejectedError
	opt := fast()
	opt.OnReject = func(e *RejectedError) { rejected = append(rejected, e) }
	var again collector
	d, _ := New(dir, opt)
	ctx, cancel := context.WithTimeout(context.Background(), 400*time.Millisecond)
	defer cancel()
	if err := d.Scan(ctx, scanner.Settings{}, again.handler()); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatal(err)
	}
	if len(again.ids) != 0 || len(rejected) != 1 || !errors.Is(rejected[0], ErrDuplicate) {
		t.Fatalf("duplicate: pages %v, rejected %v", again.ids, rejected)
	}
	if !strings.Contains(rejected[0].Error(), "first taken as scan.png") {
		t.Errorf("duplicate message: %v", rejected[0])
	}
	// A different scan with the same name is taken, and kept apart in processed/.
	write(t, filepath.Join(dir, "scan.png"), pngOf(t, 4), time.Time{})
	var third collector
	if err := scan(t, dir, fast(), scanner.Settings{}, &third); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(third.ids, []int{4}) {
		t.Fatalf("third scan %v", third.ids)
	}
	if got := names(t, filepath.Join(dir, ProcessedDir)); !slices.Equal(got, []string{"scan (2).png", "scan.png"}) {
		t.Fatalf("processed/ = %v", got)
	}
}

func TestOnPageErrorStopsAndThePageIsOfferedAgain(t *testing.T) {
	dir := t.TempDir()
	tiffOf(t, filepath.Join(dir, "fax.tif"), 1, 2, 3)
	full := errors.New("disk full")
	c := collector{fail: func(id int) error {
		if id == 2 {
			return full
		}
		return nil
	}}
	err := scan(t, dir, fast(), scanner.Settings{}, &c)
	if !errors.Is(err, full) || !strings.Contains(err.Error(), "fax.tif, page 2") {
		t.Fatalf("OnPage error: %v", err)
	}
	var rest collector
	if err := scan(t, dir, fast(), scanner.Settings{}, &rest); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(append(c.ids, rest.ids...), []int{1, 2, 3}) {
		t.Fatalf("pages %v then %v", c.ids, rest.ids)
	}
	assertClean(t, dir)
}

func TestIgnoredAndEmptyFiles(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{".hidden.png", "upload.png.part", "x.tmp", "Thumbs.db", "page.png~"} {
		write(t, filepath.Join(dir, n), pngOf(t, 1), time.Time{})
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "sub", "inner.png"), pngOf(t, 1), time.Time{})
	write(t, filepath.Join(dir, "empty.jpg"), nil, time.Time{})
	var rejected []*RejectedError
	opt := fast()
	opt.EmptyGrace = 100 * time.Millisecond
	opt.OnReject = func(e *RejectedError) { rejected = append(rejected, e) }
	d, _ := New(dir, opt)
	ctx, cancel := context.WithTimeout(context.Background(), 400*time.Millisecond)
	defer cancel()
	var c collector
	if err := d.Scan(ctx, scanner.Settings{}, c.handler()); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatal(err)
	}
	if len(c.ids) != 0 {
		t.Fatalf("ignored files were taken: %v", c.ids)
	}
	if len(rejected) != 1 || rejected[0].Name != "empty.jpg" || !errors.Is(rejected[0], ErrEmpty) {
		t.Fatalf("empty file: %v", rejected)
	}
	if got := names(t, dir); len(got) != 5 {
		t.Fatalf("ignored files moved: %v", got)
	}
}

func TestOpenAndBusy(t *testing.T) {
	if _, err := New(filepath.Join(t.TempDir(), "missing"), Options{}); !errors.Is(err, ErrNotFolder) {
		t.Fatalf("missing folder: %v", err)
	}
	file := filepath.Join(t.TempDir(), "f")
	write(t, file, []byte("x"), time.Time{})
	if _, err := scanner.Open("folder:" + file); !errors.Is(err, ErrNotFolder) {
		t.Fatalf("a file as folder: %v", err)
	}
	if _, err := scanner.Open("folder:"); !errors.Is(err, ErrNotFolder) {
		t.Fatalf("empty path: %v", err)
	}
	dir := t.TempDir()
	dev, err := scanner.Open("folder:" + dir)
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	if dev.Address() != "folder:"+dir {
		t.Fatalf("address %q", dev.Address())
	}
	caps, err := dev.Capabilities(context.Background())
	if err != nil || len(caps.Sources) != 1 {
		t.Fatalf("caps %+v %v", caps, err)
	}
	// The first Scan is inside OnPage when the second starts.
	write(t, filepath.Join(dir, "p.png"), pngOf(t, 1), time.Time{})
	inside, release := make(chan struct{}), make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	first := make(chan error, 1)
	go func() {
		first <- dev.Scan(ctx, scanner.Settings{}, scanner.Handler{OnPage: func(scanner.Page) error {
			close(inside)
			<-release
			return nil
		}})
	}()
	<-inside
	err = dev.Scan(context.Background(), scanner.Settings{}, scanner.Handler{OnPage: func(scanner.Page) error { return nil }})
	if !errors.Is(err, scanner.ErrBusy) {
		t.Fatalf("second Scan: %v", err)
	}
	close(release)
	cancel()
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Fatalf("first Scan: %v", err)
	}
	if err := dev.Scan(ctx, scanner.Settings{}, scanner.Handler{}); err == nil {
		t.Fatal("Scan without OnPage accepted")
	}
}

func TestNaturalOrder(t *testing.T) {
	got := []string{"scan10.jpg", "scan2.jpg", "scan1.jpg", "scan02b.jpg", "a", "Scan3.jpg", "scan"}
	slices.SortFunc(got, naturalCompare)
	want := []string{"Scan3.jpg", "a", "scan", "scan1.jpg", "scan2.jpg", "scan02b.jpg", "scan10.jpg"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

// A journal torn by a crash (half a line, a broken progress record) is read without harm.
func TestTornJournal(t *testing.T) {
	dir := t.TempDir()
	tiffOf(t, filepath.Join(dir, "fax.tif"), 1, 2)
	state := filepath.Join(dir, stateDir)
	if err := os.MkdirAll(filepath.Join(state, "taking"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(state, "progress"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(dir, "fax.tif"), filepath.Join(state, "taking", "fax.tif")); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(state, "progress", "fax.tif.json"), []byte(`{"sha256":"ab`), time.Time{})
	write(t, filepath.Join(state, "progress", "gone.png.json"), []byte(`{}`), time.Time{})
	write(t, filepath.Join(state, "done.log"), []byte("0123 17000 half"), time.Time{})
	var c collector
	if err := scan(t, dir, fast(), scanner.Settings{}, &c); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.ids, []int{1, 2}) {
		t.Fatalf("pages %v", c.ids)
	}
	assertClean(t, dir)
}

// TestAddressScanEndsWhenQuiet: a folder opened by its address (as `sohoa scan --device folder:PATH`
// does) ends the batch by itself once pages came and the folder stayed quiet.
func TestAddressScanEndsWhenQuiet(t *testing.T) {
	old := AddressIdle
	AddressIdle = 1500 * time.Millisecond
	defer func() { AddressIdle = old }()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a.png"), pngOf(t, 1), time.Time{})
	dev, err := scanner.Open("folder:" + dir)
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pages := 0
	start := time.Now()
	err = dev.Scan(ctx, scanner.Settings{}, scanner.Handler{OnPage: func(scanner.Page) error { pages++; return nil }})
	if err != nil || pages != 1 {
		t.Fatalf("scan: %d pages, %v", pages, err)
	}
	if time.Since(start) > 20*time.Second {
		t.Errorf("the batch did not end on its own (took %v)", time.Since(start))
	}
}

// A folder already complete before the scan (files untouched for longer than a writer pauses) is
// taken at the first look: no poll interval is waited for.
func TestCompleteFolderTakenWithoutPolling(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-time.Hour)
	for i := 1; i <= 3; i++ {
		write(t, filepath.Join(dir, fmt.Sprintf("p%d.png", i)), pngOf(t, i), old)
	}
	var c collector
	start := time.Now()
	err := scan(t, dir, Options{Interval: 5 * time.Second, Idle: time.Millisecond}, scanner.Settings{MaxPages: 3}, &c)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.ids, []int{1, 2, 3}) {
		t.Fatalf("pages %v, want [1 2 3]", c.ids)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("a complete folder took %v: it waited for a poll (interval 5 s)", took)
	}
}
