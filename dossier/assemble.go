// Assembly: one PDF per component from its pages (pdfcpu), at true physical page size, with the training mark.

package dossier

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"io"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"sohoa/assets"
	"sohoa/errs"
	"sohoa/storage"
)

// PageImage is one page ready for assembly: its encoded bytes, pixel size and resolution.
type PageImage struct {
	Data          []byte // JPEG or PNG
	Width, Height int    // pixels
	DPI           int    // 0: unknown (a phone photo): fitted to A4 width
}

// a4WidthPt is the width of A4 in PDF points.
const a4WidthPt = 595.28

// physical returns the page size in points: 1 pixel = 72/DPI points, so the PDF shows the paper at 100 %.
func (p PageImage) physical() (w, h float64) {
	if p.DPI > 0 {
		return float64(p.Width) * 72 / float64(p.DPI), float64(p.Height) * 72 / float64(p.DPI)
	}
	scale := a4WidthPt / float64(p.Width)
	return a4WidthPt, float64(p.Height) * scale
}

func pdfConf() *model.Configuration {
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	return conf
}

// AssemblePDF builds one PDF from page images, each page exactly the physical size of its image,
// followed by the pages of any extra (unsigned) PDFs in order. JPEG data is embedded as is.
func AssemblePDF(pages []PageImage, extra [][]byte) ([]byte, error) {
	if len(pages) == 0 && len(extra) == 0 {
		return nil, ErrNothingCaptured
	}
	var parts [][]byte
	// Consecutive pages of the same pixel and physical size go through pdfcpu in one import. The
	// page is the physical size and the image is drawn at an absolute scale of 72/DPI, so the PDF
	// shows the paper at 100 %.
	for i := 0; i < len(pages); {
		w, h := pages[i].physical()
		j := i + 1
		for j < len(pages) {
			w2, h2 := pages[j].physical()
			if w2 != w || h2 != h || pages[j].Width != pages[i].Width || pages[j].Height != pages[i].Height {
				break
			}
			j++
		}
		imp := pdfcpu.DefaultImportConfig()
		imp.PageDim = &types.Dim{Width: w, Height: h}
		imp.PageSize = ""
		imp.UserDim = true
		imp.Pos = types.Center
		imp.DPI = 72
		imp.ScaleAbs = true
		imp.Scale = w / float64(pages[i].Width)
		readers := make([]io.Reader, 0, j-i)
		for _, p := range pages[i:j] {
			readers = append(readers, bytes.NewReader(p.Data))
		}
		var out bytes.Buffer
		if err := api.ImportImages(nil, &out, readers, imp, pdfConf()); err != nil {
			return nil, fmt.Errorf("assemble pages %d–%d: %w", i+1, j, err)
		}
		parts = append(parts, out.Bytes())
		i = j
	}
	parts = append(parts, extra...)
	if len(parts) == 1 {
		return parts[0], nil
	}
	rs := make([]io.ReadSeeker, len(parts))
	for i, p := range parts {
		rs[i] = bytes.NewReader(p)
	}
	var out bytes.Buffer
	if err := api.MergeRaw(rs, &out, false, pdfConf()); err != nil {
		return nil, fmt.Errorf("assemble: merge: %w", err)
	}
	return out.Bytes(), nil
}

// StampTraining puts a "ĐÀO TẠO — TRAINING" mark on every page, drawn with the embedded Unicode
// font as an image stamp (pdfcpu's own fonts lack Vietnamese), before the PDF is signed.
func StampTraining(pdf []byte) ([]byte, error) {
	mark, err := trainingMarkPNG()
	if err != nil {
		return nil, err
	}
	wm, err := api.ImageWatermarkForReader(bytes.NewReader(mark), "pos:bc, off:0 12, scale:0.45 rel, rot:0, op:0.85", true, false, types.POINTS)
	if err != nil {
		return nil, fmt.Errorf("training mark: %w", err)
	}
	var out bytes.Buffer
	if err := api.AddWatermarks(bytes.NewReader(pdf), &out, nil, wm, pdfConf()); err != nil {
		return nil, fmt.Errorf("training mark: %w", err)
	}
	return out.Bytes(), nil
}

// TrainingMark is the text every training PDF and screen carries.
const TrainingMark = "ĐÀO TẠO — TRAINING — KHÔNG CÓ GIÁ TRỊ PHÁP LÝ"

