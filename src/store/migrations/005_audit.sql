-- 005: the audit log of admin changes (issue 9). Rows are hash-chained: each
-- row's hash covers its own fields and the previous row's hash, and
-- audit_head holds the last sequence number and hash so that a deleted last
-- row shows too. The hashes are computed in src/app/audit.c; the store only
-- keeps them. `rexian audit verify` walks the chain.
CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY,          -- 1, 2, 3, ... without gaps
    at          INTEGER NOT NULL,             -- Unix ms
    actor_id    INTEGER,                      -- user id; NULL for the command line
    actor       TEXT NOT NULL,                -- username at the time, or "(cli)"
    action      TEXT NOT NULL,                -- "user.create", "unit.update", ...
    object_type TEXT NOT NULL,                -- "user", "unit", "category", ...
    object_id   INTEGER,
    detail      TEXT NOT NULL DEFAULT '{}',   -- what changed, as JSON; never a secret
    prev_hash   BLOB NOT NULL CHECK (length(prev_hash) = 32),
    hash        BLOB NOT NULL CHECK (length(hash) = 32)
) STRICT;
CREATE INDEX audit_log_object ON audit_log(object_type, object_id, seq);

CREATE TABLE audit_head (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    seq   INTEGER NOT NULL,
    hash  BLOB NOT NULL CHECK (length(hash) = 32)
) STRICT;
INSERT INTO audit_head(id, seq, hash) VALUES (1, 0, zeroblob(32));

-- The application only ever appends. These stop a slip in our own code (or
-- a careless sqlite3 session) from rewriting history; someone who drops
-- them on purpose is caught by the chain instead.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
