// Every program the tests and scripts run is installed by `make test`: the commands are read from
// the Go sources (exec.Command, exec.LookPath and the helpers that pass a parameter on to them) and
// from the shell scripts and Makefile recipes, each is looked up in the table below, and its
// Debian package must be in a package list that `make test` installs (or be in every Debian).

package selfcheck

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"mvdan.cc/sh/v3/syntax"
)

// tool says where a command comes from.
type tool struct {
	pkg  string // Debian package that installs it; "" for the Go toolchain
	base bool   // the package is in every Debian root (Essential, or Priority required)
	why  string // for a command that is never run by a test: why it needs no package
}

// tools maps every command the project runs to its Debian package. A command missing here fails
// TestEveryToolIsInstalledByMakeTest; a wrong package fails TestToolTableMatchesDebian.
var tools = map[string]tool{
	// The Go toolchain (the Makefile's GO, /usr/local/go).
	"go": {}, "gofmt": {},
	// Test tools proper.
	"pdfsig": {pkg: "poppler-utils"}, "pdfinfo": {pkg: "poppler-utils"}, "pdftotext": {pkg: "poppler-utils"},
	"pdftoppm": {pkg: "poppler-utils"}, "pdfimages": {pkg: "poppler-utils"}, "pdffonts": {pkg: "poppler-utils"},
	"qpdf":          {pkg: "qpdf"},
	"certutil":      {pkg: "libnss3-tools"},
	"softhsm2-util": {pkg: "softhsm2"},
	"openssl":       {pkg: "openssl"},
	"ssconvert":     {pkg: "gnumeric"},
	"convert":       {pkg: "imagemagick"}, "identify": {pkg: "imagemagick"}, "import": {pkg: "imagemagick"},
	"scanimage": {pkg: "sane-utils"},
	"xvfb-run":  {pkg: "xvfb"}, "Xvfb": {pkg: "xvfb"},
	"xauth":                  {pkg: "xauth"},
	"xdotool":                {pkg: "xdotool"},
	"file":                   {pkg: "file"},
	"desktop-file-validate":  {pkg: "desktop-file-utils"},
	"objdump":                {pkg: "binutils"},
	"xz":                     {pkg: "xz-utils"},
	"osslsigncode":           {pkg: "osslsigncode"},
	"wixl":                   {pkg: "wixl"},
	"debootstrap":            {pkg: "debootstrap"},
	"x86_64-w64-mingw32-gcc": {pkg: "gcc-mingw-w64-x86-64"},
	"make":                   {pkg: "make"},
	"git":                    {pkg: "git"},
	// In every Debian root.
	"mount": {pkg: "mount", base: true}, "umount": {pkg: "mount", base: true},
	"apt-get": {pkg: "apt", base: true},
	"dpkg":    {pkg: "dpkg", base: true}, "dpkg-deb": {pkg: "dpkg", base: true}, "dpkg-query": {pkg: "dpkg", base: true},
	"tar": {pkg: "tar", base: true}, "grep": {pkg: "grep", base: true}, "sed": {pkg: "sed", base: true},
	"awk": {pkg: "mawk", base: true}, "find": {pkg: "findutils", base: true}, "xargs": {pkg: "findutils", base: true},
	"ldd": {pkg: "libc-bin", base: true}, "ldconfig": {pkg: "libc-bin", base: true},
	"bash": {pkg: "bash", base: true}, "sh": {pkg: "dash", base: true},
	"cat": {pkg: "coreutils", base: true}, "cp": {pkg: "coreutils", base: true}, "cut": {pkg: "coreutils", base: true},
	"date": {pkg: "coreutils", base: true}, "dd": {pkg: "coreutils", base: true}, "du": {pkg: "coreutils", base: true},
	"env": {pkg: "coreutils", base: true}, "head": {pkg: "coreutils", base: true}, "id": {pkg: "coreutils", base: true},
	"install": {pkg: "coreutils", base: true}, "ls": {pkg: "coreutils", base: true}, "mkdir": {pkg: "coreutils", base: true},
	"mktemp": {pkg: "coreutils", base: true}, "mv": {pkg: "coreutils", base: true}, "nice": {pkg: "coreutils", base: true},
	"paste": {pkg: "coreutils", base: true}, "readlink": {pkg: "coreutils", base: true}, "rm": {pkg: "coreutils", base: true},
	"sort": {pkg: "coreutils", base: true}, "stat": {pkg: "coreutils", base: true}, "sync": {pkg: "coreutils", base: true},
	"tail": {pkg: "coreutils", base: true}, "tee": {pkg: "coreutils", base: true}, "timeout": {pkg: "coreutils", base: true},
	"touch": {pkg: "coreutils", base: true}, "tr": {pkg: "coreutils", base: true}, "uname": {pkg: "coreutils", base: true},
	"wc": {pkg: "coreutils", base: true}, "chmod": {pkg: "coreutils", base: true}, "basename": {pkg: "coreutils", base: true},
	"dirname": {pkg: "coreutils", base: true}, "sha256sum": {pkg: "coreutils", base: true}, "ln": {pkg: "coreutils", base: true},
	// Run by the program, never by a test (the tests give it their own browser or skip the platform).
	"xdg-open": {why: "opens the citizen's sign-in page in the officer's browser; the tests pass their own OpenBrowser"},
	"open":     {why: "macOS's xdg-open"},
	"rundll32": {why: "Windows's xdg-open"},
}

