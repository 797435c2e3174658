// Finding 6 of issue 11, through the commands: an unreachable portal at submit says truthfully that
// nothing was queued; an absurd --dpi is refused as an invalid setting before any space check.

package cli

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"sohoa/desk"
	"sohoa/errs"
	"sohoa/i18n"
	"sohoa/portal"
	"sohoa/portal/refportal"
	"sohoa/scanner"
	"sohoa/wire"
)

// newDraft opens a training desk in a temporary folder with one draft dossier.
func newDraft(t *testing.T) (*Globals, string) {
	t.Helper()
	g := &Globals{Program: wire.Program{}, DataDir: t.TempDir(), Training: true}
	out, err := runCmd(t, g, []*cobra.Command{dossierCmd(g)}, "dossier", "new", "--procedure", "1.001193",
		"--cccd-qr", CCCDQR(refportal.TrainingCitizens()[0]))
	if err != nil {
		t.Fatal(err)
	}
	return g, strings.TrimSpace(out)
}

func TestSubmitToUnreachablePortalSaysNothingWasQueued(t *testing.T) {
	g, id := newDraft(t)
	c := refportal.TrainingCitizens()[0]
	t.Setenv("SOHOA_CITIZEN_PASSWORD", c.Password)
	_, err := runCmd(t, g, []*cobra.Command{submitCmd(g)}, "submit", "--dossier", id, "--portal", "http://127.0.0.1:1", "--citizen", c.ID)
	if !errors.Is(err, desk.ErrNotQueued) || portal.Classify(err) != portal.Transient {
		t.Fatalf("submit to an unreachable portal: %v (class %q), want ErrNotQueued around a transient error", err, portal.Classify(err))
	}
	vi, en := i18n.ErrorText("vi", err), i18n.ErrorText("en", err)
	if !strings.Contains(vi, "chưa vào hàng đợi") || !strings.Contains(vi, "Không kết nối được Cổng") || strings.Contains(vi, "sẽ được gửi lại") {
		t.Errorf("vi: %s", vi)
	}
	if !strings.Contains(en, "not in the queue") || strings.Contains(en, "retried automatically") || strings.Contains(en, "will be retried") {
		t.Errorf("en: %s", en)
	}
	// And it is true: the outbox is empty and the dossier is still a draft.
	out, err := runCmd(t, g, []*cobra.Command{queueCmd(g)}, "--json", "queue", "list")
	if err != nil {
		t.Fatal(err)
	}
	var items []map[string]any
	if err := json.Unmarshal([]byte(out), &items); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if len(items) != 0 {
		t.Errorf("the outbox holds %d item(s) after a failed authorization", len(items))
	}
}

func TestAbsurdDPIIsAnInvalidSettingNotAFullDisk(t *testing.T) {
	g, id := newDraft(t)
	out, err := runCmd(t, g, []*cobra.Command{scanCmd(g)}, "scan", "--dossier", id, "--component", "TP1", "--dpi", "99999", "--pages", "1")
	if !errors.Is(err, scanner.ErrInvalidSetting) || errs.KindOf(err) != errs.NeedsOfficer {
		t.Fatalf("scan --dpi 99999: %v", err)
	}
	vi, en := i18n.ErrorText("vi", err), i18n.ErrorText("en", err)
	if !strings.Contains(vi, "99999 dpi không hợp lệ") || !strings.Contains(vi, "từ 50 đến 1200") || strings.Contains(vi, "đầy") {
		t.Errorf("vi: %s", vi)
	}
	if !strings.Contains(en, "99999 dpi is not valid") || strings.Contains(en, "MB") {
		t.Errorf("en: %s", en)
	}
	if strings.Contains(out, "scanned") {
		t.Errorf("output: %s", out)
	}
	// A sane resolution still scans.
	if _, err := runCmd(t, g, []*cobra.Command{scanCmd(g)}, "scan", "--dossier", id, "--component", "TP1", "--dpi", "300", "--pages", "1"); err != nil {
		t.Fatalf("scan --dpi 300: %v", err)
	}
}
