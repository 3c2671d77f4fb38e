-- bitext translation memory, schema version 5: a history that outlives documents, document-level
-- changes (storing or re-aligning a document is a change that undo reverts), and unit revisions.
--
-- Until version 4, `changes.document_id` referenced `documents` ON DELETE CASCADE: replacing a
-- document deleted its history with it. The table is rebuilt without that reference, and each
-- change keeps the names of the documents it touched, so that the history still names a document
-- that no longer exists (one that an undo of its `align` removed).

CREATE TABLE changes_v5 (
    id             INTEGER PRIMARY KEY,
    -- edit, split, merge, move, delete, align (storing or re-aligning a document) or undo
    kind           TEXT NOT NULL,
    -- the document the change touched, when it touched one (no foreign key: see above)
    document_id    INTEGER,
    -- its name when the change was made
    document       TEXT,
    -- the names of every document the change touched, as a JSON array (a bulk edit may touch
    -- several)
    document_names TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(document_names)),
    summary        TEXT NOT NULL,
    -- the touched unit rows before and after the change, complete, as JSON arrays
    before         TEXT NOT NULL,
    after          TEXT NOT NULL,
    -- for an `align`: what it did to the document itself, as JSON: whether it created the
    -- document, and the texts, languages and sentence spans it replaced (null when they stayed),
    -- so that undo removes the document again or gives back its texts and sentences exactly
    document_change TEXT CHECK (document_change IS NULL OR json_valid(document_change)),
    user           TEXT NOT NULL,
    at             TEXT NOT NULL,
    -- the change this one reverted (for undo), and the undo that reverted this one
    undoes         INTEGER REFERENCES changes_v5 (id),
    undone_by      INTEGER REFERENCES changes_v5 (id)
) STRICT;

INSERT INTO changes_v5 (id, kind, document_id, document, document_names, summary, before, after,
                        user, at, undoes, undone_by)
SELECT c.id, c.kind, c.document_id, d.name,
       CASE WHEN d.name IS NULL THEN '[]' ELSE json_array(d.name) END,
       c.summary, c.before, c.after, c.user, c.at, c.undoes, c.undone_by
FROM changes c LEFT JOIN documents d ON d.id = c.document_id;

DROP TABLE changes;
ALTER TABLE changes_v5 RENAME TO changes;

-- undo and the history look up a document's changes
CREATE INDEX changes_by_document ON changes (document_id, id);

-- A unit's revision: every change to the row makes it larger (an undo too: it gives back every
-- other column exactly and takes the next revision), so that a writer who read revision N can
-- ask for its change to be refused when the unit is no longer at N (two reviewers at once).
ALTER TABLE units ADD COLUMN revision INTEGER NOT NULL DEFAULT 1 CHECK (revision >= 1);
