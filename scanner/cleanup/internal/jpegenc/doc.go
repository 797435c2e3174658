// Package jpegenc is the baseline JPEG encoder of the clean-up pipeline, forked from Go's
// image/jpeg (BSD licence, see LICENSE in this folder). The forward DCT of a page is computed
// once from its planes (4:2:0 YCbCr or 8-bit grey); the page, or a sample of its bands of 16
// rows, can then be quantised and entropy-coded at any quality without transforming it again —
// which makes a search for the quality that meets a size target cheap. The output is byte for
// byte what image/jpeg.Encode writes for the same *image.YCbCr (4:2:0) or *image.Gray.
package jpegenc
