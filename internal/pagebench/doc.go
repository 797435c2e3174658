// Command pagebench takes a folder of page images (JPEG, PNG, PPM/PGM) through what a scan does to
// them — decode, clean-up and encode in the capture pipeline, then assembly into one PDF — as
// one process, so that `make bench` can time it against ImageMagick + img2pdf on the same pages.
//
//	pagebench [-mode color|gray] [-dpi 200] [-pages-out DIR] -o out.pdf DIR
//
// It prints one line: pages, bytes of the PDF, and the encoded size of each page.
package main
