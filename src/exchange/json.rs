//! JSON and JSON Lines: every field of a unit in one documented shape
//! (`docs/unit.schema.json`).
//!
//! A JSON export is one object, with one unit a line inside its array:
//!
//! ```text
//! {"format":"bitext-units","version":1,"units":[
//! {"id":1,"document":"kazakhstan-2022","source_lang":"ar","target_lang":"en","position":0,…},
//! {"id":2,…}
//! ]}
//! ```
//!
//! A JSON Lines export is the unit objects alone, one a line. A unit's fields, always in this
//! order: `id`, `document`, `source_lang`, `target_lang`, `position`, `source_sentences` and
//! `target_sentences` (lists of sentence indices, as `bitext list --json` gives them, or null),
//! `source`, `target`, `score` (or null), `status`, `note` (or null), `created`, `created_by`,
//! `changed`, `changed_by`; then, only when a unit has them, `source_markup`, `target_markup`
//! and `tmx_extras` (what it brought from another tool's TMX).
//!
//! Import takes the same shapes (a bare array of units too) and needs only `source` and
//! `target` in a unit: the rest falls back to the import's defaults. Both directions stream.

use std::cell::Cell;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::ops::Range;
use std::path::Path;
use std::rc::Rc;

use indicatif::ProgressBar;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use super::{Format, TmxExtras, illegal_xml, malformed_at_line, normalize_time, plain_text};
use crate::Lang;
use crate::error::{Error, Result};
use crate::store::{
    ExportUnit, ImportUnit, MAX_NUMBER, MAX_TEXT_BYTES, Memory, Status, UnitFilter,
};

/// The `format` of a JSON export.
pub const FORMAT: &str = "bitext-units";
/// The `version` of the JSON shape this bitext writes and reads.
pub const VERSION: u64 = 1;

/// Writes the units `filter` selects as JSON or JSON Lines; returns how many.
pub(crate) fn write(
    memory: &Memory,
    filter: &UnitFilter,
    format: Format,
    out: &mut dyn Write,
    progress: &ProgressBar,
) -> Result<u64> {
    progress.set_length(memory.export_summary(filter)?.units);
    let array = format == Format::Json;
    if array {
        writeln!(
            out,
            "{{\"format\":\"{FORMAT}\",\"version\":{VERSION},\"units\":["
        )
        .map_err(Error::Output)?;
    }
    let mut written = 0u64;
    memory.for_each_export_unit(filter, |e| {
        if array && written > 0 {
            out.write_all(b",\n").map_err(Error::Output)?;
        }
        let extras = match &e.tmx_extras {
            Some(json) => Some(serde_json::from_str::<TmxExtras>(json).map_err(|err| {
                Error::invalid(format!(
                    "unit #{}: its stored TMX extras are damaged: {err}",
                    e.unit.id
                ))
            })?),
            None => None,
        };
        serde_json::to_writer(&mut *out, &UnitOut::new(&e, extras))
            .map_err(|err| Error::Output(err.into()))?;
        if !array {
            out.write_all(b"\n").map_err(Error::Output)?;
        }
        written += 1;
        if written.is_multiple_of(512) {
            progress.set_position(written);
        }
        Ok(())
    })?;
    if array {
        let close: &[u8] = if written > 0 { b"\n]}\n" } else { b"]}\n" };
        out.write_all(close).map_err(Error::Output)?;
    }
    progress.set_position(written);
    out.flush().map_err(Error::Output)?;
    Ok(written)
}

/// A unit as JSON writes it.
#[derive(Serialize)]
struct UnitOut<'a> {
    id: i64,
    document: &'a str,
    source_lang: &'a str,
    target_lang: &'a str,
    position: i64,
    source_sentences: Sentences<'a>,
    target_sentences: Sentences<'a>,
    source: &'a str,
    target: &'a str,
    score: Option<f64>,
    status: Status,
    note: Option<&'a str>,
    created: &'a str,
    created_by: &'a str,
    changed: &'a str,
    changed_by: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_markup: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    target_markup: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tmx_extras: Option<TmxExtras>,
}

impl<'a> UnitOut<'a> {
    fn new(e: &'a ExportUnit, tmx_extras: Option<TmxExtras>) -> UnitOut<'a> {
        let u = &e.unit;
        // Markup only while its text is still the unit's (an edit since the import drops it).
        let markup = |m: &'a Option<String>, text: &str| {
            m.as_deref()
                .filter(|m| plain_text(m).as_deref() == Some(text))
        };
        UnitOut {
            id: u.id,
            document: &u.document,
            source_lang: &e.source_lang,
            target_lang: &e.target_lang,
            position: u.position,
            source_sentences: Sentences(&u.source_range),
            target_sentences: Sentences(&u.target_range),
            source: &u.source,
            target: &u.target,
            score: u.score,
            status: u.status,
            note: u.note.as_deref(),
            created: &u.created,
            created_by: &u.created_by,
            changed: &u.changed,
            changed_by: &u.changed_by,
            source_markup: markup(&e.source_markup, &u.source),
            target_markup: markup(&e.target_markup, &u.target),
            tmx_extras: tmx_extras.filter(|x| !x.is_empty()),
        }
    }
}

