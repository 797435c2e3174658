// Translation files: same keys in vi and en, every key the code uses exists, Vietnamese forced whatever the system locale.

package app

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"fyne.io/fyne/v2/lang"

	"sohoa/assets"
)

func loadLang(t *testing.T, code string) map[string]string {
	t.Helper()
	b, err := fs.ReadFile(assets.FS, "i18n/"+code+".json")
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s.json: %v", code, err)
	}
	return m
}

func TestTranslationKeys(t *testing.T) {
	vi, en := loadLang(t, "vi"), loadLang(t, "en")
	for k := range vi {
		if _, ok := en[k]; !ok {
			t.Errorf("key %q is in vi.json but not en.json", k)
		}
		if strings.TrimSpace(vi[k]) == "" {
			t.Errorf("vi.json: %q is empty", k)
		}
	}
	for k := range en {
		if _, ok := vi[k]; !ok {
			t.Errorf("key %q is in en.json but not vi.json", k)
		}
	}
	// Every key the code names: lang.L("...") literals and key-shaped literals of our namespaces.
	spaces := map[string]bool{}
	for k := range vi {
		if i := strings.IndexByte(k, '.'); i > 0 {
			spaces[k[:i]] = true
		}
	}
	litRE := regexp.MustCompile(`"([a-z_]+)\.([a-z_0-9.]+)"`)
	callRE := regexp.MustCompile(`lang\.L\("([^"]+)"`)
	files, _ := filepath.Glob("*.go")
	used := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range callRE.FindAllStringSubmatch(string(src), -1) {
			if !strings.HasSuffix(m[1], ".") { // a prefix completed at run time, e.g. "applicant." + field
				used[m[1]] = true
			}
		}
		for _, m := range litRE.FindAllStringSubmatch(string(src), -1) {
			if spaces[m[1]] && !strings.HasSuffix(m[0], `."`) {
				used[m[1]+"."+m[2]] = true
			}
		}
	}
	if len(used) < 100 {
		t.Fatalf("found only %d keys in the code: the scan is broken", len(used))
	}
	var missing []string
	for k := range used {
		if _, ok := vi[k]; !ok {
			missing = append(missing, k)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("keys used in app/*.go but missing from the translation files: %v", missing)
	}
}

// TestLanguageForced: Vietnamese is the default whatever the system locale; English is selectable.
func TestLanguageForced(t *testing.T) {
	defer SetLanguage("vi")
	for _, loc := range []string{"C.UTF-8", "en_US.UTF-8", "fr_FR.UTF-8", "de_DE.UTF-8", "vi_VN.UTF-8"} {
		t.Setenv("LANG", loc)
		t.Setenv("LANGUAGE", strings.SplitN(loc, ".", 2)[0])
		if err := SetLanguage("vi"); err != nil {
			t.Fatal(err)
		}
		if got := lang.L("nav.home"); got != "Trang chủ" {
			t.Errorf("LANG=%s, vi: nav.home = %q", loc, got)
		}
		if got := lang.L("Cancel"); got != "Hủy" {
			t.Errorf("LANG=%s, vi: Fyne's Cancel = %q", loc, got)
		}
		if err := SetLanguage("en"); err != nil {
			t.Fatal(err)
		}
		if got := lang.L("nav.home"); got != "Home" {
			t.Errorf("LANG=%s, en: nav.home = %q", loc, got)
		}
	}
	if err := SetLanguage("xx"); err != nil || Language() != "vi" {
		t.Errorf("unknown language: %v, now %s; want the Vietnamese default", err, Language())
	}
}

// TestLanguageSwitch: choosing English in Settings rebuilds the screens in English and is remembered.
func TestLanguageSwitch(t *testing.T) {
	h := newHarness(t, false)
	u, _ := h.start(t)
	if got := u.nav[screenHome].Text; got != "Trang chủ" {
		t.Fatalf("default language: home button %q", got)
	}
	u.show(screenSettings)
	u.settings.language.SetSelected("English")
	settle(t, u)
	if got := u.nav[screenHome].Text; got != "Home" {
		t.Errorf("after choosing English: home button %q", got)
	}
	if u.screen != screenSettings {
		t.Errorf("language switch left settings for %s", u.screen)
	}
	if got := savedLanguage(h.desk); got != "en" {
		t.Errorf("saved language %q", got)
	}
}
