// TIFF pages golang.org/x/image/tiff refuses: 16-bit samples with extra samples (alpha)
// and grey with alpha, in strips, uncompressed, LZW, Deflate or PackBits, with or
// without horizontal prediction. They are reduced to 8 bits and flattened onto white paper.

package importer

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"io"

	"golang.org/x/image/tiff/lzw"
)

// errWideUnsupported: the page is outside what decodeWide understands either.
var errWideUnsupported = errors.New("unsupported TIFF layout")

// wideIFD is what decodeWide reads from one directory.
type wideIFD struct {
	w, h, bits, spp, photometric, compression, predictor, planar, rowsPerStrip int
	extra                                                                      []int // ExtraSamples values
	offsets, counts                                                            []int64
}

// values returns the SHORT or LONG values of e, inline or at its offset.
func (e ifdEntry) values(b []byte, bo binary.ByteOrder) []int64 {
	size := map[uint16]int64{3: 2, 4: 4}[e.typ]
	if size == 0 || e.count == 0 || e.count > 1<<24 {
		return nil
	}
	n := int64(e.count)
	src := e.raw[:]
	if n*size > 4 {
		off := int64(bo.Uint32(e.raw[:]))
		if off < 0 || off+n*size > int64(len(b)) {
			return nil
		}
		src = b[off : off+n*size]
	}
	out := make([]int64, n)
	for i := range out {
		if size == 2 {
			out[i] = int64(bo.Uint16(src[i*2:]))
		} else {
			out[i] = int64(bo.Uint32(src[i*4:]))
		}
	}
	return out
}

func readWideIFD(b []byte, bo binary.ByteOrder, off int64) (wideIFD, error) {
	d := wideIFD{bits: 1, spp: 1, compression: 1, predictor: 1, planar: 1}
	first := func(v []int64) int {
		if len(v) == 0 {
			return 0
		}
		return int(v[0])
	}
	for _, e := range ifdEntries(b, bo, off) {
		v := e.values(b, bo)
		switch e.tag {
		case 256:
			d.w = first(v)
		case 257:
			d.h = first(v)
		case 258:
			d.bits = first(v)
			for _, x := range v {
				if int(x) != d.bits {
					return d, errWideUnsupported
				}
			}
		case 259:
			d.compression = first(v)
		case 262:
			d.photometric = first(v)
		case 273:
			d.offsets = v
		case 277:
			d.spp = first(v)
		case 278:
			d.rowsPerStrip = first(v)
		case 279:
			d.counts = v
		case 284:
			d.planar = first(v)
		case 317:
			d.predictor = first(v)
		case 322, 323, 324, 325:
			return d, errWideUnsupported // tiles
		case 338:
			for _, x := range v {
				d.extra = append(d.extra, int(x))
			}
		}
	}
	if d.rowsPerStrip <= 0 || d.rowsPerStrip > d.h {
		d.rowsPerStrip = d.h
	}
	colour := map[int]int{0: 1, 1: 1, 2: 3}[d.photometric]
	switch {
	case d.w <= 0 || d.h <= 0:
		return d, fmt.Errorf("empty %dx%d page", d.w, d.h)
	case d.bits != 8 && d.bits != 16, d.planar != 1, colour == 0, d.spp < colour, d.spp > colour+1,
		d.predictor != 1 && d.predictor != 2:
		return d, errWideUnsupported
	case len(d.offsets) == 0 || len(d.offsets) != len(d.counts) || len(d.offsets) != (d.h+d.rowsPerStrip-1)/d.rowsPerStrip:
		return d, fmt.Errorf("strip table does not match the page height")
	}
	return d, nil
}

// wideConfig returns the size of a page decodeWide can read.
func wideConfig(b []byte, bo binary.ByteOrder, off int64) (image.Config, error) {
	d, err := readWideIFD(b, bo, off)
	if err != nil {
		return image.Config{}, err
	}
	return image.Config{Width: d.w, Height: d.h}, nil
}

