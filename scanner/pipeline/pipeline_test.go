package pipeline

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sohoa/internal/testdata"
	"sohoa/scanner"
	"sohoa/scanner/cleanup"
)

func tiny(i int) scanner.Page {
	return scanner.Page{Image: image.NewGray(image.Rect(0, 0, 4, 4)), DPI: 200, Index: i}
}

// Pages finish out of order (random work times) and reach the sink in their order; no more than
// Workers are processed at once and no more than 2×Workers are held.
func TestOrderKeptAndMemoryBounded(t *testing.T) {
	const workers, n = 3, 60
	var running, maxRunning, held, maxHeld atomic.Int32
	bump := func(c, m *atomic.Int32, d int32) {
		v := c.Add(d)
		for {
			old := m.Load()
			if v <= old || m.CompareAndSwap(old, v) {
				return
			}
		}
	}
	var got []int
	p := New(context.Background(), Options{Workers: workers, Process: func(pg scanner.Page, _ cleanup.Options) (cleanup.Result, error) {
		bump(&running, &maxRunning, 1)
		time.Sleep(time.Duration(rand.IntN(3000)) * time.Microsecond)
		running.Add(-1)
		return cleanup.Result{Quality: pg.Index}, nil
	}}, func(d Done) error {
		got = append(got, d.Result.Quality)
		held.Add(-1)
		return nil
	})
	for i := range n {
		bump(&held, &maxHeld, 1)
		if err := p.Submit(tiny(i)); err != nil {
			t.Fatal(err)
		}
	}
	sunk, err := p.Close()
	if err != nil || sunk != n {
		t.Fatalf("Close: %d, %v", sunk, err)
	}
	for i, v := range got {
		if v != i {
			t.Fatalf("sink order %v", got)
		}
	}
	if maxRunning.Load() > workers {
		t.Errorf("%d pages processed at once, pool has %d workers", maxRunning.Load(), workers)
	}
	// held counts from just before Submit: the one being submitted is waiting for a slot.
	if maxHeld.Load() > 2*workers+1 {
		t.Errorf("%d pages held at once, bound is %d", maxHeld.Load(), 2*workers)
	}
}