// notTests are files that call commands but are not run by `make test`, with the reason.
var notTests = map[string]string{
	"scripts/clean-room.sh":  "the clean-room proof runs on the host (debootstrap, chroot) and then `make test` inside",
	"scripts/bench-pages.sh": "run by `make bench`, not `make test` (it needs tesseract, bc and python3, which no list installs yet)",
}

// goHelper is a function that runs the command named by one of its parameters.
type goHelper struct{ param int }

// execArg is the position of the command's name among the arguments of the os/exec functions.
var execArg = map[string]int{"Command": 0, "CommandContext": 1, "LookPath": 0}

// goCommands returns the commands run by the Go files under root: string literals passed as the
// command name to exec.Command/CommandContext/LookPath, or to a function of the module that passes
// its parameter on to them (directly or through another such function), with where they are.
func goCommands(t testing.TB, root string) map[string][]string {
	t.Helper()
	type file struct {
		rel, dir string
		f        *ast.File
	}
	var files []file
	fset := token.NewFileSet()
	pkgDirs := map[string][]string{} // package name → folders
	repoFiles(t, root, func(rel, abs string) {
		if !strings.HasSuffix(rel, ".go") || strings.HasPrefix(rel, "testdata/") || strings.Contains(rel, "/testdata/") {
			return
		}
		f, err := parser.ParseFile(fset, abs, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		dir := filepath.Dir(rel)
		files = append(files, file{rel, dir, f})
		name := strings.TrimSuffix(f.Name.Name, "_test")
		pkgDirs[name] = append(pkgDirs[name], dir)
	})
	// helpers: "dir\x00func" → the parameter holding the command.
	helpers := map[string]goHelper{}
	key := func(dir, fn string) string { return dir + "\x00" + fn }
	// callee resolves a call to (name of the exec function, "") or ("", helper keys).
	callee := func(fl file, call *ast.CallExpr) (execFn string, keys []string) {
		switch fn := call.Fun.(type) {
		case *ast.Ident:
			return "", []string{key(fl.dir, fn.Name)}
		case *ast.SelectorExpr:
			x, ok := fn.X.(*ast.Ident)
			if !ok {
				return "", nil
			}
			if x.Name == "exec" {
				if _, ok := execArg[fn.Sel.Name]; ok {
					return fn.Sel.Name, nil
				}
			}
			for _, d := range pkgDirs[x.Name] {
				keys = append(keys, key(d, fn.Sel.Name))
			}
		}
		return "", keys
	}
	argAt := func(fl file, call *ast.CallExpr) (int, bool) {
		ex, keys := callee(fl, call)
		if ex != "" {
			return execArg[ex], true
		}
		for _, k := range keys {
			if h, ok := helpers[k]; ok {
				return h.param, true
			}
		}
		return 0, false
	}
	// Helpers to a fixed point: a function whose parameter reaches a command argument.
	for changed := true; changed; {
		changed = false
		for _, fl := range files {
			for _, d := range fl.f.Decls {
				fd, ok := d.(*ast.FuncDecl)
				if !ok || fd.Body == nil || fd.Recv != nil {
					continue
				}
				k := key(fl.dir, fd.Name.Name)
				if _, done := helpers[k]; done {
					continue
				}
				params := map[string]int{}
				i := 0
				for _, f := range fd.Type.Params.List {
					for _, n := range f.Names {
						params[n.Name] = i
						i++
					}
					if len(f.Names) == 0 {
						i++
					}
				}
				ast.Inspect(fd.Body, func(n ast.Node) bool {
					call, ok := n.(*ast.CallExpr)
					if !ok {
						return true
					}
					if at, ok := argAt(fl, call); ok && at < len(call.Args) {
						if id, ok := call.Args[at].(*ast.Ident); ok {
							if p, ok := params[id.Name]; ok {
								helpers[k] = goHelper{p}
								changed = true
							}
						}
					}
					return true
				})
			}
		}
	}
	found := map[string][]string{}
	for _, fl := range files {
		ast.Inspect(fl.f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if at, ok := argAt(fl, call); ok && at < len(call.Args) {
				if lit, ok := call.Args[at].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					if s, err := strconv.Unquote(lit.Value); err == nil {
						found[s] = append(found[s], fmt.Sprintf("%s:%d", fl.rel, fset.Position(lit.Pos()).Line))
					}
				}
			}
			return true
		})
	}
	return found
}

