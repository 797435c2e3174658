// Package assets embeds the files sohoa ships: fonts, the procedure catalog, trust roots, translations.
package assets
