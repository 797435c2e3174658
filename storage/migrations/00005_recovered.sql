-- Stored files found by `sohoa doctor --repair` that no row referenced when the folder's database
-- was rebuilt: kept here so the garbage collector never deletes them, and listed for the officer
-- to export or attach again. Nothing else writes this table.

-- +goose Up
CREATE TABLE recovered (
    blob     TEXT PRIMARY KEY CHECK (length(blob) = 64),
    kind     TEXT NOT NULL,
    size     INTEGER NOT NULL,
    found_at INTEGER NOT NULL
) STRICT;

-- +goose Down
DROP TABLE recovered;
