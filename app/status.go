// Status sync in the window: the portal is asked about submitted dossiers on a schedule while the window is
// open, and at once on demand; changes refresh the screens like the uploader's.
package app

import (
	"context"
	"log/slog"

	"fyne.io/fyne/v2"

	"sohoa/dossier"
	"sohoa/portal"
)

// statusSyncer follows the submitted dossiers on the portal; OnChange refreshes what is on screen.
func (u *UI) statusSyncer() *dossier.StatusSyncer {
	return &dossier.StatusSyncer{Desk: u.desk, Client: portal.NewClient(u.env.PortalURL), Log: slog.Default(),
		OnChange: func(ch dossier.StatusChange) {
			fyne.Do(func() { u.statusChanged(ch.DossierID) })
		}}
}

// startStatusSync runs the status sync until the window closes (every dossier.DefaultSyncInterval).
// Hook: NewUI calls it next to startUploader.
func (u *UI) startStatusSync() {
	if u.env.PortalURL == "" {
		return
	}
	s := u.statusSyncer()
	u.wg.Add(1)
	go func() {
		defer u.wg.Done()
		_ = s.Run(u.ctx)
	}()
}

// syncStatusNow asks the portal about one dossier now (the queue's or the receipt's "refresh" action);
// an error is shown in the status line in the officer's words.
func (u *UI) syncStatusNow(id string) {
	if u.env.PortalURL == "" {
		return
	}
	c := portal.NewClient(u.env.PortalURL)
	u.goDo(func(ctx context.Context) {
		ch, err := u.desk.SyncStatus(ctx, c, id)
		fyne.Do(func() {
			if err != nil {
				u.setStatus(ErrorText(err))
				return
			}
			if ch.Changed || ch.NewlyPaid {
				u.statusChanged(id)
			}
		})
	})
}

// statusChanged refreshes the screens that show a dossier's portal status or payment.
func (u *UI) statusChanged(id string) {
	u.ws.changed(id)
	switch u.screen {
	case screenQueue:
		u.queue.refresh()
	case screenHome:
		u.home.refresh()
	}
}
