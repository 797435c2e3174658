// JPEG and PNG import: header checks before decoding, EXIF orientation, resolution from the file.

package importer

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"image/png"

	"sohoa/scanner"
)

// checkSize refuses a page whose declared size is empty or above the pixel limit.
func checkSize(name string, w, h, limit int) error {
	if w <= 0 || h <= 0 {
		return fmt.Errorf("%w: %s declares an empty %dx%d image", ErrCorrupt, name, w, h)
	}
	if int64(w)*int64(h) > int64(limit) {
		return fmt.Errorf("%w: %s declares %dx%d pixels (%d megapixels, the limit is %d); ask for a smaller photo or a PDF",
			ErrTooLarge, name, w, h, int64(w)*int64(h)/1_000_000, limit/1_000_000)
	}
	return nil
}

func importImage(name, format string, data []byte, opt Options) (Result, error) {
	var (
		cfg image.Config
		err error
	)
	if format == "jpeg" {
		cfg, err = jpeg.DecodeConfig(bytes.NewReader(data))
	} else {
		cfg, err = png.DecodeConfig(bytes.NewReader(data))
	}
	if err != nil {
		return Result{}, fmt.Errorf("%w: %s: cannot read the %s header (%v); ask for the file again", ErrCorrupt, name, format, err)
	}
	if err := checkSize(name, cfg.Width, cfg.Height, opt.MaxPixels); err != nil {
		return Result{}, err
	}
	var img image.Image
	if format == "jpeg" {
		img, err = jpeg.Decode(bytes.NewReader(data))
	} else {
		img, err = png.Decode(bytes.NewReader(data))
	}
	if err != nil {
		return Result{}, fmt.Errorf("%w: %s: the %s image is damaged or cut short (%v); ask for the file again", ErrCorrupt, name, format, err)
	}
	orient, dpi := 1, 0
	if format == "jpeg" {
		orient, dpi = jpegMeta(data)
	} else {
		dpi = pngDPI(data)
	}
	img = orientImage(img, orient)
	return Result{Kind: KindImages, Pages: []scanner.Page{{Image: img, DPI: pageDPI(img.Bounds(), dpi)}}}, nil
}

// pageDPI keeps a declared resolution when it gives a plausible paper size (up to A3), and
// otherwise (phone photos say 72 dpi or nothing) fits the image on an A4 page.
func pageDPI(b image.Rectangle, declared int) int {
	w, h := float64(b.Dx()), float64(b.Dy())
	long := max(w, h)
	if declared >= 50 && long/float64(declared) <= 16.6 { // A3 long side in inches
		return declared
	}
	short := min(w, h)
	return max(int(max(long/11.69, short/8.27)+0.5), 1)
}

// jpegMeta walks the JPEG markers before the image data and returns the EXIF orientation
// (1 when absent) and the JFIF or EXIF resolution in dpi (0 when absent).
func jpegMeta(b []byte) (orient, dpi int) {
	orient = 1
	i := 2
	for i+4 <= len(b) {
		if b[i] != 0xFF {
			return
		}
		marker := b[i+1]
		if marker == 0xD8 || marker >= 0xD0 && marker <= 0xD7 || marker == 0x01 || marker == 0xFF {
			i++
			continue
		}
		if marker == 0xDA || marker == 0xD9 { // start of scan: no more metadata
			return
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if n < 2 || i+2+n > len(b) {
			return
		}
		seg := b[i+4 : i+2+n]
		switch {
		case marker == 0xE0 && bytes.HasPrefix(seg, []byte("JFIF\x00")) && len(seg) >= 12:
			units, xd := seg[7], int(binary.BigEndian.Uint16(seg[8:]))
			switch units {
			case 1:
				dpi = xd
			case 2:
				dpi = int(float64(xd)*2.54 + 0.5)
			}
		case marker == 0xE1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")):
			o, d := exifMeta(seg[6:])
			if o != 0 {
				orient = o
			}
			if d != 0 && dpi == 0 {
				dpi = d
			}
		}
		i += 2 + n
	}
	return
}

// exifMeta reads Orientation (0x0112) and XResolution/ResolutionUnit from IFD0 of a TIFF-structured
// EXIF block. Out-of-range offsets are ignored.
func exifMeta(t []byte) (orient, dpi int) {
	if len(t) < 8 {
		return 0, 0
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 0, 0
	}
	entries := ifdEntries(t, bo, int64(bo.Uint32(t[4:])))
	unit := 2
	xres := 0.0
	for _, e := range entries {
		switch e.tag {
		case 0x0112:
			if v := int(e.value(t, bo)); v >= 1 && v <= 8 {
				orient = v
			}
		case 0x011A:
			xres = e.rational(t, bo)
		case 0x0128:
			unit = int(e.value(t, bo))
		}
	}
	switch unit {
	case 2:
		dpi = int(xres + 0.5)
	case 3:
		dpi = int(xres*2.54 + 0.5)
	}
	return orient, dpi
}

// pngDPI reads the pHYs chunk (pixels per metre) when present.
func pngDPI(b []byte) int {
	i := 8
	for i+12 <= len(b) {
		n := int(binary.BigEndian.Uint32(b[i:]))
		typ := string(b[i+4 : i+8])
		if n < 0 || i+12+n > len(b) {
			return 0
		}
		if typ == "pHYs" && n == 9 && b[i+16] == 1 {
			return int(float64(binary.BigEndian.Uint32(b[i+8:]))*0.0254 + 0.5)
		}
		if typ == "IDAT" || typ == "IEND" {
			return 0
		}
		i += 12 + n
	}
	return 0
}

// orientImage applies an EXIF/TIFF orientation (1..8) so the page looks as the camera saw it.
func orientImage(src image.Image, o int) image.Image {
	if o <= 1 || o > 8 {
		return src
	}
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	// Work on RGBA for a cheap pixel copy; grey stays grey.
	if g, ok := src.(*image.Gray); ok {
		dst := image.NewGray(image.Rect(0, 0, dw, dh))
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				dx, dy := orientXY(o, x, y, w, h)
				dst.Pix[dy*dst.Stride+dx] = g.Pix[y*g.Stride+x]
			}
		}
		return dst
	}
	rgba, ok := src.(*image.RGBA)
	if !ok {
		rgba = image.NewRGBA(image.Rect(0, 0, w, h))
		draw.Draw(rgba, rgba.Rect, src, b.Min, draw.Src)
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			dx, dy := orientXY(o, x, y, w, h)
			copy(dst.Pix[dy*dst.Stride+4*dx:dy*dst.Stride+4*dx+4], rgba.Pix[y*rgba.Stride+4*x:])
		}
	}
	return dst
}

// orientXY maps a stored pixel (x, y) of a w×h image to its displayed position.
func orientXY(o, x, y, w, h int) (int, int) {
	switch o {
	case 2: // mirrored horizontally
		return w - 1 - x, y
	case 3: // rotated 180°
		return w - 1 - x, h - 1 - y
	case 4: // mirrored vertically
		return x, h - 1 - y
	case 5: // transposed
		return y, x
	case 6: // rotate 90° clockwise to display
		return h - 1 - y, x
	case 7: // transverse
		return h - 1 - y, w - 1 - x
	case 8: // rotate 90° counter-clockwise to display
		return y, w - 1 - x
	}
	return x, y
}
