-- 009: nothing to change here. In SQLite this migration queues new tickets
-- for the search index until their batch commits (../009_search_batch.sql);
-- PostgreSQL keeps each ticket's search document in its own row (003), and
-- has no index segments to write per statement.
SELECT 1;
