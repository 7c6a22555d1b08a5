-- How each server is written, as its driver found from what the server offers (Kea: its
-- version and commands), shown on Server Properties. NULL until read, or when there is
-- nothing to say beyond the server's kind.
ALTER TABLE inventory_servers ADD COLUMN write_method TEXT;
