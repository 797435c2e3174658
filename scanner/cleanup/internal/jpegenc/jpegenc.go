// The baseline JPEG encoder working on YCbCr planes, forked from Go's image/jpeg.

package jpegenc

import (
	"sync"

	"sohoa/errs"
)

// ErrTooLarge: JPEG cannot hold a side of 65536 pixels or more.
var ErrTooLarge = errs.New("error.jpegenc.too_large", errs.NeedsOfficer, "jpegenc: image is too large to encode")

// Page holds the DCT coefficients of a page, ready to be encoded at any quality.
type Page struct {
	w, h       int
	gray       bool
	coef       []int16 // 64 per block in zig-zag order, blocks in scan order
	last       []uint8 // per block: 1 + zig-zag index of its last non-zero coefficient (0: none)
	bandBlocks int     // blocks per band of 16 rows
}

var coefPool, lastPool sync.Pool

func getSlice[T any](p *sync.Pool, n int) []T {
	if s, ok := p.Get().(*[]T); ok && cap(*s) >= n {
		return (*s)[:n]
	}
	return make([]T, n)
}

// Release returns the page's buffers for reuse; p must not be used afterwards.
func (p *Page) Release() {
	c, l := p.coef, p.last
	p.coef, p.last = nil, nil
	if c != nil {
		coefPool.Put(&c)
		lastPool.Put(&l)
	}
}

// constDC[v] is the DC coefficient of a block whose 64 samples are all v (its AC are all zero).
var constDC [256]int16

func init() {
	for v := range constDC {
		var b block
		for i := range b {
			b[i] = int32(v)
		}
		fdct(&b)
		for i := 1; i < blockSize; i++ {
			if b[i] != 0 {
				panic("jpegenc: the DCT of a flat block has AC energy")
			}
		}
		constDC[v] = int16(b[0])
	}
}

// loadLevels is load mapping every sample through the levels lut.
func loadLevels(b *block, pix []uint8, stride, pw, ph, x0, y0 int, lut *[256]uint8) (flat bool) {
	and, or := uint8(0xff), uint8(0)
	if x0+8 <= pw && y0+8 <= ph {
		for j := 0; j < 8; j++ {
			row := pix[(y0+j)*stride+x0 : (y0+j)*stride+x0+8]
			d := b[8*j : 8*j+8]
			for i, v := range row {
				v = lut[v]
				d[i] = int32(v)
				and &= v
				or |= v
			}
		}
		return and == or
	}
	for j := 0; j < 8; j++ {
		sy := min(y0+j, ph-1)
		row := pix[sy*stride:]
		for i := 0; i < 8; i++ {
			v := lut[row[min(x0+i, pw-1)]]
			b[8*j+i] = int32(v)
			and &= v
			or |= v
		}
	}
	return and == or
}

// load copies the 8×8 block at (x0, y0) of a plane of pw×ph samples into b, repeating the last
// column and row beyond the edge (as image/jpeg does), and reports whether all samples are equal.
func load(b *block, pix []uint8, stride, pw, ph, x0, y0 int) (flat bool) {
	and, or := uint8(0xff), uint8(0)
	if x0+8 <= pw && y0+8 <= ph {
		for j := 0; j < 8; j++ {
			row := pix[(y0+j)*stride+x0 : (y0+j)*stride+x0+8]
			d := b[8*j : 8*j+8]
			for i, v := range row {
				d[i] = int32(v)
				and &= v
				or |= v
			}
		}
		return and == or
	}
	for j := 0; j < 8; j++ {
		sy := min(y0+j, ph-1)
		row := pix[sy*stride:]
		for i := 0; i < 8; i++ {
			v := row[min(x0+i, pw-1)]
			b[8*j+i] = int32(v)
			and &= v
			or |= v
		}
	}
	return and == or
}

// transform stores the DCT of the block at (x0, y0) of a plane as block k of p, the samples
// mapped through lut unless it is nil.
func (p *Page) transform(k int, b *block, pix []uint8, stride, pw, ph, x0, y0 int, lut *[256]uint8) {
	c := p.coef[k*blockSize : (k+1)*blockSize : (k+1)*blockSize]
	var flat bool
	if lut != nil {
		flat = loadLevels(b, pix, stride, pw, ph, x0, y0, lut)
	} else {
		flat = load(b, pix, stride, pw, ph, x0, y0)
	}
	if flat {
		clear(c)
		c[0] = constDC[b[0]]
		p.last[k] = 1
		return
	}
	fdct(b)
	last := 0
	for zig := range c {
		v := int16(b[unzig[zig]])
		c[zig] = v
		if v != 0 {
			last = zig + 1
		}
	}
	p.last[k] = uint8(last)
}

