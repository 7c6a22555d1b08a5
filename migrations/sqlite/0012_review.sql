-- Configuration review: the last review the watch (or a user) ran, whole, and the findings
-- dismissed for their object (kept by the finding's key: check, server, object).
CREATE TABLE review_results (
    singleton   INTEGER PRIMARY KEY,
    review      TEXT NOT NULL,
    reviewed_at TEXT NOT NULL
);
CREATE TABLE review_dismissals (
    finding_key  TEXT PRIMARY KEY,
    dismissed_by TEXT NOT NULL,
    dismissed_at TEXT NOT NULL
);
