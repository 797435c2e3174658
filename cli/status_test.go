// The status, delivery and trainer commands in process, on the demo's desk and reference portal data.

package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	deskapi "sohoa/desk"
	"sohoa/wire"

	"github.com/spf13/cobra"

	"sohoa/dossier"
	"sohoa/portal/refportal"
)

func runCmd(t *testing.T, g *Globals, cmds []*cobra.Command, args ...string) (string, error) {
	t.Helper()
	out := &bytes.Buffer{}
	g.Out = out
	root := &cobra.Command{Use: "sohoa", SilenceUsage: true, SilenceErrors: true}
	g.JSON = false
	root.PersistentFlags().BoolVar(&g.JSON, "json", false, "JSON")
	root.AddCommand(cmds...)
	root.SetArgs(args)
	root.SetOut(out)
	err := root.ExecuteContext(context.Background())
	return out.String(), err
}

func TestStatusCommands(t *testing.T) {
	ctx := context.Background()
	desk := &Globals{Program: wire.Program{}, DataDir: t.TempDir(), Training: true, Out: &bytes.Buffer{}}
	res, err := RunDemo(ctx, desk, "", func(string) {})
	if err != nil {
		t.Fatal(err)
	}
	trainer := &Globals{Program: wire.Program{}, DataDir: res.PortalData}
	portalCmd := func() []*cobra.Command {
		c := &cobra.Command{Use: "portal"}
		c.AddCommand(PortalTrainerCommands(trainer)...)
		return []*cobra.Command{c}
	}
	if _, err := runCmd(t, trainer, portalCmd(), "portal", "set-status", "--code", res.PortalCode, "--status", "42"); !errors.Is(err, refportal.ErrBadStatus) {
		t.Errorf("status 42: %v", err)
	}
	if _, err := runCmd(t, trainer, portalCmd(), "portal", "pay", "--code", res.PortalCode); !errors.Is(err, refportal.ErrNoPayment) {
		t.Errorf("paying a free dossier: %v", err)
	}
	if _, err := runCmd(t, trainer, portalCmd(), "portal", "set-status", "--code", res.PortalCode, "--status", "9"); err != nil {
		t.Fatal(err)
	}

	// The portal again on the same data folder (same status-token key), on a new port.
	srv, err := refportal.New(refportal.Config{DataDir: res.PortalData})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	url, err := srv.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out, err := runCmd(t, desk, StatusCommands(desk), "status", "sync", "--portal", url, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Checked int                    `json:"checked"`
		Changed []deskapi.StatusChange `json:"changed"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Checked != 1 || len(rep.Changed) != 1 || rep.Changed[0].Status != 9 || rep.Changed[0].ResultAt.IsZero() {
		t.Fatalf("sync: %s (%v)", out, err)
	}
	out, err = runCmd(t, desk, StatusCommands(desk), "status", "show", res.Dossier)
	if err != nil || !strings.Contains(out, "status 9") || !strings.Contains(out, "result at") {
		t.Errorf("show: %q %v", out, err)
	}
	if _, err := runCmd(t, desk, StatusCommands(desk), "status", "post-fee", "abc"); err == nil {
		t.Errorf("post-fee abc accepted")
	}
	if out, err := runCmd(t, desk, StatusCommands(desk), "status", "post-fee", "30000"); err != nil || strings.TrimSpace(out) != "30000" {
		t.Errorf("post-fee: %q %v", out, err)
	}
	if _, err := runCmd(t, desk, StatusCommands(desk), "delivery", res.Dossier, "--post", "--address", "Số 1"); !errors.Is(err, dossier.ErrDeliveryFixed) {
		t.Errorf("delivery of a submitted dossier: %v", err)
	}
}
