//! Interchange: the memory's units to and from TMX 1.4b, JSON and JSON Lines.
//!
//! Both directions stream: an export reads the units one at a time from the store and writes
//! them as it goes; an import parses the file one unit at a time into a single store
//! transaction (malformed input stops it with file, line and column, and nothing is stored).
//!
//! An export imported into a fresh memory and exported again gives the same bytes: every field
//! of a unit is carried (ids, document, languages, position, sentence ranges, texts, score,
//! status, note, times, users), and so are the inline markup and the TMX attributes,
//! properties and notes a unit brought from another tool ([`TmxExtras`]). The TMX header's
//! `creationdate` is the latest `changed` time of the exported units, not the clock, for the
//! same reason.

mod guard;
pub mod json;
mod markup;
mod tmx;
mod tmx_read;

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::ops::Range;
use std::path::Path;

use indicatif::ProgressBar;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::store::{ImportOptions, Memory, UnitFilter};

pub use markup::plain_text;

/// An interchange format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// TMX 1.4b, read by CAT tools (OmegaT, Trados, memoQ, Okapi)
    Tmx,
    /// One JSON object holding an array of units (docs/unit.schema.json)
    Json,
    /// JSON Lines: one unit object a line
    Jsonl,
}

impl Format {
    /// The format a file's extension names: `.tmx`, `.json`, `.jsonl` or `.ndjson`.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "tmx" => Some(Format::Tmx),
            "json" => Some(Format::Json),
            "jsonl" | "ndjson" => Some(Format::Jsonl),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Tmx => "tmx",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Writes the units `filter` selects to `out` in `format`; returns how many it wrote.
///
/// Memory use does not grow with the number of units. `progress` gets the number of units as
/// its length and advances as they are written. A failure to write is [`Error::Output`].
pub fn export(
    memory: &Memory,
    filter: &UnitFilter,
    format: Format,
    out: &mut dyn Write,
    progress: &ProgressBar,
) -> Result<u64> {
    memory.read_snapshot(|| match format {
        Format::Tmx => tmx::write(memory, filter, out, progress),
        Format::Json | Format::Jsonl => json::write(memory, filter, format, out, progress),
    })
}

/// What an import did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    pub file: String,
    pub format: Format,
    /// Units stored.
    pub imported: u64,
    /// Units not stored because the memory (or the file, earlier) has the same pair.
    pub duplicates: u64,
    /// Translation units without a variant in one of the two languages, not stored.
    pub skipped: u64,
    /// Units stored under a new id because the file's id was taken.
    pub renumbered: u64,
    /// Documents created by the import.
    pub created_documents: Vec<String>,
    /// The `import` change of the history, which `bitext undo` reverts (none when nothing was
    /// stored).
    pub change: Option<i64>,
}

/// Imports `path` into `memory` in one transaction. `format` defaults to the one the file's
/// extension names. `progress` gets the file's size as length and advances with the bytes read.
pub fn import(
    memory: &mut Memory,
    path: &Path,
    format: Option<Format>,
    options: &ImportOptions,
    progress: &ProgressBar,
) -> Result<ImportSummary> {
    let format = resolve_format(path, format)?;
    if options.source_lang == options.target_lang {
        return Err(Error::invalid(format!(
            "the source and target languages are both '{}'",
            options.source_lang
        )));
    }
    let size = File::open(path)
        .and_then(|f| f.metadata())
        .map_err(|e| Error::read(path, e))?
        .len();
    progress.set_length(size);
    let mut skipped = 0;
    let report = memory.import_units(options, |sink| {
        let mut add = |unit| sink.add(unit).map(|_| ());
        match format {
            Format::Tmx => {
                let langs = (options.source_lang, options.target_lang);
                skipped = tmx_read::read(path, langs, progress, &mut add)?.skipped;
            }
            Format::Json => json::read_json(path, progress, &mut add)?,
            Format::Jsonl => json::read_jsonl(path, progress, &mut add)?,
        }
        Ok(())
    })?;
    Ok(ImportSummary {
        file: path.display().to_string(),
        format,
        imported: report.imported,
        duplicates: report.duplicates,
        skipped,
        renumbered: report.renumbered,
        created_documents: report.created_documents,
        change: report.change,
    })
}