// decodeWide decodes the page at off into an 8-bit image: *image.Gray for grey pages,
// *image.RGBA for colour ones, any alpha composed over white.
func decodeWide(b []byte, bo binary.ByteOrder, off int64) (image.Image, error) {
	d, err := readWideIFD(b, bo, off)
	if err != nil {
		return nil, err
	}
	bps := d.bits / 8
	rowBytes := d.w * d.spp * bps
	colour := 1
	if d.photometric == 2 {
		colour = 3
	}
	alpha, premult := d.spp > colour, false
	if alpha && len(d.extra) > 0 {
		switch d.extra[0] {
		case 1:
			premult = true
		case 2:
		default:
			alpha = false // unspecified extra sample: ignore it
		}
	}
	var gray *image.Gray
	var rgba *image.RGBA
	if colour == 1 {
		gray = image.NewGray(image.Rect(0, 0, d.w, d.h))
	} else {
		rgba = image.NewRGBA(image.Rect(0, 0, d.w, d.h))
	}
	row := make([]byte, rowBytes)
	samples := make([]uint32, d.spp)
	maxv := uint32(1)<<d.bits - 1
	for s, soff := range d.offsets {
		cnt := d.counts[s]
		if soff < 0 || cnt < 0 || soff+cnt > int64(len(b)) {
			return nil, fmt.Errorf("strip %d lies outside the file", s+1)
		}
		var r io.Reader = bytes.NewReader(b[soff : soff+cnt])
		switch d.compression {
		case 1:
		case 5:
			r = lzw.NewReader(r, lzw.MSB, 8) // Close only frees buffers; nothing to release
		case 8, 32946:
			zr, err := zlib.NewReader(r)
			if err != nil {
				return nil, fmt.Errorf("strip %d: %v", s+1, err)
			}
			r = zr
		case 32773:
			r = &packBits{r: bytes.NewReader(b[soff : soff+cnt])}
		default:
			return nil, errWideUnsupported
		}
		y0 := s * d.rowsPerStrip
		for y := y0; y < min(y0+d.rowsPerStrip, d.h); y++ {
			if _, err := io.ReadFull(r, row); err != nil {
				return nil, fmt.Errorf("strip %d row %d: %v", s+1, y-y0+1, err)
			}
			if d.predictor == 2 {
				undoPredictor(row, d.spp, bps, bo)
			}
			for x := 0; x < d.w; x++ {
				for c := range samples {
					p := (x*d.spp + c) * bps
					if bps == 2 {
						samples[c] = uint32(bo.Uint16(row[p:]))
					} else {
						samples[c] = uint32(row[p])
					}
				}
				a := maxv
				if alpha {
					a = samples[colour]
				}
				var out [3]uint8
				for c := 0; c < colour; c++ {
					v := samples[c]
					if d.photometric == 0 {
						v = maxv - v
					}
					if !premult {
						v = v * a / maxv
					}
					v = min(v+(maxv-a), maxv) // over white paper
					out[c] = uint8(v * 255 / maxv)
				}
				if gray != nil {
					gray.Pix[y*gray.Stride+x] = out[0]
				} else {
					i := y*rgba.Stride + x*4
					rgba.Pix[i], rgba.Pix[i+1], rgba.Pix[i+2], rgba.Pix[i+3] = out[0], out[1], out[2], 255
				}
			}
		}
	}
	if gray != nil {
		return gray, nil
	}
	return rgba, nil
}

// undoPredictor reverses TIFF horizontal differencing on one row.
func undoPredictor(row []byte, spp, bps int, bo binary.ByteOrder) {
	if bps == 1 {
		for i := spp; i < len(row); i++ {
			row[i] += row[i-spp]
		}
		return
	}
	for i := spp * 2; i+1 < len(row); i += 2 {
		bo.PutUint16(row[i:], bo.Uint16(row[i:])+bo.Uint16(row[i-spp*2:]))
	}
}

// packBits decodes PackBits (TIFF compression 32773).
type packBits struct {
	r   *bytes.Reader
	buf []byte
}

func (p *packBits) Read(out []byte) (int, error) {
	for len(p.buf) == 0 {
		n, err := p.r.ReadByte()
		if err != nil {
			return 0, err
		}
		switch c := int8(n); {
		case c >= 0:
			p.buf = make([]byte, int(c)+1)
			if _, err := io.ReadFull(p.r, p.buf); err != nil {
				return 0, io.ErrUnexpectedEOF
			}
		case c != -128:
			v, err := p.r.ReadByte()
			if err != nil {
				return 0, io.ErrUnexpectedEOF
			}
			p.buf = bytes.Repeat([]byte{v}, 1-int(c))
		}
	}
	n := copy(out, p.buf)
	p.buf = p.buf[n:]
	return n, nil
}
