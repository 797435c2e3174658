// Package importer takes in the files a citizen brings instead of paper: PDFs (kept byte for byte when
// already signed), JPEG and PNG photos (EXIF orientation applied) and TIFF, including multi-page TIFF.
// Hostile input is refused before it costs memory: file size and per-page pixel limits are checked
// from headers before anything is decoded.
package importer
