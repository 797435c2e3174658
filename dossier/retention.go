// Retention: page images of submitted dossiers are purged after a number of days (a unit setting).

package dossier

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"sohoa/storage"
)

// Retention settings, in days; 0 keeps forever.
const (
	SettingPageDays = "retention.page_days" // page images of submitted dossiers (default 30)
	SettingFileDays = "retention.file_days" // signed PDFs of submitted dossiers (default 0: the unit's archive rule decides)
)

func (d *settingsSvc) days(ctx context.Context, key string, def int) (int, error) {
	v, err := d.db.Setting(ctx, key)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && v == "") {
		return def, nil
	}
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("setting %s = %q: want a number of days (0 keeps forever)", key, v)
	}
	return n, nil
}

// Purge applies the retention settings to submitted dossiers (the portal confirmed receipt): page
// images after SettingPageDays, signed PDFs after SettingFileDays. Nothing else is touched.
func (d *settingsSvc) Purge(ctx context.Context) (storage.PurgeResult, error) {
	pages, err := d.days(ctx, SettingPageDays, 30)
	if err != nil {
		return storage.PurgeResult{}, err
	}
	files, err := d.days(ctx, SettingFileDays, 0)
	if err != nil {
		return storage.PurgeResult{}, err
	}
	day := 24 * time.Hour
	return d.db.Purge(ctx, time.Duration(pages)*day, time.Duration(files)*day, func(tx *storage.Tx, res storage.PurgeResult) error {
		if res.Pages+res.Files == 0 {
			return nil
		}
		return tx.Audit(d.actor(), "retention.purged", "", res) // the rows and their audit row in one step
	})
}
