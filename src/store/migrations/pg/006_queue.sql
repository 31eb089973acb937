-- 006: a unit's queue page straight from indexes (PostgreSQL twin of
-- ../006_queue.sql, which says why).

ALTER TABLE ticket_co_units
    ADD COLUMN status text,
    ADD COLUMN due_key bigint,
    ADD COLUMN created_at bigint;

UPDATE ticket_co_units co
   SET status = t.status, due_key = t.due_key, created_at = t.created_at
  FROM tickets t WHERE t.id = co.ticket_id;

CREATE INDEX ticket_co_units_due ON ticket_co_units(unit_id, status, due_key, ticket_id);
CREATE INDEX ticket_co_units_created ON ticket_co_units(unit_id, status, created_at, ticket_id);

-- A new co-unit row takes the ticket's current values.
CREATE FUNCTION ticket_co_units_fill() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT t.status, t.due_key, t.created_at INTO NEW.status, NEW.due_key, NEW.created_at
      FROM tickets t WHERE t.id = NEW.ticket_id;
    RETURN NEW;
END $$;
CREATE TRIGGER ticket_co_units_fill BEFORE INSERT ON ticket_co_units
    FOR EACH ROW EXECUTE FUNCTION ticket_co_units_fill();

-- A ticket that changes state or deadline carries its co-unit rows along.
CREATE FUNCTION tickets_co_units_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE ticket_co_units SET status = NEW.status, due_key = NEW.due_key
     WHERE ticket_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER tickets_co_units_sync AFTER UPDATE ON tickets
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.due_key IS DISTINCT FROM NEW.due_key)
    EXECUTE FUNCTION tickets_co_units_sync();

DROP INDEX tickets_unit_status;
CREATE INDEX tickets_unit_status_due ON tickets(unit_id, status, due_key, id);
CREATE INDEX tickets_unit_status_created ON tickets(unit_id, status, created_at, id);

CREATE INDEX tickets_extension_pending ON tickets(due_key, id) WHERE extension_pending = 1;
