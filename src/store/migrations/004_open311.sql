-- 004: Open311 GeoReport v2 and citizen self-service (issue 5).
--
-- A leaf category is an Open311 service. What Open311 shows beyond the
-- category's own name lives here: a description, keywords and the notice
-- answered on submission (service_info), and the extra questions a service
-- asks (service_attributes, with the choices of list questions in
-- service_attribute_values). Answers are stored on the ticket
-- (ticket_attributes); what an Open311 client sent that has no place on the
-- ticket itself (the key that filed it, the e-mail, device and account ids,
-- address id, media link, the lookup token) is in ticket_open311.

CREATE TABLE service_info (
    category_id  INTEGER PRIMARY KEY REFERENCES categories(id) ON DELETE CASCADE,
    description  TEXT NOT NULL DEFAULT '',
    keywords     TEXT NOT NULL DEFAULT '',
    notice       TEXT NOT NULL DEFAULT '',
    updated_at   INTEGER NOT NULL
) STRICT;

CREATE TABLE service_attributes (
    id                   INTEGER PRIMARY KEY,
    category_id          INTEGER NOT NULL REFERENCES categories(id) ON DELETE CASCADE,
    code                 TEXT NOT NULL,
    variable             INTEGER NOT NULL CHECK (variable IN (0,1)),
    datatype             TEXT NOT NULL CHECK (datatype IN ('string','number','datetime','text',
                                                           'singlevaluelist','multivaluelist')),
    required             INTEGER NOT NULL CHECK (required IN (0,1)),
    datatype_description TEXT,
    ord                  INTEGER NOT NULL,
    description          TEXT NOT NULL,
    updated_at           INTEGER NOT NULL,
    UNIQUE (category_id, code)
) STRICT;

CREATE TABLE service_attribute_values (
    attribute_id INTEGER NOT NULL REFERENCES service_attributes(id) ON DELETE CASCADE,
    ord          INTEGER NOT NULL,
    key          TEXT NOT NULL,
    name         TEXT NOT NULL,
    PRIMARY KEY (attribute_id, key)
) STRICT, WITHOUT ROWID;

-- One row per answer value; a multivaluelist answer has several (ord 0, 1, ...).
CREATE TABLE ticket_attributes (
    ticket_id  INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    code       TEXT NOT NULL,
    ord        INTEGER NOT NULL,
    value      TEXT NOT NULL,
    PRIMARY KEY (ticket_id, code, ord)
) STRICT, WITHOUT ROWID;

CREATE TABLE ticket_open311 (
    ticket_id   INTEGER PRIMARY KEY REFERENCES tickets(id) ON DELETE CASCADE,
    api_key_id  INTEGER REFERENCES api_keys(id),
    token       TEXT NOT NULL UNIQUE,
    email       TEXT,
    device_id   TEXT,
    account_id  TEXT,
    address_id  TEXT,
    media_url   TEXT
) STRICT;

-- Revocation is kept, not deleted, so that old tickets still name their key.
ALTER TABLE api_keys ADD COLUMN revoked_at INTEGER;
ALTER TABLE api_keys ADD COLUMN last_used_at INTEGER;
