// The scan job: POST ScanJobs, GET NextDocument until 404, busy retries, status checks, cancel.

package escl

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // pages arrive as JPEG
	_ "image/png"  // some devices answer a JPEG request with PNG
	"net/http"
	"time"

	"sohoa/scanner"
)

// Scan runs one scan job and hands each page to h.OnPage as soon as it is decoded. It refuses
// settings the device cannot do (ErrUnsupported) before any job is posted. When ctx is
// cancelled the job is deleted on the device. Pages already handed over stay valid whatever
// the outcome; the returned *Error counts them in Pages.
func (d *Device) Scan(ctx context.Context, s scanner.Settings, h scanner.Handler) error {
	caps, err := d.ScannerCapabilities(ctx)
	if err != nil {
		return err
	}
	s = scanner.Normalize(s, caps.Generic())
	req, err := caps.Request(s)
	if err != nil {
		return err
	}
	job, err := d.createJob(ctx, req, s.Source)
	if err != nil {
		return err
	}
	j := &jobRun{d: d, url: job, src: s.Source, dpi: req.XResolution, duplex: req.Duplex, max: s.MaxPages, h: h}
	if s.Source == scanner.SourcePlaten && j.max == 0 {
		j.max = 1
	}
	return j.run(ctx)
}

// createJob posts the settings and returns the job URL.
func (d *Device) createJob(ctx context.Context, req *ScanSettings, src scanner.Source) (string, error) {
	const op = "ScanJobs"
	body := req.Marshal()
	for attempt := 0; ; attempt++ {
		r, err := d.do(ctx, op, http.MethodPost, d.url("ScanJobs"), body, d.opts.RequestTimeout, nil)
		if err != nil {
			return "", err
		}
		switch r.status {
		case http.StatusCreated, http.StatusOK:
			job, err := d.jobURL(r.header.Get("Location"))
			if err != nil {
				return "", &Error{Kind: ErrBadData, Op: op, Status: r.status, Err: err}
			}
			return job, nil
		case http.StatusServiceUnavailable, http.StatusConflict:
			_, cond, err := d.condition(ctx, src)
			if err != nil {
				return "", err
			}
			retry := cond == scanner.ErrBusy || (cond == nil && r.status == http.StatusServiceUnavailable)
			if !retry {
				if cond == nil {
					return "", &Error{Op: op, Status: r.status}
				}
				return "", &Error{Kind: cond, Op: op, Status: r.status}
			}
			if attempt >= d.opts.BusyRetries {
				return "", &Error{Kind: scanner.ErrBusy, Op: op, Status: r.status}
			}
			if err := d.wait(ctx, attempt); err != nil {
				return "", fmt.Errorf("escl: %s: %w", op, err)
			}
		default:
			return "", &Error{Op: op, Status: r.status, Detail: shortBody(r.body)}
		}
	}
}

// condition reads ScannerStatus and classifies it for src. An unreadable status gives a nil
// status and kind: it classifies nothing. err is set only when the device cannot be reached.
func (d *Device) condition(ctx context.Context, src scanner.Source) (st *ScannerStatus, kind error, err error) {
	st, err = d.Status(ctx)
	if err != nil {
		var e *Error
		if errors.As(err, &e) && e.Kind != scanner.ErrGone {
			return nil, nil, nil
		}
		return nil, nil, err
	}
	return st, st.Condition(src), nil
}

// wait sleeps before retry number attempt (0-based): RetryDelay doubling up to 8 times it.
func (d *Device) wait(ctx context.Context, attempt int) error {
	delay := d.opts.RetryDelay << min(attempt, 3)
	t := time.NewTimer(delay)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// cancelJob deletes the job on the device, best effort, even when ctx is already cancelled.
func (d *Device) cancelJob(ctx context.Context, job string) {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), min(d.opts.RequestTimeout, 5*time.Second))
	defer cancel()
	_, _ = d.do(cctx, "cancel", http.MethodDelete, job, nil, d.opts.RequestTimeout, nil)
}

// jobRun is one running job.
type jobRun struct {
	d      *Device
	url    string
	src    scanner.Source
	dpi    int
	duplex bool
	max    int
	h      scanner.Handler
	pages  int
}

