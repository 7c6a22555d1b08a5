-- Managed DHCP servers. The server itself is authoritative for its configuration; Tandem keeps
-- only how to reach it.
CREATE TABLE servers (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    endpoint    TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    CONSTRAINT servers_name_unique UNIQUE (name),
    CONSTRAINT servers_kind_known CHECK (kind IN ('builtin', 'kea'))
);

-- Failover Config Sync Status: one row per failover scope whose automatic replication failed.
-- No row means the status is blank (no problem).
CREATE TABLE scope_sync_errors (
    relationship TEXT NOT NULL,
    scope_id     TEXT NOT NULL,
    source       TEXT NOT NULL,
    partner      TEXT NOT NULL,
    error        TEXT NOT NULL,
    at           TEXT NOT NULL,
    CONSTRAINT scope_sync_errors_pk PRIMARY KEY (relationship, scope_id)
);

-- The Event Catalog: every change made through Tandem, with its replication result.
CREATE TABLE events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    server      TEXT,
    object      TEXT NOT NULL,
    before_json TEXT,
    after_json  TEXT,
    outcome     TEXT NOT NULL,
    replication TEXT
);
CREATE INDEX events_at ON events (at);