/// The format to read `path` in: the one asked for, else the one its extension names.
pub fn resolve_format(path: &Path, format: Option<Format>) -> Result<Format> {
    format.or_else(|| Format::from_path(path)).ok_or_else(|| {
        Error::invalid(format!(
            "cannot tell the format of {} from its name; use --format tmx, json or jsonl",
            path.display()
        ))
    })
}

/// The document name for units a file does not place in one: the file's stem.
pub fn default_document(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "imported".to_string())
}

/// What a TMX unit carried that bitext has no column for, kept so that an export gives it back:
/// attributes of `<tu>`, its `<prop>`s and further `<note>`s, and the same for its two `<tuv>`s.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TmxExtras {
    /// `<tu>` attributes as name and value, in file order (a non-numeric `tuid` among them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<(String, String)>,
    /// `<prop>`s and `<note>`s of the `<tu>`, in file order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<TmxItem>,
    #[serde(default, skip_serializing_if = "TmxVariantExtras::is_empty")]
    pub source: TmxVariantExtras,
    #[serde(default, skip_serializing_if = "TmxVariantExtras::is_empty")]
    pub target: TmxVariantExtras,
}

/// What a `<tuv>` carried besides its text.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TmxVariantExtras {
    /// The `xml:lang` as written, when it is not the document's language code (`ar-SA`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<(String, String)>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<TmxItem>,
}

/// A `<prop>` or `<note>` with its attributes (a prop's `type` among them) and text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TmxItem {
    pub element: TmxElement,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<(String, String)>,
    pub text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TmxElement {
    Prop,
    Note,
}

/// `<tu>` attributes bitext writes itself.
const TU_ATTRIBUTES: [&str; 5] = [
    "tuid",
    "creationdate",
    "creationid",
    "changedate",
    "changeid",
];

impl TmxVariantExtras {
    pub fn is_empty(&self) -> bool {
        self.lang.is_none() && self.attributes.is_empty() && self.items.is_empty()
    }
}

impl TmxExtras {
    pub fn is_empty(&self) -> bool {
        self.attributes.is_empty()
            && self.items.is_empty()
            && self.source.is_empty()
            && self.target.is_empty()
    }

    /// Checks that writing these extras back gives valid TMX: XML names, no attribute bitext
    /// writes itself (but a non-numeric `tuid`), a `type` on every prop.
    pub fn validate(&self) -> std::result::Result<(), String> {
        for (name, value) in &self.attributes {
            check_name(name)?;
            if name == "tuid" && value.parse::<i64>().is_ok() {
                return Err("a numeric tuid is the unit's id, not an extra attribute".into());
            }
            if TU_ATTRIBUTES[1..].contains(&name.as_str()) {
                return Err(format!(
                    "'{}' is written from the unit's fields, not kept as an extra",
                    crate::error::excerpt(name)
                ));
            }
        }
        let variants = [&self.source, &self.target];
        for v in variants {
            for (name, _) in &v.attributes {
                check_name(name)?;
                if name == "xml:lang" || name == "lang" {
                    return Err("a variant's language goes in \"lang\"".into());
                }
            }
        }
        let items = self
            .items
            .iter()
            .chain(variants.iter().flat_map(|v| v.items.iter()));
        for item in items {
            for (name, _) in &item.attributes {
                check_name(name)?;
            }
            if item.element == TmxElement::Prop && !item.attributes.iter().any(|(n, _)| n == "type")
            {
                return Err("a prop needs a \"type\" attribute".into());
            }
        }
        Ok(())
    }
}