// shellBuiltins are bash's builtins and keywords: never a package's.
var shellBuiltins = map[string]bool{}

func init() {
	for _, b := range strings.Fields(`. : [ alias bg bind break builtin caller cd command compgen complete
		continue declare dirs disown echo enable eval exec exit export false fc fg getopts hash help history
		jobs kill let local logout mapfile popd printf pushd pwd read readarray readonly return set shift
		shopt source suspend test times trap true type typeset ulimit umask unalias unset wait`) {
		shellBuiltins[b] = true
	}
}

// wrappers are commands that run their arguments as a command, with how many leading
// arguments (besides options) they take first.
var wrappers = map[string]int{"env": 0, "nice": 0, "timeout": 1, "sudo": 0, "exec": 0, "time": 0, "xargs": 0}

// wrapperOptsWithArg are options of the wrappers that take a value.
var wrapperOptsWithArg = map[string]bool{"-n": true, "-s": true, "-k": true, "-u": true, "-e": true, "-f": true, "-p": true, "-w": true, "--signal": true}

// shellCommands returns the commands a shell script runs: the first word of every simple command,
// looked at through wrappers (env, timeout, nice, xvfb-run, the scripts' own check helper),
// `command -v NAME`, and the strings given to `bash -c` and trap, which are parsed in turn.
func shellCommands(src, name string) (map[string]bool, error) {
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(src), name)
	if err != nil {
		return nil, err
	}
	cmds := map[string]bool{}
	funcs := map[string]bool{}
	syntax.Walk(f, func(n syntax.Node) bool {
		if fd, ok := n.(*syntax.FuncDecl); ok && fd.Name != nil {
			funcs[fd.Name.Value] = true
		}
		return true
	})
	// text is a word's value when it is made of literal and quoted parts only; raw is its source.
	text := func(w *syntax.Word) (string, bool) {
		var b strings.Builder
		for _, p := range w.Parts {
			switch p := p.(type) {
			case *syntax.Lit:
				b.WriteString(p.Value)
			case *syntax.SglQuoted:
				b.WriteString(p.Value)
			case *syntax.DblQuoted:
				for _, q := range p.Parts {
					l, ok := q.(*syntax.Lit)
					if !ok {
						return "", false
					}
					b.WriteString(l.Value)
				}
			default:
				return "", false
			}
		}
		return b.String(), true
	}
	raw := func(w *syntax.Word) string {
		s := src[w.Pos().Offset():w.End().Offset()]
		if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
			s = s[1 : len(s)-1]
		}
		return s
	}
	var errs []error
	sub := func(w *syntax.Word) {
		inner, err := shellCommands(raw(w), name)
		if err != nil {
			errs = append(errs, err)
			return
		}
		for c := range inner {
			cmds[c] = true
		}
	}
	var visit func(args []*syntax.Word)
	visit = func(args []*syntax.Word) {
		if len(args) == 0 {
			return
		}
		cmd, ok := text(args[0])
		if !ok || cmd == "" {
			return // "$bin", "$GO": a program the script was given or built
		}
		rest := args[1:]
		switch {
		case cmd == "command":
			if len(rest) >= 2 {
				if o, _ := text(rest[0]); o == "-v" {
					if c, ok := text(rest[1]); ok && c != "" {
						cmds[c] = true
					}
					return
				}
			}
			visit(rest)
			return
		case cmd == "trap":
			if len(rest) > 0 {
				sub(rest[0])
			}
			return
		case cmd == "check" && funcs[cmd]: // check "what it checks" COMMAND ARGS...
			if len(rest) > 0 {
				visit(rest[1:])
			}
			return
		case cmd == "bash" || cmd == "sh":
			cmds[cmd] = true
			for i, a := range rest {
				if o, _ := text(a); o == "-c" && i+1 < len(rest) {
					sub(rest[i+1])
				}
			}
			return
		case cmd == "xvfb-run":
			cmds[cmd] = true
			cmds["Xvfb"], cmds["xauth"] = true, true // what xvfb-run itself runs
			for len(rest) > 0 {
				o, _ := text(rest[0])
				if !strings.HasPrefix(o, "-") {
					break
				}
				rest = rest[1:]
				if len(o) == 2 && strings.ContainsRune("eflnpsw", rune(o[1])) && len(rest) > 0 {
					rest = rest[1:]
				}
			}
			visit(rest)
			return
		}
		if shellBuiltins[cmd] || funcs[cmd] {
			return
		}
		cmds[cmd] = true
		if skip, ok := wrappers[cmd]; ok {
			for len(rest) > 0 {
				o, _ := text(rest[0])
				if cmd == "env" && strings.Contains(o, "=") || strings.HasPrefix(o, "-") {
					rest = rest[1:]
					if wrapperOptsWithArg[o] && len(rest) > 0 {
						rest = rest[1:]
					}
					continue
				}
				break
			}
			if skip <= len(rest) {
				visit(rest[skip:])
			}
		}
		if cmd == "tar" {
			for _, a := range rest {
				if o, _ := text(a); strings.HasPrefix(o, "-") && !strings.HasPrefix(o, "--") && strings.Contains(o, "J") {
					cmds["xz"] = true // tar -J runs xz
				}
			}
		}
	}
	syntax.Walk(f, func(n syntax.Node) bool {
		if c, ok := n.(*syntax.CallExpr); ok {
			visit(c.Args)
		}
		return true
	})
	if len(errs) > 0 {
		return cmds, errs[0]
	}
	return cmds, nil
}

