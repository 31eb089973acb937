-- 006: placeholder in the ops branch only, so that 008 applies here; the
-- number is another branch's (006 queue, 007 assessment). Delete this file
-- when merging that branch.
SELECT 1;
