// The bench harness: a folder of pages through the capture pipeline and assembly, as one process.

package main

import (
	"context"
	"flag"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"sohoa/dossier"
	"sohoa/scanner"
	"sohoa/scanner/cleanup"
	"sohoa/scanner/pipeline"
)

func main() {
	mode := flag.String("mode", "color", "colour mode of the scan: color, gray or bw")
	dpi := flag.Int("dpi", 200, "resolution the pages were scanned at")
	out := flag.String("o", "", "the assembled PDF (required)")
	pagesOut := flag.String("pages-out", "", "also write each encoded page here, as NNN.jpg/png")
	workers := flag.Int("workers", 0, "pages processed at once (0: one per core)")
	var clean cleanup.Options
	flag.IntVar(&clean.TargetKB, "target-kb", 0, "JPEG size aimed at per A4 page at 200 dpi (0: the product's default)")
	flag.IntVar(&clean.MinQuality, "min-quality", 0, "JPEG quality floor (0: the product's default)")
	flag.Parse()
	if flag.NArg() != 1 || *out == "" {
		flag.Usage()
		os.Exit(2)
	}
	clean.Mode = scanner.ColorMode(*mode)
	if err := run(flag.Arg(0), *out, *pagesOut, clean, *dpi, *workers); err != nil {
		fmt.Fprintln(os.Stderr, "pagebench:", err)
		os.Exit(1)
	}
}

func run(dir, out, pagesOut string, clean cleanup.Options, dpi, workers int) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var names []string
	for _, e := range ents {
		switch strings.ToLower(filepath.Ext(e.Name())) {
		case ".jpg", ".jpeg", ".png", ".ppm", ".pgm":
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	if len(names) == 0 {
		return fmt.Errorf("no page images in %s", dir)
	}
	pages := make([]dossier.PageImage, 0, len(names))
	sizes := make([]string, 0, len(names))
	pool := pipeline.New(context.Background(), pipeline.Options{Workers: workers, Clean: clean},
		func(d pipeline.Done) error {
			b := d.Result.Image.Bounds()
			pages = append(pages, dossier.PageImage{Data: d.Result.Data, Width: b.Dx(), Height: b.Dy(), DPI: d.Page.DPI})
			sizes = append(sizes, fmt.Sprintf("%s=%d", names[d.Page.Index], len(d.Result.Data)))
			if pagesOut != "" {
				name := fmt.Sprintf("%03d.%s", d.Page.Index, d.Result.Format)
				return os.WriteFile(filepath.Join(pagesOut, name), d.Result.Data, 0o644)
			}
			return nil
		})
	for i, n := range names {
		path := filepath.Join(dir, n)
		err := pool.SubmitEncoded(scanner.Page{DPI: dpi, Index: i}, func() (image.Image, error) {
			data, err := os.ReadFile(path)
			if err != nil {
				return nil, err
			}
			return pipeline.Decode(data)
		})
		if err != nil {
			break
		}
	}
	if _, err := pool.Close(); err != nil {
		return err
	}
	pdf, err := dossier.AssemblePDF(pages, nil)
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, pdf, 0o644); err != nil {
		return err
	}
	fmt.Printf("pages=%d pdf_bytes=%d %s\n", len(pages), len(pdf), strings.Join(sizes, " "))
	return nil
}