/// A sentence range as the list of its indices (`[3, 4]`), or null.
struct Sentences<'a>(&'a Option<Range<usize>>);

impl Serialize for Sentences<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self.0 {
            Some(r) => s.collect_seq(r.clone()),
            None => s.serialize_none(),
        }
    }
}

/// A unit as JSON import reads it: only the texts are required.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitIn {
    #[serde(default)]
    id: Option<i64>,
    #[serde(default)]
    document: Option<String>,
    #[serde(default)]
    source_lang: Option<String>,
    #[serde(default)]
    target_lang: Option<String>,
    #[serde(default)]
    position: Option<i64>,
    #[serde(default)]
    source_sentences: Option<Vec<usize>>,
    #[serde(default)]
    target_sentences: Option<Vec<usize>>,
    source: String,
    target: String,
    #[serde(default)]
    score: Option<f64>,
    #[serde(default)]
    status: Option<Status>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    created: Option<String>,
    #[serde(default)]
    created_by: Option<String>,
    #[serde(default)]
    changed: Option<String>,
    #[serde(default)]
    changed_by: Option<String>,
    #[serde(default)]
    source_markup: Option<String>,
    #[serde(default)]
    target_markup: Option<String>,
    #[serde(default)]
    tmx_extras: Option<TmxExtras>,
}

impl UnitIn {
    /// Checks the values and makes the unit to store.
    fn into_unit(self) -> std::result::Result<ImportUnit, String> {
        if self.id.is_some_and(|id| id < 1) {
            return Err("\"id\" must be a positive integer".into());
        }
        if self
            .document
            .as_deref()
            .is_some_and(|d| d.trim().is_empty())
        {
            return Err("\"document\" cannot be empty".into());
        }
        let lang = |code: Option<String>| -> std::result::Result<Option<Lang>, String> {
            code.map(|c| {
                Lang::parse(&c).map_err(|_| {
                    format!(
                        "unknown language \"{}\" (bitext knows: ar, en)",
                        crate::error::excerpt(&c)
                    )
                })
            })
            .transpose()
        };
        if self
            .position
            .is_some_and(|p| !(0..=MAX_NUMBER).contains(&p))
        {
            return Err(format!("\"position\" must be between 0 and {MAX_NUMBER}"));
        }
        if self.source_lang.is_some() && self.source_lang == self.target_lang {
            return Err("\"source_lang\" and \"target_lang\" are the same".into());
        }
        let range = |list: Option<Vec<usize>>, name: &str| match list {
            None => Ok(None),
            Some(list) => match list.first() {
                None => Ok(Some(0..0)),
                Some(&first) if list.iter().any(|&x| x as u64 >= MAX_NUMBER as u64) => Err(
                    format!("\"{name}\" holds a sentence number over {MAX_NUMBER} ({first}…)"),
                ),
                Some(&first) if list.iter().enumerate().all(|(k, &x)| x == first + k) => {
                    Ok(Some(first..first + list.len()))
                }
                Some(_) => Err(format!("\"{name}\" must list consecutive sentence indices")),
            },
        };
        if self
            .score
            .is_some_and(|s| !(s.is_finite() && (0.0..=1.0).contains(&s)))
        {
            return Err("\"score\" must be between 0 and 1".into());
        }
        let time = |value: Option<String>, name: &str| match value {
            None => Ok(None),
            Some(v) => normalize_time(&v).map(Some).ok_or_else(|| {
                format!(
                    "\"{name}\" is \"{}\", not a time like 2026-11-25T08:17:00Z",
                    crate::error::excerpt(&v)
                )
            }),
        };
        let markup = |m: Option<String>, text: &str, name: &str| match m {
            Some(m) if plain_text(&m).as_deref() != Some(text) => Err(format!(
                "\"{name}\" is not well-formed TMX segment content with the unit's text"
            )),
            Some(m) if illegal_xml(&m).is_some() => Err(format!(
                "\"{name}\" holds U+{:04X}, a control character XML does not allow",
                illegal_xml(&m).map_or(0, |(_, c)| c)
            )),
            m => Ok(m),
        };
        let tmx_extras = match self.tmx_extras.filter(|x| !x.is_empty()) {
            Some(x) => {
                x.validate().map_err(|e| format!("\"tmx_extras\": {e}"))?;
                Some(serde_json::to_string(&x).expect("extras serialize"))
            }
            None => None,
        };
        Ok(ImportUnit {
            id: self.id,
            document: self.document,
            source_lang: lang(self.source_lang)?,
            target_lang: lang(self.target_lang)?,
            position: self.position,
            source_range: range(self.source_sentences, "source_sentences")?,
            target_range: range(self.target_sentences, "target_sentences")?,
            source_markup: markup(self.source_markup, &self.source, "source_markup")?,
            target_markup: markup(self.target_markup, &self.target, "target_markup")?,
            source: self.source,
            target: self.target,
            score: self.score,
            status: self.status,
            note: self.note,
            created: time(self.created, "created")?,
            created_by: self.created_by,
            changed: time(self.changed, "changed")?,
            changed_by: self.changed_by,
            tmx_extras,
        })
    }
}