func trainingMarkPNG() ([]byte, error) {
	f, err := opentype.Parse(assets.Font(true))
	if err != nil {
		return nil, err
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: 40, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, err
	}
	defer face.Close()
	adv := font.MeasureString(face, TrainingMark).Ceil()
	img := image.NewNRGBA(image.Rect(0, 0, adv+40, 64))
	red := color.NRGBA{R: 200, G: 0, B: 0, A: 255}
	draw.Draw(img, img.Bounds(), &image.Uniform{color.NRGBA{R: 255, G: 255, B: 255, A: 200}}, image.Point{}, draw.Src)
	for x := 0; x < img.Bounds().Dx(); x++ { // a frame so the mark reads as a stamp
		img.Set(x, 0, red)
		img.Set(x, 63, red)
	}
	for y := 0; y < 64; y++ {
		img.Set(0, y, red)
		img.Set(img.Bounds().Dx()-1, y, red)
	}
	dr := font.Drawer{Dst: img, Src: image.NewUniform(red), Face: face, Dot: fixed.P(20, 46)}
	dr.DrawString(TrainingMark)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// componentPDF assembles a component from its stored pages (rotation applied) and unsigned imports.
func (d *core) componentPDF(ctx context.Context, c ComponentView) ([]byte, error) {
	var pages []PageImage
	for _, p := range c.Pages {
		pi, err := d.pageForPDF(ctx, p)
		if err != nil {
			return nil, err
		}
		pages = append(pages, pi)
	}
	var extra [][]byte
	for _, f := range c.Files {
		if f.Role == RoleImported && !f.Signed {
			b, err := d.db.Blobs().Get(f.Blob)
			if err != nil {
				return nil, fmt.Errorf("component %s: imported file %s: %w", c.Code, f.Name, err)
			}
			extra = append(extra, b)
		}
	}
	if len(pages) == 0 && len(extra) == 0 {
		return nil, nil
	}
	pdf, err := AssemblePDF(pages, extra)
	if err != nil {
		return nil, err
	}
	if err := checkComponentSize(c.Code, len(pages), len(pdf)); err != nil {
		return nil, err
	}
	return pdf, nil
}

// MaxComponentBytes is the largest file the portal accepts for one component (64 MiB, the
// reference portal's limit); a component must stay under it less SignatureReserve.
var MaxComponentBytes int64 = 64 << 20

// SignatureReserve is room kept under MaxComponentBytes for what signing and the training mark
// add to the assembled PDF.
const SignatureReserve = 1 << 20

// ErrComponentTooLarge: a component's PDF is larger than the portal accepts. Split its pages into
// two components (or scan them in grey), then sign again.
var ErrComponentTooLarge = errs.New("error.component_too_large", errs.NeedsOfficer, "dossier: the component is larger than the portal accepts")

// checkComponentSize refuses, before signing, a component the portal would refuse at upload.
func checkComponentSize(code string, pages, size int) error {
	if int64(size) <= MaxComponentBytes-SignatureReserve {
		return nil
	}
	return fmt.Errorf("component %s: %d pages make a %.1f MB PDF, the portal accepts at most %d MB; move some pages to another component or scan them in grey, then sign again: %w",
		code, pages, float64(size)/(1<<20), MaxComponentBytes>>20, ErrComponentTooLarge)
}

func (d *core) pageForPDF(ctx context.Context, p storage.Page) (PageImage, error) {
	data, err := d.db.Blobs().Get(p.Blob)
	if err != nil {
		return PageImage{}, fmt.Errorf("page %d: %w", p.ID, err)
	}
	pi := PageImage{Data: data, Width: p.Width, Height: p.Height, DPI: p.DPI}
	if p.Rotation == 0 {
		return pi, nil
	}
	img, err := d.PageImage(ctx, p)
	if err != nil {
		return PageImage{}, err
	}
	var buf bytes.Buffer
	if p.Format == "png" {
		err = png.Encode(&buf, img)
	} else {
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: JPEGQuality})
	}
	if err != nil {
		return PageImage{}, fmt.Errorf("page %d: %w", p.ID, err)
	}
	b := img.Bounds()
	return PageImage{Data: buf.Bytes(), Width: b.Dx(), Height: b.Dy(), DPI: p.DPI}, nil
}

// PDFPageCount counts the pages of a PDF.
func PDFPageCount(pdf []byte) (int, error) {
	n, err := api.PageCount(bytes.NewReader(pdf), pdfConf())
	if err != nil {
		return 0, errors.Join(errors.New("count PDF pages"), err)
	}
	return n, nil
}
