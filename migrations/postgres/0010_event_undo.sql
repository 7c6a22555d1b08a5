-- Undo from the Event Catalog: a change that reverses another names the event it undoes.
ALTER TABLE events ADD COLUMN undoes BIGINT;
CREATE INDEX events_undoes ON events (undoes);