/// Checks an attribute name is a plain XML name (letters, digits, `_ : . -`).
fn check_name(name: &str) -> std::result::Result<(), String> {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_' || c == ':');
    if first_ok && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | ':' | '.' | '-')) {
        Ok(())
    } else {
        Err(format!(
            "'{}' is not an XML attribute name",
            crate::error::excerpt(name)
        ))
    }
}

/// A stored time (`2026-11-25T08:17:00Z`) as TMX writes it (`20261125T081700Z`).
pub fn tmx_date(iso: &str) -> Option<String> {
    let b = iso.as_bytes();
    let exact = b.len() == 20
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'Z';
    if exact {
        let s = format!(
            "{}{}{}T{}{}{}Z",
            &iso[0..4],
            &iso[5..7],
            &iso[8..10],
            &iso[11..13],
            &iso[14..16],
            &iso[17..19]
        );
        if iso_date(&s).as_deref() == Some(iso) {
            return Some(s);
        }
    }
    let t: jiff::Timestamp = iso.parse().ok()?;
    Some(t.strftime("%Y%m%dT%H%M%SZ").to_string())
}

/// A TMX time (`20261125T081700Z`) as bitext stores it (`2026-11-25T08:17:00Z`); `None` when it
/// is not a valid TMX time.
pub fn iso_date(tmx: &str) -> Option<String> {
    let b = tmx.as_bytes();
    let shape = b.len() == 16
        && b[8] == b'T'
        && b[15] == b'Z'
        && b[..8].iter().chain(&b[9..15]).all(u8::is_ascii_digit);
    if !shape {
        return None;
    }
    let number = |r: Range<usize>| tmx[r].parse::<i16>().ok();
    let (year, month, day) = (number(0..4)?, number(4..6)?, number(6..8)?);
    let (hour, minute, second) = (number(9..11)?, number(11..13)?, number(13..15)?);
    jiff::civil::Date::new(year, month as i8, day as i8).ok()?;
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    Some(format!(
        "{}-{}-{}T{}:{}:{}Z",
        &tmx[0..4],
        &tmx[4..6],
        &tmx[6..8],
        &tmx[9..11],
        &tmx[11..13],
        &tmx[13..15]
    ))
}

/// A time as bitext stores it: UTC, to the second.
fn stored_time(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A time from a JSON file: RFC 3339 (`2026-11-25T08:17:00Z`, `…+03:00`), stored as UTC to the
/// second.
pub fn normalize_time(text: &str) -> Option<String> {
    text.parse::<jiff::Timestamp>().ok().map(stored_time)
}

/// A sentence range as the TMX props write it: `3`, `3-4`, or `-` when empty.
pub fn range_label(range: &Range<usize>) -> String {
    match range.len() {
        0 => "-".to_string(),
        1 => range.start.to_string(),
        _ => format!("{}-{}", range.start, range.end - 1),
    }
}

/// Reads a label of [`range_label`] back (an empty range comes back as `0..0`).
pub fn parse_range_label(label: &str) -> Option<Range<usize>> {
    if label == "-" {
        return Some(0..0);
    }
    let (first, last) = label.split_once('-').unwrap_or((label, label));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(first) || !digits(last) {
        return None;
    }
    let (first, last): (usize, usize) = (first.parse().ok()?, last.parse().ok()?);
    let bounded = (last as u64) < crate::store::MAX_NUMBER as u64;
    (first <= last && bounded).then(|| first..last + 1)
}

/// Builds [`Error::Malformed`] for a position given as a line and a byte column on that line
/// (as serde_json reports them): the column becomes a character column. The file is read again
/// as a stream up to that place, never a whole line at a time (a line may be huge).
pub(crate) fn malformed_at_line(
    path: &Path,
    line: usize,
    byte_column: usize,
    message: impl Into<String>,
) -> Error {
    let mut column = byte_column.max(1);
    if let Ok(file) = File::open(path) {
        let mut reader = BufReader::new(file);
        let (mut at_line, mut bytes, mut chars) = (1, 0usize, 0usize);
        let target = byte_column.saturating_sub(1);
        'read: while let Ok(chunk) = reader.fill_buf() {
            if chunk.is_empty() {
                break;
            }
            let n = chunk.len();
            for &b in chunk {
                if at_line < line {
                    if b == b'\n' {
                        at_line += 1;
                    }
                    continue;
                }
                if bytes == target || b == b'\n' {
                    break 'read;
                }
                bytes += 1;
                if b & 0xC0 != 0x80 {
                    chars += 1;
                }
            }
            reader.consume(n);
        }
        if at_line == line {
            column = chars + 1;
        }
    }
    Error::Malformed {
        file: path.display().to_string(),
        line: line.max(1),
        column,
        message: message.into(),
    }
}

