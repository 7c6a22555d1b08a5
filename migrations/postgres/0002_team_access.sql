-- Team access: users with IPAM roles, sessions, sign-in throttling, and a fuller Event Catalog.

CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    username      TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    -- IPAM's access scope: a JSON list of server names, or NULL for every server.
    servers       TEXT,
    disabled      BIGINT NOT NULL DEFAULT 0,
    version       BIGINT NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    CONSTRAINT users_username_unique UNIQUE (username),
    CONSTRAINT users_role_known CHECK (role IN ('Administrator', 'DhcpAdministrator',
        'DhcpScopeAdministrator', 'DhcpReservationsAdministrator', 'User'))
);

-- A session is known by the SHA-256 of its cookie token; the token itself is never stored.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      BIGINT NOT NULL,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    CONSTRAINT sessions_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed sign-ins, for throttling per account and per address.
CREATE TABLE sign_in_failures (
    id       BIGSERIAL PRIMARY KEY,
    username TEXT NOT NULL,
    address  TEXT NOT NULL,
    at       TEXT NOT NULL
);
CREATE INDEX sign_in_failures_username ON sign_in_failures (username, at);
CREATE INDEX sign_in_failures_address ON sign_in_failures (address, at);

-- Events are written before the change (outcome 'pending') and completed after it, so that a
-- change whose process dies half-way is still on record.
ALTER TABLE events ADD COLUMN object_type TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN request_id TEXT;
CREATE INDEX events_actor ON events (actor, at);
CREATE INDEX events_action ON events (action, at);
