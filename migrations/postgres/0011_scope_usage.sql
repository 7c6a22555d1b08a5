-- Leases and utilization: how full each scope is on each server, as the drift watch last read
-- it (NULL until the server has told). usage_permille orders and filters the DHCP Scopes view.
ALTER TABLE inventory_scopes ADD COLUMN usage_total BIGINT;
ALTER TABLE inventory_scopes ADD COLUMN usage_in_use BIGINT;
ALTER TABLE inventory_scopes ADD COLUMN usage_reserved BIGINT;
ALTER TABLE inventory_scopes ADD COLUMN usage_free BIGINT;
ALTER TABLE inventory_scopes ADD COLUMN usage_permille BIGINT;
CREATE INDEX inventory_scopes_usage
    ON inventory_scopes (usage_permille, scope_key, server, scope_id);
-- Why a server's figures could not be read at its last look (NULL when they were).
ALTER TABLE inventory_servers ADD COLUMN usage_unread TEXT;
