// Captured pages.

package model

import (
	"time"
)

// Page is one captured page image of a component. Positions are dense, from 0.
type Page struct {
	ID                       int64
	DossierID, ComponentCode string
	Position                 int
	Blob                     string // SHA-256 of the image in the blob store
	Format                   string // "jpeg","png","pdf-page"
	DPI, Width, Height       int
	Rotation                 int    // 0, 90, 180 or 270, clockwise
	Blank                    bool   // flagged blank: shown to the officer, never silently dropped
	Source                   string // "scan:<device>" | "import:<file name>"
	CreatedAt                time.Time
}
