//go:build cgo && !windows

// Thin cgo binding to libsane. Every call except sane_cancel goes through libMu: libsane is not
// thread-safe. sane_init runs once per process and sane_exit never runs (backends keep state).

package sane

/*
#cgo LDFLAGS: -lsane
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <pthread.h>
#include <sane/sane.h>

static const SANE_String_Const *opt_strings(const SANE_Option_Descriptor *d) { return d->constraint.string_list; }
static const SANE_Word *opt_words(const SANE_Option_Descriptor *d) { return d->constraint.word_list; }
static const SANE_Range *opt_range(const SANE_Option_Descriptor *d) { return d->constraint.range; }
static const char *str_at(const SANE_String_Const *l, int i) { return l[i]; }
static const SANE_Device *dev_at(const SANE_Device **l, int i) { return l[i]; }

// Backends start reader threads (test, many USB backends) that write into a pipe we may close
// with sane_cancel. Such a non-Go thread would kill the process with SIGPIPE, so the calls that
// create threads run with SIGPIPE blocked: the new threads inherit the mask and get EPIPE instead.
#define NO_SIGPIPE(call) \
	sigset_t set, old; sigemptyset(&set); sigaddset(&set, SIGPIPE); \
	pthread_sigmask(SIG_BLOCK, &set, &old); \
	SANE_Status st = call; \
	pthread_sigmask(SIG_SETMASK, &old, NULL); \
	return st;

static SANE_Status init_sane(void) { SANE_Int v; NO_SIGPIPE(sane_init(&v, NULL)) }
static SANE_Status open_sane(SANE_String_Const name, SANE_Handle *h) { NO_SIGPIPE(sane_open(name, h)) }
static SANE_Status start_sane(SANE_Handle h) { NO_SIGPIPE(sane_start(h)) }
static SANE_Status get_devices_sane(const SANE_Device ***l) { NO_SIGPIPE(sane_get_devices(l, SANE_FALSE)) }
*/
import "C"

import (
	"fmt"
	"sync"
	"unsafe"
)

var (
	libMu    sync.Mutex
	initDone bool
	initErr  error
)

// handle is an open SANE device.
type handle struct {
	h    C.SANE_Handle
	name string
}

func statusErr(op, dev string, st C.SANE_Status) error {
	if st == C.SANE_STATUS_GOOD {
		return nil
	}
	return &StatusError{Op: op, Device: dev, Status: int(st), Text: C.GoString(C.sane_strstatus(st))}
}

// ensureInit runs sane_init once; libMu must be held.
func ensureInit() error {
	if !initDone {
		initDone = true
		initErr = statusErr("sane_init", "", C.init_sane())
	}
	return initErr
}

// deviceInfo is one entry of sane_get_devices.
type deviceInfo struct{ Name, Vendor, Model, Type string }

func getDevices() ([]deviceInfo, error) {
	libMu.Lock()
	defer libMu.Unlock()
	if err := ensureInit(); err != nil {
		return nil, err
	}
	var list **C.SANE_Device
	if err := statusErr("sane_get_devices", "", C.get_devices_sane(&list)); err != nil {
		return nil, err
	}
	var out []deviceInfo
	for i := 0; list != nil; i++ {
		d := C.dev_at(list, C.int(i))
		if d == nil {
			break
		}
		out = append(out, deviceInfo{C.GoString(d.name), C.GoString(d.vendor), C.GoString(d.model), C.GoString(d._type)})
	}
	return out, nil
}

func openHandle(name string) (*handle, error) {
	libMu.Lock()
	defer libMu.Unlock()
	if err := ensureInit(); err != nil {
		return nil, err
	}
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var h C.SANE_Handle
	if err := statusErr("sane_open", name, C.open_sane(cname, &h)); err != nil {
		return nil, err
	}
	return &handle{h: h, name: name}, nil
}

func (h *handle) close() {
	libMu.Lock()
	defer libMu.Unlock()
	C.sane_close(h.h)
}

// options reads every option descriptor.
func (h *handle) options() (options, error) {
	libMu.Lock()
	defer libMu.Unlock()
	d0 := C.sane_get_option_descriptor(h.h, 0)
	if d0 == nil {
		return nil, fmt.Errorf("sane %s: no option descriptors", h.name)
	}
	var count C.SANE_Int
	if err := statusErr("sane_control_option(0)", h.name, C.sane_control_option(h.h, 0, C.SANE_ACTION_GET_VALUE, unsafe.Pointer(&count), nil)); err != nil {
		return nil, err
	}
	if count < 1 || count > 10000 {
		return nil, fmt.Errorf("sane %s: implausible option count %d", h.name, count)
	}
	var out options
	for i := 1; i < int(count); i++ {
		d := C.sane_get_option_descriptor(h.h, C.SANE_Int(i))
		if d == nil {
			continue
		}
		o := option{
			Index: i, Name: C.GoString(d.name), Title: C.GoString(d.title),
			Type: int(d._type), Unit: int(d.unit), Size: int(d.size), Cap: int(d.cap), Constraint: int(d.constraint_type),
		}
		switch o.Constraint {
		case constraintString:
			l := C.opt_strings(d)
			for k := 0; l != nil && k < 10000; k++ {
				s := C.str_at(l, C.int(k))
				if s == nil {
					break
				}
				o.Strings = append(o.Strings, C.GoString(s))
			}
		case constraintWords:
			if w := C.opt_words(d); w != nil {
				n := int(*w)
				if n > 0 && n < 10000 {
					words := unsafe.Slice(w, n+1)
					for _, v := range words[1:] {
						o.Words = append(o.Words, int32(v))
					}
				}
			}
		case constraintRange:
			if r := C.opt_range(d); r != nil {
				o.Min, o.Max, o.Quant = int32(r.min), int32(r.max), int32(r.quant)
			}
		}
		out = append(out, o)
	}
	return out, nil
}