// makefile is what the check needs of the Makefile and the files it includes.
type makefile struct {
	lists   map[string][]string // NAME_PKGS → packages
	prereqs map[string][]string // target → prerequisites and the targets its recipe runs with $(MAKE)
	recipes map[string][]string // target → recipe lines (continuations joined)
}

var (
	mkAssign = regexp.MustCompile(`^([A-Z0-9_]+_PKGS)\s*:?=\s*(.*)$`)
	mkRule   = regexp.MustCompile(`^([A-Za-z0-9_.%-]+(?:\s+[A-Za-z0-9_.%-]+)*)\s*:([^=].*|)$`)
	mkSubst  = regexp.MustCompile(`\$\(([A-Z_]+)\)`)
)

// readMakefile reads the lists, rules and recipes of the Makefile and of what it includes.
func readMakefile(t testing.TB, root string) makefile {
	t.Helper()
	m := makefile{lists: map[string][]string{}, prereqs: map[string][]string{}, recipes: map[string][]string{}}
	var read func(rel string)
	read = func(rel string) {
		b, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.ReplaceAll(string(b), "\\\n", " "), "\n")
		var targets []string
		for _, l := range lines {
			if strings.HasPrefix(l, "\t") {
				r := strings.TrimSpace(l)
				for _, tg := range targets {
					m.recipes[tg] = append(m.recipes[tg], r)
					if strings.Contains(r, "$(MAKE)") {
						for _, w := range strings.Fields(r[strings.Index(r, "$(MAKE)")+len("$(MAKE)"):]) {
							if !strings.HasPrefix(w, "-") && !strings.Contains(w, "=") {
								m.prereqs[tg] = append(m.prereqs[tg], w)
							}
						}
					}
				}
				continue
			}
			if strings.HasPrefix(l, "#") || strings.TrimSpace(l) == "" {
				continue
			}
			targets = nil
			if inc, ok := strings.CutPrefix(l, "-include "); ok {
				read(strings.TrimSpace(inc))
			} else if inc, ok := strings.CutPrefix(l, "include "); ok {
				read(strings.TrimSpace(inc))
			} else if a := mkAssign.FindStringSubmatch(l); a != nil {
				m.lists[a[1]] = strings.Fields(a[2])
			} else if r := mkRule.FindStringSubmatch(l); r != nil && !strings.HasPrefix(r[1], ".") {
				targets = strings.Fields(r[1])
				for _, tg := range targets {
					m.prereqs[tg] = append(m.prereqs[tg], strings.Fields(r[2])...)
				}
			}
		}
	}
	read("Makefile")
	return m
}

