-- bitext translation memory, schema version 2: the search index behind lookup and concordance,
-- and unit ids that are never reused (the history refers to units by id).

-- Units get AUTOINCREMENT ids, so that an id, once deleted, never names another unit: the same
-- table as in version 1, copied over.
CREATE TABLE units_v2 (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id  INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    source_start INTEGER,
    source_end   INTEGER,
    target_start INTEGER,
    target_end   INTEGER,
    source       TEXT NOT NULL,
    target       TEXT NOT NULL,
    score        REAL CHECK (score IS NULL OR (score >= 0 AND score <= 1)),
    status       TEXT NOT NULL DEFAULT 'draft'
                 CHECK (status IN ('draft', 'reviewed', 'approved', 'rejected')),
    note         TEXT,
    created      TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    changed      TEXT NOT NULL,
    changed_by   TEXT NOT NULL,
    CHECK (source_start IS NULL OR source_start <= source_end),
    CHECK (target_start IS NULL OR target_start <= target_end)
) STRICT;
INSERT INTO units_v2 SELECT * FROM units;
DROP TABLE units;
ALTER TABLE units_v2 RENAME TO units;
CREATE INDEX units_by_document ON units (document_id, position);

-- The search index: for each unit, the index terms of its source and of its target (see
-- src/search/terms.rs: every normalised word, the word without its Arabic clitics, and a key
-- for the whole text). Contentless: the texts stay in `units`; the index only finds unit ids
-- (rowid = units.id), which bitext then checks and scores against the stored text.
-- Terms are letters, digits and marks only, so with these tokenizer settings a term is one
-- token; `detail=column` keeps which column a term is in, without word positions.
CREATE VIRTUAL TABLE unit_index USING fts5 (
    source,
    target,
    content = '',
    contentless_delete = 1,
    detail = column,
    tokenize = "unicode61 remove_diacritics 0 categories 'L* N* Co M*'"
);

-- How many units hold each term, per column: lookup starts from a text's rarest words.
CREATE VIRTUAL TABLE unit_index_terms USING fts5vocab (unit_index, 'col');

-- The index follows `units` whoever writes to it (align, edit, undo, import). The function
-- bitext_index_terms is registered by bitext on every connection it opens; a program that
-- writes units without it gets "no such function: bitext_index_terms" instead of a stale index.
CREATE TRIGGER unit_index_insert AFTER INSERT ON units BEGIN
    INSERT INTO unit_index (rowid, source, target)
    VALUES (new.id, bitext_index_terms(new.source), bitext_index_terms(new.target));
END;

CREATE TRIGGER unit_index_delete AFTER DELETE ON units BEGIN
    DELETE FROM unit_index WHERE rowid = old.id;
END;

CREATE TRIGGER unit_index_update AFTER UPDATE OF id, source, target ON units BEGIN
    DELETE FROM unit_index WHERE rowid = old.id;
    INSERT INTO unit_index (rowid, source, target)
    VALUES (new.id, bitext_index_terms(new.source), bitext_index_terms(new.target));
END;

INSERT INTO unit_index (rowid, source, target)
SELECT id, bitext_index_terms(source), bitext_index_terms(target) FROM units;
