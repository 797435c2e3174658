// Benchmark: a year of a busy desk (100,000 dossiers, their components, pages and files) computed under 200 ms.

package figures

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"sohoa/storage"
)

const benchDossiers = 100_000

var bench struct {
	once sync.Once
	dir  string
	db   *storage.DB
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bench.db != nil {
		bench.db.Close()
		os.RemoveAll(bench.dir)
	}
	os.Exit(code)
}

// benchDB seeds, once per test binary, a store with benchDossiers dossiers spread over 2026:
// three components each, two pages per component, one signed file per component; a mix of states,
// portal statuses, officers and procedures. Everything goes in one transaction.
func benchDB(b *testing.B) *storage.DB {
	bench.once.Do(func() {
		bench.dir, bench.err = os.MkdirTemp("", "sohoa-figures-bench-")
		if bench.err != nil {
			return
		}
		bench.db, bench.err = storage.Open(bench.dir)
		if bench.err != nil {
			return
		}
		bench.err = seed(context.Background(), bench.db, benchDossiers)
	})
	if bench.err != nil {
		b.Fatal(bench.err)
	}
	return bench.db
}

func seed(ctx context.Context, db *storage.DB, n int) error {
	tx, err := db.SQL().BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	insD, err := tx.PrepareContext(ctx, `INSERT INTO dossiers (id, unit_code, procedure_code, officer, state, channel, training,
		applicant_name, applicant_id, data, created_at, updated_at, received_at, appointment_at, portal_code, portal_status, last_error,
		submitted_at, result_at, vneid, page_count, component_count)
		VALUES (?, 'U', ?, ?, ?, 1, 0, 'Nguyễn Văn An', '001099012345', ?, ?, ?, ?, ?, '', ?, '', ?, ?, ?, 6, 3)`)
	if err != nil {
		return err
	}
	insC, err := tx.PrepareContext(ctx, `INSERT INTO components (dossier_id, code, name, position, required, confirmed) VALUES (?, ?, 'Thành phần', ?, 1, 1)`)
	if err != nil {
		return err
	}
	insP, err := tx.PrepareContext(ctx, `INSERT INTO pages (dossier_id, component_code, position, blob, format, dpi, width, height, rotation, blank, source, created_at)
		VALUES (?, ?, ?, 'b', 'jpeg', 300, 2480, 3508, 0, 0, 'scan:test', ?)`)
	if err != nil {
		return err
	}
	insF, err := tx.PrepareContext(ctx, `INSERT INTO files (dossier_id, component_code, name, role, blob, size, pages, signed, signer, created_at)
		VALUES (?, ?, 'x.pdf', 'signed', 'b', 100000, 2, 1, 'Cán bộ', ?)`)
	if err != nil {
		return err
	}
	states := []string{"submitted", "submitted", "submitted", "submitted", "submitted", "submitted", "queued", "failed", "signed", "draft"}
	start := time.Date(2026, 1, 1, 0, 1, 0, 0, Location())
	step := int64(365*24*time.Hour) / int64(n)
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("000.00.00.H47-%07d", i)
		created := start.Add(time.Duration(int64(i) * step))
		state := states[i%len(states)]
		status := 0
		var submitted, result int64
		vneid := false
		data := fmt.Sprintf(`{"applicant":{"id":"001099012345","name":"Nguyễn Văn An","birth":"1990-01-02","address":"Thôn 1, xã Đào Tạo, Đà Nẵng"},"procedure_name":"Đăng ký khai sinh","field_name":"Hộ tịch","process_days":3,"scan_started":%q,"signer":"Cán bộ %d"`,
			created.Add(2*time.Minute).Format(time.RFC3339Nano), i%7)
		if state == "submitted" {
			status = []int{2, 4, 9, 10, 3, 5}[i%6]
			sub := created.Add(time.Duration(10+i%50) * time.Minute)
			submitted, vneid = sub.UnixNano(), i%3 != 0
			data += fmt.Sprintf(`,"submitted_at":%q,"vneid":%v`, sub.Format(time.RFC3339Nano), vneid)
			if status == 10 {
				res := created.Add(time.Duration(48+i%60) * time.Hour)
				result = res.UnixNano()
				data += fmt.Sprintf(`,"result_at":%q`, res.Format(time.RFC3339Nano))
			}
		}
		data += "}"
		c := created.UnixNano()
		if _, err := insD.ExecContext(ctx, id, fmt.Sprintf("1.00%04d", i%12), fmt.Sprintf("Cán bộ %d", i%7), state, data,
			c, c, c, created.Add(72*time.Hour).UnixNano(), status, submitted, result, vneid); err != nil {
			return err
		}
		for k := 0; k < 3; k++ {
			code := fmt.Sprintf("TP%d", k)
			if _, err := insC.ExecContext(ctx, id, code, k); err != nil {
				return err
			}
			for p := 0; p < 2; p++ {
				if _, err := insP.ExecContext(ctx, id, code, p, c); err != nil {
					return err
				}
			}
			if state != "draft" {
				if _, err := insF.ExecContext(ctx, id, code, c); err != nil {
					return err
				}
			}
		}
	}
	// The figure keys, as the desk writes them with each row.
	if _, err := tx.ExecContext(ctx, `INSERT INTO figure_keys (officer, procedure_code)
		SELECT DISTINCT officer, procedure_code FROM dossiers WHERE true ON CONFLICT DO NOTHING`); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE dossiers SET fig_key = (SELECT id FROM figure_keys k
		WHERE k.officer = dossiers.officer AND k.procedure_code = dossiers.procedure_code)`); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `ANALYZE`); err != nil {
		return err
	}
	return tx.Commit()
}

// BenchmarkComputeYear computes a year of figures over 100,000 dossiers; the target is under 200 ms/op.
func BenchmarkComputeYear(b *testing.B) {
	db := benchDB(b)
	ctx := context.Background()
	from, to := time.Date(2026, 1, 1, 0, 0, 0, 0, Location()), time.Date(2027, 1, 1, 0, 0, 0, 0, Location())
	opt := Options{Now: time.Date(2027, 1, 5, 0, 0, 0, 0, Location())}
	b.ResetTimer()
	c0 := cpuTime()
	for b.Loop() {
		f, err := Compute(ctx, db, from, to, opt)
		if err != nil {
			b.Fatal(err)
		}
		if f.Total.Received != benchDossiers || f.Total.Pages != 6*benchDossiers {
			b.Fatalf("received %d pages %d", f.Total.Received, f.Total.Pages)
		}
	}
	// CPU time (user+system, all threads) per operation: what the computation costs when the
	// machine is shared and wall time is not.
	b.ReportMetric(float64((cpuTime()-c0).Milliseconds())/float64(b.N), "cpu-ms/op")
}
