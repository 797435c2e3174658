// Status sync in the window: the portal is asked about submitted dossiers on a schedule while the window is
// open, and at once on demand; changes refresh the screens like the uploader's.

package app

import (
	"context"

	"sohoa/portal"
)

// syncStatusNow asks the portal about one dossier now (the queue's or the receipt's "refresh" action);
// an error is shown in the status line in the officer's words.
func (u *UI) syncStatusNow(id string) {
	if u.env.PortalURL == "" {
		return
	}
	c := portal.NewClient(u.env.PortalURL)
	u.goDo(func(ctx context.Context) {
		ch, err := u.desk.FollowUp.SyncStatus(ctx, c, id)
		uiDo(func() {
			if err != nil {
				u.setStatus(ErrorText(err))
				return
			}
			if ch.Changed || ch.NewlyPaid {
				u.dossierChanged(id)
			}
		})
	})
}

// dossierChanged refreshes the screens that show a dossier after the uploader or the status sync
// changed it (state, portal code, portal status, payment).
func (u *UI) dossierChanged(id string) {
	u.ws.changed(id)
	switch u.screen {
	case screenQueue:
		u.queue.refresh()
	case screenHome:
		u.home.refresh()
	}
}
