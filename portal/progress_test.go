// After the commit, against the reference portal on loopback: status tokens, the trainer's status changes
// and pages, the payment request and its simulated payment.

package portal_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"sohoa/portal"
	"sohoa/portal/refportal"
)

// paidSubmission is a submission whose fee rows add up to 38 000 VND.
func paidSubmission(t *testing.T, key string) portal.Submission {
	s := submission(key, binh(), memFile("to-khai.pdf", "TP1", readShared(t, "pdfsign-hello_hsm.pdf")))
	s.Manifest.DanhSachLePhi = []portal.LePhi{
		{TenPhiLePhi: "Phí cấp bản sao", MaPhiLePhi: "P1", HinhThucThu: 1, Gia: 8000, LoaiPhiLePhi: 1},
		{TenPhiLePhi: "Cước bưu chính", MaPhiLePhi: "BC", HinhThucThu: 1, Gia: 30000, LoaiPhiLePhi: 2},
		{TenPhiLePhi: "Lệ phí", MaPhiLePhi: "LP", HinhThucThu: 1, Gia: 0, LoaiPhiLePhi: 1},
	}
	return s
}

func TestStatusTokenPaymentAndTrainer(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	srv, base := startPortal(t, dir, nil)
	tok := login(t, base, binh())
	c := portal.NewClient(base)

	r, err := c.Submit(ctx, paidSubmission(t, "idem-pay-1"), tok)
	if err != nil {
		t.Fatal(err)
	}
	if r.StatusToken == "" || r.Payment == nil {
		t.Fatalf("commit answer without status token or payment: %+v", r)
	}
	p := *r.Payment
	if p.Amount != 38000 || p.Reference != "TT-"+r.PortalCode || p.Paid || !strings.HasPrefix(p.URL, base+"/pay/") || p.QR != p.URL {
		t.Fatalf("payment request %+v", p)
	}
	// A free dossier gets no payment request.
	free, err := c.Submit(ctx, submission("idem-free-1", binh(), memFile("a.pdf", "TP1", readShared(t, "dss-doc-firmado-T.pdf"))), tok)
	if err != nil || free.Payment != nil || free.StatusToken == "" || free.StatusToken == r.StatusToken {
		t.Fatalf("free dossier: %+v, %v", free, err)
	}
	// The replay and the lookup give the same token (a desk that crashed after the commit still gets it).
	again, err := c.Submit(ctx, paidSubmission(t, "idem-pay-1"), tok)
	if err != nil || again.PortalCode != r.PortalCode || again.StatusToken != r.StatusToken || again.Payment == nil {
		t.Fatalf("replay: %+v, %v", again, err)
	}
	look, ok, err := c.Lookup(ctx, "idem-pay-1", tok)
	if err != nil || !ok || look.StatusToken != r.StatusToken {
		t.Fatalf("lookup: %+v %v %v", look, ok, err)
	}

	// Tracking needs the dossier's own token; another dossier's token or a forged one is 404, Permanent.
	st, err := c.Track(ctx, r.PortalCode, r.StatusToken)
	if err != nil || st.Status != portal.StatusReceived || st.StatusToken != "" || st.Payment == nil || st.Payment.Paid || !st.ResultAt.IsZero() {
		t.Fatalf("track: %+v, %v", st, err)
	}
	for _, bad := range []string{free.StatusToken, r.StatusToken + "x", "Bearer", strings.Repeat("A", 43)} {
		_, err := c.Track(ctx, r.PortalCode, bad)
		var pe *portal.Error
		if !errors.As(err, &pe) || pe.Code != portal.CodeNotFound || portal.Classify(err) != portal.Permanent {
			t.Errorf("track with token %q: %v", bad, err)
		}
	}
	if _, err := c.Track(ctx, "", r.StatusToken); err == nil {
		t.Errorf("track without a code succeeded")
	}
	// The answer to a status-token query never carries a status token.
	req, _ := http.NewRequest(http.MethodGet, base+portal.PathDossiers+"/"+r.PortalCode+portal.PathStatusSuffix, nil)
	req.Header.Set("Authorization", "Bearer "+r.StatusToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || strings.Contains(string(body), "status_token") {
		t.Errorf("status answer %d %s", resp.StatusCode, body)
	}

	// The trainer's command-line actions, on the data folder while the portal runs.
	before := time.Now()
	if err := refportal.SetStatus(ctx, dir, r.PortalCode, 9); err != nil {
		t.Fatal(err)
	}
	st, err = c.Track(ctx, r.PortalCode, r.StatusToken)
	if err != nil || st.Status != 9 || st.ResultAt.Before(before.Add(-time.Second)) || st.ResultAt.After(time.Now()) {
		t.Fatalf("after 9: %+v, %v", st, err)
	}
	first := st.ResultAt
	if err := refportal.SetStatus(ctx, dir, r.PortalCode, 10); err != nil {
		t.Fatal(err)
	}
	if st, _ = c.Track(ctx, r.PortalCode, r.StatusToken); st.Status != 10 || !st.ResultAt.Equal(first) {
		t.Errorf("9 → 10 keeps the result time: %+v (first %v)", st, first)
	}
	if err := refportal.SetStatus(ctx, dir, r.PortalCode, 4); err != nil {
		t.Fatal(err)
	}
	if st, _ = c.Track(ctx, r.PortalCode, r.StatusToken); st.Status != 4 || !st.ResultAt.IsZero() {
		t.Errorf("back to 4 clears the result time: %+v", st)
	}
	for _, bad := range []int{0, 11, -1} {
		if err := refportal.SetStatus(ctx, dir, r.PortalCode, bad); !errors.Is(err, refportal.ErrBadStatus) {
			t.Errorf("status %d: %v", bad, err)
		}
	}
	if err := refportal.SetStatus(ctx, dir, "REF-000000-9999", 4); !errors.Is(err, refportal.ErrNoDossier) {
		t.Errorf("unknown dossier: %v", err)
	}
	if err := refportal.MarkPaid(ctx, dir, free.PortalCode); !errors.Is(err, refportal.ErrNoPayment) {
		t.Errorf("paying a free dossier: %v", err)
	}
	if err := refportal.MarkPaid(ctx, dir, "REF-000000-9999"); !errors.Is(err, refportal.ErrNoDossier) {
		t.Errorf("paying an unknown dossier: %v", err)
	}
	if err := refportal.SetStatus(ctx, t.TempDir(), r.PortalCode, 4); err == nil {
		t.Errorf("set-status on a folder without a portal succeeded")
	}

	// The trainer's page: loopback only (it is), forms guarded by a token.
	get := func(path string) (int, string) {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(path string, form url.Values) int {
		resp, err := noRedirect.PostForm(base+path, form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	code, page := get("/trainer")
	if code != 200 || !strings.Contains(page, r.PortalCode) || !strings.Contains(page, "38000 đồng") || !strings.Contains(page, "ĐÀO TẠO") {
		t.Fatalf("trainer page %d:\n%s", code, page)
	}
	if n := post("/trainer/status", url.Values{"code": {r.PortalCode}, "status": {"5"}}); n != http.StatusForbidden {
		t.Errorf("status change without the form token: %d", n)
	}
	csrf := srv.TrainerCSRF()
	if n := post("/trainer/status", url.Values{"csrf": {csrf}, "code": {r.PortalCode}, "status": {"5"}}); n != http.StatusSeeOther {
		t.Errorf("status change: %d", n)
	}
	if st, _ = c.Track(ctx, r.PortalCode, r.StatusToken); st.Status != 5 {
		t.Errorf("status after the trainer's change: %d", st.Status)
	}
	if n := post("/trainer/status", url.Values{"csrf": {csrf}, "code": {r.PortalCode}, "status": {"x"}}); n != http.StatusBadRequest {
		t.Errorf("bad status from the page: %d", n)
	}
	if n := post("/trainer/status", url.Values{"csrf": {csrf}, "code": {"nope"}, "status": {"4"}}); n != http.StatusNotFound {
		t.Errorf("unknown dossier from the page: %d", n)
	}

	// The payment page: shows the amount, pays with its own form token.
	code, page = get("/pay/" + url.PathEscape(p.Reference))
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
	if code != 200 || !strings.Contains(page, "38000 đồng") || m == nil {
		t.Fatalf("pay page %d:\n%s", code, page)
	}
	if n := post("/pay/"+url.PathEscape(p.Reference), url.Values{"csrf": {csrf}}); n != http.StatusForbidden {
		t.Errorf("paying with the trainer's token: %d", n)
	}
	if code, _ := get("/pay/TT-nope"); code != http.StatusNotFound {
		t.Errorf("unknown payment reference: %d", code)
	}
	if n := post("/pay/"+url.PathEscape(p.Reference), url.Values{"csrf": {m[1]}}); n != http.StatusSeeOther {
		t.Errorf("paying: %d", n)
	}
	st, err = c.Track(ctx, r.PortalCode, r.StatusToken)
	if err != nil || st.Payment == nil || !st.Payment.Paid || st.Payment.PaidAt.IsZero() {
		t.Fatalf("after paying: %+v, %v", st.Payment, err)
	}
	paidAt := st.Payment.PaidAt
	if err := refportal.MarkPaid(ctx, dir, r.PortalCode); err != nil {
		t.Errorf("paying twice: %v", err)
	}
	if st, _ = c.Track(ctx, r.PortalCode, r.StatusToken); !st.Payment.PaidAt.Equal(paidAt) {
		t.Errorf("paying twice moved the payment time: %v → %v", paidAt, st.Payment.PaidAt)
	}
	if code, page = get("/trainer"); !strings.Contains(page, "đã thanh toán") {
		t.Errorf("trainer page does not show the payment")
	}
}