/// Opens a JSON file, past a UTF-8 byte-order mark.
fn open(path: &Path) -> Result<BufReader<File>> {
    if path.is_dir() {
        return Err(Error::IsDirectory(path.to_path_buf()));
    }
    let file = File::open(path).map_err(|e| Error::read(path, e))?;
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let head = reader.fill_buf().map_err(|e| Error::read(path, e))?;
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        return Err(Error::Utf16Text(path.to_path_buf()));
    }
    if head.starts_with(b"\xEF\xBB\xBF") {
        reader.consume(3);
    }
    Ok(reader)
}

/// Counts the bytes read, for the progress bar and the limit of a unit's size,
/// and stops the reading when one unit (the bytes since `unit_start`) passes [`MAX_UNIT_BYTES`],
/// so that a huge string is refused before it is held in memory whole.
struct Counted<R> {
    inner: R,
    bytes: Rc<Cell<u64>>,
    unit_start: Rc<Cell<u64>>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.bytes.get() - self.unit_start.get() > MAX_UNIT_BYTES {
            return Err(std::io::Error::other(unit_too_large()));
        }
        let n = self.inner.read(buf)?;
        self.bytes.set(self.bytes.get() + n as u64);
        Ok(n)
    }
}

/// The most bytes one unit of a JSON file (or one line of JSON Lines) may take: room for a
/// unit's two texts and their markup at their limit, even written as `\u` escapes.
pub const MAX_UNIT_BYTES: u64 = 16 << 20;

fn unit_too_large() -> String {
    format!(
        "a unit takes more than {} MiB; bitext keeps texts of up to {} MiB",
        MAX_UNIT_BYTES >> 20,
        MAX_TEXT_BYTES >> 20
    )
}

/// Reads a JSON export (or a bare array of units) and hands each unit to `sink`, streaming.
pub(crate) fn read_json(
    path: &Path,
    progress: &ProgressBar,
    sink: &mut dyn FnMut(ImportUnit) -> Result<()>,
) -> Result<()> {
    let bytes = Rc::new(Cell::new(0));
    let unit_start = Rc::new(Cell::new(0));
    let reader = Counted {
        inner: open(path)?,
        bytes: Rc::clone(&bytes),
        unit_start: Rc::clone(&unit_start),
    };
    let mut de = serde_json::Deserializer::from_reader(reader);
    let mut feeder = Feeder {
        sink,
        progress,
        bytes,
        unit_start,
        units: 0,
        failure: None,
    };
    let parsed = (&mut feeder).deserialize(&mut de).and_then(|()| de.end());
    if let Some(e) = feeder.failure {
        return Err(e);
    }
    parsed.map_err(|e| json_error(path, &e))
}

/// Reads JSON Lines: one unit a line (blank lines are allowed).
pub(crate) fn read_jsonl(
    path: &Path,
    progress: &ProgressBar,
    sink: &mut dyn FnMut(ImportUnit) -> Result<()>,
) -> Result<()> {
    let mut reader = open(path)?;
    let mut raw = Vec::new();
    let (mut number, mut bytes) = (0usize, 0u64);
    let at = |line: usize, column: usize, message: String| Error::Malformed {
        file: path.display().to_string(),
        line,
        column,
        message,
    };
    loop {
        raw.clear();
        let read = (&mut reader)
            .take(MAX_UNIT_BYTES + 1)
            .read_until(b'\n', &mut raw)
            .map_err(|e| Error::read(path, e))?;
        if read == 0 {
            break;
        }
        number += 1;
        bytes += read as u64;
        if read as u64 > MAX_UNIT_BYTES {
            return Err(at(number, 1, unit_too_large()));
        }
        let line = std::str::from_utf8(&raw).map_err(|e| {
            let valid = e.valid_up_to();
            let (_, column) = crate::input::line_and_column(&raw[..valid]);
            at(
                number,
                column,
                format!("not valid UTF-8 (byte 0x{:02X})", raw[valid]),
            )
        })?;
        let text = line.trim_end_matches(['\n', '\r']);
        if text.trim().is_empty() {
            continue;
        }
        let unit: UnitIn = serde_json::from_str(text).map_err(|e| {
            let upto = &text.as_bytes()[..e.column().saturating_sub(1).min(text.len())];
            let column = String::from_utf8_lossy(upto).chars().count() + 1;
            at(number, column, json_message(&e))
        })?;
        let short = |m: String| crate::error::shorten_quotes(&m);
        sink(unit.into_unit().map_err(|m| at(number, 1, short(m)))?).map_err(|e| match e {
            Error::Invalid(m) => at(number, 1, short(m)),
            other => other,
        })?;
        if number % 1024 == 0 {
            progress.set_position(bytes);
        }
    }
    progress.set_position(bytes);
    Ok(())
}

