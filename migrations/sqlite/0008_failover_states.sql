-- Each server's failover relationships and its own state in each, as the drift watch last read
-- them (or why the server did not answer): the Dashboard and Failover Relationships read these
-- rather than asking every server while a page waits.
CREATE TABLE failover_reads (
    server   TEXT PRIMARY KEY,
    -- JSON: the server's FailoverReport list; NULL when it did not answer.
    reports  TEXT,
    -- Why the server did not answer; NULL when it did.
    error    TEXT,
    read_at  TEXT NOT NULL
);

-- When the drift watch last finished a pass, and which Tandem instance ran it: /health and
-- /metrics on every instance say how old the watch's view of the servers is.
CREATE TABLE watch_passes (
    watch       TEXT PRIMARY KEY,
    instance    TEXT NOT NULL,
    finished_at TEXT NOT NULL
);

-- Actions each user may start only now and then ("Check drift now"): until when the next one
-- is refused, shared by every instance.
CREATE TABLE rate_limits (
    key   TEXT PRIMARY KEY,
    until TEXT NOT NULL
);

-- Uploaded reservation files between their preview and their apply, each its user's (kept an
-- hour): the apply may reach another instance than the upload did.
CREATE TABLE import_drafts (
    id         TEXT PRIMARY KEY,
    owner      INTEGER NOT NULL,
    server     TEXT NOT NULL,
    file_name  TEXT NOT NULL,
    csv        BLOB NOT NULL,
    report     TEXT,
    error      TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX import_drafts_created ON import_drafts (created_at);

-- The Tandem instance that recorded a change: a restart flags only its own changes that
-- were left pending, not those another instance has under way.
ALTER TABLE events ADD COLUMN instance TEXT;
