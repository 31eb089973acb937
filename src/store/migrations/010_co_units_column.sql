-- 010: a ticket's co-handling units as a column of the ticket.
--
-- Every ticket read (one ticket, a list page, an export) ran a correlated
-- subquery on ticket_co_units for its co_unit_ids, about 1 µs a row and a
-- tenth of a queue page's time. The list now lives in tickets.co_units
-- ("3,17", ascending, NULL for none: what group_concat over the primary key
-- gave), kept in step by the triggers below; ticket_co_units stays the table
-- that is written and the one the queue's co-unit arms read.
ALTER TABLE tickets ADD COLUMN co_units TEXT;

UPDATE tickets
   SET co_units = (SELECT group_concat(unit_id) FROM ticket_co_units WHERE ticket_id = tickets.id)
 WHERE id IN (SELECT ticket_id FROM ticket_co_units);

CREATE TRIGGER ticket_co_units_list_insert AFTER INSERT ON ticket_co_units BEGIN
    UPDATE tickets
       SET co_units = (SELECT group_concat(unit_id) FROM ticket_co_units WHERE ticket_id = NEW.ticket_id)
     WHERE id = NEW.ticket_id;
END;
CREATE TRIGGER ticket_co_units_list_delete AFTER DELETE ON ticket_co_units BEGIN
    UPDATE tickets
       SET co_units = (SELECT group_concat(unit_id) FROM ticket_co_units WHERE ticket_id = OLD.ticket_id)
     WHERE id = OLD.ticket_id;
END;
