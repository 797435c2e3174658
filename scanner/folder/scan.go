// The hot folder's Scan loop: polling for complete files, taking them in order, handing their
// pages over and moving them on.

package folder

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"sohoa/internal/atomicfile"
	"sohoa/scanner"
	"sohoa/scanner/importer"
)

// maxMoveFailures is how many polls in a row a waiting file may fail to be moved into taking/
// (on some file systems a file being written is locked) before Scan gives up with an error.
const maxMoveFailures = 5

// crashPoint, when set by a test, is called at each step where the app could stop; a non-nil
// error makes Scan return at once, leaving the folder as a crash would.
var crashPoint func(step string) error

func crash(step string) error {
	if crashPoint == nil {
		return nil
	}
	return crashPoint(step)
}

// stat is what a poll saw of a waiting file.
type stat struct {
	size  int64
	mod   time.Time
	since time.Time // first poll that saw this size and mtime
}

func (s stat) same(o stat) bool { return s.size == o.size && s.mod.Equal(o.mod) }

// run is one Scan.
type run struct {
	d        *Device
	j        *journal
	h        scanner.Handler
	max      int             // MaxPages (0: no limit)
	handed   int             // pages accepted in this Scan
	seen     map[string]stat // waiting files at the last poll
	failures map[string]int  // polls in a row a file could not be moved
}

// errStop ends the loop without an error: MaxPages were handed over.
var errStop = errors.New("stop")

func (r *run) loop(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r.seen, r.failures = map[string]stat{}, map[string]int{}
	err := r.resume(ctx)
	if err == nil {
		err = r.watch(ctx)
	}
	if errors.Is(err, errStop) {
		return nil
	}
	return err
}

// resume offers the files an earlier Scan left in taking/, oldest first.
func (r *run) resume(ctx context.Context) error {
	ents, err := os.ReadDir(r.j.taking)
	if err != nil {
		return fmt.Errorf("folder: read %s: %w", r.j.taking, err)
	}
	files := make([]entry, 0, len(ents))
	for _, e := range ents {
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		files = append(files, entry{name: e.Name(), st: stat{size: info.Size(), mod: info.ModTime()}})
	}
	sortEntries(files)
	for _, f := range files {
		if err := r.offer(ctx, f.name, f.name, stat{}, false); err != nil {
			return err
		}
	}
	return nil
}

// entry is a file and its stat.
type entry struct {
	name string
	st   stat
}

