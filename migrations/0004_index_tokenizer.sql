-- bitext translation memory, schema version 4: a cheaper tokenizer and a bigger write buffer
-- for the search index, for faster bulk writes (align of long documents, import).
--
-- The index holds terms that bitext has already normalised (src/search/terms.rs): letters,
-- digits and marks, case-folded, one space between terms. FTS5's `ascii` tokenizer splits them
-- at the same places as version 2's `unicode61` with categories did, without looking up the
-- Unicode category of every character again. The table is rebuilt from `units`; the triggers
-- of version 2 name it and go on working unchanged.

DROP TABLE unit_index_terms;
DROP TABLE unit_index;

CREATE VIRTUAL TABLE unit_index USING fts5 (
    source,
    target,
    content = '',
    contentless_delete = 1,
    detail = column,
    tokenize = 'ascii'
);

CREATE VIRTUAL TABLE unit_index_terms USING fts5vocab (unit_index, 'col');

-- Terms of up to 64 MiB of text are gathered in memory before being written as one index
-- segment (default 1 MiB): a large import writes fewer, larger segments and merges less.
-- Small writes (an edit) flush at commit as before.
INSERT INTO unit_index (unit_index, rank) VALUES ('hashsize', 67108864);

INSERT INTO unit_index (rowid, source, target)
SELECT id, bitext_index_terms(source), bitext_index_terms(target) FROM units;
