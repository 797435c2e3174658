-- Figures without reading the record JSON or the pages: stored columns on dossiers derived by triggers
-- (submitted_at, result_at, vneid from the record; page_count, component_count from the pages; fig_bits and
-- fig_dur packing what the figures read of a row, fig_key naming its officer and procedure), a covering
-- index that answers the figures' query alone, and the payment requests the portal answers with.
-- The record-derived columns follow the record whoever writes it (the desk, a repair by hand): the record
-- stays the one source of truth. page_count and component_count count what was captured: the retention
-- purge of a submitted dossier's page images does not lower them.

-- +goose Up
ALTER TABLE dossiers ADD COLUMN submitted_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dossiers ADD COLUMN result_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dossiers ADD COLUMN vneid INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dossiers ADD COLUMN page_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dossiers ADD COLUMN component_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dossiers ADD COLUMN fig_bits INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dossiers ADD COLUMN fig_dur INTEGER NOT NULL DEFAULT -1;
ALTER TABLE dossiers ADD COLUMN fig_key INTEGER NOT NULL DEFAULT 0;

-- Each (officer, procedure) pair once: a dossier's fig_key names its pair, so the figures read an integer
-- instead of two strings per dossier.
CREATE TABLE figure_keys (
    id             INTEGER PRIMARY KEY,
    officer        TEXT NOT NULL,
    procedure_code TEXT NOT NULL,
    UNIQUE (officer, procedure_code)
) STRICT;

-- +goose StatementBegin
CREATE TRIGGER dossiers_figure_key AFTER UPDATE OF officer, procedure_code ON dossiers
BEGIN
    INSERT INTO figure_keys (officer, procedure_code) SELECT NEW.officer, NEW.procedure_code
        WHERE NOT EXISTS (SELECT 1 FROM figure_keys WHERE officer = NEW.officer AND procedure_code = NEW.procedure_code);
    UPDATE dossiers SET fig_key = (SELECT id FROM figure_keys WHERE officer = NEW.officer AND procedure_code = NEW.procedure_code)
    WHERE id = NEW.id;
END;
-- +goose StatementEnd

-- The record's top-level "submitted_at" and "result_at" (RFC 3339 with up to 9 fraction digits and an
-- offset or Z) become unix nanoseconds, "vneid": true becomes 1; anything else (absent, another type,
-- unreadable JSON) is 0.
-- +goose StatementBegin
CREATE TRIGGER dossiers_record_columns AFTER UPDATE OF data ON dossiers
BEGIN
    UPDATE dossiers SET
        submitted_at = coalesce((SELECT CASE
            WHEN s GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]*'
                AND (s GLOB '*Z' OR s GLOB '*[+-][0-2][0-9]:[0-5][0-9]')
            THEN unixepoch(s) * 1000000000 + CASE WHEN substr(s, 20, 1) = '.'
                THEN CAST(substr(substr(s, 21, length(s) - 20 - CASE WHEN s GLOB '*Z' THEN 1 ELSE 6 END) || '000000000', 1, 9) AS INTEGER)
                ELSE 0 END
            END
            FROM (SELECT json_extract(NEW.data, '$.submitted_at') AS s
                  WHERE CASE WHEN json_valid(NEW.data) THEN json_type(NEW.data, '$.submitted_at') = 'text' ELSE 0 END)), 0),
        result_at = coalesce((SELECT CASE
            WHEN s GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]*'
                AND (s GLOB '*Z' OR s GLOB '*[+-][0-2][0-9]:[0-5][0-9]')
            THEN unixepoch(s) * 1000000000 + CASE WHEN substr(s, 20, 1) = '.'
                THEN CAST(substr(substr(s, 21, length(s) - 20 - CASE WHEN s GLOB '*Z' THEN 1 ELSE 6 END) || '000000000', 1, 9) AS INTEGER)
                ELSE 0 END
            END
            FROM (SELECT json_extract(NEW.data, '$.result_at') AS s
                  WHERE CASE WHEN json_valid(NEW.data) THEN json_type(NEW.data, '$.result_at') = 'text' ELSE 0 END)), 0),
        vneid = CASE WHEN json_valid(NEW.data) THEN coalesce(json_type(NEW.data, '$.vneid') = 'true', 0) ELSE 0 END
    WHERE id = NEW.id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER dossiers_record_columns_new AFTER INSERT ON dossiers
BEGIN
    UPDATE dossiers SET data = data, officer = officer WHERE id = NEW.id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER pages_counted AFTER INSERT ON pages
BEGIN
    UPDATE dossiers SET page_count = page_count + 1,
        component_count = component_count + NOT EXISTS (SELECT 1 FROM pages
            WHERE dossier_id = NEW.dossier_id AND component_code = NEW.component_code AND id <> NEW.id)
    WHERE id = NEW.dossier_id;
END;
-- +goose StatementEnd