/// Reads `reader` up to byte `offset` and returns the line and character column (1-based) that
/// the offset falls on.
pub(crate) fn line_and_column(reader: &mut dyn BufRead, offset: u64) -> (usize, usize) {
    let (mut line, mut column, mut seen) = (1, 1, 0u64);
    while seen < offset {
        let chunk = match reader.fill_buf() {
            Ok(c) if !c.is_empty() => c,
            _ => break,
        };
        let take = chunk.len().min((offset - seen) as usize);
        for &b in &chunk[..take] {
            if b == b'\n' {
                line += 1;
                column = 1;
            } else if b & 0xC0 != 0x80 {
                // count characters: skip UTF-8 continuation bytes
                column += 1;
            }
        }
        reader.consume(take);
        seen += take as u64;
    }
    (line, column)
}

/// True for characters XML 1.0 cannot carry, not even as a character reference.
pub(crate) fn is_xml_illegal(c: char) -> bool {
    (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

/// The first character of `text` XML cannot carry: its byte index and code.
pub(crate) fn illegal_char(text: &str) -> Option<(usize, u32)> {
    text.char_indices()
        .find(|&(_, c)| is_xml_illegal(c))
        .map(|(k, c)| (k, c as u32))
}

/// The first character XML cannot carry in raw XML (a segment's inner markup, a tag with its
/// attributes), raw or as a character reference (`&#1;`, `&#x0C;`, or one that names no
/// character, like `&#0;`): its byte index and code. CDATA sections, comments and processing
/// instructions are checked for raw characters only (a `&#1;` in them is text, not a
/// reference).
pub(crate) fn illegal_xml(raw: &str) -> Option<(usize, u32)> {
    let mut k = 0;
    while k < raw.len() {
        let rest = &raw[k..];
        let literal_until = [("<![CDATA[", "]]>"), ("<!--", "-->"), ("<?", "?>")]
            .iter()
            .find(|(open, _)| rest.starts_with(open))
            .map(|(open, close)| {
                rest[open.len()..]
                    .find(close)
                    .map_or(rest.len(), |e| open.len() + e + close.len())
            });
        if let Some(len) = literal_until {
            if let Some((j, c)) = illegal_char(&rest[..len]) {
                return Some((k + j, c));
            }
            k += len;
            continue;
        }
        if let Some(reference) = rest.strip_prefix("&#") {
            let end = reference.find(';').unwrap_or(reference.len());
            let number = &reference[..end];
            let code = match number.strip_prefix('x') {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => number.parse::<u32>().ok(),
            };
            let legal = code
                .and_then(char::from_u32)
                .is_some_and(|c| c != '\0' && !is_xml_illegal(c));
            if !legal {
                return Some((k, code.unwrap_or(0)));
            }
            k += 2 + end;
            continue;
        }
        let c = rest.chars().next().expect("not at the end");
        if is_xml_illegal(c) {
            return Some((k, c as u32));
        }
        k += c.len_utf8();
    }
    None
}

/// What an import says of a character XML does not allow.
pub(crate) fn illegal_message(code: u32) -> String {
    format!(
        "U+{code:04X} is a control character XML does not allow (not even as &#{code};): \
         the file is not well-formed XML"
    )
}

#[cfg(test)]
mod tests;
