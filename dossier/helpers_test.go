// Small file helpers shared by the desk tests.

package dossier_test

import (
	"image/jpeg"
	"os"

	"sohoa/scanner"
)

func writeJPEG(path string, p scanner.Page) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := jpeg.Encode(f, p.Image, &jpeg.Options{Quality: 80}); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
