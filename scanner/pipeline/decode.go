// Decoding a page file as a scanner or a hot folder hands it: JPEG, PNG, or raw PPM/PGM.

package pipeline

import (
	"bytes"
	"errors"
	"image"
	_ "image/jpeg" // JPEG pages; decoded to YCbCr, which clean-up takes as it is
	_ "image/png"

	"sohoa/errs"
)

// ErrNotImage: the file is not a JPEG, PNG, PPM or PGM image.
var ErrNotImage = errs.New("error.pipeline.not_image", errs.NeedsOfficer, "pipeline: the file is not a page image (JPEG, PNG, PPM or PGM)")

// Decode decodes a page image: JPEG, PNG, or binary PPM (P6) / PGM (P5).
func Decode(data []byte) (image.Image, error) {
	if len(data) > 2 && data[0] == 'P' && (data[1] == '5' || data[1] == '6') {
		return decodePNM(data)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, errors.Join(ErrNotImage, err)
	}
	return img, nil
}
