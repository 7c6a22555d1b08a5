-- API tokens: a user's named bearer tokens for scripts. Only the SHA-256 of a token is stored
-- (the token is shown once, when created); a token acts with its user's role and access scope.
CREATE TABLE api_tokens (
    id           BIGSERIAL PRIMARY KEY,
    user_id      BIGINT NOT NULL,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL,
    -- The token's first characters, to tell tokens apart in a list.
    prefix       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT,
    last_used_at TEXT,
    revoked_at   TEXT,
    CONSTRAINT api_tokens_hash_unique UNIQUE (token_hash),
    CONSTRAINT api_tokens_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- How a recorded change came: NULL from the portal's pages, or `API token <name>`.
ALTER TABLE events ADD COLUMN via TEXT;