func (j *jobRun) run(ctx context.Context) error {
	const op = "NextDocument"
	next := j.url + "/NextDocument"
	busy := 0
	for {
		if j.h.OnProgress != nil {
			j.h.OnProgress(scanner.Progress{Page: j.pages})
		}
		var progress func(float64)
		if j.h.OnProgress != nil {
			page := j.pages
			progress = func(f float64) { j.h.OnProgress(scanner.Progress{Page: page, Fraction: f}) }
		}
		r, err := j.d.do(ctx, op, http.MethodGet, next, nil, j.d.opts.PageTimeout, progress)
		if err != nil {
			return j.fail(ctx, err)
		}
		switch r.status {
		case http.StatusOK:
			busy = 0
			if err := j.deliver(r.body); err != nil {
				j.d.cancelJob(ctx, j.url)
				return err
			}
			if j.max > 0 && j.pages >= j.max {
				if j.src != scanner.SourcePlaten {
					j.d.cancelJob(ctx, j.url) // leave the remaining sheets in the feeder
				}
				return nil
			}
		case http.StatusNotFound, http.StatusGone:
			return j.end(ctx)
		default:
			st, cond, err := j.d.condition(ctx, j.src)
			if err != nil {
				return j.fail(ctx, err)
			}
			if cond == scanner.ErrFeederEmpty && j.pages > 0 {
				if st.Idle() {
					return nil // the feeder ran out after the last page: the job is over
				}
				cond = scanner.ErrBusy // the last sheet left the tray; the device is still on it
			}
			retry := cond == scanner.ErrBusy || (cond == nil && r.status == http.StatusServiceUnavailable)
			if !retry {
				j.d.cancelJob(ctx, j.url)
				return &Error{Kind: cond, Op: op, Status: r.status, Pages: j.pages, Detail: shortBody(r.body)}
			}
			if busy >= j.d.opts.BusyRetries {
				j.d.cancelJob(ctx, j.url)
				return &Error{Kind: scanner.ErrBusy, Op: op, Status: r.status, Pages: j.pages}
			}
			if err := j.d.wait(ctx, busy); err != nil {
				return j.fail(ctx, err)
			}
			busy++
		}
	}
}

// end handles the end of the job (404 on NextDocument).
func (j *jobRun) end(ctx context.Context) error {
	if j.pages > 0 {
		return nil
	}
	const op = "NextDocument"
	_, cond, err := j.d.condition(ctx, j.src)
	if err != nil {
		return j.fail(ctx, err)
	}
	if cond == nil || cond == scanner.ErrBusy {
		return &Error{Op: op, Status: http.StatusNotFound, Detail: "the job ended without a page: look at the scanner's panel"}
	}
	return &Error{Kind: cond, Op: op, Status: http.StatusNotFound}
}

// fail turns an error during the job into the result: cancel on ctx end, keep the page count.
func (j *jobRun) fail(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		j.d.cancelJob(ctx, j.url)
		return fmt.Errorf("escl: scan cancelled after %d page(s): %w", j.pages, ctx.Err())
	}
	var e *Error
	if errors.As(err, &e) {
		e.Pages = j.pages
		if e.Kind != scanner.ErrGone {
			j.d.cancelJob(ctx, j.url)
		}
		return e
	}
	j.d.cancelJob(ctx, j.url)
	return err
}

// deliver decodes one page and hands it over.
func (j *jobRun) deliver(body []byte) error {
	img, _, err := image.Decode(bytes.NewReader(body))
	if err != nil {
		return &Error{Kind: ErrBadData, Op: "NextDocument", Pages: j.pages, Detail: fmt.Sprintf("page %d is not a readable image", j.pages+1), Err: err}
	}
	p := scanner.Page{Image: img, DPI: j.dpi, Index: j.pages, Back: j.duplex && j.pages%2 == 1}
	j.pages++
	if j.h.OnProgress != nil {
		j.h.OnProgress(scanner.Progress{Page: p.Index, Fraction: 1})
	}
	if j.h.OnPage != nil {
		if err := j.h.OnPage(p); err != nil {
			return fmt.Errorf("escl: scan stopped after page %d: %w", p.Index+1, err)
		}
	}
	return nil
}

func shortBody(b []byte) string {
	b = bytes.TrimSpace(b)
	if len(b) > 120 {
		b = b[:120]
	}
	for _, c := range b {
		if c < 0x20 && c != '\n' && c != '\t' {
			return ""
		}
	}
	return string(b)
}
