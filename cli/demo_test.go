// In-process test of the demo flow: the same code `sohoa demo` runs, checked through the desk's store.

package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"sohoa/desk"
	"sohoa/storage"
	"sohoa/wire"

	"sohoa/portal/refportal"
)

func TestRunDemo(t *testing.T) {
	data := t.TempDir()
	g := &Globals{Program: wire.Program{}, DataDir: data, Training: true, Out: &bytes.Buffer{}}
	var steps []string
	res, err := RunDemo(context.Background(), g, "", func(s string) { steps = append(steps, s) })
	if err != nil {
		t.Fatalf("demo: %v (steps: %v)", err, steps)
	}
	if res.State != string(desk.Submitted) || res.PortalCode == "" || res.Pages != 4 || len(res.Files) != 2 {
		t.Fatalf("demo result %+v", res)
	}
	held, err := refportal.ListDossiers(res.PortalData)
	if err != nil {
		t.Fatal(err)
	}
	if len(held) != 1 || held[0].PortalCode != res.PortalCode || held[0].MaHoSo != res.Dossier {
		t.Fatalf("portal holds %+v", held)
	}
	// The test reads the store itself (the commands never do).
	db, err := storage.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.VerifyAudit(context.Background()); err != nil {
		t.Errorf("audit chain: %v", err)
	}
	log, err := db.AuditLog(context.Background(), res.Dossier)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range log {
		actions = append(actions, e.Action)
	}
	b, _ := json.Marshal(actions)
	for _, want := range []string{"dossier.created", "component.scanned", "component.imported", "component.confirmed", "dossier.signed", "citizen.authorized", "dossier.queued", "dossier.submitted"} {
		if !bytes.Contains(b, []byte(`"`+want+`"`)) {
			t.Errorf("audit log lacks %s: %s", want, b)
		}
	}
}

func TestUnitSetAndShow(t *testing.T) {
	data := t.TempDir()
	run := func(args ...string) (string, error) {
		root, g := Root(wire.Program{}, nil)
		var out bytes.Buffer
		g.Out = &out
		root.SetArgs(append(args, "--data", data))
		err := root.ExecuteContext(context.Background())
		return out.String(), err
	}
	if _, err := run("unit", "set", "--code", "H47", "--name", "UBND xã Tam Xuân"); err == nil {
		t.Errorf("a malformed unit code was accepted")
	}
	if _, err := run("unit", "set", "--code", "000.21.30.H47", "--name", "UBND xã Tam Xuân", "--desk", "12"); err == nil {
		t.Errorf("desk 12 was accepted")
	}
	if _, err := run("unit", "set", "--code", "000.21.30.H47", "--name", "UBND xã Tam Xuân", "--counter", "postal",
		"--hotline", "Tổng đài 1022|0235.1022|1022@quangnam.gov.vn", "--desk", "2"); err != nil {
		t.Fatal(err)
	}
	out, err := run("unit", "show", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Unit struct {
			Code, Name, CounterType string
			Hotlines                []struct{ Phone string }
		}
		Desk int
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if got.Unit.Code != "000.21.30.H47" || got.Unit.CounterType != "postal" || got.Desk != 2 || len(got.Unit.Hotlines) != 1 || got.Unit.Hotlines[0].Phone != "0235.1022" {
		t.Errorf("unit show: %+v", got)
	}
	// A postal counter's dossiers are marked KenhThucHien=3 and numbered 0002, 0011… at desk 2 (9 desks assumed).
	out, err = run("dossier", "new", "--procedure", "1.001193", "--name", "Trần Thị Bình", "--id", "049195000123", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		ID      string
		Channel int
	}
	json.Unmarshal([]byte(out), &v)
	if !strings.HasSuffix(v.ID, "-0002") || !strings.HasPrefix(v.ID, "000.21.30.H47-") || v.Channel != 3 {
		t.Errorf("dossier %+v", v)
	}
}
