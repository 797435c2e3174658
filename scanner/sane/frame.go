// Frame decoding for the SANE backend: raw sane_read bytes plus SANE_Parameters into image.Image.

package sane

import (
	"encoding/binary"
	"fmt"
	"image"
)

// Frame formats, as in sane.h.
const (
	frameGray  = 0
	frameRGB   = 1
	frameRed   = 2
	frameGreen = 3
	frameBlue  = 4
)

// maxPixels bounds a frame so a confused backend cannot make us allocate without limit
// (A3 at 1200 dpi is about 280 megapixels).
const maxPixels = 400 << 20

// params mirrors SANE_Parameters.
type params struct {
	Format        int
	LastFrame     bool
	BytesPerLine  int
	PixelsPerLine int
	Lines         int // -1 when unknown before the end of the frame (hand scanners)
	Depth         int
}

// channels is the number of samples per pixel in one frame.
func (p params) channels() int {
	if p.Format == frameRGB {
		return 3
	}
	return 1
}

// check validates the parameters against the amount of data read.
func (p params) check(n int) (lines int, err error) {
	if p.Depth != 1 && p.Depth != 8 && p.Depth != 16 {
		return 0, fmt.Errorf("sane: unsupported sample depth %d", p.Depth)
	}
	if p.Format < frameGray || p.Format > frameBlue {
		return 0, fmt.Errorf("sane: unsupported frame format %d", p.Format)
	}
	need := (p.PixelsPerLine*p.channels()*p.Depth + 7) / 8
	if p.PixelsPerLine <= 0 || p.BytesPerLine < need {
		return 0, fmt.Errorf("sane: inconsistent parameters: %d pixels per line in %d bytes per line", p.PixelsPerLine, p.BytesPerLine)
	}
	lines = p.Lines
	if lines < 0 {
		lines = n / p.BytesPerLine
	}
	if lines <= 0 || n < lines*p.BytesPerLine {
		return 0, fmt.Errorf("sane: short frame: %d bytes read, %d lines of %d bytes expected", n, lines, p.BytesPerLine)
	}
	if p.PixelsPerLine*lines > maxPixels {
		return 0, fmt.Errorf("sane: frame of %dx%d pixels is too large", p.PixelsPerLine, lines)
	}
	return lines, nil
}

// sample returns sample k (0-based across the line) of line as 8 bits.
func sample(line []byte, k, depth int) uint8 {
	switch depth {
	case 1:
		if line[k/8]&(0x80>>(k%8)) != 0 {
			return 255
		}
		return 0
	case 16:
		return uint8(binary.NativeEndian.Uint16(line[2*k:]) >> 8)
	}
	return line[k]
}

// decodeFrame builds the image of a single-pass GRAY or RGB frame. In 1-bit grey a set bit is black,
// as the SANE standard says; 16-bit samples (machine byte order) keep their high byte.
func decodeFrame(p params, data []byte) (image.Image, error) {
	lines, err := p.check(len(data))
	if err != nil {
		return nil, err
	}
	w := p.PixelsPerLine
	switch p.Format {
	case frameGray:
		g := image.NewGray(image.Rect(0, 0, w, lines))
		for y := range lines {
			line := data[y*p.BytesPerLine : (y+1)*p.BytesPerLine]
			d := g.Pix[y*g.Stride : y*g.Stride+w]
			if p.Depth == 8 {
				copy(d, line[:w])
				continue
			}
			for x := range d {
				v := sample(line, x, p.Depth)
				if p.Depth == 1 {
					v = ^v
				}
				d[x] = v
			}
		}
		return g, nil
	case frameRGB:
		m := image.NewRGBA(image.Rect(0, 0, w, lines))
		for y := range lines {
			line := data[y*p.BytesPerLine : (y+1)*p.BytesPerLine]
			d := m.Pix[y*m.Stride : y*m.Stride+4*w]
			for x := range w {
				if p.Depth == 8 {
					d[4*x], d[4*x+1], d[4*x+2] = line[3*x], line[3*x+1], line[3*x+2]
				} else {
					d[4*x], d[4*x+1], d[4*x+2] = sample(line, 3*x, p.Depth), sample(line, 3*x+1, p.Depth), sample(line, 3*x+2, p.Depth)
				}
				d[4*x+3] = 255
			}
		}
		return m, nil
	}
	return nil, fmt.Errorf("sane: frame format %d is one band of a three-pass scan", p.Format)
}

// mergeBand writes a RED, GREEN or BLUE frame of a three-pass scan into dst, allocating dst
// on the first band. Bands of different sizes are an error.
func mergeBand(dst *image.RGBA, p params, data []byte) (*image.RGBA, error) {
	lines, err := p.check(len(data))
	if err != nil {
		return nil, err
	}
	ch := p.Format - frameRed
	if ch < 0 || ch > 2 {
		return nil, fmt.Errorf("sane: frame format %d is not a colour band", p.Format)
	}
	w := p.PixelsPerLine
	if dst == nil {
		dst = image.NewRGBA(image.Rect(0, 0, w, lines))
		for i := 3; i < len(dst.Pix); i += 4 {
			dst.Pix[i] = 255
		}
	} else if dst.Rect.Dx() != w || dst.Rect.Dy() != lines {
		return nil, fmt.Errorf("sane: three-pass bands differ in size: %dx%d then %dx%d", dst.Rect.Dx(), dst.Rect.Dy(), w, lines)
	}
	for y := range lines {
		line := data[y*p.BytesPerLine : (y+1)*p.BytesPerLine]
		d := dst.Pix[y*dst.Stride:]
		for x := range w {
			d[4*x+ch] = sample(line, x, p.Depth)
		}
	}
	return dst, nil
}