-- The officer deletes pages only before submission; a submitted dossier loses page rows only to the
-- retention purge, which must not change what was digitized.
-- +goose StatementBegin
CREATE TRIGGER pages_uncounted AFTER DELETE ON pages
WHEN coalesce((SELECT state FROM dossiers WHERE id = OLD.dossier_id), 'submitted') <> 'submitted'
BEGIN
    UPDATE dossiers SET page_count = max(page_count - 1, 0),
        component_count = max(component_count - NOT EXISTS (SELECT 1 FROM pages
            WHERE dossier_id = OLD.dossier_id AND component_code = OLD.component_code), 0)
    WHERE id = OLD.dossier_id;
END;
-- +goose StatementEnd

-- fig_bits packs what the figures need of a dossier into one integer (bits 0–2 the state: draft 0, captured 1,
-- signed 2, queued 3, submitted 4, failed 5; bits 3–6 the portal status, 15 when outside 0–10; bit 7 the
-- VNeID flag; bits 8–9 the on-time judgement as far as it does not depend on the day it is made: 0 not
-- judged (no appointment, or refused 3, withdrawn 7, stopped 8), 1 on time, 2 overdue, 3 open (no result
-- yet: overdue once the appointment has passed); bits 10–25 the components with pages; from bit 26 the
-- pages). The result time is result_at, or updated_at for status 9 or 10 without it. fig_dur is the time
-- from "New dossier" to submitted of a submitted dossier that has it, else -1.
-- +goose StatementBegin
CREATE TRIGGER dossiers_figure_bits AFTER UPDATE OF state, portal_status, vneid, appointment_at, updated_at, result_at,
    submitted_at, created_at, page_count, component_count ON dossiers
BEGIN
    UPDATE dossiers SET
        fig_bits = (SELECT st | (CASE WHEN NEW.portal_status BETWEEN 0 AND 10 THEN NEW.portal_status ELSE 15 END << 3)
                | ((NEW.vneid <> 0) << 7)
                | (CASE
                    WHEN NEW.appointment_at = 0 OR NEW.portal_status IN (3, 7, 8) THEN 0
                    WHEN res = 0 THEN 3
                    WHEN res <= NEW.appointment_at THEN 1
                    ELSE 2 END << 8)
                | (min(max(NEW.component_count, 0), 65535) << 10) | (max(NEW.page_count, 0) << 26)
            FROM (SELECT CASE NEW.state WHEN 'draft' THEN 0 WHEN 'captured' THEN 1 WHEN 'signed' THEN 2
                        WHEN 'queued' THEN 3 WHEN 'submitted' THEN 4 ELSE 5 END AS st,
                    CASE WHEN NEW.result_at <> 0 THEN NEW.result_at
                        WHEN NEW.portal_status IN (9, 10) THEN NEW.updated_at ELSE 0 END AS res)),
        fig_dur = CASE WHEN NEW.state = 'submitted' AND NEW.submitted_at <> 0
            THEN max(NEW.submitted_at - NEW.created_at, 0) ELSE -1 END
    WHERE id = NEW.id;
END;
-- +goose StatementEnd

-- Backfill: the record columns through the trigger, the counts from the pages.
UPDATE dossiers SET data = data, officer = officer;
UPDATE dossiers SET
    page_count = (SELECT count(*) FROM pages WHERE dossier_id = dossiers.id),
    component_count = (SELECT count(DISTINCT component_code) FROM pages WHERE dossier_id = dossiers.id);

-- Everything the figures read, in the order they read it: an index-only scan.
CREATE INDEX dossiers_figures ON dossiers (training, created_at, fig_key, fig_bits, appointment_at, fig_dur);

-- A payment request the portal answered a submission with, and whether the portal says it is paid.
CREATE TABLE payments (
    dossier_id   TEXT PRIMARY KEY REFERENCES dossiers (id) ON DELETE CASCADE,
    amount       INTEGER NOT NULL CHECK (amount >= 0),
    reference    TEXT NOT NULL,
    url          TEXT NOT NULL,
    qr           TEXT NOT NULL,
    paid         INTEGER NOT NULL,
    paid_at      INTEGER NOT NULL,
    requested_at INTEGER NOT NULL,
    checked_at   INTEGER NOT NULL
) STRICT;

-- +goose Down
DROP TABLE payments;
DROP INDEX dossiers_figures;
DROP TRIGGER dossiers_figure_key;
DROP TRIGGER dossiers_figure_bits;
DROP TRIGGER pages_uncounted;
DROP TRIGGER pages_counted;
DROP TRIGGER dossiers_record_columns_new;
DROP TRIGGER dossiers_record_columns;
DROP TABLE figure_keys;
ALTER TABLE dossiers DROP COLUMN fig_key;
ALTER TABLE dossiers DROP COLUMN fig_dur;
ALTER TABLE dossiers DROP COLUMN fig_bits;
ALTER TABLE dossiers DROP COLUMN component_count;
ALTER TABLE dossiers DROP COLUMN page_count;
ALTER TABLE dossiers DROP COLUMN vneid;
ALTER TABLE dossiers DROP COLUMN result_at;
ALTER TABLE dossiers DROP COLUMN submitted_at;
