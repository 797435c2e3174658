// A small, allocation-free reader of the few top-level keys of a dossier record the figures need.

package figures

import (
	"bytes"
	"time"
)

// recordKeys are the values read from a dossier's Data JSON.
type recordKeys struct {
	procName          string
	submitted, result int64 // unix nanoseconds, 0 = absent or unreadable
	vneid             bool
}

// readRecord reads procedure_name, submitted_at, result_at and vneid from the top level of a
// JSON object. It never fails: malformed or hostile input yields what was read before the
// fault. SQLite's JSON functions are not used because they cost more than the rest of the
// figures together (the record holds the applicant and fees as well).
func readRecord(data []byte, wantName bool) recordKeys {
	var r recordKeys
	scanTop(data, func(key, val []byte) {
		switch string(key) {
		case "submitted_at":
			r.submitted = jsonTime(val)
		case "result_at":
			r.result = jsonTime(val)
		case "vneid":
			r.vneid = string(val) == "true"
		case "procedure_name":
			if wantName && len(val) >= 2 && val[0] == '"' && bytes.IndexByte(val, '\\') < 0 {
				r.procName = string(val[1 : len(val)-1])
			}
		}
	})
	return r
}

// jsonTime reads a JSON string holding an RFC 3339 time.
func jsonTime(val []byte) int64 {
	if len(val) < 2 || val[0] != '"' || val[len(val)-1] != '"' {
		return 0
	}
	t, err := time.Parse(time.RFC3339Nano, string(val[1:len(val)-1]))
	if err != nil || t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// scanTop calls fn with each top-level key (raw, without quotes) and its raw value. It stops
// at the first syntax fault; each step advances, so it always ends.
func scanTop(b []byte, fn func(key, val []byte)) {
	i := skipWS(b, 0)
	if i >= len(b) || b[i] != '{' {
		return
	}
	i++
	for {
		i = skipWS(b, i)
		if i >= len(b) || b[i] != '"' {
			return // '}' or a fault
		}
		end := skipString(b, i)
		if end < 0 {
			return
		}
		key := b[i+1 : end-1]
		i = skipWS(b, end)
		if i >= len(b) || b[i] != ':' {
			return
		}
		i = skipWS(b, i+1)
		vend := skipValue(b, i)
		if vend < 0 {
			return
		}
		fn(key, b[i:vend])
		i = skipWS(b, vend)
		if i >= len(b) || b[i] != ',' {
			return
		}
		i++
	}
}

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
		i++
	}
	return i
}

// skipString returns the index after the string starting at b[i] == '"', or -1.
func skipString(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return -1
}

// skipValue returns the index after the value starting at b[i], or -1.
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				i = skipString(b, i)
				if i < 0 {
					return -1
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return -1
	}
	start := i
	for i < len(b) && b[i] != ',' && b[i] != '}' && b[i] != ']' && b[i] != ' ' && b[i] != '\n' && b[i] != '\r' && b[i] != '\t' {
		i++
	}
	if i == start {
		return -1
	}
	return i
}
