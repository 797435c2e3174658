// Benchmarks: the clean-up pipeline against ImageMagick's convert on realistic A4 pages, one core.

package cleanup

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"sohoa/scanner"
)

// benchCase is one kind of page of the benchmark.
type benchCase struct {
	name string
	spec pageSpec
	mode scanner.ColorMode
}

var benchCases = []benchCase{
	{"colour200", pageSpec{DPI: 200, Paras: 4, Table: true, Stamp: true, Noise: 6, Specks: 20, Tint: colorRGBA(246, 242, 230), Seed: 61}, scanner.ModeColor},
	{"colour200-skewed-lid", pageSpec{DPI: 200, Paras: 4, Table: true, Stamp: true, Noise: 6, Specks: 20, Skew: 1.8, Border: 40, Seed: 62}, scanner.ModeColor},
	{"gray300", pageSpec{DPI: 300, Paras: 4, Table: true, Stamp: true, Noise: 6, Specks: 20, Tint: colorRGBA(240, 240, 240), Seed: 63}, scanner.ModeGray},
}

// BenchmarkPipeline runs Process (crop, deskew, orientation, blank flag, size-tuned JPEG) and,
// side by side, ImageMagick's `convert in.png -quality 75 out.jpg` (PNG decode included, one
// thread, CPU time from the child process) on the same pages. Both run on ONE core (GOMAXPROCS=1, MAGICK_THREAD_LIMIT=1); pages
// are independent, so two cores give twice the pages per minute. Reported per page: pages/min,
// bytes/page, and the legibility metric textPSNR-dB (see textPSNR; straight pages only, as the
// pipeline moves the pixels of skewed ones).
func BenchmarkPipeline(b *testing.B) {
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	for _, bc := range benchCases {
		page := makePage(b, bc.spec)
		var in image.Image = page
		if bc.mode == scanner.ModeGray {
			in = toGrayForTest(page) // a grey scan arrives grey
		}
		b.Run(bc.name+"/sohoa", func(b *testing.B) {
			var res Result
			var err error
			cpu0 := cpuTime()
			for b.Loop() {
				res, err = Process(scanner.Page{Image: in, DPI: bc.spec.DPI}, Options{Mode: bc.mode})
				if err != nil {
					b.Fatal(err)
				}
			}
			report(b, len(res.Data), cpuTime()-cpu0)
			if bc.spec.Skew == 0 && bc.spec.Border == 0 {
				dec, err := jpeg.Decode(bytes.NewReader(res.Data))
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(textPSNR(b, in, dec), "textPSNR-dB")
				b.ReportMetric(float64(res.Quality), "quality")
			}
		})
		b.Run(bc.name+"/imagemagick-q75", func(b *testing.B) {
			dir := b.TempDir()
			src, dst := filepath.Join(dir, "in.png"), filepath.Join(dir, "out.jpg")
			var buf bytes.Buffer
			if err := png.Encode(&buf, in); err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(src, buf.Bytes(), 0o600); err != nil {
				b.Fatal(err)
			}
			var cpu time.Duration
			for b.Loop() {
				cmd := exec.Command("convert", src, "-quality", "75", dst)
				cmd.Env = append(os.Environ(), "MAGICK_THREAD_LIMIT=1", "OMP_NUM_THREADS=1")
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("convert: %v\n%s", err, out)
				}
				cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
			}
			data, err := os.ReadFile(dst)
			if err != nil {
				b.Fatal(err)
			}
			report(b, len(data), cpu)
			if bc.spec.Skew == 0 && bc.spec.Border == 0 {
				dec, err := jpeg.Decode(bytes.NewReader(data))
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(textPSNR(b, in, dec), "textPSNR-dB")
			}
		})
	}
}

// report adds the per-page figures. pages/min is wall clock on one core; cpu-pages/min is the
// same from the CPU time actually used (user+system), which stays meaningful when the machine
// is shared and the benchmark does not get its whole core.
func report(b *testing.B, size int, cpu time.Duration) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Minutes(), "pages/min")
	if cpu > 0 {
		b.ReportMetric(float64(b.N)/cpu.Minutes(), "cpu-pages/min")
	}
	b.ReportMetric(float64(size), "bytes/page")
}

// TestSmallerThanImageMagickAtEqualLegibility checks the claim the benchmark reports: on the
// straight benchmark pages, Process's default output is smaller than ImageMagick's quality 75
// JPEG, with a text PSNR no more than 0.5 dB below it.
func TestSmallerThanImageMagickAtEqualLegibility(t *testing.T) {
	for _, bc := range benchCases {
		if bc.spec.Skew != 0 || bc.spec.Border != 0 {
			continue
		}
		t.Run(bc.name, func(t *testing.T) {
			page := makePage(t, bc.spec)
			var in image.Image = page
			if bc.mode == scanner.ModeGray {
				in = toGrayForTest(page)
			}
			res, err := Process(scanner.Page{Image: in, DPI: bc.spec.DPI}, Options{Mode: bc.mode})
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			src, dst := filepath.Join(dir, "in.png"), filepath.Join(dir, "out.jpg")
			var buf bytes.Buffer
			if err := png.Encode(&buf, in); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(src, buf.Bytes(), 0o600); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command("convert", src, "-quality", "75", dst).CombinedOutput(); err != nil {
				t.Fatalf("convert: %v\n%s", err, out)
			}
			im, err := os.ReadFile(dst)
			if err != nil {
				t.Fatal(err)
			}
			ours, err := jpeg.Decode(bytes.NewReader(res.Data))
			if err != nil {
				t.Fatal(err)
			}
			theirs, err := jpeg.Decode(bytes.NewReader(im))
			if err != nil {
				t.Fatal(err)
			}
			po, pt := textPSNR(t, in, ours), textPSNR(t, in, theirs)
			msg := fmt.Sprintf("sohoa %d KB (q%d) %.2f dB; ImageMagick q75 %d KB %.2f dB", len(res.Data)/1024, res.Quality, po, len(im)/1024, pt)
			t.Log(msg)
			if len(res.Data) >= len(im) || po < pt-0.5 {
				t.Fatal(msg)
			}
		})
	}
}

// BenchmarkPipelineTwoCores runs Process on the A4 200 dpi colour pages on two cores at once
// (GOMAXPROCS=2, one page per goroutine, as the capture queue does) and reports wall-clock
// pages/min for the two cores together, and CPU-time pages/min (per core-minute ×2, i.e. what two
// whole cores would give when the machine is shared).
func BenchmarkPipelineTwoCores(b *testing.B) {
	prev := runtime.GOMAXPROCS(2)
	defer runtime.GOMAXPROCS(prev)
	for _, bc := range benchCases[:2] {
		page := makePage(b, bc.spec)
		b.Run(bc.name, func(b *testing.B) {
			cpu0 := cpuTime()
			b.SetParallelism(1)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := Process(scanner.Page{Image: page, DPI: bc.spec.DPI}, Options{Mode: bc.mode}); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Minutes(), "pages/min")
			if cpu := cpuTime() - cpu0; cpu > 0 {
				b.ReportMetric(2*float64(b.N)/cpu.Minutes(), "cpu-pages/min-2cores")
			}
		})
	}
}
