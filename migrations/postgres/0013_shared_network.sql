-- Shared networks (Windows: superscopes): the one each scope sits in on its server, as the last
-- read found it (NULL: none). Shown and filtered on in the DHCP Scopes view.
ALTER TABLE inventory_scopes ADD COLUMN shared_network TEXT;
CREATE INDEX inventory_scopes_shared_network ON inventory_scopes (shared_network, scope_key);