// FromYCbCr transforms a w×h colour page given as 4:2:0 planes: y with yStride, and cb and cr of
// (w+1)/2 × (h+1)/2 samples with cStride.
func FromYCbCr(y []uint8, yStride int, cb, cr []uint8, cStride, w, h int) (*Page, error) {
	if w >= 1<<16 || h >= 1<<16 {
		return nil, ErrTooLarge
	}
	mw, mh := (w+15)/16, (h+15)/16
	n := mw * mh * 6
	p := &Page{w: w, h: h, coef: getSlice[int16](&coefPool, n*blockSize), last: getSlice[uint8](&lastPool, n), bandBlocks: mw * 6}
	cw, ch := (w+1)/2, (h+1)/2
	var b block
	k := 0
	for my := 0; my < mh; my++ {
		for mx := 0; mx < mw; mx++ {
			for i := 0; i < 4; i++ {
				p.transform(k, &b, y, yStride, w, h, mx*16+(i&1)*8, my*16+(i&2)*4, nil)
				k++
			}
			p.transform(k, &b, cb, cStride, cw, ch, mx*8, my*8, nil)
			p.transform(k+1, &b, cr, cStride, cw, ch, mx*8, my*8, nil)
			k += 2
		}
	}
	return p, nil
}

// FromGray transforms a w×h grey page.
func FromGray(pix []uint8, stride, w, h int) (*Page, error) {
	return FromGrayLevels(pix, stride, w, h, nil)
}

// FromGrayLevels transforms a w×h grey page whose samples are first mapped through the levels
// lut (nil: as they are), as FromGray would transform the mapped copy, without making it.
func FromGrayLevels(pix []uint8, stride, w, h int, lut *[256]uint8) (*Page, error) {
	if w >= 1<<16 || h >= 1<<16 {
		return nil, ErrTooLarge
	}
	bw, bh := (w+7)/8, (h+7)/8
	n := bw * bh
	p := &Page{w: w, h: h, gray: true, coef: getSlice[int16](&coefPool, n*blockSize), last: getSlice[uint8](&lastPool, n), bandBlocks: 2 * bw}
	var b block
	k := 0
	for by := 0; by < bh; by++ {
		for bx := 0; bx < bw; bx++ {
			p.transform(k, &b, pix, stride, w, h, bx*8, by*8, lut)
			k++
		}
	}
	return p, nil
}

// Bands is the number of whole bands of 16 rows in the page.
func (p *Page) Bands() int { return p.h / 16 }

// Append encodes the page at quality (1–100, clamped) and appends the JPEG to dst. With bands
// non-nil only those bands of 16 rows (each < Bands()) are encoded, in the given order, as one
// image 16·len(bands) rows high: exactly what encoding the page cut down to those rows gives.
func (p *Page) Append(dst []byte, quality int, bands []int) []byte {
	e := encoder{out: dst}
	e.setQuality(quality)
	h := p.h
	if bands != nil {
		h = 16 * len(bands)
	}
	nComp := 3
	if p.gray {
		nComp = 1
	}
	e.out = append(e.out, 0xff, soiMarker)
	e.writeDQT()
	e.writeSOF0(p.w, h, nComp)
	e.writeDHT(nComp)
	if p.gray {
		e.out = append(e.out, sosHeaderY...)
	} else {
		e.out = append(e.out, sosHeaderYCbCr...)
	}
	var dc [3]int32
	encodeRange := func(from, to int) {
		if p.gray {
			for k := from; k < to; k++ {
				dc[0] = e.block(p.coef[k*blockSize:(k+1)*blockSize], int(p.last[k]), 0, dc[0])
			}
			return
		}
		for k := from; k < to; k += 6 {
			for i := 0; i < 4; i++ {
				dc[0] = e.block(p.coef[(k+i)*blockSize:(k+i+1)*blockSize], int(p.last[k+i]), 0, dc[0])
			}
			dc[1] = e.block(p.coef[(k+4)*blockSize:(k+5)*blockSize], int(p.last[k+4]), 1, dc[1])
			dc[2] = e.block(p.coef[(k+5)*blockSize:(k+6)*blockSize], int(p.last[k+5]), 1, dc[2])
		}
	}
	if bands == nil {
		encodeRange(0, len(p.last))
	} else {
		for _, band := range bands {
			encodeRange(band*p.bandBlocks, min((band+1)*p.bandBlocks, len(p.last)))
		}
	}
	e.emit(0x7f, 7) // pad the last byte with 1s
	return append(e.out, 0xff, eoiMarker)
}

// encoder appends a JPEG to out.
type encoder struct {
	out   []byte
	acc   uint64 // pending bits, right-aligned
	n     uint   // number of pending bits (< 8 between calls)
	quant [nQuantIndex][blockSize]byte
	div   [nQuantIndex][blockSize]int32 // 8·quant: the fDCT's outputs are scaled by 8
	zero  [nQuantIndex][blockSize]int32 // |coefficient| below this quantises to 0
}

