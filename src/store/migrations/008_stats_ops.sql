-- 008: pre-aggregated daily figures for the operations statistics and hot
-- topics (docs/STATISTICS.md). Days are YYYYMMDD in the server's zone. The
-- rows are kept up to date by src/app/stats_ops.c in the transaction of the
-- change that moves them; `rexian stats recount` compares them with a full
-- recount and `rexian stats rebuild` rewrites them.

-- Tickets created, by day and the ticket's fixed dimensions; direct and kb:
-- of those, how many were answered directly (answer), citing an article.
-- category_top/category_id 0 and area '' stand for none.
CREATE TABLE stats_day (
    day          INTEGER NOT NULL,
    channel      INTEGER NOT NULL,
    type         INTEGER NOT NULL,
    category_top INTEGER NOT NULL,
    category_id  INTEGER NOT NULL,
    area         TEXT NOT NULL,
    created      INTEGER NOT NULL DEFAULT 0,
    direct       INTEGER NOT NULL DEFAULT 0,
    kb           INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, channel, type, category_top, category_id, area)
) STRICT, WITHOUT ROWID;

-- Tickets created that day whose lead unit is unit_id now, and how many of
-- them have gone overdue at least once (the timer loop's sla_overdue).
CREATE TABLE stats_unit (
    day      INTEGER NOT NULL,
    unit_id  INTEGER NOT NULL,
    tickets  INTEGER NOT NULL DEFAULT 0,
    overdue  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, unit_id)
) STRICT, WITHOUT ROWID;

-- What each user did that day: tickets registered, answered directly,
-- callbacks made.
CREATE TABLE stats_agent (
    day        INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    created    INTEGER NOT NULL DEFAULT 0,
    direct     INTEGER NOT NULL DEFAULT 0,
    callbacks  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, user_id)
) STRICT, WITHOUT ROWID;

-- Tickets created that day among whose top words (title and content) a word is.
CREATE TABLE stats_word (
    day      INTEGER NOT NULL,
    word     TEXT NOT NULL,
    tickets  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, word)
) STRICT, WITHOUT ROWID;
CREATE INDEX stats_word_by_word ON stats_word(word, day);
