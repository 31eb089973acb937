-- 007: unit assessment (docs/ASSESSMENT.md). Every event records the
-- deadlines in force right after it, so a ticket's history alone says whether
-- each step was in time. assess_facts holds one row per (ticket, assignment),
-- rewritten by app/assess.c in the transaction of every event; assess_daily
-- holds their sums per unit and day, kept by the triggers below.

ALTER TABLE ticket_events ADD COLUMN sign_due bigint;
ALTER TABLE ticket_events ADD COLUMN reply_due bigint;
UPDATE ticket_events e SET sign_due = t.sign_due, reply_due = t.reply_due
  FROM tickets t WHERE t.id = e.ticket_id;

CREATE TABLE assess_facts (
    ticket_id   bigint NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    seq         integer NOT NULL,
    unit_id     bigint NOT NULL REFERENCES units(id),
    day         integer NOT NULL,
    received_at bigint NOT NULL,
    received bigint NOT NULL DEFAULT 0,
    sign_num bigint NOT NULL DEFAULT 0,
    sign_den bigint NOT NULL DEFAULT 0,
    reply_num bigint NOT NULL DEFAULT 0,
    reply_den bigint NOT NULL DEFAULT 0,
    overdue bigint NOT NULL DEFAULT 0,
    returned bigint NOT NULL DEFAULT 0,
    return_accepted bigint NOT NULL DEFAULT 0,
    return_refused bigint NOT NULL DEFAULT 0,
    ext_asked bigint NOT NULL DEFAULT 0,
    ext_approved bigint NOT NULL DEFAULT 0,
    reopened bigint NOT NULL DEFAULT 0,
    urged bigint NOT NULL DEFAULT 0,
    resp_num bigint NOT NULL DEFAULT 0,
    resp_den bigint NOT NULL DEFAULT 0,
    resol_num bigint NOT NULL DEFAULT 0,
    resol_den bigint NOT NULL DEFAULT 0,
    sat_num bigint NOT NULL DEFAULT 0,
    sat_den bigint NOT NULL DEFAULT 0,
    redo_num bigint NOT NULL DEFAULT 0,
    redo_den bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (ticket_id, seq)
);
CREATE INDEX assess_facts_unit_day ON assess_facts(unit_id, day, received_at);

CREATE TABLE assess_daily (
    unit_id     bigint NOT NULL,
    day         integer NOT NULL,
    received bigint NOT NULL DEFAULT 0,
    sign_num bigint NOT NULL DEFAULT 0,
    sign_den bigint NOT NULL DEFAULT 0,
    reply_num bigint NOT NULL DEFAULT 0,
    reply_den bigint NOT NULL DEFAULT 0,
    overdue bigint NOT NULL DEFAULT 0,
    returned bigint NOT NULL DEFAULT 0,
    return_accepted bigint NOT NULL DEFAULT 0,
    return_refused bigint NOT NULL DEFAULT 0,
    ext_asked bigint NOT NULL DEFAULT 0,
    ext_approved bigint NOT NULL DEFAULT 0,
    reopened bigint NOT NULL DEFAULT 0,
    urged bigint NOT NULL DEFAULT 0,
    resp_num bigint NOT NULL DEFAULT 0,
    resp_den bigint NOT NULL DEFAULT 0,
    resol_num bigint NOT NULL DEFAULT 0,
    resol_den bigint NOT NULL DEFAULT 0,
    sat_num bigint NOT NULL DEFAULT 0,
    sat_den bigint NOT NULL DEFAULT 0,
    redo_num bigint NOT NULL DEFAULT 0,
    redo_den bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (day, unit_id)
);

CREATE FUNCTION assess_facts_sum() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR TG_OP = 'UPDATE' THEN
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
    END IF;
    IF TG_OP = 'INSERT' OR TG_OP = 'UPDATE' THEN
        INSERT INTO assess_daily(unit_id, day, received, sign_num, sign_den, reply_num, reply_den, overdue, returned, return_accepted, return_refused, ext_asked, ext_approved, reopened, urged, resp_num, resp_den, resol_num, resol_den, sat_num, sat_den, redo_num, redo_den)
        VALUES (NEW.unit_id, NEW.day, NEW.received, NEW.sign_num, NEW.sign_den, NEW.reply_num, NEW.reply_den, NEW.overdue, NEW.returned, NEW.return_accepted, NEW.return_refused, NEW.ext_asked, NEW.ext_approved, NEW.reopened, NEW.urged, NEW.resp_num, NEW.resp_den, NEW.resol_num, NEW.resol_den, NEW.sat_num, NEW.sat_den, NEW.redo_num, NEW.redo_den)
        ON CONFLICT (day, unit_id) DO UPDATE SET
            received = assess_daily.received + EXCLUDED.received,
            sign_num = assess_daily.sign_num + EXCLUDED.sign_num,
            sign_den = assess_daily.sign_den + EXCLUDED.sign_den,
            reply_num = assess_daily.reply_num + EXCLUDED.reply_num,
            reply_den = assess_daily.reply_den + EXCLUDED.reply_den,
            overdue = assess_daily.overdue + EXCLUDED.overdue,
            returned = assess_daily.returned + EXCLUDED.returned,
            return_accepted = assess_daily.return_accepted + EXCLUDED.return_accepted,
            return_refused = assess_daily.return_refused + EXCLUDED.return_refused,
            ext_asked = assess_daily.ext_asked + EXCLUDED.ext_asked,
            ext_approved = assess_daily.ext_approved + EXCLUDED.ext_approved,
            reopened = assess_daily.reopened + EXCLUDED.reopened,
            urged = assess_daily.urged + EXCLUDED.urged,
            resp_num = assess_daily.resp_num + EXCLUDED.resp_num,
            resp_den = assess_daily.resp_den + EXCLUDED.resp_den,
            resol_num = assess_daily.resol_num + EXCLUDED.resol_num,
            resol_den = assess_daily.resol_den + EXCLUDED.resol_den,
            sat_num = assess_daily.sat_num + EXCLUDED.sat_num,
            sat_den = assess_daily.sat_den + EXCLUDED.sat_den,
            redo_num = assess_daily.redo_num + EXCLUDED.redo_num,
            redo_den = assess_daily.redo_den + EXCLUDED.redo_den;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER assess_facts_sum AFTER INSERT OR UPDATE OR DELETE ON assess_facts
    FOR EACH ROW EXECUTE FUNCTION assess_facts_sum();

CREATE TABLE assess_weights (
    id           integer PRIMARY KEY CHECK (id = 1),
    response     integer NOT NULL CHECK (response BETWEEN 0 AND 100),
    resolution   integer NOT NULL CHECK (resolution BETWEEN 0 AND 100),
    satisfaction integer NOT NULL CHECK (satisfaction BETWEEN 0 AND 100),
    updated_at   bigint NOT NULL,
    CHECK (response + resolution + satisfaction = 100)
);
INSERT INTO assess_weights VALUES (1, 30, 35, 35, 0);
