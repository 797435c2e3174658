// Loading the embedded translation files of a language and rendering a sentence from its key.

package i18n

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
	"text/template"

	"sohoa/assets"
)

// Languages the desk speaks, the default first.
var Languages = []string{"vi", "en"}

// Default is the language used when none, or an unknown one, is asked for.
const Default = "vi"

type catalog struct {
	msgs map[string]string
	tmpl map[string]*template.Template
	mu   sync.Mutex
}

var (
	loadOnce sync.Once
	catalogs map[string]*catalog
	loadErr  error
)

// norm maps a language code to one the desk speaks.
func norm(lang string) string {
	for _, l := range Languages {
		if lang == l {
			return l
		}
	}
	return Default
}

// files lists the translation files of lang: i18n/<lang>.json and i18n/<area>.<lang>.json.
func files(lang string) ([]string, error) {
	all, err := fs.Glob(assets.FS, "i18n/*.json")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, f := range all {
		b := path.Base(f)
		if b == lang+".json" || strings.HasSuffix(b, "."+lang+".json") {
			out = append(out, f)
		}
	}
	sort.Strings(out)
	return out, nil
}

// load reads every language's files once. A key defined in two files of one language is an error.
func load() (map[string]*catalog, error) {
	loadOnce.Do(func() {
		catalogs = map[string]*catalog{}
		for _, lang := range Languages {
			c := &catalog{msgs: map[string]string{}, tmpl: map[string]*template.Template{}}
			names, err := files(lang)
			if err != nil {
				loadErr = err
				return
			}
			for _, f := range names {
				data, err := fs.ReadFile(assets.FS, f)
				if err != nil {
					loadErr = err
					return
				}
				var m map[string]string
				if err := json.Unmarshal(data, &m); err != nil {
					loadErr = fmt.Errorf("translations %s: %w", f, err)
					return
				}
				for k, v := range m {
					if _, dup := c.msgs[k]; dup {
						loadErr = fmt.Errorf("translations %s: key %q is defined twice for %s", f, k, lang)
						return
					}
					c.msgs[k] = v
				}
			}
			catalogs[lang] = c
		}
	})
	return catalogs, loadErr
}

func get(lang string) *catalog {
	cs, err := load()
	if err != nil {
		panic("i18n: embedded translations are broken: " + err.Error())
	}
	return cs[norm(lang)]
}

// Messages returns every message of lang as one JSON object, for Fyne's lang.AddTranslationsForLocale.
func Messages(lang string) ([]byte, error) {
	if _, err := load(); err != nil {
		return nil, err
	}
	return json.Marshal(get(lang).msgs)
}

// Keys returns the message keys of lang, sorted.
func Keys(lang string) []string {
	c := get(lang)
	out := make([]string, 0, len(c.msgs))
	for k := range c.msgs {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Has reports whether lang has a sentence for key.
func Has(lang, key string) bool {
	_, ok := get(lang).msgs[key]
	return ok
}

// T renders the sentence of key in lang with data filling its {{.Name}} placeholders. A missing key
// renders as the key itself (the tests make sure none is missing).
func T(lang, key string, data map[string]any) string {
	c := get(lang)
	c.mu.Lock()
	t, ok := c.tmpl[key]
	if !ok {
		msg, found := c.msgs[key]
		if !found {
			c.mu.Unlock()
			return key
		}
		var err error
		if t, err = template.New(key).Parse(msg); err != nil {
			c.mu.Unlock()
			return msg
		}
		c.tmpl[key] = t
	}
	c.mu.Unlock()
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return c.msgs[key]
	}
	return b.String()
}
