// Component files (assembled, imported, signed PDFs).

package model

import (
	"time"
)

// File is one PDF (or imported file) belonging to a component of a dossier.
type File struct {
	ID                                   int64
	DossierID, ComponentCode, Name, Role string // Role: "assembled","imported","signed"
	Blob                                 string // SHA-256 of the content in the blob store
	Size                                 int64  // bytes; filled from the blob when 0
	Pages                                int
	Signed                               bool
	Signer                               string
	CreatedAt                            time.Time
}
