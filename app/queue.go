// Queue: every dossier with its state, upload attempts and last error in plain words, with retry and export.

package app

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"sohoa/desk"
	"sohoa/errs"
	"sohoa/internal/atomicfile"
	"sohoa/portal"
)

// queueRow is one dossier of the queue with its outbox entry (nil when it has none).
type queueRow struct {
	s  desk.Summary
	it *desk.OutboxItem
}

type queueScreen struct {
	u     *UI
	root  fyne.CanvasObject
	rows  []queueRow
	list  *widget.List
	stats *widget.Label
}

func newQueueScreen(u *UI) *queueScreen {
	q := &queueScreen{u: u}
	q.stats = widget.NewLabel("")
	q.list = widget.NewList(func() int { return len(q.rows) },
		func() fyne.CanvasObject {
			title := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			title.Truncation = fyne.TextTruncateEllipsis
			detail := widget.NewLabel("")
			detail.Truncation = fyne.TextTruncateEllipsis
			open := widget.NewButtonWithIcon(lang.L("queue.open"), theme.FolderOpenIcon(), nil)
			retry := widget.NewButtonWithIcon(lang.L("queue.retry"), theme.ViewRefreshIcon(), nil)
			export := widget.NewButtonWithIcon(lang.L("queue.export"), theme.DownloadIcon(), nil)
			return container.NewBorder(nil, nil, nil, container.NewHBox(open, retry, export), container.NewVBox(title, detail))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(q.rows) {
				return
			}
			r := q.rows[i]
			box := o.(*fyne.Container)
			texts := box.Objects[0].(*fyne.Container)
			btns := box.Objects[1].(*fyne.Container)
			texts.Objects[0].(*widget.Label).SetText(fmt.Sprintf("%s · %s · %s", r.s.ID, r.s.ApplicantName, stateText(r.s.State)))
			texts.Objects[1].(*widget.Label).SetText(q.detail(r))
			id := r.s.ID
			open := btns.Objects[0].(*widget.Button)
			open.OnTapped = func() { u.openDossier(id) }
			retry := btns.Objects[1].(*widget.Button)
			retry.OnTapped = func() { q.retry(id) }
			setEnabled(retry, r.s.State == desk.Failed)
			export := btns.Objects[2].(*widget.Button)
			export.OnTapped = func() { q.export(id) }
			setEnabled(export, r.s.State == desk.Signed || r.s.State == desk.Queued || r.s.State == desk.Submitted || r.s.State == desk.Failed)
		})
	q.root = container.NewPadded(container.NewBorder(
		container.NewVBox(widget.NewLabelWithStyle(lang.L("queue.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), q.stats),
		nil, nil, nil, q.list))
	return q
}

// detail is the second line of a row: procedure, attempts, portal code or last error in plain words.
func (q *queueScreen) detail(r queueRow) string {
	s := r.s.ProcedureCode + " · " + r.s.CreatedAt.In(desk.Location).Format("02/01/2006 15:04")
	if r.it != nil {
		s += " · " + lang.L("queue.attempts", map[string]any{"N": r.it.Attempts})
		if r.s.State == desk.Queued && r.it.NextAt.After(time.Now()) {
			s += " · " + lang.L("queue.next", map[string]any{"At": r.it.NextAt.In(desk.Location).Format("15:04:05")})
		}
	}
	switch {
	case r.s.PortalCode != "":
		s += " · " + lang.L("ws.portal_code", map[string]any{"Code": r.s.PortalCode})
	case r.it != nil && r.it.LastError != "":
		s += " · " + outboxErrorText(r.it.ErrorClass, r.it.LastError)
	case r.s.LastError != "":
		s += " · " + outboxErrorText(string(errs.Permanent), r.s.LastError)
	}
	return s
}

// refresh reloads the rows in the background.
func (q *queueScreen) refresh() {
	u := q.u
	u.goDo(func(ctx context.Context) {
		queue, err := u.desk.Outbox.Queue(ctx, 500)
		stats := queue.Stats
		rows := make([]queueRow, 0, len(queue.Items))
		for _, it := range queue.Items {
			rows = append(rows, queueRow{s: it.Summary, it: it.Outbox})
		}
		uiDo(func() {
			if err != nil {
				u.setStatus(ErrorText(err))
				return
			}
			q.rows = rows
			q.stats.SetText(lang.L("queue.stats", map[string]any{"Pending": stats.Pending + stats.Claimed, "Done": stats.Done, "Failed": stats.Failed}))
			q.list.Refresh()
		})
	})
}

// retry asks the citizen to authorize again and re-queues a failed dossier.
func (q *queueScreen) retry(id string) {
	u := q.u
	if u.env.Authorize == nil {
		u.showError(desk.ErrNoAuthorization)
		return
	}
	u.setStatus(lang.L("auth.waiting"))
	u.goDo(func(ctx context.Context) {
		var tok portal.Token
		actx, cancel := context.WithTimeout(ctx, 5*time.Minute)
		tok, err := u.env.Authorize(actx)
		cancel()
		if err == nil {
			_, err = u.desk.Outbox.Submit(ctx, id, tok)
		}
		uiDo(func() {
			if err != nil {
				u.showError(err)
			} else {
				u.setStatus(lang.L("submit.queued_id", map[string]any{"ID": id}))
				u.kickUploader()
			}
			q.refresh()
		})
	})
}

// exportPath is where the queue's Export writes a dossier package.
func (u *UI) exportPath(id string) string {
	return u.desk.Folder.ExportPath(id)
}

// export writes the dossier package (manifest, signed PDFs, SHA256SUMS) for a manual upload and opens its folder.
func (q *queueScreen) export(id string) {
	u := q.u
	u.goDo(func(ctx context.Context) {
		path, err := u.exportDossier(ctx, id)
		dir := filepath.Dir(path)
		uiDo(func() {
			if err != nil {
				u.showError(err)
				return
			}
			u.setStatus(lang.L("queue.exported", map[string]any{"Path": path}))
			if u.env.OpenURL != nil {
				_ = u.env.OpenURL(&url.URL{Scheme: "file", Path: filepath.ToSlash(dir)})
			}
		})
	})
}

// exportDossier writes the dossier package (dossier.Export) to exportPath(id) and returns the path.
func (u *UI) exportDossier(ctx context.Context, id string) (string, error) {
	var buf bytes.Buffer
	if err := u.desk.Dossiers.Export(ctx, id, &buf); err != nil {
		return "", err
	}
	path := u.exportPath(id)
	return path, atomicfile.Write(path, buf.Bytes(), 0o644)
}