/// Feeds units to the sink as the JSON deserializer reads them.
struct Feeder<'a> {
    sink: &'a mut dyn FnMut(ImportUnit) -> Result<()>,
    progress: &'a ProgressBar,
    /// Bytes read so far, and where the unit being read began.
    bytes: Rc<Cell<u64>>,
    unit_start: Rc<Cell<u64>>,
    units: u64,
    /// The sink's error, which stopped the reading.
    failure: Option<Error>,
}

impl Feeder<'_> {
    fn feed<E: de::Error>(&mut self, unit: UnitIn) -> std::result::Result<(), E> {
        let unit = unit.into_unit().map_err(E::custom)?;
        match (self.sink)(unit) {
            Ok(()) => {}
            // a unit the memory cannot take as it is: named by its place in the file
            Err(Error::Invalid(m)) => return Err(E::custom(m)),
            Err(e) => {
                self.failure = Some(e);
                return Err(E::custom("the import stopped"));
            }
        }
        self.units += 1;
        self.unit_start.set(self.bytes.get());
        if self.units.is_multiple_of(1024) {
            self.progress.set_position(self.bytes.get());
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for &mut Feeder<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for &mut Feeder<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(
            f,
            "a bitext JSON export {{\"format\": \"{FORMAT}\", \"version\": {VERSION}, \"units\": [...]}}"
        )
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        while let Some(unit) = seq.next_element::<UnitIn>()? {
            self.feed(unit)?;
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        let mut saw_units = false;
        let mut seen: Vec<String> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if seen.contains(&key) {
                return Err(de::Error::duplicate_field(match key.as_str() {
                    "format" => "format",
                    "version" => "version",
                    _ => "units",
                }));
            }
            seen.push(key.clone());
            match key.as_str() {
                "format" => {
                    let format: String = map.next_value()?;
                    if format != FORMAT {
                        return Err(de::Error::custom(format!(
                            "\"format\" is \"{}\", not \"{FORMAT}\"",
                            crate::error::excerpt(&format)
                        )));
                    }
                }
                "version" => {
                    let version: u64 = map.next_value()?;
                    if version != VERSION {
                        return Err(de::Error::custom(format!(
                            "version {version} of the JSON shape is not one this bitext reads \
                             (it reads {VERSION})"
                        )));
                    }
                }
                "units" => {
                    map.next_value_seed(Units(&mut *self))?;
                    saw_units = true;
                }
                other => {
                    return Err(de::Error::unknown_field(
                        other,
                        &["format", "version", "units"],
                    ));
                }
            }
        }
        if saw_units {
            Ok(())
        } else {
            Err(de::Error::missing_field("units"))
        }
    }
}

/// The `units` array of a JSON export.
struct Units<'f, 'a>(&'f mut Feeder<'a>);

impl<'de> DeserializeSeed<'de> for Units<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_seq(self.0)
    }
}

/// serde_json's message without its " at line L column C" (the error carries those).
fn json_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let text = match text.rfind(" at line ") {
        Some(k) => &text[..k],
        None => &text,
    };
    // the list of known fields is the schema's, not something the file got wrong
    let text = match text.find(", expected one of `id`") {
        Some(k) => format!("{} (see docs/unit.schema.json)", &text[..k]),
        None => text.to_string(),
    };
    let text = crate::error::shorten_quotes(&text);
    use serde_json::error::Category;
    match e.classify() {
        Category::Eof => {
            format!("the file ends in the middle of the JSON (is it truncated?): {text}")
        }
        Category::Syntax => format!("malformed JSON: {text}"),
        Category::Data | Category::Io => text.to_string(),
    }
}

fn json_error(path: &Path, e: &serde_json::Error) -> Error {
    malformed_at_line(path, e.line(), e.column(), json_message(e))
}