// Every worker is busy at once: the pool does use all its cores.
func TestWorkersRunTogether(t *testing.T) {
	const workers = 4
	var wg sync.WaitGroup
	wg.Add(workers)
	all := make(chan struct{})
	go func() { wg.Wait(); close(all) }()
	p := New(context.Background(), Options{Workers: workers, Process: func(scanner.Page, cleanup.Options) (cleanup.Result, error) {
		wg.Done()
		select {
		case <-all:
			return cleanup.Result{}, nil
		case <-time.After(5 * time.Second):
			return cleanup.Result{}, errors.New("workers did not run together")
		}
	}}, func(Done) error { return nil })
	for i := range workers {
		if err := p.Submit(tiny(i)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := p.Close(); err != nil {
		t.Fatal(err)
	}
}

// A page that fails stops the pool: the pages before it reach the sink, none after it, and the
// error comes back from Submit or Close.
func TestFirstErrorStops(t *testing.T) {
	bad := errors.New("bad page")
	for _, inSink := range []bool{false, true} {
		var got []int
		p := New(context.Background(), Options{Workers: 2, Process: func(pg scanner.Page, _ cleanup.Options) (cleanup.Result, error) {
			if !inSink && pg.Index == 5 {
				return cleanup.Result{}, bad
			}
			return cleanup.Result{Quality: pg.Index}, nil
		}}, func(d Done) error {
			if inSink && d.Result.Quality == 5 {
				return bad
			}
			got = append(got, d.Result.Quality)
			return nil
		})
		var serr error
		for i := range 40 {
			if serr = p.Submit(tiny(i)); serr != nil {
				break
			}
		}
		sunk, err := p.Close()
		if !errors.Is(err, bad) || (serr != nil && !errors.Is(serr, bad) && !errors.Is(serr, context.Canceled)) {
			t.Fatalf("sink error %v: Close %v, Submit %v", inSink, err, serr)
		}
		if sunk != 5 || len(got) != 5 || got[4] != 4 {
			t.Errorf("sink error %v: sunk %d, got %v, want pages 0-4", inSink, sunk, got)
		}
	}
}

// The pool's output is byte for byte what cleanup.Process makes of each page on its own, with
// the pages decoded in the workers.
func TestSameAsSerialOnRealPages(t *testing.T) {
	dir := testdata.Dir(t, "pages")
	names := []string{"datasheet-colour.jpg", "sparse-hello-grey.png", "sparse-letterhead-colour.png", "sparse-hola-grey.png"}
	var files [][]byte
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, b)
	}
	var got [][]byte
	p := New(context.Background(), Options{Workers: 2}, func(d Done) error {
		got = append(got, d.Result.Data)
		return nil
	})
	for i, b := range files {
		if err := p.SubmitEncoded(scanner.Page{DPI: 200, Index: i}, func() (image.Image, error) { return Decode(b) }); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := p.Close(); err != nil {
		t.Fatal(err)
	}
	for i, b := range files {
		img, err := Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		want, err := cleanup.Process(scanner.Page{Image: img, DPI: 200, Index: i}, cleanup.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got[i], want.Data) {
			t.Errorf("%s: pool output (%d bytes) differs from cleanup.Process (%d bytes)", names[i], len(got[i]), len(want.Data))
		}
	}
	// A file that is not an image stops the pool with an error naming the page.
	p = New(context.Background(), Options{}, func(Done) error { return nil })
	_ = p.SubmitEncoded(scanner.Page{Index: 0}, func() (image.Image, error) { return Decode([]byte("not an image")) })
	if _, err := p.Close(); err == nil {
		t.Error("a damaged page went through")
	}
}

// Raw PPM/PGM decode to the same pixels as the PNG they were written from.
func TestDecodePNM(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 3, 2))
	for i := range src.Pix {
		src.Pix[i] = uint8(i * 7)
		if i%4 == 3 {
			src.Pix[i] = 255
		}
	}
	ppm := []byte("P6\n# a comment\n3 2\n255\n")
	for i := 0; i < len(src.Pix); i += 4 {
		ppm = append(ppm, src.Pix[i:i+3]...)
	}
	img, err := Decode(ppm)
	if err != nil {
		t.Fatal(err)
	}
	if m, ok := img.(*image.RGBA); !ok || !bytes.Equal(m.Pix, src.Pix) {
		t.Errorf("PPM decoded to %T %v, want %v", img, img, src.Pix)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, src); err != nil {
		t.Fatal(err)
	}
	if _, err := Decode(buf.Bytes()); err != nil {
		t.Errorf("PNG: %v", err)
	}
	if _, err := Decode([]byte("P6\n3 2\n255\nabc")); !errors.Is(err, ErrNotImage) {
		t.Errorf("truncated PPM: %v", err)
	}
}

// Flush returns once every page submitted so far reached the sink.
func TestFlushWaitsForTheSink(t *testing.T) {
	var sunk atomic.Int32
	p := New(context.Background(), Options{Workers: 2, Process: func(pg scanner.Page, _ cleanup.Options) (cleanup.Result, error) {
		time.Sleep(20 * time.Millisecond)
		return cleanup.Result{}, nil
	}}, func(Done) error { sunk.Add(1); return nil })
	for i := range 3 {
		if err := p.Submit(tiny(i)); err != nil {
			t.Fatal(err)
		}
		if err := p.Flush(); err != nil {
			t.Fatal(err)
		}
		if got := sunk.Load(); got != int32(i+1) {
			t.Fatalf("after Flush of page %d: %d pages sunk", i, got)
		}
	}
	if n, err := p.Close(); n != 3 || err != nil {
		t.Fatalf("Close: %d, %v", n, err)
	}
}
