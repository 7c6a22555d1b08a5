-- Each relationship as each server last reported it, one row per (server, relationship), with
-- the server's own state in it: the Dashboard counts states and Failover Relationships pages
-- through relationships in SQL instead of reading every server's whole report. The read's
-- time, or why the server did not answer, stays in failover_reads.
CREATE TABLE failover_states (
    server           TEXT NOT NULL,
    name             TEXT NOT NULL,
    primary_server   TEXT NOT NULL,
    secondary_server TEXT NOT NULL,
    -- Tandem's word for the state (Normal, CommunicationInterrupted, ...) and the server's own.
    state            TEXT NOT NULL,
    raw_state        TEXT NOT NULL,
    -- JSON: the relationship as this server reports it, its scopes left out ("scopes": []).
    settings         TEXT NOT NULL,
    -- JSON: its scope IDs, and how many there are (a page of relationships shows a count
    -- rather than reading every list).
    scopes           TEXT NOT NULL,
    scope_count      INTEGER NOT NULL,
    -- 1 on the one row per relationship name whose copy the views show: the primary's when it
    -- reported one, otherwise the first server's by name (kept by each write).
    shown            INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (server, name)
);
CREATE INDEX failover_states_name ON failover_states (name, server);
-- The views page through the shown rows in name order.
CREATE INDEX failover_states_shown ON failover_states (shown, name);

-- The reports were kept whole here: every server is read again at the next look (a view
-- asks a server it has no read of before it answers).
DELETE FROM failover_reads;
ALTER TABLE failover_reads DROP COLUMN reports;
