-- bitext translation memory, schema version 3: what interchange files carry beyond plain text.
--
-- A unit imported from TMX keeps the inline markup of its segments (<bpt>, <ept>, <ph>, <it>,
-- <hi>, <sub>, <ut>) and the attributes, properties and notes bitext has no column for, so that an
-- export gives them back. units.source and units.target keep holding the plain text: that is what
-- matching, search and editing see. Export uses a markup only while its plain text is still the
-- unit's text, so an edited unit is exported as its new plain text.

-- The inner XML of the source <seg>, verbatim, when it holds inline markup (NULL for plain text).
ALTER TABLE units ADD COLUMN source_markup TEXT;
-- The same for the target <seg>.
ALTER TABLE units ADD COLUMN target_markup TEXT;
-- TMX attributes, <prop>s and <note>s of the unit and of its two variants that bitext does not
-- map to a column, as a JSON object (see docs/unit.schema.json, "tmx_extras").
ALTER TABLE units ADD COLUMN tmx_extras TEXT
    CHECK (tmx_extras IS NULL OR json_valid(tmx_extras));