// closure is the set of targets that `make TARGET` runs.
func (m makefile) closure(target string) map[string]bool {
	seen := map[string]bool{}
	var walk func(string)
	walk = func(tg string) {
		if seen[tg] {
			return
		}
		seen[tg] = true
		for _, p := range m.prereqs[tg] {
			walk(p)
		}
	}
	walk(target)
	return seen
}

// installedBy returns the packages that `make TARGET` installs: the lists named in the recipes
// of the targets it runs.
func (m makefile) installedBy(target string) map[string]string {
	pkgs := map[string]string{}
	for tg := range m.closure(target) {
		for _, r := range m.recipes[tg] {
			for _, s := range mkSubst.FindAllStringSubmatch(r, -1) {
				for _, p := range m.lists[s[1]] {
					pkgs[p] = s[1]
				}
			}
		}
	}
	return pkgs
}

// recipeScript turns the recipes of the targets `make TARGET` runs into a shell script.
func (m makefile) recipeScript(target string) string {
	var b strings.Builder
	var tgs []string
	for tg := range m.closure(target) {
		tgs = append(tgs, tg)
	}
	sort.Strings(tgs)
	for _, tg := range tgs {
		for _, r := range m.recipes[tg] {
			r = strings.TrimLeft(r, "@-+")
			r = strings.NewReplacer("$(GO)", "go", "$(MAKE)", "make", "$(SUDO) ", "", "$$", "$").Replace(r)
			r = mkSubst.ReplaceAllString(r, "$$$1")
			b.WriteString(r + "\n")
		}
	}
	return b.String()
}

