-- 002: the working calendar, deadline rules and SLA supervision (issue 3).

-- Days the admin added or corrected, or that `rexian calendar import` loaded.
-- They lie over the calendar files shipped in data/calendar/. `day` is YYYYMMDD.
CREATE TABLE calendar_days (
    day         INTEGER PRIMARY KEY CHECK (day BETWEEN 19700101 AND 99991231),
    kind        TEXT NOT NULL CHECK (kind IN ('work','holiday')),
    name        TEXT NOT NULL DEFAULT '',
    updated_at  INTEGER NOT NULL
) STRICT;

-- Years whose official schedule is in the database (imported), so that they
-- count as known even without a file.
CREATE TABLE calendar_years (
    year        INTEGER PRIMARY KEY CHECK (year BETWEEN 1970 AND 9999),
    updated_at  INTEGER NOT NULL
) STRICT;

-- One row: bumped by every calendar change, so that running servers notice
-- edits made by another process and reload.
CREATE TABLE calendar_state (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    revision    INTEGER NOT NULL
) STRICT;
INSERT INTO calendar_state(id, revision) VALUES (1, 0);

-- Deadline rules. NULL in type / urgency / category_id matches anything; a
-- NULL clock leaves that clock to the next less specific rule. A span is an
-- amount and a unit.
CREATE TABLE sla_rules (
    id               INTEGER PRIMARY KEY,
    type             TEXT CHECK (type IN ('consult','help','complaint','report','suggestion',
                                          'praise')),
    urgency          TEXT CHECK (urgency IN ('normal','urgent','emergency')),
    category_id      INTEGER REFERENCES categories(id),
    sign_amount      INTEGER CHECK (sign_amount BETWEEN 0 AND 10000),
    sign_unit        TEXT CHECK (sign_unit IN ('natural_hours','working_hours','working_days')),
    reply_amount     INTEGER CHECK (reply_amount BETWEEN 0 AND 10000),
    reply_unit       TEXT CHECK (reply_unit IN ('natural_hours','working_hours','working_days')),
    callback_amount  INTEGER CHECK (callback_amount BETWEEN 0 AND 10000),
    callback_unit    TEXT CHECK (callback_unit IN ('natural_hours','working_hours',
                                                   'working_days')),
    note             TEXT,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    CHECK ((sign_amount IS NULL) = (sign_unit IS NULL)),
    CHECK ((reply_amount IS NULL) = (reply_unit IS NULL)),
    CHECK ((callback_amount IS NULL) = (callback_unit IS NULL))
) STRICT;
CREATE UNIQUE INDEX sla_rules_key ON sla_rules(ifnull(type, ''), ifnull(urgency, ''),
                                               ifnull(category_id, 0));

-- Shipped defaults, as many cities use them: sign within 1 working day, call
-- back within 2; reply by type; urgent and emergency in natural hours.
INSERT INTO sla_rules(type, urgency, sign_amount, sign_unit, reply_amount, reply_unit,
                      callback_amount, callback_unit, note, created_at, updated_at) VALUES
    (NULL, NULL, 1, 'working_days', 5, 'working_days', 2, 'working_days', '默认', 0, 0),
    ('consult', NULL, NULL, NULL, 2, 'working_days', NULL, NULL, '咨询', 0, 0),
    ('help', NULL, NULL, NULL, 5, 'working_days', NULL, NULL, '求助', 0, 0),
    ('complaint', NULL, NULL, NULL, 15, 'working_days', NULL, NULL, '投诉', 0, 0),
    ('report', NULL, NULL, NULL, 15, 'working_days', NULL, NULL, '举报', 0, 0),
    ('suggestion', NULL, NULL, NULL, 10, 'working_days', NULL, NULL, '建议', 0, 0),
    ('praise', NULL, NULL, NULL, 5, 'working_days', NULL, NULL, '表扬', 0, 0),
    (NULL, 'urgent', 2, 'natural_hours', 24, 'natural_hours', NULL, NULL, '紧急', 0, 0),
    (NULL, 'emergency', 1, 'natural_hours', 2, 'natural_hours', NULL, NULL, '特急', 0, 0);

-- Per ticket: when the reply clock started (a sub-dispatch restarts only the
-- signing clock), the spans the clocks were set with ("15 working_days"),
-- which deadlines were computed on a year without a calendar (bits: 1 sign,
-- 2 reply, 4 callback), and the last SLA level the timer loop recorded for
-- which clock and deadline (1 warning, 2 overdue).
ALTER TABLE tickets ADD COLUMN reply_started_at INTEGER;
ALTER TABLE tickets ADD COLUMN sign_span TEXT;
ALTER TABLE tickets ADD COLUMN reply_span TEXT;
ALTER TABLE tickets ADD COLUMN callback_span TEXT;
ALTER TABLE tickets ADD COLUMN deadline_provisional INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN sla_mark_clock TEXT;
ALTER TABLE tickets ADD COLUMN sla_mark_due INTEGER;
ALTER TABLE tickets ADD COLUMN sla_mark_level INTEGER NOT NULL DEFAULT 0;
-- The clock now running and when it started (due_key is its deadline).
ALTER TABLE tickets ADD COLUMN clock TEXT GENERATED ALWAYS AS (
    CASE status WHEN 'dispatched' THEN 'sign'
                WHEN 'processing' THEN 'reply'
                WHEN 'returned' THEN 'reply'
                WHEN 'replied' THEN 'callback' END) VIRTUAL;
ALTER TABLE tickets ADD COLUMN clock_start INTEGER GENERATED ALWAYS AS (
    CASE status WHEN 'dispatched' THEN dispatched_at
                WHEN 'processing' THEN ifnull(reply_started_at, dispatched_at)
                WHEN 'returned' THEN ifnull(reply_started_at, dispatched_at)
                WHEN 'replied' THEN replied_at END) VIRTUAL;

-- The lead unit right after the event, so the live feed can tell who an
-- event was for even when the ticket has moved on since.
ALTER TABLE ticket_events ADD COLUMN unit_id INTEGER REFERENCES units(id);