// watch polls the folder until ctx ends, MaxPages or Idle.
func (r *run) watch(ctx context.Context) error {
	t := time.NewTicker(r.d.opt.Interval)
	defer t.Stop()
	lastActivity := time.Now()
	for {
		ready, waiting, err := r.poll(ctx)
		if err != nil {
			return err
		}
		for _, f := range ready {
			if err := r.take(ctx, f); err != nil {
				return err
			}
		}
		if len(ready) > 0 || waiting {
			lastActivity = time.Now()
		}
		if idle := r.d.opt.Idle; idle > 0 && r.handed > 0 && time.Since(lastActivity) >= idle {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// poll lists the waiting files and returns those complete (unchanged since the last poll), in
// order; waiting is true when some file is still being written.
func (r *run) poll(ctx context.Context) (ready []entry, waiting bool, err error) {
	ents, err := os.ReadDir(r.d.dir)
	if err != nil {
		return nil, false, fmt.Errorf("folder: cannot read the scan folder %s (is it still there?): %w", r.d.dir, err)
	}
	now := time.Now()
	present := make(map[string]bool, len(ents))
	for _, e := range ents {
		if ignored(e) {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // gone since ReadDir
		}
		name := e.Name()
		present[name] = true
		cur := stat{size: info.Size(), mod: info.ModTime(), since: now}
		prev, ok := r.seen[name]
		if !ok && cur.size > 0 && now.Sub(cur.mod) >= r.settled() {
			// Untouched for longer than a writer pauses: complete already (a folder filled
			// before the scan), taken at the first look instead of one poll later.
			r.seen[name] = cur
			ready = append(ready, entry{name: name, st: cur})
			continue
		}
		if !ok || !prev.same(cur) {
			r.seen[name] = cur
			waiting = true
			continue
		}
		if cur.size == 0 {
			if now.Sub(prev.since) >= r.d.opt.EmptyGrace {
				if err := r.rejectWaiting(ctx, name); err != nil {
					return nil, false, err
				}
				delete(r.seen, name)
			} else {
				waiting = true
			}
			continue
		}
		ready = append(ready, entry{name: name, st: prev})
	}
	for name := range r.seen {
		if !present[name] {
			delete(r.seen, name)
			delete(r.failures, name)
		}
	}
	sortEntries(ready)
	return ready, waiting, nil
}

// settled is how long a file must have been left untouched (by its modification time) to be
// taken at first sight: twice the poll interval, and at least two seconds.
func (r *run) settled() time.Duration {
	return max(2*r.d.opt.Interval, 2*time.Second)
}

// ignored tells the entries never taken: folders, links, hidden and partial files.
func ignored(e os.DirEntry) bool {
	if !e.Type().IsRegular() {
		return true
	}
	n := strings.ToLower(e.Name())
	if strings.HasPrefix(n, ".") || strings.HasPrefix(n, "~$") || strings.HasSuffix(n, "~") {
		return true
	}
	for _, s := range []string{".tmp", ".temp", ".part", ".partial", ".crdownload", ".download", ".filepart"} {
		if strings.HasSuffix(n, s) {
			return true
		}
	}
	return n == "thumbs.db" || n == "desktop.ini"
}

// sortEntries orders files oldest first, ties by name in natural order.
func sortEntries(es []entry) {
	slices.SortStableFunc(es, func(a, b entry) int {
		if c := a.st.mod.Compare(b.st.mod); c != 0 {
			return c
		}
		return naturalCompare(a.name, b.name)
	})
}

// naturalCompare compares names with digit runs compared as numbers ("p2" < "p10").
func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := digits(a), digits(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if c := cmp.Compare(len(na), len(nb)); c != 0 {
				return c
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return cmp.Compare(a[0], b[0])
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

func digits(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

// take moves a complete waiting file into taking/ and offers it.
func (r *run) take(ctx context.Context, f entry) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	delete(r.seen, f.name)
	tpath, err := moveInto(filepath.Join(r.d.dir, f.name), r.j.taking, f.name)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil // taken away by someone else
		}
		if tpath == "" {
			r.failures[f.name]++
			if r.failures[f.name] >= maxMoveFailures {
				return fmt.Errorf("folder: cannot move %s out of the scan folder (check its permissions): %w", f.name, err)
			}
			return nil // tried again once it is stable again
		}
		// Moved, but the folder could not be synced: carry on, the rename itself happened.
	}
	delete(r.failures, f.name)
	if err := crash("taken"); err != nil {
		return err
	}
	return r.offer(ctx, filepath.Base(tpath), f.name, f.st, true)
}

// offer decodes the file called name in taking/ (orig in the watched folder) and hands over its
// pages not yet accepted. fresh is true for a file just taken, whose stat when taken was st.
func (r *run) offer(ctx context.Context, name, orig string, st stat, fresh bool) error {
	path := filepath.Join(r.j.taking, name)
	rec, ok := r.j.readProgress(name)
	if ok && rec.Name != "" {
		orig = rec.Name
	}
	limit := r.d.opt.Import.MaxBytes
	if limit <= 0 {
		limit = importer.DefaultMaxBytes
	}
	if info, err := os.Stat(path); err == nil && info.Size() > limit {
		// Not even read: importer would refuse it, after reading it all into memory.
		return r.reject(name, orig, fmt.Errorf("%w: %s is %d MB, more than the %d MB allowed; scan it in smaller parts", importer.ErrTooLarge, orig, info.Size()>>20, limit>>20))
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("folder: read %s: %w", orig, err)
	}
	sum := sha256.Sum256(data)
	if !ok || rec.SHA256 != hex.EncodeToString(sum[:]) {
		rec = progressRecord{SHA256: hex.EncodeToString(sum[:]), Name: orig}
	}
	if rec.Total > 0 && rec.Accepted >= rec.Total {
		return r.finish(name, rec) // all pages were accepted before the app stopped
	}
	if prev, dup := r.j.done[rec.SHA256]; dup && rec.Accepted == 0 {
		return r.reject(name, rec.Name, fmt.Errorf("%w (first taken as %s)", ErrDuplicate, prev))
	}
	if r.h.OnProgress != nil {
		r.h.OnProgress(scanner.Progress{Page: r.handed})
	}
	var res importer.Result
	if isPDF(data) {
		err = ErrPDF // not even parsed: whole or damaged, it belongs to the import action
	} else {
		res, err = importer.ImportBytes(rec.Name, data, r.d.opt.Import)
	}
	if err == nil && res.Kind == importer.KindPDF {
		err = ErrPDF
	}
	if err == nil && len(res.Pages) == 0 {
		err = fmt.Errorf("%w: %s has no pages", importer.ErrCorrupt, rec.Name)
	}
	if err != nil {
		if fresh && changed(path, st) {
			// Still being written after all: put it back to be taken when complete.
			_, merr := moveInto(path, r.d.dir, rec.Name)
			return merr
		}
		return r.reject(name, rec.Name, err)
	}
	if rec.Accepted > len(res.Pages) {
		rec.Accepted = 0
	}
	rec.Total = len(res.Pages)
	for i := rec.Accepted; i < rec.Total; i++ {
		if r.max > 0 && r.handed >= r.max {
			return errStop // the rest of the file waits in taking/ for the next Scan
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		p := res.Pages[i]
		p.Index = r.handed
		if p.DPI <= 0 {
			p.DPI = 200
		}
		if err := r.h.OnPage(p); err != nil {
			return fmt.Errorf("folder: %s, page %d: %w", rec.Name, i+1, err)
		}
		r.handed++
		if r.h.OnProgress != nil {
			r.h.OnProgress(scanner.Progress{Page: p.Index, Fraction: 1})
		}
		if err := crash("accepted"); err != nil {
			return err
		}
		rec.Accepted = i + 1
		if err := r.j.writeProgress(name, rec); err != nil {
			return err
		}
		if err := crash("recorded"); err != nil {
			return err
		}
	}
	if err := r.finish(name, rec); err != nil {
		return err
	}
	if r.max > 0 && r.handed >= r.max {
		return errStop
	}
	return nil
}

// finish records a fully accepted file as done and moves it to processed/.
func (r *run) finish(name string, rec progressRecord) error {
	if _, ok := r.j.done[rec.SHA256]; !ok {
		if err := r.j.markDone(rec.SHA256, rec.Name); err != nil {
			return err
		}
	}
	if err := crash("done"); err != nil {
		return err
	}
	if _, err := moveInto(filepath.Join(r.j.taking, name), filepath.Join(r.d.dir, ProcessedDir), rec.Name); err != nil {
		return fmt.Errorf("folder: cannot move %s to %s (check the folder's permissions): %w", rec.Name, ProcessedDir, err)
	}
	if err := crash("moved"); err != nil {
		return err
	}
	r.j.dropProgress(name)
	return nil
}

// changed tells whether the file at path no longer has the size and mtime it was taken with.
func changed(path string, st stat) bool {
	info, err := os.Stat(path)
	return err != nil || info.Size() != st.size || !info.ModTime().Equal(st.mod)
}

// reject moves the file called name in taking/ to rejected/, with a NAME.txt saying why.
func (r *run) reject(name, orig string, why error) error {
	dst, err := moveInto(filepath.Join(r.j.taking, name), filepath.Join(r.d.dir, RejectedDir), orig)
	if err != nil {
		return fmt.Errorf("folder: cannot move %s to %s (check the folder's permissions): %w", orig, RejectedDir, err)
	}
	r.j.dropProgress(name)
	return r.noteRejected(orig, dst, why)
}

// rejectWaiting moves a waiting file straight to rejected/ (an empty file).
func (r *run) rejectWaiting(_ context.Context, name string) error {
	dst, err := moveInto(filepath.Join(r.d.dir, name), filepath.Join(r.d.dir, RejectedDir), name)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("folder: cannot move %s to %s (check the folder's permissions): %w", name, RejectedDir, err)
	}
	return r.noteRejected(name, dst, ErrEmpty)
}

func (r *run) noteRejected(orig, dst string, why error) error {
	re := &RejectedError{Name: orig, Path: dst, Err: why}
	note := fmt.Sprintf("%s\n%s\n", time.Now().Format("2006-01-02 15:04:05"), re.Error())
	if err := atomicfile.Write(dst+".txt", []byte(note), 0o644); err != nil {
		return fmt.Errorf("folder: write the reason for rejecting %s: %w", orig, err)
	}
	if r.d.opt.OnReject != nil {
		r.d.opt.OnReject(re)
	}
	return nil
}

// isPDF tells a PDF by its header, which may follow up to 1 KB of junk (as PDF readers allow).
func isPDF(data []byte) bool {
	return bytes.Contains(data[:min(len(data), 1024)], []byte("%PDF-"))
}
