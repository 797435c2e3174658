// Package e2e runs the built sohoa binary end to end and checks its results from outside:
// the reference portal's store, qpdf, poppler's pdfsig with an NSS database, pdfinfo and pdftotext.
package e2e
