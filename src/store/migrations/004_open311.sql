-- 004: Open311 service attributes, answers and API-key bookkeeping.
-- (placeholder claimed by the issue-5 engineer; filled in below)
SELECT 1;
