-- 006: a unit's queue page straight from indexes.
--
-- A handler's list is the union of two arms: tickets whose lead unit is in
-- the handler's subtree, and open tickets co-handled by a unit there. The
-- first arm reads tickets by (unit, status, sort key); the second reads
-- ticket_co_units alone, so that table now carries a copy of each ticket's
-- status, deadline (due_key) and created_at, kept in step by the triggers
-- below, and an index in queue order.

ALTER TABLE ticket_co_units ADD COLUMN status TEXT;
ALTER TABLE ticket_co_units ADD COLUMN due_key INTEGER;
ALTER TABLE ticket_co_units ADD COLUMN created_at INTEGER;

UPDATE ticket_co_units
   SET (status, due_key, created_at) =
       (SELECT t.status, t.due_key, t.created_at FROM tickets t WHERE t.id = ticket_co_units.ticket_id);

CREATE INDEX ticket_co_units_due ON ticket_co_units(unit_id, status, due_key, ticket_id);
CREATE INDEX ticket_co_units_created ON ticket_co_units(unit_id, status, created_at, ticket_id);

-- A new co-unit row takes the ticket's current values.
CREATE TRIGGER ticket_co_units_fill AFTER INSERT ON ticket_co_units BEGIN
    UPDATE ticket_co_units
       SET (status, due_key, created_at) =
           (SELECT t.status, t.due_key, t.created_at FROM tickets t WHERE t.id = NEW.ticket_id)
     WHERE ticket_id = NEW.ticket_id AND unit_id = NEW.unit_id;
END;

-- A ticket that changes state or deadline carries its co-unit rows along.
CREATE TRIGGER tickets_co_units_sync
    AFTER UPDATE OF status, sign_due, reply_due, callback_due ON tickets
    WHEN OLD.status IS NOT NEW.status OR OLD.due_key IS NOT NEW.due_key
BEGIN
    UPDATE ticket_co_units SET status = NEW.status, due_key = NEW.due_key
     WHERE ticket_id = NEW.id;
END;

-- The lead-unit arm, per state: by deadline and by creation. The first also
-- serves every (unit_id, status) lookup that tickets_unit_status served.
DROP INDEX tickets_unit_status;
CREATE INDEX tickets_unit_status_due ON tickets(unit_id, status, due_key, id);
CREATE INDEX tickets_unit_status_created ON tickets(unit_id, status, created_at, id);

-- The supervisor's approvals: extension requests waiting.
CREATE INDEX tickets_extension_pending ON tickets(due_key, id) WHERE extension_pending = 1;
