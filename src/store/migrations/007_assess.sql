-- 007: unit assessment (docs/ASSESSMENT.md). Every event records the
-- deadlines in force right after it, so a ticket's history alone says whether
-- each step was in time. assess_facts holds one row per (ticket, assignment),
-- rewritten by app/assess.c in the transaction of every event; assess_daily
-- holds their sums per unit and day, kept by the triggers below.

ALTER TABLE ticket_events ADD COLUMN sign_due INTEGER;
ALTER TABLE ticket_events ADD COLUMN reply_due INTEGER;
-- Events written before this migration get the ticket's current deadlines
-- (the closest the old history allows); `rexian assess rebuild` derives the
-- facts of such a database.
UPDATE ticket_events SET sign_due = (SELECT t.sign_due FROM tickets t WHERE t.id = ticket_id),
                         reply_due = (SELECT t.reply_due FROM tickets t WHERE t.id = ticket_id);

CREATE TABLE assess_facts (
    ticket_id   INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    day         INTEGER NOT NULL,           -- YYYYMMDD of received_at in the server zone
    received_at INTEGER NOT NULL,
    received INTEGER NOT NULL DEFAULT 0,
    sign_num INTEGER NOT NULL DEFAULT 0,
    sign_den INTEGER NOT NULL DEFAULT 0,
    reply_num INTEGER NOT NULL DEFAULT 0,
    reply_den INTEGER NOT NULL DEFAULT 0,
    overdue INTEGER NOT NULL DEFAULT 0,
    returned INTEGER NOT NULL DEFAULT 0,
    return_accepted INTEGER NOT NULL DEFAULT 0,
    return_refused INTEGER NOT NULL DEFAULT 0,
    ext_asked INTEGER NOT NULL DEFAULT 0,
    ext_approved INTEGER NOT NULL DEFAULT 0,
    reopened INTEGER NOT NULL DEFAULT 0,
    urged INTEGER NOT NULL DEFAULT 0,
    resp_num INTEGER NOT NULL DEFAULT 0,
    resp_den INTEGER NOT NULL DEFAULT 0,
    resol_num INTEGER NOT NULL DEFAULT 0,
    resol_den INTEGER NOT NULL DEFAULT 0,
    sat_num INTEGER NOT NULL DEFAULT 0,
    sat_den INTEGER NOT NULL DEFAULT 0,
    redo_num INTEGER NOT NULL DEFAULT 0,
    redo_den INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (ticket_id, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX assess_facts_unit_day ON assess_facts(unit_id, day, received_at);

CREATE TABLE assess_daily (
    unit_id     INTEGER NOT NULL,
    day         INTEGER NOT NULL,
    received INTEGER NOT NULL DEFAULT 0,
    sign_num INTEGER NOT NULL DEFAULT 0,
    sign_den INTEGER NOT NULL DEFAULT 0,
    reply_num INTEGER NOT NULL DEFAULT 0,
    reply_den INTEGER NOT NULL DEFAULT 0,
    overdue INTEGER NOT NULL DEFAULT 0,
    returned INTEGER NOT NULL DEFAULT 0,
    return_accepted INTEGER NOT NULL DEFAULT 0,
    return_refused INTEGER NOT NULL DEFAULT 0,
    ext_asked INTEGER NOT NULL DEFAULT 0,
    ext_approved INTEGER NOT NULL DEFAULT 0,
    reopened INTEGER NOT NULL DEFAULT 0,
    urged INTEGER NOT NULL DEFAULT 0,
    resp_num INTEGER NOT NULL DEFAULT 0,
    resp_den INTEGER NOT NULL DEFAULT 0,
    resol_num INTEGER NOT NULL DEFAULT 0,
    resol_den INTEGER NOT NULL DEFAULT 0,
    sat_num INTEGER NOT NULL DEFAULT 0,
    sat_den INTEGER NOT NULL DEFAULT 0,
    redo_num INTEGER NOT NULL DEFAULT 0,
    redo_den INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, unit_id)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER assess_facts_ai AFTER INSERT ON assess_facts BEGIN
    INSERT INTO assess_daily(unit_id, day, received, sign_num, sign_den, reply_num, reply_den, overdue, returned, return_accepted, return_refused, ext_asked, ext_approved, reopened, urged, resp_num, resp_den, resol_num, resol_den, sat_num, sat_den, redo_num, redo_den)
    VALUES (NEW.unit_id, NEW.day, NEW.received, NEW.sign_num, NEW.sign_den, NEW.reply_num, NEW.reply_den, NEW.overdue, NEW.returned, NEW.return_accepted, NEW.return_refused, NEW.ext_asked, NEW.ext_approved, NEW.reopened, NEW.urged, NEW.resp_num, NEW.resp_den, NEW.resol_num, NEW.resol_den, NEW.sat_num, NEW.sat_den, NEW.redo_num, NEW.redo_den)
    ON CONFLICT(day, unit_id) DO UPDATE SET
        received = received + excluded.received,
        sign_num = sign_num + excluded.sign_num,
        sign_den = sign_den + excluded.sign_den,
        reply_num = reply_num + excluded.reply_num,
        reply_den = reply_den + excluded.reply_den,
        overdue = overdue + excluded.overdue,
        returned = returned + excluded.returned,
        return_accepted = return_accepted + excluded.return_accepted,
        return_refused = return_refused + excluded.return_refused,
        ext_asked = ext_asked + excluded.ext_asked,
        ext_approved = ext_approved + excluded.ext_approved,
        reopened = reopened + excluded.reopened,
        urged = urged + excluded.urged,
        resp_num = resp_num + excluded.resp_num,
        resp_den = resp_den + excluded.resp_den,
        resol_num = resol_num + excluded.resol_num,
        resol_den = resol_den + excluded.resol_den,
        sat_num = sat_num + excluded.sat_num,
        sat_den = sat_den + excluded.sat_den,
        redo_num = redo_num + excluded.redo_num,
        redo_den = redo_den + excluded.redo_den;
END;
CREATE TRIGGER assess_facts_ad AFTER DELETE ON assess_facts BEGIN
    UPDATE assess_daily SET
        received = received - OLD.received,
        sign_num = sign_num - OLD.sign_num,
        sign_den = sign_den - OLD.sign_den,
        reply_num = reply_num - OLD.reply_num,
        reply_den = reply_den - OLD.reply_den,
        overdue = overdue - OLD.overdue,
        returned = returned - OLD.returned,
        return_accepted = return_accepted - OLD.return_accepted,
        return_refused = return_refused - OLD.return_refused,
        ext_asked = ext_asked - OLD.ext_asked,
        ext_approved = ext_approved - OLD.ext_approved,
        reopened = reopened - OLD.reopened,
        urged = urged - OLD.urged,
        resp_num = resp_num - OLD.resp_num,
        resp_den = resp_den - OLD.resp_den,
        resol_num = resol_num - OLD.resol_num,
        resol_den = resol_den - OLD.resol_den,
        sat_num = sat_num - OLD.sat_num,
        sat_den = sat_den - OLD.sat_den,
        redo_num = redo_num - OLD.redo_num,
        redo_den = redo_den - OLD.redo_den
    WHERE unit_id = OLD.unit_id AND day = OLD.day;
END;

-- The composite score's weights (one row; the admin edits it).
CREATE TABLE assess_weights (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    response     INTEGER NOT NULL CHECK (response BETWEEN 0 AND 100),
    resolution   INTEGER NOT NULL CHECK (resolution BETWEEN 0 AND 100),
    satisfaction INTEGER NOT NULL CHECK (satisfaction BETWEEN 0 AND 100),
    updated_at   INTEGER NOT NULL,
    CHECK (response + resolution + satisfaction = 100)
) STRICT;
INSERT INTO assess_weights VALUES (1, 30, 35, 35, 0);
