// TIFF import, every page: the IFD chain is walked here and each page is decoded by
// golang.org/x/image/tiff through a view of the file whose header points at that page's IFD.

package importer

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"golang.org/x/image/tiff"

	"sohoa/scanner"
)

// ifdEntry is one 12-byte TIFF directory entry.
type ifdEntry struct {
	tag, typ uint16
	count    uint32
	raw      [4]byte // value or offset
}

// value returns a SHORT or LONG scalar.
func (e ifdEntry) value(_ []byte, bo binary.ByteOrder) uint32 {
	switch e.typ {
	case 3: // SHORT
		return uint32(bo.Uint16(e.raw[:]))
	case 4: // LONG
		return bo.Uint32(e.raw[:])
	}
	return 0
}

// rational returns a RATIONAL value (stored at an offset), 0 when out of range.
func (e ifdEntry) rational(b []byte, bo binary.ByteOrder) float64 {
	if e.typ != 5 {
		return 0
	}
	off := int64(bo.Uint32(e.raw[:]))
	if off < 0 || off+8 > int64(len(b)) {
		return 0
	}
	num, den := bo.Uint32(b[off:]), bo.Uint32(b[off+4:])
	if den == 0 {
		return 0
	}
	return float64(num) / float64(den)
}

// ifdEntries reads the directory at off; nil when it does not fit in b.
func ifdEntries(b []byte, bo binary.ByteOrder, off int64) []ifdEntry {
	if off < 8 || off+2 > int64(len(b)) {
		return nil
	}
	n := int64(bo.Uint16(b[off:]))
	if off+2+n*12 > int64(len(b)) {
		return nil
	}
	out := make([]ifdEntry, n)
	for i := range out {
		p := b[off+2+int64(i)*12:]
		out[i] = ifdEntry{tag: bo.Uint16(p), typ: bo.Uint16(p[2:]), count: bo.Uint32(p[4:])}
		copy(out[i].raw[:], p[8:12])
	}
	return out
}

// tiffPages returns the offsets of every IFD, refusing loops, out-of-range offsets and too many pages.
func tiffPages(name string, b []byte) (binary.ByteOrder, []int64, error) {
	var bo binary.ByteOrder = binary.LittleEndian
	if b[0] == 'M' {
		bo = binary.BigEndian
	}
	if len(b) < 8 {
		return nil, nil, fmt.Errorf("%w: %s: TIFF header cut short", ErrCorrupt, name)
	}
	seen := map[int64]bool{}
	var offs []int64
	for off := int64(bo.Uint32(b[4:])); off != 0; {
		if seen[off] {
			return nil, nil, fmt.Errorf("%w: %s: the TIFF page list loops back on itself", ErrCorrupt, name)
		}
		if len(offs) >= MaxTIFFPages {
			return nil, nil, fmt.Errorf("%w: %s has more than %d pages; split it", ErrTooLarge, name, MaxTIFFPages)
		}
		if off < 8 || off+2 > int64(len(b)) {
			return nil, nil, fmt.Errorf("%w: %s: TIFF page %d points outside the file (cut short?)", ErrCorrupt, name, len(offs)+1)
		}
		n := int64(bo.Uint16(b[off:]))
		end := off + 2 + n*12
		if end+4 > int64(len(b)) {
			return nil, nil, fmt.Errorf("%w: %s: TIFF page %d is cut short", ErrCorrupt, name, len(offs)+1)
		}
		seen[off] = true
		offs = append(offs, off)
		off = int64(bo.Uint32(b[end:]))
	}
	if len(offs) == 0 {
		return nil, nil, fmt.Errorf("%w: %s: the TIFF file has no pages", ErrCorrupt, name)
	}
	return bo, offs, nil
}

// pageView is the TIFF file with its header's first-IFD offset replaced, so a single-page
// decoder reads page k. It copies nothing.
type pageView struct {
	data   []byte
	header [8]byte
}

// ReadAt implements io.ReaderAt.
func (v *pageView) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("negative offset")
	}
	if off >= int64(len(v.data)) {
		return 0, io.EOF
	}
	n := copy(p, v.data[off:])
	if off < 8 {
		copy(p, v.header[off:])
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func importTIFF(ctx context.Context, name string, data []byte, opt Options) (Result, error) {
	bo, offs, err := tiffPages(name, data)
	if err != nil {
		return Result{}, err
	}
	var r Result
	r.Kind = KindImages
	// Check every page's declared size before decoding any.
	for i, off := range offs {
		cfg, err := tiff.DecodeConfig(viewAt(data, bo, off))
		if unsupported(err) {
			cfg, err = wideConfig(data, bo, off)
		}
		if err != nil {
			return Result{}, fmt.Errorf("%w: %s: TIFF page %d header (%v); ask for the file again", ErrCorrupt, name, i+1, err)
		}
		if err := checkSize(fmt.Sprintf("%s page %d", name, i+1), cfg.Width, cfg.Height, opt.MaxPixels); err != nil {
			return Result{}, err
		}
	}
	for i, off := range offs {
		if err := ctx.Err(); err != nil {
			return Result{}, err
		}
		img, err := tiff.Decode(viewAt(data, bo, off))
		if unsupported(err) {
			img, err = decodeWide(data, bo, off)
		}
		if err != nil {
			return Result{}, fmt.Errorf("%w: %s: TIFF page %d is damaged (%v); ask for the file again", ErrCorrupt, name, i+1, err)
		}
		orient, dpi := 1, 0
		for _, e := range ifdEntries(data, bo, off) {
			switch e.tag {
			case 0x0112:
				if v := int(e.value(data, bo)); v >= 1 && v <= 8 {
					orient = v
				}
			case 0x011A:
				dpi = int(e.rational(data, bo) + 0.5)
			case 0x0128:
				if e.value(data, bo) == 3 { // centimetres
					dpi = int(float64(dpi)*2.54 + 0.5)
				}
			}
		}
		img = orientImage(img, orient)
		r.Pages = append(r.Pages, scanner.Page{Image: img, DPI: pageDPI(img.Bounds(), dpi), Index: i})
	}
	return r, nil
}

// unsupported reports an error of golang.org/x/image/tiff for a layout it does not handle
// (extra samples, grey with alpha), which decodeWide may read.
func unsupported(err error) bool {
	var u tiff.UnsupportedError
	return errors.As(err, &u)
}

// viewAt returns a reader of data whose first IFD is the one at off.
func viewAt(data []byte, bo binary.ByteOrder, off int64) io.Reader {
	v := &pageView{data: data}
	copy(v.header[:], data[:8])
	bo.PutUint32(v.header[4:], uint32(off))
	return struct {
		io.Reader
		io.ReaderAt
	}{bytes.NewReader(nil), v}
}
