-- 006: reserved for the queue branch, which owns this number. This placeholder
-- only lets 007 build on the assess branch; the queue branch's file replaces it
-- when both are merged.
SELECT 1;
