-- bitext translation memory, schema version 6: the search index learns numbers and inflections.
--
-- Index terms now keep a number with its separators as one term (`2,500`, `3.5`: a placeable
-- for fuzzy matching) and add, for every word, its inflection stem after a private-use mark
-- (src/text/terms.rs), so that concordance finds `forces` for `force` and `المتظاهرين` for
-- `متظاهر`. Only the terms changed: the index is emptied and filled again from `units` with
-- the new terms; the table, its settings and the triggers stay as they are.

INSERT INTO unit_index (unit_index) VALUES ('delete-all');

INSERT INTO unit_index (rowid, source, target)
SELECT id, bitext_index_terms(source), bitext_index_terms(target) FROM units;
