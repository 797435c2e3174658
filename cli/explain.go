// Officer-facing error sentences: what happened and what to do, in Vietnamese (default) or English.
package cli

import "sohoa/dossier"

// Explain turns an error into the sentence the officer reads, in lang ("vi" default, "en").
func Explain(err error, lang string) string {
	return dossier.Explain(err, lang)
}