func TestEveryToolIsInstalledByMakeTest(t *testing.T) {
	root := moduleRoot(t)
	mk := readMakefile(t, root)
	installed := mk.installedBy("test")
	for _, want := range []string{"poppler-utils", "softhsm2", "xvfb"} { // the parse found the lists
		if installed[want] == "" {
			t.Fatalf("`make test` seems not to install %s: the Makefile's package lists were not read (%v)", want, mk.lists)
		}
	}
	uses := map[string][]string{} // command → where
	for c, at := range goCommands(t, root) {
		uses[c] = append(uses[c], at...)
	}
	if len(uses) < 8 {
		t.Fatalf("found only %d commands in the Go sources: the scan is broken (%v)", len(uses), uses)
	}
	scripts := map[string]string{"Makefile (make test)": mk.recipeScript("test")}
	repoFiles(t, root, func(rel, abs string) {
		if strings.HasSuffix(rel, ".sh") || rel == ".ci/run" {
			b, err := os.ReadFile(abs)
			if err != nil {
				t.Fatal(err)
			}
			scripts[rel] = string(b)
		}
	})
	for rel, src := range scripts {
		cmds, err := shellCommands(src, rel)
		if err != nil {
			t.Errorf("%s: %v", rel, err)
		}
		if _, skip := notTests[rel]; skip {
			continue // parsed (a syntax error fails), but its programs are the host's
		}
		for c := range cmds {
			uses[c] = append(uses[c], rel)
		}
	}
	var names []string
	for c := range uses {
		names = append(names, c)
	}
	sort.Strings(names)
	for _, c := range names {
		tl, ok := tools[c]
		where := strings.Join(uses[c], ", ")
		switch {
		case !ok:
			t.Errorf("`%s` (run by %s) is not in the tool table of internal/selfcheck/tools_test.go: add it with its Debian package, and put the package in a list the Makefile's test target installs", c, where)
		case tl.why != "" || tl.pkg == "" || tl.base:
		case installed[tl.pkg] == "":
			t.Errorf("`%s` (run by %s) comes from the Debian package %s, which `make test` does not install: add it to TEST_PKGS in the Makefile", c, where, tl.pkg)
		default:
			t.Logf("%-24s %-22s %s", c, tl.pkg+" ("+installed[tl.pkg]+")", where)
		}
	}
}

// The table tells the truth on this machine: each installed command belongs to the package the
// table names (or to one that package depends on, as imagemagick on imagemagick-6.q16), and the
// packages said to be in every Debian root are Essential or of required priority.
func TestToolTableMatchesDebian(t *testing.T) {
	if _, err := exec.LookPath("dpkg-query"); err != nil {
		t.Skip("not a Debian system: dpkg-query is missing")
	}
	// One dpkg-query for the packages said to be in every Debian root.
	base := map[string]bool{}
	for _, tl := range tools {
		if tl.base {
			base[tl.pkg] = true
		}
	}
	args := []string{"-W", "-f", "${Package} ${Essential} ${Priority}\n"}
	for p := range base {
		args = append(args, p)
	}
	out, _ := exec.Command("dpkg-query", args...).Output()
	for _, l := range strings.Split(string(out), "\n") {
		if f := strings.Fields(l); len(f) > 0 {
			if l := strings.Join(f[1:], " "); !strings.HasPrefix(l, "yes") && !strings.HasSuffix(l, "required") {
				t.Errorf("package %s is %q, not Essential nor required: put it in TEST_PKGS and drop base in the table", f[0], l)
			}
			delete(base, f[0])
		}
	}
	for p := range base {
		t.Errorf("package %s is not installed, yet the table says every Debian root has it", p)
	}
	// One dpkg-query for the owners of every installed command (through symbolic links and the
	// merged /usr).
	paths := map[string][]string{} // command → candidate paths
	var all []string
	for c, tl := range tools {
		if tl.pkg == "" {
			continue
		}
		p, err := exec.LookPath(c)
		if err != nil {
			continue // not installed here (only what `make test` installs must be)
		}
		cands := []string{p}
		if r, err := filepath.EvalSymlinks(p); err == nil && r != p {
			cands = append(cands, r)
		}
		for _, x := range append([]string(nil), cands...) {
			if s, ok := strings.CutPrefix(x, "/usr"); ok {
				cands = append(cands, s)
			} else {
				cands = append(cands, "/usr"+x)
			}
		}
		paths[c] = cands
		all = append(all, cands...)
	}
	out, _ = exec.Command("dpkg-query", append([]string{"-S"}, all...)...).Output()
	owners := map[string]string{}
	for _, l := range strings.Split(string(out), "\n") {
		pkg, path, ok := strings.Cut(l, ": ")
		if ok && !strings.HasPrefix(pkg, "diversion") {
			owners[path] = strings.TrimSpace(strings.Split(pkg, ",")[0])
		}
	}
	checked := 0
	for c, cands := range paths {
		tl := tools[c]
		owner := ""
		for _, p := range cands {
			if owner = owners[p]; owner != "" {
				break
			}
		}
		if owner == "" {
			t.Logf("%s: dpkg does not know %v", c, cands)
			continue
		}
		checked++
		if owner == tl.pkg {
			continue
		}
		deps, _ := exec.Command("dpkg-query", "-W", "-f", "${Depends}", tl.pkg).Output()
		if !regexp.MustCompile(`(^|[ ,|])` + regexp.QuoteMeta(owner) + `([ ,:(]|$)`).Match(deps) {
			t.Errorf("%s (%s) belongs to the package %s, not to %s as the table says", c, cands[0], owner, tl.pkg)
		}
	}
	if checked < 10 {
		t.Fatalf("checked the owner of only %d commands: the dpkg look-up is broken", checked)
	}
}

