// Binary PPM (P6) and PGM (P5): the raw frames a SANE backend delivers, and the bench's raw input.

package pipeline

import (
	"fmt"
	"image"
	"strconv"
)

// decodePNM decodes an 8-bit binary PPM into *image.RGBA or PGM into *image.Gray.
func decodePNM(data []byte) (image.Image, error) {
	pos := 2
	var vals [3]int
	for k := 0; k < 3; k++ {
		// Skip white space and comments.
		for pos < len(data) {
			c := data[pos]
			if c == '#' {
				for pos < len(data) && data[pos] != '\n' {
					pos++
				}
				continue
			}
			if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
				break
			}
			pos++
		}
		start := pos
		for pos < len(data) && data[pos] >= '0' && data[pos] <= '9' {
			pos++
		}
		v, err := strconv.Atoi(string(data[start:pos]))
		if err != nil {
			return nil, fmt.Errorf("%w: bad PNM header", ErrNotImage)
		}
		vals[k] = v
	}
	pos++ // the single white space before the pixels
	w, h, maxv := vals[0], vals[1], vals[2]
	if w <= 0 || h <= 0 || w > 20000 || h > 20000 || maxv != 255 {
		return nil, fmt.Errorf("%w: PNM %d×%d max %d (only 8-bit is read)", ErrNotImage, w, h, maxv)
	}
	pix := data[pos:]
	if data[1] == '5' {
		if len(pix) < w*h {
			return nil, fmt.Errorf("%w: PGM truncated", ErrNotImage)
		}
		g := image.NewGray(image.Rect(0, 0, w, h))
		copy(g.Pix, pix[:w*h])
		return g, nil
	}
	if len(pix) < 3*w*h {
		return nil, fmt.Errorf("%w: PPM truncated", ErrNotImage)
	}
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for i, j := 0, 0; i < w*h; i, j = i+1, j+3 {
		m.Pix[4*i], m.Pix[4*i+1], m.Pix[4*i+2], m.Pix[4*i+3] = pix[j], pix[j+1], pix[j+2], 255
	}
	return m, nil
}
