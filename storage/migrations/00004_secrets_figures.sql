-- Per-dossier secrets in their own table, deleted with the dossier; and the figures read typed columns the
-- desk writes in the same transaction as each change (no triggers, no packed bits, no JSON read in SQL).
-- The citizen and status tokens move out of the settings (only those of dossiers that still exist).
-- The typed columns submitted_at, result_at, vneid, page_count and component_count (migration 00003) stay;
-- from now on the desk writes them, not triggers.

-- +goose Up
CREATE TABLE secrets (
    dossier_id TEXT NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind <> ''),
    value      BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (dossier_id, kind)
) STRICT;

INSERT INTO secrets (dossier_id, kind, value, created_at)
    SELECT d.id, 'citizen-token', CAST(s.value AS BLOB), 0 FROM settings s JOIN dossiers d ON s.key = 'citizen-token.' || d.id
    WHERE s.value <> '';
INSERT INTO secrets (dossier_id, kind, value, created_at)
    SELECT d.id, 'status-token', CAST(s.value AS BLOB), 0 FROM settings s JOIN dossiers d ON s.key = 'status-token.' || d.id
    WHERE s.value <> '';
DELETE FROM settings WHERE key LIKE 'citizen-token.%' OR key LIKE 'status-token.%';

DROP TRIGGER dossiers_figure_key;
DROP TRIGGER dossiers_figure_bits;
DROP TRIGGER pages_uncounted;
DROP TRIGGER pages_counted;
DROP TRIGGER dossiers_record_columns_new;
DROP TRIGGER dossiers_record_columns;
DROP INDEX dossiers_figures;
ALTER TABLE dossiers DROP COLUMN fig_dur;
ALTER TABLE dossiers DROP COLUMN fig_bits;
-- fig_key (the dossier's officer and procedure pair in figure_keys, so the figures read an integer instead of
-- two strings per dossier) stays; the desk writes it with the row.

-- Everything the figures read of a dossier, in the order they read it: an index-only scan.
CREATE INDEX dossiers_figures ON dossiers (training, created_at, fig_key, state, portal_status, vneid,
    appointment_at, result_at, submitted_at, updated_at, page_count, component_count);

-- +goose Down
DROP INDEX dossiers_figures;
DROP TABLE secrets;
