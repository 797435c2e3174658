// Tests of `sohoa catalog` and `sohoa holidays` on a real data folder.

package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sohoa/wire"

	"github.com/spf13/cobra"
)

func TestCatalogAndHolidaysCommands(t *testing.T) {
	g := &Globals{Program: wire.Program{}, DataDir: t.TempDir(), Training: true, Out: &bytes.Buffer{}}
	cmds := func() []*cobra.Command { return []*cobra.Command{catalogCmd(g), holidaysCmd(g)} }
	dir := t.TempDir()
	list := filepath.Join(dir, "xa.csv")
	os.WriteFile(list, []byte("code,name,level,field,days,component,role,required,originals,copies\n"+
		"1.013967,Giải quyết tranh chấp đất đai thuộc thẩm quyền của Chủ tịch Ủy ban nhân dân cấp xã,xã,Đất đai,45,Đơn đề nghị,nop,có,1,0\n"+
		"1.012812,Hòa giải tranh chấp đất đai,\"xã, tỉnh\",Đất đai,30,Đơn đề nghị hòa giải,nop,có,1,0\n"), 0o644)
	out, err := runCmd(t, g, cmds(), "catalog", "import", list)
	if err != nil || !strings.Contains(out, "2 procedures") {
		t.Fatalf("import: %q %v", out, err)
	}
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("code,name,level,field,days,component\n1.013967,X,xã,Đất đai,bốn,Đơn\n"), 0o644)
	g.Lang = "vi"
	if _, err := runCmd(t, g, cmds(), "catalog", "import", bad); err == nil || !strings.Contains(err.Error(), "dòng 2") || !strings.Contains(err.Error(), `"days"`) {
		t.Errorf("bad file: %v — want a sentence naming row 2 and the field days", err)
	}
	out, err = runCmd(t, g, cmds(), "catalog", "search", "giai", "quyet", "tranh", "chap")
	if err != nil || !strings.HasPrefix(out, "1.013967\t3\t45\t") {
		t.Errorf("search: %q %v", out, err)
	}
	out, err = runCmd(t, g, cmds(), "--json", "catalog", "list", "--level", "2")
	var ps []struct{ Code string }
	if err != nil || json.Unmarshal([]byte(out), &ps) != nil || len(ps) != 1 || ps[0].Code != "1.012812" {
		t.Errorf("list --level 2: %q %v", out, err)
	}
	fees := filepath.Join(dir, "fees.csv")
	os.WriteFile(fees, []byte("procedure,name,amount,channel\n2.000884,Phí chứng thực chữ ký,0,truc_tuyen\n"), 0o644)
	if out, err := runCmd(t, g, cmds(), "catalog", "fees", fees); err != nil || !strings.Contains(out, "1 fee rows") {
		t.Errorf("fees: %q %v", out, err)
	}
	hol := filepath.Join(dir, "2028.json")
	os.WriteFile(hol, []byte(`{"year": 2028, "off": [{"date": "2028-01-03", "name": "Nghỉ bù"}], "sources": ["Quyết định thử"]}`), 0o644)
	if out, err := runCmd(t, g, cmds(), "holidays", "import", hol); err != nil || !strings.Contains(out, "2028") {
		t.Errorf("holidays import: %q %v", out, err)
	}
	if out, err := runCmd(t, g, cmds(), "holidays", "status"); err != nil || strings.Count(out, "\n") != 2 {
		t.Errorf("holidays status: %q %v", out, err)
	}
}
