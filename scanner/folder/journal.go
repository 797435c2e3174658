// The hot folder's journal: files being taken, how many of their pages were accepted, and the
// content hashes of completed files; every change is an fsync'd atomic rename.

package folder

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"sohoa/internal/atomicfile"
)

// journal is the state kept in <dir>/.sohoa/.
type journal struct {
	dir      string            // the watched folder
	taking   string            // <dir>/.sohoa/taking
	progress string            // <dir>/.sohoa/progress
	doneLog  string            // <dir>/.sohoa/done.log
	done     map[string]string // SHA-256 (hex) → "NAME at TIME" of completed files
}

// progressRecord is what is known of a file in taking/.
type progressRecord struct {
	SHA256   string `json:"sha256"`
	Name     string `json:"name"`     // the name it had in the watched folder
	Accepted int    `json:"accepted"` // pages OnPage returned nil for, from the first
	Total    int    `json:"total"`
}

func openJournal(dir string) (*journal, error) {
	j := &journal{
		dir:      dir,
		taking:   filepath.Join(dir, stateDir, "taking"),
		progress: filepath.Join(dir, stateDir, "progress"),
		doneLog:  filepath.Join(dir, stateDir, "done.log"),
		done:     map[string]string{},
	}
	for _, p := range []string{j.taking, j.progress} {
		if err := os.MkdirAll(p, 0o755); err != nil {
			return nil, fmt.Errorf("folder: cannot create %s (check the folder's permissions): %w", p, err)
		}
	}
	if err := j.readDone(); err != nil {
		return nil, err
	}
	// A progress record without its file: the file was moved on before the record was removed.
	ents, err := os.ReadDir(j.progress)
	if err != nil {
		return nil, fmt.Errorf("folder: read %s: %w", j.progress, err)
	}
	for _, e := range ents {
		name, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok {
			_ = os.Remove(filepath.Join(j.progress, e.Name())) // a temp file of an interrupted write
			continue
		}
		if _, err := os.Lstat(filepath.Join(j.taking, name)); errors.Is(err, os.ErrNotExist) {
			_ = os.Remove(filepath.Join(j.progress, e.Name()))
		}
	}
	return j, nil
}

// readDone loads done.log: one line per completed file, "SHA256 UNIXTIME NAME". A torn last line
// (the app stopped while appending) is ignored.
func (j *journal) readDone() error {
	f, err := os.Open(j.doneLog)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("folder: read journal %s: %w", j.doneLog, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), " ", 3)
		if len(parts) != 3 || len(parts[0]) != 64 {
			continue
		}
		when := parts[1]
		if sec, err := strconv.ParseInt(parts[1], 10, 64); err == nil {
			when = time.Unix(sec, 0).Format("2006-01-02 15:04")
		}
		j.done[parts[0]] = parts[2] + " at " + when
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("folder: read journal %s: %w", j.doneLog, err)
	}
	return nil
}

// markDone appends sum to done.log and syncs it.
func (j *journal) markDone(sum, name string) error {
	f, err := os.OpenFile(j.doneLog, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("folder: journal: %w", err)
	}
	now := time.Now()
	_, err = fmt.Fprintf(f, "%s %d %s\n", sum, now.Unix(), strings.ReplaceAll(name, "\n", " "))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("folder: journal: %w", err)
	}
	j.done[sum] = name + " at " + now.Format("2006-01-02 15:04")
	return nil
}

// readProgress returns the record of the file called name in taking/ (ok false when none or unreadable).
func (j *journal) readProgress(name string) (progressRecord, bool) {
	var p progressRecord
	b, err := os.ReadFile(filepath.Join(j.progress, name+".json"))
	if err != nil || json.Unmarshal(b, &p) != nil {
		return progressRecord{}, false
	}
	return p, true
}

// writeProgress records p for the file called name in taking/, atomically.
func (j *journal) writeProgress(name string, p progressRecord) error {
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	if err := atomicfile.Write(filepath.Join(j.progress, name+".json"), b, 0o644); err != nil {
		return fmt.Errorf("folder: journal: %w", err)
	}
	return nil
}

func (j *journal) dropProgress(name string) {
	_ = os.Remove(filepath.Join(j.progress, name+".json"))
}

// moveInto renames src into dstDir under name, or "name (2)", "name (3)"… when taken, creating
// dstDir; both folders are synced. It returns the new path.
func moveInto(src, dstDir, name string) (string, error) {
	if err := os.MkdirAll(dstDir, 0o755); err != nil {
		return "", err
	}
	dst := filepath.Join(dstDir, name)
	ext := filepath.Ext(name)
	base := strings.TrimSuffix(name, ext)
	for n := 2; ; n++ {
		if _, err := os.Lstat(dst); errors.Is(err, os.ErrNotExist) {
			break
		}
		if n > 10000 {
			return "", fmt.Errorf("too many files called %s in %s", name, dstDir)
		}
		dst = filepath.Join(dstDir, fmt.Sprintf("%s (%d)%s", base, n, ext))
	}
	if err := atomicfile.Rename(src, dst); err != nil { // waits for a scanner still holding the file, on Windows
		return "", err
	}
	if err := atomicfile.SyncDir(dstDir); err != nil {
		return dst, err
	}
	return dst, atomicfile.SyncDir(filepath.Dir(src))
}
