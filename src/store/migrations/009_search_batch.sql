-- 009: new tickets enter the search index once per batch, not once each.
--
-- FTS5 writes its pending terms to a new index segment at every savepoint,
-- and each request is a savepoint in the writer's batch (docs/
-- ARCHITECTURE.md, Storage): indexing each ticket as it is inserted wrote,
-- and later merged, one tiny segment per ticket, which was most of the time
-- a ticket's creation held the write lock. Now the insert trigger only
-- queues the ticket's id; the store indexes the queued tickets in one
-- statement just before the batch commits (store/sqlite.c, end_batch), in
-- the same transaction, so a ticket and its index entry still commit
-- together and nobody can read one without the other.
--
-- A queued ticket is not in the index yet: the update and delete triggers
-- leave the index alone for it (the batch indexes the row as it is then)
-- and a deleted one just leaves the queue.
CREATE TABLE tickets_fts_queue (
    ticket_id  INTEGER PRIMARY KEY
) STRICT;

DROP TRIGGER tickets_fts_insert;
DROP TRIGGER tickets_fts_delete;
DROP TRIGGER tickets_fts_update;

CREATE TRIGGER tickets_fts_insert AFTER INSERT ON tickets BEGIN
    INSERT INTO tickets_fts_queue(ticket_id) VALUES (new.id);
END;
CREATE TRIGGER tickets_fts_delete AFTER DELETE ON tickets BEGIN
    INSERT INTO tickets_fts(tickets_fts, rowid, title, content, address, reply)
    SELECT 'delete', old.id, old.title, old.content, old.address, old.reply
     WHERE NOT EXISTS (SELECT 1 FROM tickets_fts_queue WHERE ticket_id = old.id);
    DELETE FROM tickets_fts_queue WHERE ticket_id = old.id;
END;
CREATE TRIGGER tickets_fts_update AFTER UPDATE OF title, content, address, reply ON tickets
WHEN (old.title IS NOT new.title OR old.content IS NOT new.content
      OR old.address IS NOT new.address OR old.reply IS NOT new.reply)
     AND NOT EXISTS (SELECT 1 FROM tickets_fts_queue WHERE ticket_id = new.id)
BEGIN
    INSERT INTO tickets_fts(tickets_fts, rowid, title, content, address, reply)
    VALUES ('delete', old.id, old.title, old.content, old.address, old.reply);
    INSERT INTO tickets_fts(rowid, title, content, address, reply)
    VALUES (new.id, new.title, new.content, new.address, new.reply);
END;
