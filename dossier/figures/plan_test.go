// The figures' query is answered by the covering index alone, in index order (no table rows, no sort).

package figures

import (
	"context"
	"strings"
	"testing"
)

func TestQueryIsIndexOnly(t *testing.T) {
	db := openHistory(t)
	args := []any{int64(0), int64(1) << 62, false}
	for _, n := range stateNames {
		args = append(args, n)
	}
	rows, err := db.SQL().QueryContext(context.Background(), `EXPLAIN QUERY PLAN `+dossierQuery, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	all := strings.Join(plan, "\n")
	if len(plan) != 1 || !strings.Contains(all, "USING COVERING INDEX dossiers_figures") || strings.Contains(all, "TEMP B-TREE") {
		t.Errorf("query plan:\n%s", all)
	}
}
