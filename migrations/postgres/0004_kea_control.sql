-- How each server is written, as its driver found from what the server offers (Kea: its
-- version and commands), shown on Server Properties. NULL until read, or when there is
-- nothing to say beyond the server's kind.
ALTER TABLE inventory_servers ADD COLUMN write_method TEXT;

-- How Tandem authenticates to a server's control channel: HTTP basic authentication (the
-- password is write-only: no read, page, event or log ever shows it) and the CA file that
-- vouches for an https:// endpoint's certificate. NULL when not used.
ALTER TABLE servers ADD COLUMN control_user TEXT;
ALTER TABLE servers ADD COLUMN control_password TEXT;
ALTER TABLE servers ADD COLUMN control_ca_file TEXT;