// setWord sets a bool, int or fixed option (first element of arrays) and returns the info flags.
func (h *handle) setWord(o option, v int32) (int, error) {
	libMu.Lock()
	defer libMu.Unlock()
	n := max(o.Size/int(unsafe.Sizeof(C.SANE_Word(0))), 1)
	buf := (*C.SANE_Word)(C.calloc(C.size_t(n), C.size_t(unsafe.Sizeof(C.SANE_Word(0)))))
	defer C.free(unsafe.Pointer(buf))
	ws := unsafe.Slice(buf, n)
	for i := range ws {
		ws[i] = C.SANE_Word(v)
	}
	var info C.SANE_Int
	err := statusErr("set option "+o.Name, h.name, C.sane_control_option(h.h, C.SANE_Int(o.Index), C.SANE_ACTION_SET_VALUE, unsafe.Pointer(buf), &info))
	return int(info), err
}

// getWord reads the first word of a bool, int or fixed option.
func (h *handle) getWord(o option) (int32, error) {
	libMu.Lock()
	defer libMu.Unlock()
	size := max(o.Size, int(unsafe.Sizeof(C.SANE_Word(0))))
	buf := C.calloc(1, C.size_t(size))
	defer C.free(buf)
	err := statusErr("get option "+o.Name, h.name, C.sane_control_option(h.h, C.SANE_Int(o.Index), C.SANE_ACTION_GET_VALUE, buf, nil))
	return int32(*(*C.SANE_Word)(buf)), err
}

// setString sets a string option and returns the info flags.
func (h *handle) setString(o option, v string) (int, error) {
	libMu.Lock()
	defer libMu.Unlock()
	if len(v)+1 > o.Size {
		return 0, fmt.Errorf("sane %s: value %q too long for option %s", h.name, v, o.Name)
	}
	buf := (*C.char)(C.calloc(1, C.size_t(o.Size)))
	defer C.free(unsafe.Pointer(buf))
	copy(unsafe.Slice((*byte)(unsafe.Pointer(buf)), o.Size), v)
	var info C.SANE_Int
	err := statusErr("set option "+o.Name, h.name, C.sane_control_option(h.h, C.SANE_Int(o.Index), C.SANE_ACTION_SET_VALUE, unsafe.Pointer(buf), &info))
	return int(info), err
}

// getString reads a string option.
func (h *handle) getString(o option) (string, error) {
	libMu.Lock()
	defer libMu.Unlock()
	buf := (*C.char)(C.calloc(1, C.size_t(o.Size+1)))
	defer C.free(unsafe.Pointer(buf))
	err := statusErr("get option "+o.Name, h.name, C.sane_control_option(h.h, C.SANE_Int(o.Index), C.SANE_ACTION_GET_VALUE, unsafe.Pointer(buf), nil))
	return C.GoString(buf), err
}

// setAuto asks the backend to choose the option's value.
func (h *handle) setAuto(o option) error {
	libMu.Lock()
	defer libMu.Unlock()
	return statusErr("auto option "+o.Name, h.name, C.sane_control_option(h.h, C.SANE_Int(o.Index), C.SANE_ACTION_SET_AUTO, nil, nil))
}

func (h *handle) start() error {
	libMu.Lock()
	defer libMu.Unlock()
	return statusErr("sane_start", h.name, C.start_sane(h.h))
}

func (h *handle) parameters() (params, error) {
	libMu.Lock()
	defer libMu.Unlock()
	var p C.SANE_Parameters
	if err := statusErr("sane_get_parameters", h.name, C.sane_get_parameters(h.h, &p)); err != nil {
		return params{}, err
	}
	return params{
		Format: int(p.format), LastFrame: p.last_frame != 0, BytesPerLine: int(p.bytes_per_line),
		PixelsPerLine: int(p.pixels_per_line), Lines: int(p.lines), Depth: int(p.depth),
	}, nil
}

// read fills buf from sane_read; eof is true at SANE_STATUS_EOF. buf must not be empty.
func (h *handle) read(buf []byte) (n int, eof bool, err error) {
	libMu.Lock()
	defer libMu.Unlock()
	var l C.SANE_Int
	st := C.sane_read(h.h, (*C.SANE_Byte)(unsafe.Pointer(&buf[0])), C.SANE_Int(len(buf)), &l)
	if st == C.SANE_STATUS_EOF {
		return 0, true, nil
	}
	if err := statusErr("sane_read", h.name, st); err != nil {
		return 0, false, err
	}
	return min(int(l), len(buf)), false, nil
}

func (h *handle) cancel() {
	libMu.Lock()
	defer libMu.Unlock()
	C.sane_cancel(h.h)
}
