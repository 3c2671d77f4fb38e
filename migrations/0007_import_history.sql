-- bitext translation memory, schema version 7: imports in the history.
--
-- An import is one change of the history (kind `import`) that `undo` reverts. Like the `align`
-- that stores a new document, it does not copy the units it stored: `import` holds, as JSON,
-- the range of unit ids it gave out (every unit with an id in that range when the import ended
-- is one it stored), how many units it stored, and the documents it stored them into (their
-- ids, names, whether it created them, and how many units each got), so that undo removes
-- exactly those units and the documents it created. Changes of other kinds (and imports made
-- before this version, which are not in the history) have NULL here. The kinds of change are
-- now edit, split, merge, move, delete, align, realign, import and undo.

ALTER TABLE changes ADD COLUMN import TEXT CHECK (import IS NULL OR json_valid(import));
