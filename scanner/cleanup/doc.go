// Package cleanup cleans scanned pages for every scan source: it crops the scanner lid, straightens
// skewed pages, turns pages upright, flags blank pages (never drops them) and encodes pages for
// the dossier PDF at a size tuned for the digitization standard (colour, ≥ 200 dpi).
//
// Everything works on *image.RGBA or *image.Gray pixel slices; other image types are converted
// once. A skewed colour page is converted once to the encoder's 4:2:0 YCbCr planes, which are
// turned straight and encoded as they are. Analysis runs on a copy reduced to about 100 dpi (after straightening, the reduced copy is
// turned rather than the page reduced again). A page is processed on one goroutine: callers
// parallelise across pages (Process is safe for concurrent use; its scratch buffers are pooled).
package cleanup
