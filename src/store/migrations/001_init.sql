-- 001: units, categories, users, sessions, API keys, tickets and their events.
-- Times are integer Unix milliseconds. Enumerations are stored by their wire
-- names so that the database reads the same as the API.

CREATE TABLE units (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('center','bureau','district','street','enterprise')),
    parent_id   INTEGER REFERENCES units(id),
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0,1)),
    path        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX units_parent ON units(parent_id);
CREATE INDEX units_path ON units(path);

CREATE TABLE categories (
    id              INTEGER PRIMARY KEY,
    code            TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    parent_id       INTEGER REFERENCES categories(id),
    default_unit_id INTEGER REFERENCES units(id),
    depth           INTEGER NOT NULL CHECK (depth BETWEEN 1 AND 3),
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0,1)),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX categories_parent ON categories(parent_id);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('agent','handler','supervisor','admin')),
    unit_id       INTEGER REFERENCES units(id),
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0,1)),
    password_hash TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    CHECK ((role = 'handler') = (unit_id IS NOT NULL))
) STRICT;

CREATE TABLE sessions (
    token_hash  BLOB PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expiry ON sessions(expires_at);

CREATE TABLE api_keys (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    key_hash    BLOB NOT NULL UNIQUE,
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0,1)),
    created_at  INTEGER NOT NULL
) STRICT;

-- One row a day: the last sequence number handed out that day.
CREATE TABLE ticket_seq (
    day   INTEGER PRIMARY KEY,
    last  INTEGER NOT NULL
) STRICT;

CREATE TABLE tickets (
    id               INTEGER PRIMARY KEY,
    number           TEXT NOT NULL UNIQUE CHECK (length(number) = 14),
    channel          TEXT NOT NULL,
    type             TEXT NOT NULL,
    urgency          TEXT NOT NULL,
    citizen_name     TEXT,
    citizen_phone    TEXT,
    anonymous        INTEGER NOT NULL CHECK (anonymous IN (0,1)),
    confidential     INTEGER NOT NULL CHECK (confidential IN (0,1)),
    title            TEXT NOT NULL,
    content          TEXT NOT NULL,
    address          TEXT,
    lat              REAL,
    lng              REAL,
    area             TEXT,
    category_id      INTEGER REFERENCES categories(id),
    unit_id          INTEGER REFERENCES units(id),
    status           TEXT NOT NULL CHECK (status IN ('registered','dispatched','processing',
                                                     'returned','replied','closed','merged')),
    dispatched_at    INTEGER,
    sign_due         INTEGER,
    reply_due        INTEGER,
    callback_due     INTEGER,
    accepted_at      INTEGER,
    replied_at       INTEGER,
    closed_at        INTEGER,
    answer           TEXT,
    kb_article_id    INTEGER,
    reply            TEXT,
    contacted        INTEGER CHECK (contacted IN (0,1)),
    contacted_at     INTEGER,
    satisfaction     TEXT CHECK (satisfaction IN ('satisfied','basically_satisfied',
                                                  'unsatisfied','unreachable')),
    resolved         INTEGER CHECK (resolved IN (0,1)),
    extension_pending INTEGER NOT NULL DEFAULT 0 CHECK (extension_pending IN (0,1)),
    extension_until  INTEGER,
    extension_reason TEXT,
    urge_count       INTEGER NOT NULL DEFAULT 0,
    reopen_count     INTEGER NOT NULL DEFAULT 0,
    master           TEXT,
    created_by       INTEGER REFERENCES users(id),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    version          INTEGER NOT NULL CHECK (version >= 1),
    -- the clock now running (signing, replying, callback): what queues sort
    -- on and SLA filters read. NULL when no clock runs.
    due_key          INTEGER GENERATED ALWAYS AS (
                         CASE status WHEN 'dispatched' THEN sign_due
                                     WHEN 'processing' THEN reply_due
                                     WHEN 'returned' THEN reply_due
                                     WHEN 'replied' THEN callback_due END) VIRTUAL,
    start_key        INTEGER GENERATED ALWAYS AS (
                         CASE status WHEN 'dispatched' THEN dispatched_at
                                     WHEN 'processing' THEN dispatched_at
                                     WHEN 'returned' THEN dispatched_at
                                     WHEN 'replied' THEN replied_at END) VIRTUAL
) STRICT;
CREATE INDEX tickets_created ON tickets(created_at, id);
CREATE INDEX tickets_status_created ON tickets(status, created_at, id);
CREATE INDEX tickets_unit_status ON tickets(unit_id, status, id);
CREATE INDEX tickets_unit_due ON tickets(unit_id, due_key, id);
CREATE INDEX tickets_category ON tickets(category_id, created_at);
CREATE INDEX tickets_phone ON tickets(citizen_phone, created_at);

CREATE TABLE ticket_co_units (
    ticket_id  INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (ticket_id, unit_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX ticket_co_units_unit ON ticket_co_units(unit_id, ticket_id);

CREATE TABLE ticket_events (
    id           INTEGER PRIMARY KEY,
    ticket_id    INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    at           INTEGER NOT NULL,
    actor_id     INTEGER REFERENCES users(id),
    action       TEXT NOT NULL,
    from_status  TEXT,
    to_status    TEXT NOT NULL,
    note         TEXT,
    args         TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX ticket_events_ticket ON ticket_events(ticket_id, id);
