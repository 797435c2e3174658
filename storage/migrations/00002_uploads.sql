-- Resumable uploads: the tus upload URL of each file of a dossier being submitted, so a desk
-- restarted after a crash resumes mid-file instead of starting over. Rows go when the dossier is submitted.

-- +goose Up
CREATE TABLE uploads (
    dossier_id TEXT NOT NULL REFERENCES dossiers (id) ON DELETE CASCADE,
    name       TEXT NOT NULL CHECK (name <> ''),
    sha256     TEXT NOT NULL,
    url        TEXT NOT NULL CHECK (url <> ''),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (dossier_id, name)
) STRICT;

-- +goose Down
DROP TABLE uploads;
