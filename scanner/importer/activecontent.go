// Active content in citizen PDFs: JavaScript, actions run on opening or on events (/OpenAction,
// /AA), launch actions and embedded files. Unsigned files are cleaned (and rewritten by pdfcpu);
// signed files are only inspected, so their bytes and signatures stay as they are.

package importer

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// What activeContent finds; the values go into Note.Args and Note.Text.
const (
	ActiveJavaScript    = "javascript"
	ActiveOpenAction    = "open_action"
	ActiveAdditional    = "additional_actions"
	ActiveLaunch        = "launch_action"
	ActiveEmbeddedFiles = "embedded_files"
)

// activeContent walks every object of ctx and returns what active content it holds, sorted.
// When clean is set it also removes it: /OpenAction and /AA entries, JavaScript and launch
// actions, the /JavaScript and /EmbeddedFiles name trees, file attachment annotations'
// files and the embedded files' bytes.
func activeContent(ctx *model.Context, clean bool) []string {
	found := map[string]bool{}
	var walk func(o types.Object, depth int) types.Object
	isAction := func(o types.Object) string {
		d, ok := o.(types.Dict)
		if !ok {
			if r, ok := o.(types.IndirectRef); ok {
				if dd, err := ctx.DereferenceDict(r); err == nil {
					d = dd
				}
			}
		}
		if d == nil {
			return ""
		}
		switch s, _ := d["S"].(types.Name); s {
		case "JavaScript":
			return ActiveJavaScript
		case "Launch":
			return ActiveLaunch
		}
		return ""
	}
	walkDict := func(d types.Dict, depth int) {
		for k, v := range d {
			remove := ""
			switch k {
			case "OpenAction":
				remove = ActiveOpenAction
			case "AA":
				remove = ActiveAdditional
			case "JavaScript":
				remove = ActiveJavaScript
			case "EmbeddedFiles":
				remove = ActiveEmbeddedFiles
			case "A", "Next":
				remove = isAction(v)
			case "FS":
				if st, _ := d["Subtype"].(types.Name); st == "FileAttachment" {
					remove = ActiveEmbeddedFiles
				}
			case "JS":
				if s, _ := d["S"].(types.Name); s == "JavaScript" {
					remove = ActiveJavaScript
				}
			}
			if remove != "" {
				found[remove] = true
				if clean {
					delete(d, k)
				}
				continue
			}
			if nv := walk(v, depth+1); clean && nv != nil {
				d[k] = nv
			}
		}
	}
	walk = func(o types.Object, depth int) types.Object {
		if depth > 64 {
			return nil
		}
		switch x := o.(type) {
		case types.Dict:
			walkDict(x, depth)
		case types.Array:
			for _, e := range x {
				walk(e, depth+1)
			}
		}
		return nil
	}
	for _, e := range ctx.XRefTable.Table {
		if e == nil || e.Free || e.Object == nil {
			continue
		}
		switch x := e.Object.(type) {
		case types.Dict:
			walkDict(x, 0)
		case types.Array:
			walk(x, 0)
		case types.StreamDict:
			walkDict(x.Dict, 0)
			if t, _ := x.Dict["Type"].(types.Name); t == "EmbeddedFile" {
				found[ActiveEmbeddedFiles] = true
				if clean {
					x.Raw, x.Content, x.FilterPipeline = []byte{}, []byte{}, nil
					delete(x.Dict, "Filter")
					delete(x.Dict, "DecodeParms")
					delete(x.Dict, "Params")
					x.Dict["Length"] = types.Integer(0)
					zero := int64(0)
					x.StreamLength = &zero
					e.Object = x
				}
			}
		}
	}
	// pdfcpu keeps name trees it has parsed in ctx.Names and writes them from there.
	for _, tree := range []string{"JavaScript", "EmbeddedFiles"} {
		if _, ok := ctx.Names[tree]; ok {
			found[map[string]string{"JavaScript": ActiveJavaScript, "EmbeddedFiles": ActiveEmbeddedFiles}[tree]] = true
			if clean {
				delete(ctx.Names, tree)
			}
		}
	}
	var out []string
	for k := range found {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// cleanPDF removes active content from an unsigned PDF read into ctx and returns the
// rewritten file and a note saying what was removed; data unchanged and no note when
// there was none.
func cleanPDF(name string, ctx *model.Context, data []byte) ([]byte, *Note, error) {
	if len(activeContent(ctx, false)) == 0 {
		return data, nil, nil
	}
	removed := activeContent(ctx, true)
	var buf bytes.Buffer
	if err := api.WriteContext(ctx, &buf); err != nil {
		return nil, nil, fmt.Errorf("%w: %s: the PDF carries scripts or attachments that could not be removed (%v); print it and scan it instead", ErrCorrupt, name, err)
	}
	list := strings.Join(removed, ", ")
	return buf.Bytes(), &Note{Key: NotePDFCleaned, Args: map[string]any{"Removed": list},
		Text: fmt.Sprintf("%s: removed active content before signing: %s", name, list)}, nil
}
