// The window under Wine: `gui --training` on a 1366×768 Xvfb screen, photographed from X with xwd
// until the window is drawn; the picture is kept in test-output/wine/.

package winesmoke

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestGUITrainingDraws starts the training window and fails unless a non-blank window appears on
// the X screen within two minutes.
func TestGUITrainingDraws(t *testing.T) {
	need(t)
	shots := filepath.Join(env.work, "shots")
	os.MkdirAll(shots, 0o755)
	in := env.inside + "/shots"
	// Inside the root: Xvfb, the program, and an xwd of the whole screen every 3 s until the test
	// says stop (or 150 s pass).
	script := fmt.Sprintf(`
Xvfb :57 -screen 0 1366x768x24 -nolisten tcp >/dev/null 2>&1 & xvfb=$!
sleep 1
DISPLAY=:57 WINEPREFIX=%[1]s WINEDEBUG=-all /usr/lib/wine/wine64 '%[2]s' gui --training --data 'D:\Dữ liệu sohoa\bàn GUI' >%[3]s/gui.log 2>&1 & app=$!
for i in $(seq 1 50); do
	sleep 3
	[ -e %[3]s/stop ] && break
	xwd -root -silent -display :57 >%[3]s/shot.tmp && mv %[3]s/shot.tmp %[3]s/$i.xwd
done
kill $app 2>/dev/null; WINEPREFIX=%[1]s wineserver -k 2>/dev/null; kill $xvfb
`, env.prefix, env.exe, in)
	cmd := inRoot("bash", "-c", script)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer os.WriteFile(filepath.Join(shots, "stop"), nil, 0o644)

	var best image.Image
	var colours int
	for i := 1; i <= 50 && time.Since(start) < 160*time.Second; i++ {
		xwd := filepath.Join(shots, fmt.Sprintf("%d.xwd", i))
		for !exists(xwd) && time.Since(start) < 160*time.Second {
			time.Sleep(500 * time.Millisecond)
		}
		img, err := fromXWD(xwd)
		if err != nil {
			t.Logf("shot %d: %v", i, err)
			continue
		}
		best = img
		if colours = distinctColours(img); colours >= 64 && lightShare(img) > 0.3 {
			figure("gui --training: window drawn after", time.Since(start))
			break
		}
	}
	if best == nil {
		log, _ := os.ReadFile(filepath.Join(shots, "gui.log"))
		t.Fatalf("no screenshot taken\n%s", log)
	}
	keep := filepath.Join(env.out, "gui-training-1366x768.png")
	if f, err := os.Create(keep); err == nil {
		png.Encode(f, best)
		f.Close()
	}
	if b := best.Bounds(); b.Dx() != 1366 || b.Dy() != 768 {
		t.Errorf("screen is %v, want 1366×768", b)
	}
	if colours < 64 || lightShare(best) <= 0.3 {
		log, _ := os.ReadFile(filepath.Join(shots, "gui.log"))
		t.Fatalf("the screen stayed blank (%d colours, %.0f%% light): %s\n%s", colours, 100*lightShare(best), keep, log)
	}
	t.Logf("window drawn: %d colours; screenshot %s", colours, keep)
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

// fromXWD converts an X window dump to an image with ImageMagick's convert.
func fromXWD(path string) (image.Image, error) {
	pngPath := path + ".png"
	if out, err := exec.Command("convert", "xwd:"+path, "png:"+pngPath).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("convert: %v %s", err, out)
	}
	f, err := os.Open(pngPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return png.Decode(f)
}

func distinctColours(img image.Image) int {
	seen := map[[3]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[[3]uint32{r >> 8, g >> 8, bl >> 8}] = true
		}
	}
	return len(seen)
}

// lightShare is the part of the screen that is light: the desk's light theme, not Xvfb's black.
func lightShare(img image.Image) float64 {
	b := img.Bounds()
	var light, all int
	for y := b.Min.Y; y < b.Max.Y; y += 4 {
		for x := b.Min.X; x < b.Max.X; x += 4 {
			r, g, bl, _ := img.At(x, y).RGBA()
			if (r+g+bl)/3 > 0xb000 {
				light++
			}
			all++
		}
	}
	return float64(light) / float64(all)
}
