-- A change to a failover scope records where it was going: the scope, its relationship and
-- the partner. If Tandem dies before the change is complete, the next start marks the event
-- interrupted and gives the scope a sync error naming the step that may not have happened.
ALTER TABLE events ADD COLUMN scope_id TEXT;
ALTER TABLE events ADD COLUMN relationship TEXT;
ALTER TABLE events ADD COLUMN partner TEXT;
CREATE INDEX events_outcome ON events (outcome);
