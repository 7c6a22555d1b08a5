-- The digest of a scope's reservations alone (in address order), beside the digest of the
-- whole scope: when only a scope's properties changed, its reservation rows are known to be
-- as they were and are not compared again. NULL until the scope is next recorded.
ALTER TABLE inventory_scopes ADD COLUMN reservations_digest TEXT;
