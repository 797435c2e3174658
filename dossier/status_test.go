// The post-office counter, fees, the payment request and status sync, end to end against the reference
// portal on loopback: role and delivery by post on the dossier and in its manifest, the payment stored and
// printed, the trainer moving the dossier through statuses, paid / unpaid, the schedule.

package dossier_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sohoa/dossier"
	"sohoa/portal"
	"sohoa/portal/refportal"
	"sohoa/storage"
)

// startPortalIn starts a reference portal and returns its URL and data folder.
func startPortalIn(t *testing.T) (string, string) {
	t.Helper()
	dir := t.TempDir()
	srv, err := refportal.New(refportal.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	url, err := srv.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return url, dir
}

func auditActions(t *testing.T, d *dossier.Desk, id string) map[string]int {
	t.Helper()
	log, err := dossier.StoreOf(d).AuditLog(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, e := range log {
		out[e.Action]++
	}
	return out
}

func TestPostalCounterPaymentAndStatusSync(t *testing.T) {
	d := openDesk(t)
	u, err := d.Unit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	u.CounterType = "postal"
	if err := d.SaveUnit(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := d.SetPostFee(ctx, -1); err == nil {
		t.Errorf("a negative delivery fee was accepted")
	}
	if err := d.SetPostFee(ctx, 32000); err != nil {
		t.Fatal(err)
	}
	id, pool := trainingIdentity(t, d)
	v := captured(t, d)
	if v.Channel != dossier.ChannelPostal || v.Record.OfficerRole != dossier.RolePostal {
		t.Fatalf("postal counter: channel %d, role %q", v.Channel, v.Record.OfficerRole)
	}
	if err := d.SetDelivery(ctx, v.ID, true, "  "); !errors.Is(err, dossier.ErrNoPostAddress) {
		t.Errorf("delivery by post without an address: %v", err)
	}
	const addr = "Số 5 Lê Lợi, phường Hải Châu, Đà Nẵng"
	// Asking twice keeps one fee row; asking then cancelling removes it.
	for _, byPost := range []bool{true, false, true, true} {
		if err := d.SetDelivery(ctx, v.ID, byPost, addr); err != nil {
			t.Fatal(err)
		}
	}
	v, _ = d.Dossier(ctx, v.ID)
	if !v.Record.ByPost || v.Record.PostAddress != addr || dossier.FeeTotal(v) != 32000 {
		t.Fatalf("delivery by post: %+v", v.Record)
	}
	if err := d.Sign(ctx, v.ID, id, dossier.SignOptions{Roots: pool}); err != nil {
		t.Fatal(err)
	}
	m, err := d.Manifest(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	var postRows int
	for _, f := range m.DanhSachLePhi {
		if f.MaPhiLePhi == dossier.PostFeeCode && f.Gia == 32000 {
			postRows++
		}
	}
	if m.KenhThucHien != dossier.ChannelPostal || m.ChucDanhCanBoTiepNhan != dossier.RolePostal || m.DiaChiNhanKetQuaBuuChinh != addr || postRows != 1 {
		t.Fatalf("manifest: channel %d, role %q, address %q, fees %+v", m.KenhThucHien, m.ChucDanhCanBoTiepNhan, m.DiaChiNhanKetQuaBuuChinh, m.DanhSachLePhi)
	}

	url, portalDir := startPortalIn(t)
	client := portal.NewClient(url)
	// Not submitted yet: nothing to follow.
	if _, err := d.SyncStatus(ctx, client, v.ID); !errors.Is(err, dossier.ErrNotFollowed) {
		t.Errorf("sync before submission: %v", err)
	}
	if _, err := d.Submit(ctx, v.ID, binhToken(t, url)); err != nil {
		t.Fatal(err)
	}
	if err := d.SetDelivery(ctx, v.ID, false, ""); !errors.Is(err, dossier.ErrDeliveryFixed) {
		t.Errorf("delivery changed after queueing: %v", err)
	}
	if err := (&dossier.Uploader{Desk: d, Client: client}).Drain(ctx); err != nil {
		t.Fatal(err)
	}
	v, _ = d.Dossier(ctx, v.ID)
	if v.State != dossier.Submitted {
		t.Fatalf("state %s: %s", v.State, v.LastError)
	}
	p, ok, err := d.Payment(ctx, v.ID)
	if err != nil || !ok || p.Amount != 32000 || p.Reference != "TT-"+v.PortalCode || p.Paid || !strings.HasPrefix(p.URL, url+"/pay/") || p.RequestedAt.IsZero() {
		t.Fatalf("payment request: %+v %v %v", p, ok, err)
	}
	// The status token is stored encrypted, never in the outbox's copy of the receipt.
	sealed := secret(t, d, v.ID, storage.SecretStatusToken)
	if sealed == "" {
		t.Fatal("status token not stored")
	}
	if v.Outbox == nil || strings.Contains(string(v.Outbox.Result), "StatusToken") || strings.Contains(string(v.Outbox.Result), sealed) {
		t.Errorf("outbox result %s", v.Outbox.Result)
	}
	if a := auditActions(t, d, v.ID); a["payment.requested"] != 1 {
		t.Errorf("audit %v", a)
	}

	// Nothing changed yet.
	ch, err := d.SyncStatus(ctx, client, v.ID)
	if err != nil || ch.Changed || ch.NewlyPaid || ch.Status != portal.StatusReceived {
		t.Fatalf("first sync: %+v %v", ch, err)
	}
	// The trainer moves it on; a pass over every followed dossier sees it.
	if err := refportal.SetStatus(ctx, portalDir, v.PortalCode, 4); err != nil {
		t.Fatal(err)
	}
	rep, err := d.SyncAll(ctx, client)
	if err != nil || rep.Checked != 1 || len(rep.Changed) != 1 || rep.Changed[0].From != 2 || rep.Changed[0].To != 4 || len(rep.Failed) != 0 {
		t.Fatalf("sync all: %+v %v", rep, err)
	}
	before := time.Now()
	if err := refportal.SetStatus(ctx, portalDir, v.PortalCode, 9); err != nil {
		t.Fatal(err)
	}
	ch, err = d.SyncStatus(ctx, client, v.ID)
	if err != nil || !ch.Changed || ch.Status != 9 || ch.ResultAt.Before(before.Add(-time.Second)) {
		t.Fatalf("sync after 9: %+v %v", ch, err)
	}
	v, _ = d.Dossier(ctx, v.ID)
	if v.PortalStatus != 9 || !v.Record.ResultAt.Equal(ch.ResultAt) {
		t.Errorf("desk: status %d, result %v (portal %v)", v.PortalStatus, v.Record.ResultAt, ch.ResultAt)
	}
	// The figures' stored column follows the record.
	var stored int64
	if err := dossier.StoreOf(d).SQL().QueryRowContext(ctx, `SELECT result_at FROM dossiers WHERE id = ?`, v.ID).Scan(&stored); err != nil || stored != ch.ResultAt.UnixNano() {
		t.Errorf("result_at column %d, want %d (%v)", stored, ch.ResultAt.UnixNano(), err)
	}
	// Paid on the portal: seen once.
	if err := refportal.MarkPaid(ctx, portalDir, v.PortalCode); err != nil {
		t.Fatal(err)
	}
	if ch, err = d.SyncStatus(ctx, client, v.ID); err != nil || !ch.NewlyPaid || ch.Payment == nil || !ch.Payment.Paid || ch.Changed {
		t.Fatalf("sync after payment: %+v %v", ch, err)
	}
	if ch, err = d.SyncStatus(ctx, client, v.ID); err != nil || ch.NewlyPaid {
		t.Errorf("payment reported twice: %+v %v", ch, err)
	}
	p, _, _ = d.Payment(ctx, v.ID)
	if !p.Paid || p.PaidAt.IsZero() || p.CheckedAt.Before(p.RequestedAt) {
		t.Errorf("payment after sync: %+v", p)
	}
	if a := auditActions(t, d, v.ID); a["dossier.portal_status"] != 2 || a["payment.paid"] != 1 {
		t.Errorf("audit %v", a)
	}
	// Returned: final and paid, so no longer followed.
	if err := refportal.SetStatus(ctx, portalDir, v.PortalCode, 10); err != nil {
		t.Fatal(err)
	}
	if rep, err = d.SyncAll(ctx, client); err != nil || len(rep.Changed) != 1 {
		t.Fatalf("sync to 10: %+v %v", rep, err)
	}
	if ids, err := followed(d); err != nil || len(ids) != 0 {
		t.Errorf("still followed: %v %v", ids, err)
	}

	// The receipt prints the delivery address, the fee and the payment.
	pdf, err := d.Receipt(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, pdf)
	for _, want := range []string{"32.000", "TT-" + v.PortalCode, "đã thanh toán", "Lê Lợi", "bưu chính"} {
		if !strings.Contains(text, want) {
			t.Errorf("receipt lacks %q:\n%s", want, text)
		}
	}

	// A forged status token: the query fails, classified; nothing is recorded.
	setSecret(t, d, v.ID, storage.SecretStatusToken, "not base64!")
	if _, err := d.SyncStatus(ctx, client, v.ID); !errors.Is(err, dossier.ErrNotFollowed) {
		t.Errorf("unreadable status token: %v", err)
	}
}

// pdfText extracts a PDF's text with poppler's pdftotext.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "r.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestStatusSyncerRunsOnSchedule(t *testing.T) {
	d := openDesk(t)
	id, pool := trainingIdentity(t, d)
	v := captured(t, d)
	if err := d.Sign(ctx, v.ID, id, dossier.SignOptions{Roots: pool}); err != nil {
		t.Fatal(err)
	}
	url, portalDir := startPortalIn(t)
	client := portal.NewClient(url)
	if _, err := d.Submit(ctx, v.ID, binhToken(t, url)); err != nil {
		t.Fatal(err)
	}
	if err := (&dossier.Uploader{Desk: d, Client: client}).Drain(ctx); err != nil {
		t.Fatal(err)
	}
	v, _ = d.Dossier(ctx, v.ID)
	// A free procedure: no payment request.
	if _, ok, err := d.Payment(ctx, v.ID); ok || err != nil {
		t.Errorf("payment request for a free dossier: %v %v", ok, err)
	}
	if v.Record.OfficerRole != dossier.RoleCommune {
		t.Errorf("commune counter role %q", v.Record.OfficerRole)
	}
	// A dossier submitted before status tokens existed is counted apart, not an error.
	setSecret(t, d, v.ID, storage.SecretStatusToken, "")
	if rep, err := d.SyncAll(ctx, client); err != nil || rep.NotFollowed != 1 || rep.Checked != 0 {
		t.Errorf("without a token: %+v %v", rep, err)
	}
	// The citizen authorizes once more: the desk asks the portal for the status token.
	if err := d.Follow(ctx, client, v.ID, portal.Token{}); err == nil {
		t.Errorf("Follow without the citizen's token succeeded")
	}
	if err := d.Follow(ctx, client, v.ID, binhToken(t, url)); err != nil {
		t.Fatal(err)
	}
	if _, err := d.SyncStatus(ctx, client, v.ID); err != nil {
		t.Fatal(err)
	}

	if err := refportal.SetStatus(ctx, portalDir, v.PortalCode, 5); err != nil {
		t.Fatal(err)
	}
	changes := make(chan dossier.StatusChange, 4)
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	s := &dossier.StatusSyncer{Desk: d, Client: client, Interval: 20 * time.Millisecond, OnChange: func(c dossier.StatusChange) { changes <- c }}
	go func() { done <- s.Run(runCtx) }()
	select {
	case c := <-changes:
		if c.DossierID != v.ID || c.Status != 5 {
			t.Errorf("change %+v", c)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no change reported")
	}
	// The next passes see no change.
	time.Sleep(60 * time.Millisecond)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run returned %v", err)
	}
	select {
	case c := <-changes:
		t.Errorf("change reported twice: %+v", c)
	default:
	}
}
