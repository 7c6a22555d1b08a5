-- Reservations by every identifier Kea reserves by: the type of each one's client identifier
-- (hw-address, client-id, duid, circuit-id, flex-id). Those read before were MAC addresses.
ALTER TABLE inventory_reservations ADD COLUMN identifier_type TEXT NOT NULL DEFAULT 'hw-address';