func (e *encoder) setQuality(quality int) {
	quality = min(max(quality, 1), 100)
	scale := 200 - quality*2
	if quality < 50 {
		scale = 5000 / quality
	}
	for i := range e.quant {
		for j := range e.quant[i] {
			x := (int(unscaledQuant[i][j])*scale + 50) / 100
			x = min(max(x, 1), 255)
			e.quant[i][j] = uint8(x)
			d := int32(8 * x)
			e.div[i][j] = d
			e.zero[i][j] = d - d>>1
		}
	}
}

// emit appends the low nBits bits of bits (nBits ≤ 16), stuffing a 0 after every 0xff byte.
func (e *encoder) emit(bits, nBits uint32) {
	e.acc = e.acc<<nBits | uint64(bits)
	e.n += uint(nBits)
	for e.n >= 8 {
		e.n -= 8
		b := uint8(e.acc >> e.n)
		if b == 0xff {
			e.out = append(e.out, 0xff, 0)
		} else {
			e.out = append(e.out, b)
		}
	}
}

func (e *encoder) emitHuff(h huffIndex, value int32) {
	x := theHuffmanLUT[h][value]
	e.emit(x&(1<<24-1), x>>24)
}

func (e *encoder) emitHuffRLE(h huffIndex, runLength, value int32) {
	a, b := value, value
	if a < 0 {
		a, b = -value, value-1
	}
	var nBits uint32
	if a < 0x100 {
		nBits = uint32(bitCount[a])
	} else {
		nBits = 8 + uint32(bitCount[a>>8])
	}
	e.emitHuff(h, runLength<<4|int32(nBits))
	if nBits > 0 {
		e.emit(uint32(b)&(1<<nBits-1), nBits)
	}
}

// div returns a/b rounded to the nearest integer, instead of rounded to zero.
func div(a, b int32) int32 {
	if a >= 0 {
		return (a + (b >> 1)) / b
	}
	return -((-a + (b >> 1)) / b)
}

// block quantises and writes one block (coefficients in zig-zag order, the last non-zero one at
// last-1) with table q, returning its quantised DC.
func (e *encoder) block(c []int16, last int, q quantIndex, prevDC int32) int32 {
	c = c[:blockSize]
	dc := div(int32(c[0]), e.div[q][0])
	e.emitHuffRLE(huffIndex(2*q+0), 0, dc-prevDC)
	h, run := huffIndex(2*q+1), int32(0)
	zero, dv := &e.zero[q], &e.div[q]
	for zig := 1; zig < last; zig++ {
		a := int32(c[zig])
		if a < zero[zig] && a > -zero[zig] {
			run++
			continue
		}
		for run > 15 {
			e.emitHuff(h, 0xf0)
			run -= 16
		}
		e.emitHuffRLE(h, run, div(a, dv[zig]))
		run = 0
	}
	if run > 0 || last < blockSize {
		e.emitHuff(h, 0x00)
	}
	return dc
}

func (e *encoder) writeMarkerHeader(marker uint8, markerlen int) {
	e.out = append(e.out, 0xff, marker, uint8(markerlen>>8), uint8(markerlen))
}

func (e *encoder) writeDQT() {
	const markerlen = 2 + int(nQuantIndex)*(1+blockSize)
	e.writeMarkerHeader(dqtMarker, markerlen)
	for i := range e.quant {
		e.out = append(e.out, uint8(i))
		e.out = append(e.out, e.quant[i][:]...)
	}
}

func (e *encoder) writeSOF0(w, h, nComponent int) {
	e.writeMarkerHeader(sof0Marker, 8+3*nComponent)
	e.out = append(e.out, 8, uint8(h>>8), uint8(h), uint8(w>>8), uint8(w), uint8(nComponent))
	if nComponent == 1 {
		e.out = append(e.out, 1, 0x11, 0x00) // no subsampling for grey
		return
	}
	for i := 0; i < nComponent; i++ {
		e.out = append(e.out, uint8(i+1), "\x22\x11\x11"[i], "\x00\x01\x01"[i]) // 4:2:0
	}
}

func (e *encoder) writeDHT(nComponent int) {
	markerlen := 2
	specs := theHuffmanSpec[:]
	if nComponent == 1 {
		specs = specs[:2] // no chrominance tables
	}
	for _, s := range specs {
		markerlen += 1 + 16 + len(s.value)
	}
	e.writeMarkerHeader(dhtMarker, markerlen)
	for i, s := range specs {
		e.out = append(e.out, "\x00\x10\x01\x11"[i])
		e.out = append(e.out, s.count[:]...)
		e.out = append(e.out, s.value...)
	}
}
