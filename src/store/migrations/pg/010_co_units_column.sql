-- 010: nothing to change here. In SQLite this migration keeps a ticket's
-- co-handling units in a column of the ticket (../010_co_units_column.sql);
-- the PostgreSQL store reads them with the ticket as before.
SELECT 1;
