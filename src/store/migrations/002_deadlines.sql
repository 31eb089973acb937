-- 002: working calendar, deadline rules, SLA supervision (issue 3).
CREATE TABLE calendar_days (
    day         INTEGER PRIMARY KEY,      -- YYYYMMDD
    kind        TEXT NOT NULL CHECK (kind IN ('work','holiday')),
    name        TEXT NOT NULL DEFAULT '',
    updated_at  INTEGER NOT NULL
) STRICT;