// The shell reading finds commands where the project's scripts put them: behind check, inside
// bash -c strings, after env/timeout/xvfb-run options, in pipes and command substitutions; and
// it ignores builtins, the scripts' own functions and programs named by a variable.
func TestShellCommandsSeesThroughWrappers(t *testing.T) {
	src := `#!/usr/bin/env bash
ok() { echo "ok $*"; }
check() { local what=$1; shift; if "$@" >/dev/null 2>&1; then ok "$what"; fi; }
trap 'rm -rf "$tmp"' EXIT
command -v osslsigncode >/dev/null || exit 1
check "icon is a PNG" bash -c "file '$x/icon.png' | grep -q '512 x 512'"
check "desktop file" desktop-file-validate "$x/a.desktop"
v=$(env -i HOME="$tmp" PATH=/usr/bin "$bin" --version 2>&1)
timeout "${TIMEOUT:-240}" xvfb-run -a -s "-screen 0 1366x768x24" "$bin" gui
for l in $(objdump -p "$bin" | awk '/NEEDED/ {print $2}'); do echo "$l"; done
tar -C "$t" -cJf out.tar.xz .
"$GO" build ./...
cat <<'EOF'
notacommand here
EOF
`
	got, err := shellCommands(src, "t.sh")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Xvfb", "awk", "bash", "cat", "desktop-file-validate", "env", "file", "grep", "objdump",
		"osslsigncode", "rm", "tar", "timeout", "xauth", "xvfb-run", "xz"}
	var have []string
	for c := range got {
		have = append(have, c)
	}
	sort.Strings(have)
	if strings.Join(have, " ") != strings.Join(want, " ") {
		t.Fatalf("commands = %v\n      want %v", have, want)
	}
}

// The Go reading finds commands given to exec directly and through helpers of any depth,
// including a helper of another package called by its package name.
func TestGoCommandsFollowsHelpers(t *testing.T) {
	root := t.TempDir()
	write := func(rel, src string) {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("h/h.go", `package h
import "os/exec"
func Run(dir, name string, args ...string) { exec.Command(name, args...).Run() }
`)
	write("a/a_test.go", `package a_test
import ("context"; "os/exec"; "x/h")
func sh(name string) { h.Run(".", name) }
func use() {
	sh("softhsm2-util")
	h.Run(".", "pdfsig")
	exec.CommandContext(context.Background(), "qpdf", "--check")
	exec.LookPath("pdftoppm")
	exec.Command(binary)
	h.Run("gs", name2)
}
`)
	got := goCommands(t, root)
	var have []string
	for c := range got {
		have = append(have, c)
	}
	sort.Strings(have)
	if want := "pdfsig pdftoppm qpdf softhsm2-util"; strings.Join(have, " ") != want {
		t.Fatalf("commands = %v, want %s", have, want)
	}
}
