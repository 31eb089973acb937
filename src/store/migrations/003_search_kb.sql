-- 003: Chinese full-text search over tickets, the knowledge base (知识库),
-- and text fingerprints for finding repeat requests (issue 4).
--
-- The FTS5 tables use the tokenizer 'rexian' (src/text/fts5.c) and the
-- sketch trigger calls rexian_sketch(); the server registers both on
-- every connection it opens. A plain sqlite3 shell can read these tables
-- but cannot write tickets or articles (the triggers need the two).

-- ---- ticket search ----
-- External content: the text lives in tickets only; the index is kept in
-- step by the triggers below, inside the writing transaction.
CREATE VIRTUAL TABLE tickets_fts USING fts5(
    title, content, address, reply,
    content='tickets', content_rowid='id', tokenize='rexian');
-- Rank: BM25 without the document-frequency count (rexian_rank, src/text/
-- fts5.c), with weights per column: a word in the title counts most.
INSERT INTO tickets_fts(tickets_fts, rank) VALUES ('rank', 'rexian_rank(4.0, 1.0, 1.5, 0.7)');

CREATE TRIGGER tickets_fts_insert AFTER INSERT ON tickets BEGIN
    INSERT INTO tickets_fts(rowid, title, content, address, reply)
    VALUES (new.id, new.title, new.content, new.address, new.reply);
END;
CREATE TRIGGER tickets_fts_delete AFTER DELETE ON tickets BEGIN
    INSERT INTO tickets_fts(tickets_fts, rowid, title, content, address, reply)
    VALUES ('delete', old.id, old.title, old.content, old.address, old.reply);
END;
-- Actions rewrite every column; only a change of the indexed text re-indexes.
CREATE TRIGGER tickets_fts_update AFTER UPDATE OF title, content, address, reply ON tickets
WHEN old.title IS NOT new.title OR old.content IS NOT new.content
     OR old.address IS NOT new.address OR old.reply IS NOT new.reply
BEGIN
    INSERT INTO tickets_fts(tickets_fts, rowid, title, content, address, reply)
    VALUES ('delete', old.id, old.title, old.content, old.address, old.reply);
    INSERT INTO tickets_fts(rowid, title, content, address, reply)
    VALUES (new.id, new.title, new.content, new.address, new.reply);
END;
-- Tickets written before this migration.
INSERT INTO tickets_fts(tickets_fts) VALUES ('rebuild');

-- ---- repeat requests ----
-- Each ticket's text sketch (core/sketch.c): the hashes of its matter and
-- of its address, for finding the same matter reported again.
CREATE TABLE ticket_sketch (
    ticket_id  INTEGER PRIMARY KEY REFERENCES tickets(id) ON DELETE CASCADE,
    sketch     BLOB NOT NULL
) STRICT;
CREATE TRIGGER ticket_sketch_insert AFTER INSERT ON tickets BEGIN
    INSERT INTO ticket_sketch(ticket_id, sketch)
    VALUES (new.id, rexian_sketch(new.title, new.content, new.address));
END;
CREATE TRIGGER ticket_sketch_update AFTER UPDATE OF title, content, address ON tickets
WHEN old.title IS NOT new.title OR old.content IS NOT new.content
     OR old.address IS NOT new.address
BEGIN
    INSERT OR REPLACE INTO ticket_sketch(ticket_id, sketch)
    VALUES (new.id, rexian_sketch(new.title, new.content, new.address));
END;
INSERT INTO ticket_sketch(ticket_id, sketch)
SELECT id, rexian_sketch(title, content, address) FROM tickets;
-- The place-and-text candidates: one category, a week either side, read from
-- the index alone until the area or the box matches (sqlite_similar.c).
CREATE INDEX tickets_near ON tickets(category_id, created_at, area, lat, lng);

-- ---- knowledge base ----
-- tags: ",tag one,tag two," (commas around each, so instr() finds a whole tag).
-- revision: bumped by every change; clients name it as "version".
CREATE TABLE kb_articles (
    id              INTEGER PRIMARY KEY,
    title           TEXT NOT NULL,
    body            TEXT NOT NULL,
    category_id     INTEGER REFERENCES categories(id),
    tags            TEXT NOT NULL DEFAULT ',',
    unit_id         INTEGER REFERENCES units(id),
    effective_from  INTEGER,
    expires_at      INTEGER,
    state           TEXT NOT NULL CHECK (state IN ('draft','published','withdrawn')),
    demo            INTEGER NOT NULL DEFAULT 0 CHECK (demo IN (0,1)),
    revision        INTEGER NOT NULL CHECK (revision >= 1),
    created_by      INTEGER REFERENCES users(id),
    created_at      INTEGER NOT NULL,
    updated_by      INTEGER REFERENCES users(id),
    updated_at      INTEGER NOT NULL,
    published_at    INTEGER,
    CHECK (expires_at IS NULL OR effective_from IS NULL OR expires_at > effective_from)
) STRICT;
CREATE INDEX kb_articles_state ON kb_articles(state, id);
CREATE INDEX kb_articles_unit ON kb_articles(unit_id, id);
CREATE INDEX kb_articles_category ON kb_articles(category_id, id);

-- Every revision, as the article stood after it, with who, when and which
-- fields changed (a comma list of field names).
CREATE TABLE kb_revisions (
    id              INTEGER PRIMARY KEY,
    article_id      INTEGER NOT NULL REFERENCES kb_articles(id) ON DELETE CASCADE,
    revision        INTEGER NOT NULL,
    at              INTEGER NOT NULL,
    actor_id        INTEGER REFERENCES users(id),
    action          TEXT NOT NULL CHECK (action IN ('create','update','publish','withdraw')),
    changed         TEXT NOT NULL DEFAULT '',
    note            TEXT,
    title           TEXT NOT NULL,
    body            TEXT NOT NULL,
    category_id     INTEGER,
    tags            TEXT NOT NULL,
    unit_id         INTEGER,
    effective_from  INTEGER,
    expires_at      INTEGER,
    state           TEXT NOT NULL,
    UNIQUE (article_id, revision)
) STRICT;

CREATE VIRTUAL TABLE kb_fts USING fts5(
    title, tags, body,
    content='kb_articles', content_rowid='id', tokenize='rexian');
INSERT INTO kb_fts(kb_fts, rank) VALUES ('rank', 'bm25(6.0, 3.0, 1.0)');
CREATE TRIGGER kb_fts_insert AFTER INSERT ON kb_articles BEGIN
    INSERT INTO kb_fts(rowid, title, tags, body) VALUES (new.id, new.title, new.tags, new.body);
END;
CREATE TRIGGER kb_fts_delete AFTER DELETE ON kb_articles BEGIN
    INSERT INTO kb_fts(kb_fts, rowid, title, tags, body)
    VALUES ('delete', old.id, old.title, old.tags, old.body);
END;
CREATE TRIGGER kb_fts_update AFTER UPDATE OF title, tags, body ON kb_articles
WHEN old.title IS NOT new.title OR old.tags IS NOT new.tags OR old.body IS NOT new.body
BEGIN
    INSERT INTO kb_fts(kb_fts, rowid, title, tags, body)
    VALUES ('delete', old.id, old.title, old.tags, old.body);
    INSERT INTO kb_fts(rowid, title, tags, body) VALUES (new.id, new.title, new.tags, new.body);
END;
