-- 008 (PostgreSQL, the twin of ../008_stats_ops.sql): pre-aggregated daily figures for the operations statistics and hot
-- topics (docs/STATISTICS.md). Days are YYYYMMDD in the server's zone. The
-- rows are kept up to date by src/app/stats_ops.c in the transaction of the
-- change that moves them; `rexian stats recount` compares them with a full
-- recount and `rexian stats rebuild` rewrites them.

-- Tickets created, by day and the ticket's fixed dimensions; direct and kb:
-- of those, how many were answered directly (answer), citing an article.
-- category_top/category_id 0 and area '' stand for none.
CREATE TABLE stats_day (
    day          bigint NOT NULL,
    channel      bigint NOT NULL,
    type         bigint NOT NULL,
    category_top bigint NOT NULL,
    category_id  bigint NOT NULL,
    area         text NOT NULL,
    created      bigint NOT NULL DEFAULT 0,
    direct       bigint NOT NULL DEFAULT 0,
    kb           bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (day, channel, type, category_top, category_id, area)
);

-- Tickets created that day whose lead unit is unit_id now, and how many of
-- them have gone overdue at least once (the timer loop's sla_overdue).
CREATE TABLE stats_unit (
    day      bigint NOT NULL,
    unit_id  bigint NOT NULL,
    tickets  bigint NOT NULL DEFAULT 0,
    overdue  bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (day, unit_id)
);

-- What each user did that day: tickets registered, answered directly,
-- callbacks made.
CREATE TABLE stats_agent (
    day        bigint NOT NULL,
    user_id    bigint NOT NULL,
    created    bigint NOT NULL DEFAULT 0,
    direct     bigint NOT NULL DEFAULT 0,
    callbacks  bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (day, user_id)
);

-- Tickets created that day among whose top words (title and content) a word is.
CREATE TABLE stats_word (
    day      bigint NOT NULL,
    word     text NOT NULL,
    tickets  bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (day, word)
);
CREATE INDEX stats_word_by_word ON stats_word(word, day);
