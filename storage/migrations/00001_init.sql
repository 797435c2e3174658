-- Initial schema of the desk's local store: units, settings, dossier sequences, dossiers,
-- components, pages, files, the outbox and the append-only, hash-chained audit log.
-- Times are unix nanoseconds (UTC); 0 means "not set". JSON columns hold the domain's documents.

-- +goose Up
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE units (
    code         TEXT PRIMARY KEY CHECK (code <> ''),
    name         TEXT NOT NULL,
    address      TEXT NOT NULL,
    province     TEXT NOT NULL,
    counter_type TEXT NOT NULL CHECK (counter_type IN ('commune', 'postal')),
    hotlines     TEXT NOT NULL DEFAULT '[]',
    portal_url   TEXT NOT NULL,
    training     INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE sequences (
    unit_code TEXT NOT NULL,
    day       TEXT NOT NULL,
    last      INTEGER NOT NULL,
    PRIMARY KEY (unit_code, day)
) STRICT;

CREATE TABLE dossiers (
    id             TEXT PRIMARY KEY CHECK (id <> ''),
    unit_code      TEXT NOT NULL,
    procedure_code TEXT NOT NULL,
    officer        TEXT NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('draft', 'captured', 'signed', 'queued', 'submitted', 'failed')),
    channel        INTEGER NOT NULL CHECK (channel BETWEEN 0 AND 3),
    training       INTEGER NOT NULL,
    applicant_name TEXT NOT NULL,
    applicant_id   TEXT NOT NULL,
    data           TEXT,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    received_at    INTEGER NOT NULL,
    appointment_at INTEGER NOT NULL,
    portal_code    TEXT NOT NULL,
    portal_status  INTEGER NOT NULL,
    last_error     TEXT NOT NULL
) STRICT;
CREATE INDEX dossiers_created ON dossiers (created_at DESC, id DESC);
CREATE INDEX dossiers_state_created ON dossiers (state, created_at DESC, id DESC);

CREATE TABLE components (
    dossier_id TEXT NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    code       TEXT NOT NULL CHECK (code <> ''),
    name       TEXT NOT NULL,
    position   INTEGER NOT NULL,
    required   INTEGER NOT NULL,
    confirmed  INTEGER NOT NULL,
    data       TEXT,
    PRIMARY KEY (dossier_id, code)
) STRICT;

CREATE TABLE pages (
    id             INTEGER PRIMARY KEY,
    dossier_id     TEXT NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    component_code TEXT NOT NULL CHECK (component_code <> ''),
    position       INTEGER NOT NULL,
    blob           TEXT NOT NULL,
    format         TEXT NOT NULL CHECK (format IN ('jpeg', 'png', 'pdf-page')),
    dpi            INTEGER NOT NULL,
    width          INTEGER NOT NULL,
    height         INTEGER NOT NULL,
    rotation       INTEGER NOT NULL CHECK (rotation IN (0, 90, 180, 270)),
    blank          INTEGER NOT NULL,
    source         TEXT NOT NULL,
    created_at     INTEGER NOT NULL
) STRICT;
CREATE INDEX pages_component ON pages (dossier_id, component_code, position);
CREATE INDEX pages_blob ON pages (blob);

CREATE TABLE files (
    id             INTEGER PRIMARY KEY,
    dossier_id     TEXT NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    component_code TEXT NOT NULL,
    name           TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('assembled', 'imported', 'signed')),
    blob           TEXT NOT NULL,
    size           INTEGER NOT NULL,
    pages          INTEGER NOT NULL,
    signed         INTEGER NOT NULL,
    signer         TEXT NOT NULL,
    created_at     INTEGER NOT NULL
) STRICT;
CREATE INDEX files_dossier ON files (dossier_id, component_code, role);
CREATE INDEX files_blob ON files (blob);

CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    dossier_id  TEXT NOT NULL UNIQUE REFERENCES dossiers (id),
    idem_key    TEXT NOT NULL UNIQUE CHECK (idem_key <> ''),
    state       TEXT NOT NULL CHECK (state IN ('pending', 'claimed', 'done', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_at     INTEGER NOT NULL,
    lease_until INTEGER NOT NULL,
    last_error  TEXT NOT NULL DEFAULT '',
    error_class TEXT NOT NULL DEFAULT '',
    result      TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX outbox_due ON outbox (state, next_at, id);
CREATE INDEX outbox_lease ON outbox (state, lease_until, id);

CREATE TABLE audit (
    id         INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    dossier_id TEXT NOT NULL,
    detail     TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
) STRICT;
CREATE INDEX audit_dossier ON audit (dossier_id, id);

-- +goose StatementBegin
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audit log is append-only: UPDATE refused');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audit log is append-only: DELETE refused');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER audit_no_delete;
DROP TRIGGER audit_no_update;
DROP TABLE audit;
DROP TABLE outbox;
DROP TABLE files;
DROP TABLE pages;
DROP TABLE components;
DROP TABLE dossiers;
DROP TABLE sequences;
DROP TABLE units;
DROP TABLE settings;
