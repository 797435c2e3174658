// Benchmarks: building the main window, and page-strip thumbnails of a 50-page component.

package app

import (
	"context"
	"testing"

	"fyne.io/fyne/v2/test"

	"sohoa/desk"
	"sohoa/dossier/applicant"
	"sohoa/scanner"
)

// BenchmarkStartup measures building the main window (all screens) with the test driver.
func BenchmarkStartup(b *testing.B) {
	h := newHarness(b, false)
	a := test.NewTempApp(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		u, w := Start(a, h.env)
		w.Resize(DefaultSize)
		settle(b, u)
		w.Close()
	}
}

// BenchmarkThumbnails measures one thumbnail (decode the stored page + scale) of a 50-page component
// scanned at 200 dpi colour; ns/op is per page.
func BenchmarkThumbnails(b *testing.B) {
	h := newHarness(b, false)
	ctx := context.Background()
	v, err := h.desk.Dossiers.NewDossier(ctx, "1.001193", applicant.Applicant{ID: "049195000123", Name: "Trần Thị Bình", Sex: "Nữ"})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := h.desk.Capture.Scan(ctx, desk.ScanRequest{Dossier: v.ID, Component: "TP1", Device: "virtual:pages=50",
		Settings: scanner.Settings{Source: scanner.SourceFeeder, DPI: 200, Mode: scanner.ModeColor}}); err != nil {
		b.Fatal(err)
	}
	v, _ = h.desk.Dossiers.Dossier(ctx, v.ID)
	tp, _ := v.Component("TP1")
	if len(tp.Pages) != 50 {
		b.Fatalf("%d pages", len(tp.Pages))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p := tp.Pages[i%len(tp.Pages)]
		img, err := h.desk.Capture.PageImage(ctx, p)
		if err != nil {
			b.Fatal(err)
		}
		if th := scaleToHeight(img, ThumbHeight); th.Bounds().Dy() != ThumbHeight {
			b.Fatal("thumbnail height")
		}
	}
}
