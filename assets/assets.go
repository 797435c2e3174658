// The embedded file system of shipped data: fonts, catalog, trust roots, translations.

package assets

import "embed"

// FS holds every embedded asset, addressed by its path below assets/.
//
//go:embed fonts catalog holidays roots i18n
var FS embed.FS

// Font returns the embedded Unicode font used for every PDF text with Vietnamese diacritics.
// bold selects DejaVu Sans Bold instead of DejaVu Sans.
func Font(bold bool) []byte {
	name := "fonts/DejaVuSans.ttf"
	if bold {
		name = "fonts/DejaVuSans-Bold.ttf"
	}
	b, err := FS.ReadFile(name)
	if err != nil {
		panic("assets: embedded font missing: " + err.Error())
	}
	return b
}
