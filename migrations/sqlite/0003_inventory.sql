-- The inventory: what Tandem last read from each managed server, so that list views, filters
-- and searches are queries here instead of calls to every server. The servers stay
-- authoritative: the inventory is rewritten from them by every change made through Tandem and
-- by the drift watch (which re-reads a server only when its revision changed).

-- One row per managed server that has been read at least once.
CREATE TABLE inventory_servers (
    server       TEXT PRIMARY KEY,
    -- What the server said its revision was when it was last read; NULL when it cannot say.
    revision     TEXT,
    -- NULL when the last read worked; otherwise why it did not.
    unreachable  TEXT,
    relationships BIGINT NOT NULL DEFAULT 0,
    collected_at TEXT NOT NULL
);

-- One row per scope per server.
CREATE TABLE inventory_scopes (
    server       TEXT NOT NULL,
    scope_id     TEXT NOT NULL,
    -- The scope ID as a number, for address order.
    scope_key    BIGINT NOT NULL,
    name         TEXT NOT NULL,
    name_key     TEXT NOT NULL,
    start_ip     TEXT NOT NULL,
    end_ip       TEXT NOT NULL,
    prefix_len   BIGINT NOT NULL,
    state        TEXT NOT NULL,
    reservations BIGINT NOT NULL,
    relationship TEXT,
    partner      TEXT,
    -- The scope's content digest (equal digests = identical copies).
    digest       TEXT NOT NULL,
    -- '' (not in failover), 'InSync', 'OutOfSync' or 'Unknown'.
    sync         TEXT NOT NULL DEFAULT '',
    CONSTRAINT inventory_scopes_pk PRIMARY KEY (server, scope_id)
);
-- One index per order the list offers, each ending in the row's key, so that a page (even the
-- last of a hundred thousand rows) is found in the index alone.
CREATE INDEX inventory_scopes_order ON inventory_scopes (scope_key, server, scope_id);
CREATE INDEX inventory_scopes_by_server ON inventory_scopes (server, scope_key, scope_id);
CREATE INDEX inventory_scopes_name ON inventory_scopes (name_key, scope_key, server, scope_id);
CREATE INDEX inventory_scopes_state ON inventory_scopes (state, scope_key, server, scope_id);
CREATE INDEX inventory_scopes_size ON inventory_scopes (reservations, scope_key, server, scope_id);
CREATE INDEX inventory_scopes_relationship
    ON inventory_scopes (relationship, scope_key, server, scope_id);
CREATE INDEX inventory_scopes_sync ON inventory_scopes (sync, scope_key, server, scope_id);
CREATE INDEX inventory_scopes_partner ON inventory_scopes (partner, scope_id);

-- One row per reservation per scope per server, for the global search.
CREATE TABLE inventory_reservations (
    server      TEXT NOT NULL,
    scope_id    TEXT NOT NULL,
    ip          TEXT NOT NULL,
    ip_key      BIGINT NOT NULL,
    client_id   TEXT NOT NULL,
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    description TEXT NOT NULL,
    kind        TEXT NOT NULL,
    CONSTRAINT inventory_reservations_pk PRIMARY KEY (server, scope_id, ip_key)
);
CREATE INDEX inventory_reservations_ip ON inventory_reservations (ip);
CREATE INDEX inventory_reservations_client ON inventory_reservations (client_id);
CREATE INDEX inventory_reservations_name ON inventory_reservations (name_key);
