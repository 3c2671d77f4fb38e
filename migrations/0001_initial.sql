-- bitext translation memory, schema version 1: documents, their sentences, the aligned units
-- and the history of changes to units. Times are UTC in ISO 8601 (2026-11-25T08:17:00Z).

-- A document pair as the translator gave it: both texts verbatim.
CREATE TABLE documents (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    source_lang TEXT NOT NULL,
    target_lang TEXT NOT NULL,
    -- NULL when units were imported without their document (from TMX or JSON)
    source_text TEXT,
    target_text TEXT,
    created     TEXT NOT NULL,
    created_by  TEXT NOT NULL
) STRICT;

-- The sentences of each side: byte spans into the document's text, and the text itself.
-- Joined with the text between them, a side's segments give back the document exactly.
CREATE TABLE segments (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    side        TEXT NOT NULL CHECK (side IN ('source', 'target')),
    position    INTEGER NOT NULL CHECK (position >= 0),
    start       INTEGER NOT NULL CHECK (start >= 0),
    "end"       INTEGER NOT NULL CHECK ("end" > start),
    text        TEXT NOT NULL,
    UNIQUE (document_id, side, position)
) STRICT;

-- Units: the aligned pairs, in document order. A unit covers source sentences
-- [source_start, source_end) and target sentences [target_start, target_end) (NULL ranges for
-- units imported without their document). Its texts start as the document's text over those
-- sentences and may be edited later.
CREATE TABLE units (
    id           INTEGER PRIMARY KEY,
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

CREATE INDEX units_by_document ON units (document_id, position);

-- Every change to units, with the touched units before and after as JSON arrays, so that a
-- change can be shown and undone.
CREATE TABLE changes (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    document_id INTEGER REFERENCES documents (id) ON DELETE CASCADE,
    summary     TEXT NOT NULL,
    before      TEXT NOT NULL,
    after       TEXT NOT NULL,
    user        TEXT NOT NULL,
    at          TEXT NOT NULL,
    -- the change this one reverted (for undo), and the undo that reverted this one
    undoes      INTEGER REFERENCES changes (id),
    undone_by   INTEGER REFERENCES changes (id)
) STRICT;
