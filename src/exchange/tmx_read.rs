//! TMX import: reads a TMX file of any tool as a stream of quick-xml events, one `<tu>` at a
//! time, and turns each into a unit.
//!
//! - Encodings: UTF-8, UTF-16 with a byte-order mark, or an ASCII-compatible encoding named by
//!   the XML declaration (windows-1256, ISO-8859-6, …). Entities, character references and
//!   CDATA sections are resolved.
//! - Languages: of a `<tu>`'s variants, the first whose `xml:lang` has the source language as
//!   its primary subtag (case-insensitive: `ar`, `AR`, `ar-SA`) is the source, and likewise for
//!   the target. A `<tu>` without one of the two is skipped and counted.
//! - bitext's own props (`x-document`, `x-position`, `x-source-sentences`,
//!   `x-target-sentences`, `x-score`, `x-status`) and the first `<note>` fill the unit's fields;
//!   other attributes, props and notes are kept as [`TmxExtras`], inline markup as the
//!   segment's XML (see `markup`).
//! - Malformed XML, a root other than `<tmx>`, a `<tuv>` without `xml:lang` or `<seg>`, a bad
//!   date: an [`Error::Malformed`] with the line and column, which stops the import.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use indicatif::ProgressBar;
use quick_xml::XmlVersion;
use quick_xml::encoding::DecodingReader;
use quick_xml::errors::IllFormedError;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use super::guard::{Guard, Stop};
use super::markup::{SegContent, resolve};
use super::{
    TmxElement, TmxExtras, TmxItem, TmxVariantExtras, illegal_char, illegal_message, illegal_xml,
    iso_date, line_and_column, parse_range_label,
};
use crate::Lang;
use crate::error::{Error, Result};
use crate::error::{excerpt, shorten_quotes};
use crate::store::{ImportUnit, MAX_TEXT_BYTES, Status, too_long};

type Input = Guard<Box<dyn Read>>;

/// The most bytes one XML event may take (a run of text, a tag with its attributes, a comment):
/// a segment's text at its limit, and some room for the tag around it.
const MAX_EVENT_BYTES: u64 = MAX_TEXT_BYTES as u64 + (64 << 10);

/// The longest attribute value bitext reads, in bytes.
pub const MAX_ATTRIBUTE_BYTES: usize = 64 << 10;

/// What reading a TMX file found besides the units it handed on.
#[derive(Debug, Default)]
pub(crate) struct ReadStats {
    /// Units handed to the sink.
    pub units: u64,
    /// `<tu>`s without a variant in one of the two languages.
    pub skipped: u64,
}

/// Where the reader is in the document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Node {
    Tmx,
    Header,
    Body,
    Tu,
    Tuv,
    Seg,
    Prop,
    Note,
    /// An element bitext does not read (`<ude>`, the header's props, …) and all it holds.
    Skip,
}

#[derive(Debug, Default)]
struct Variant {
    lang: String,
    attributes: Vec<(String, String)>,
    items: Vec<TmxItem>,
    seg: Option<(String, Option<String>)>,
    at: u64,
}

#[derive(Debug, Default)]
struct Tu {
    attributes: Vec<(String, String)>,
    items: Vec<TmxItem>,
    variants: Vec<Variant>,
    at: u64,
}

/// Opens a TMX file as a stream of UTF-8 bytes: UTF-8 as it is (checked as it is read),
/// anything else through a decoder.
fn open(path: &Path) -> Result<Input> {
    let file = File::open(path).map_err(|e| Error::read(path, e))?;
    if file.metadata().is_ok_and(|m| m.is_dir()) {
        return Err(Error::IsDirectory(path.to_path_buf()));
    }
    let mut inner = BufReader::with_capacity(1 << 16, file);
    let head = inner.fill_buf().map_err(|e| Error::read(path, e))?;
    let utf16 = [&b"\xFF\xFE"[..], b"\xFE\xFF", b"\x00<", b"<\x00"]
        .iter()
        .any(|start| head.starts_with(start));
    // An ASCII-compatible encoding other than UTF-8 is known only from the declaration.
    let mut declared = None;
    if head.starts_with(b"<?xml")
        && let Ok(Event::Decl(decl)) = Reader::from_reader(head).read_event_into(&mut Vec::new())
    {
        declared = decl
            .encoder()
            .filter(|e| e.is_ascii_compatible() && e.name() != "UTF-8");
    }
    if let Some(encoding) = declared
        && looks_like_utf8(head)
    {
        return Err(Error::Malformed {
            file: path.display().to_string(),
            line: 1,
            column: 1,
            message: format!(
                "the file declares encoding=\"{}\" but its text is UTF-8; correct the \
                 declaration to encoding=\"UTF-8\" (bitext does not guess)",
                encoding.name()
            ),
        });
    }
    if !utf16 && declared.is_none() {
        // past a byte-order mark, so that offsets count from the first character
        if head.starts_with(b"\xEF\xBB\xBF") {
            inner.consume(3);
        }
        return Ok(Guard::new(Box::new(inner), true, MAX_EVENT_BYTES));
    }
    let mut input = DecodingReader::new(inner);
    if let Some(encoding) = declared {
        input.set_encoding(encoding);
    }
    Ok(Guard::new(Box::new(input), false, MAX_EVENT_BYTES))
}

/// Whether the start of a file said to be in a legacy 8-bit encoding is in fact UTF-8: valid
/// UTF-8 with at least a few characters beyond ASCII. (Arabic in windows-1256 or ISO-8859-6 is
/// a run of bytes over 0xC0, which is never valid UTF-8.)
fn looks_like_utf8(head: &[u8]) -> bool {
    let valid = match std::str::from_utf8(head) {
        Ok(s) => s,
        // a character cut by the end of the sample is still UTF-8
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(&head[..e.valid_up_to()]).expect("valid up to here")
        }
        Err(_) => return false,
    };
    valid.chars().filter(|c| !c.is_ascii()).count() >= 2
}

/// An [`Error::Malformed`] at `offset` (a byte offset in the decoded stream).
fn malformed(path: &Path, offset: u64, message: impl Into<String>) -> Error {
    let (line, column) = match open(path) {
        Ok(mut input) => line_and_column(&mut input, offset),
        Err(_) => (1, 1),
    };
    Error::Malformed {
        file: path.display().to_string(),
        line,
        column,
        message: message.into(),
    }
}

/// Reads `path` and hands each unit with a source and a target variant to `sink`.
pub(crate) fn read(
    path: &Path,
    langs: (Lang, Lang),
    progress: &ProgressBar,
    sink: &mut dyn FnMut(ImportUnit) -> Result<()>,
) -> Result<ReadStats> {
    let mut reader = Reader::from_reader(open(path)?);
    let mut state = State {
        path,
        langs,
        stack: Vec::new(),
        seen_root: false,
        tu: None,
        tuv: None,
        seg: None,
        item: None,
        stats: ReadStats::default(),
    };
    let mut buf = Vec::new();
    loop {
        let at = reader.buffer_position();
        reader.get_mut().next_event();
        let event = match reader.read_event_into(&mut buf) {
            Ok(event) => event,
            Err(e) => {
                return Err(match reader.get_ref().stop() {
                    Some(Stop::NotUtf8 { offset, byte }) => malformed(
                        path,
                        offset,
                        format!("not valid UTF-8 (byte 0x{byte:02X}); save the file as UTF-8"),
                    ),
                    Some(Stop::TooLarge { offset }) => malformed(
                        path,
                        offset,
                        format!(
                            "a text or tag of more than {} MiB; bitext keeps texts of up to {} MiB",
                            MAX_EVENT_BYTES >> 20,
                            MAX_TEXT_BYTES >> 20
                        ),
                    ),
                    None => malformed(path, reader.error_position(), xml_message(&e)),
                });
            }
        };
        let fail = |message: String| malformed(path, at, message);
        // XML 1.0 allows no control character but tab, line feed and carriage return, raw
        // or as a character reference (&#1;, &#12;): such a file is not well-formed.
        if let Some((k, c)) = illegal_in(&event) {
            return Err(malformed(path, at + k as u64, illegal_message(c)));
        }

        // Inside a <seg>, everything but its own end tag is segment content.
        if let Some(content) = &mut state.seg {
            let closes_seg = matches!(event, Event::End(_)) && content.at_top();
            if !closes_seg {
                match &event {
                    Event::Start(e) => content.start(e),
                    Event::Empty(e) => content.empty(e),
                    Event::End(_) => content.end(),
                    Event::Text(t) => content.text(t),
                    Event::CData(c) => content.cdata(c),
                    Event::GeneralRef(r) => content.reference(r).map_err(fail)?,
                    Event::Comment(c) => content.other(&format!("<!--{}-->", &**c)),
                    Event::PI(p) => content.other(&format!("<?{}?>", &**p)),
                    Event::Eof => {
                        return Err(fail("the file ends inside <seg> (is it truncated?)".into()));
                    }
                    Event::Decl(_) | Event::DocType(_) => {}
                }
                if content.len() > MAX_TEXT_BYTES {
                    return Err(fail(too_long("segment", content.len()).to_string()));
                }
                buf.clear();
                continue;
            }
        }

        match event {
            Event::Start(e) => {
                let node = state.enter(&e, at)?;
                state.stack.push(node);
            }
            Event::Empty(e) => {
                let node = state.enter(&e, at)?;
                state.leave(node, sink)?;
            }
            Event::End(_) => {
                let node = state.stack.pop().expect("quick-xml checks end tags");
                state.leave(node, sink)?;
                if node == Node::Tu && state.stats.units.is_multiple_of(1024) {
                    progress.set_position(reader.buffer_position());
                }
            }
            Event::Text(t) => {
                if let Some(item) = state.open_item() {
                    item.text.push_str(&t.xml10_content());
                    check_item(item).map_err(fail)?;
                }
            }
            Event::CData(c) => {
                if let Some(item) = state.open_item() {
                    item.text.push_str(&c.xml10_content());
                    check_item(item).map_err(fail)?;
                }
            }
            Event::GeneralRef(r) => {
                let c = resolve(&r).map_err(fail)?;
                if let Some(item) = state.open_item() {
                    item.text.push(c);
                    check_item(item).map_err(fail)?;
                }
            }
            Event::Eof => {
                if !state.seen_root {
                    return Err(fail("the file has no <tmx> element".into()));
                }
                if let Some(node) = state.stack.last() {
                    return Err(fail(format!(
                        "the file ends inside {} (is it truncated?)",
                        node.tag()
                    )));
                }
                break;
            }
            Event::Comment(_) | Event::PI(_) | Event::Decl(_) | Event::DocType(_) => {}
        }
        buf.clear();
    }
    progress.set_position(reader.buffer_position());
    Ok(state.stats)
}

/// The reader's position in the document and the unit it is building.
struct State<'a> {
    path: &'a Path,
    langs: (Lang, Lang),
    stack: Vec<Node>,
    seen_root: bool,
    tu: Option<Tu>,
    tuv: Option<Variant>,
    seg: Option<SegContent>,
    item: Option<TmxItem>,
    stats: ReadStats,
}

impl Node {
    /// The element as messages name it.
    fn tag(self) -> &'static str {
        match self {
            Node::Tmx => "<tmx>",
            Node::Header => "<header>",
            Node::Body => "<body>",
            Node::Tu => "<tu>",
            Node::Tuv => "<tuv>",
            Node::Seg => "<seg>",
            Node::Prop => "<prop>",
            Node::Note => "<note>",
            Node::Skip => "an element",
        }
    }
}

impl State<'_> {
    fn fail(&self, at: u64, message: impl Into<String>) -> Error {
        malformed(self.path, at, message)
    }

    /// The `<prop>` or `<note>` whose text is being read, if any.
    fn open_item(&mut self) -> Option<&mut TmxItem> {
        match self.stack.last() {
            Some(Node::Prop | Node::Note) => self.item.as_mut(),
            _ => None,
        }
    }

    /// Starts an element: says which it is and begins what it holds.
    fn enter(&mut self, e: &BytesStart, at: u64) -> Result<Node> {
        let name = e.name();
        let name = name.as_ref();
        let parent = self.stack.last().copied();
        let node = match (parent, name) {
            (None, _) if self.seen_root => {
                return Err(self.fail(at, "content after the end of the <tmx> element"));
            }
            (None, "tmx") => Node::Tmx,
            (None, other) => {
                return Err(self.fail(
                    at,
                    format!(
                        "the root element is <{}>, not <tmx>: this is not a TMX file",
                        excerpt(other)
                    ),
                ));
            }
            (Some(Node::Tmx), "header") => Node::Header,
            (Some(Node::Tmx), "body") => Node::Body,
            (Some(Node::Body), "tu") => {
                self.tu = Some(Tu {
                    attributes: self.attributes(e, at)?,
                    at,
                    ..Tu::default()
                });
                Node::Tu
            }
            (Some(Node::Tu), "tuv") => {
                let mut attributes = self.attributes(e, at)?;
                let lang = attributes
                    .iter()
                    .position(|(n, _)| n == "xml:lang")
                    .or_else(|| attributes.iter().position(|(n, _)| n == "lang"))
                    .map(|k| attributes.remove(k).1)
                    .ok_or_else(|| self.fail(at, "a <tuv> has no xml:lang attribute"))?;
                attributes.retain(|(n, _)| n != "xml:lang" && n != "lang");
                self.tuv = Some(Variant {
                    lang,
                    attributes,
                    at,
                    ..Variant::default()
                });
                Node::Tuv
            }
            (Some(Node::Tu | Node::Tuv), "prop" | "note") => {
                let attributes = self.attributes(e, at)?;
                let element = if name == "prop" {
                    if !attributes.iter().any(|(n, _)| n == "type") {
                        return Err(self.fail(at, "a <prop> has no type attribute"));
                    }
                    TmxElement::Prop
                } else {
                    TmxElement::Note
                };
                self.item = Some(TmxItem {
                    element,
                    attributes,
                    text: String::new(),
                });
                if element == TmxElement::Prop {
                    Node::Prop
                } else {
                    Node::Note
                }
            }
            (Some(Node::Tuv), "seg") => {
                if self.tuv.as_ref().is_some_and(|v| v.seg.is_some()) {
                    return Err(self.fail(at, "a <tuv> holds a second <seg>"));
                }
                self.seg = Some(SegContent::default());
                Node::Seg
            }
            _ => Node::Skip,
        };
        self.seen_root = true;
        Ok(node)
    }

    /// Ends an element: hands on what it held.
    fn leave(&mut self, node: Node, sink: &mut dyn FnMut(ImportUnit) -> Result<()>) -> Result<()> {
        match node {
            Node::Seg => {
                let content = self.seg.take().expect("inside a seg").finish();
                if let Some(tuv) = &mut self.tuv {
                    tuv.seg = Some(content);
                }
            }
            Node::Prop | Node::Note => {
                let item = self.item.take().expect("inside a prop or note");
                if let Some(tuv) = &mut self.tuv {
                    tuv.items.push(item);
                } else if let Some(tu) = &mut self.tu {
                    tu.items.push(item);
                }
            }
            Node::Tuv => {
                let tuv = self.tuv.take().expect("inside a tuv");
                if tuv.seg.is_none() {
                    return Err(self.fail(tuv.at, "a <tuv> has no <seg>"));
                }
                self.tu.as_mut().expect("inside a tu").variants.push(tuv);
            }
            Node::Tu => {
                let tu = self.tu.take().expect("inside a tu");
                let at = tu.at;
                match self.unit(tu)? {
                    Some(unit) => {
                        // a unit the memory cannot take as it is: named by its <tu>'s place
                        sink(unit).map_err(|e| match e {
                            Error::Invalid(m) => self.fail(at, m),
                            other => other,
                        })?;
                        self.stats.units += 1;
                    }
                    None => self.stats.skipped += 1,
                }
            }
            Node::Tmx | Node::Header | Node::Body | Node::Skip => {}
        }
        Ok(())
    }

    /// An element's attributes, values unescaped and normalized as XML says.
    fn attributes(&self, e: &BytesStart, at: u64) -> Result<Vec<(String, String)>> {
        e.attributes()
            .map(|a| {
                let a = a.map_err(|err| self.fail(at, format!("bad attribute: {err}")))?;
                if a.value.len() > MAX_ATTRIBUTE_BYTES {
                    return Err(self.fail(
                        at,
                        format!(
                            "an attribute value of {} KiB; bitext reads values of up to {} KiB",
                            a.value.len() >> 10,
                            MAX_ATTRIBUTE_BYTES >> 10
                        ),
                    ));
                }
                let value = a
                    .normalized_value(XmlVersion::Implicit1_0)
                    .map_err(|err| self.fail(at, format!("bad attribute value: {err}")))?;
                Ok((a.key.as_ref().to_string(), value.into_owned()))
            })
            .collect()
    }

    /// The unit a `<tu>` gives, or `None` when it lacks one of the two languages.
    fn unit(&self, mut tu: Tu) -> Result<Option<ImportUnit>> {
        let (source_lang, target_lang) = self.langs;
        let find = |lang: Lang| {
            tu.variants
                .iter()
                .position(|v| Lang::parse(&v.lang).ok() == Some(lang))
        };
        let (Some(s), Some(t)) = (find(source_lang), find(target_lang)) else {
            return Ok(None);
        };
        let target = std::mem::take(&mut tu.variants[t]);
        let source = std::mem::take(&mut tu.variants[s]);
        let mut unit = ImportUnit::default();
        let mut extras = TmxExtras::default();
        let date = |value: &str, name: &str| {
            iso_date(value).ok_or_else(|| {
                self.fail(
                    tu.at,
                    format!(
                        "{name}=\"{}\" is not a TMX date (YYYYMMDDThhmmssZ)",
                        excerpt(value)
                    ),
                )
            })
        };
        for (name, value) in std::mem::take(&mut tu.attributes) {
            match name.as_str() {
                "tuid" => match value.parse::<i64>() {
                    Ok(id) if id >= 1 => unit.id = Some(id),
                    _ => extras.attributes.push((name, value)),
                },
                "creationdate" => unit.created = Some(date(&value, &name)?),
                "changedate" => unit.changed = Some(date(&value, &name)?),
                // the source variant's language, which an export writes again when needed
                "srclang" if value == source.lang => {}
                "creationid" => unit.created_by = Some(value),
                "changeid" => unit.changed_by = Some(value),
                _ => extras.attributes.push((name, value)),
            }
        }
        if unit.created.is_none() {
            unit.created = unit.changed.clone();
        }
        if unit.created_by.is_none() {
            unit.created_by = unit.changed_by.clone();
        }
        for item in std::mem::take(&mut tu.items) {
            if !take_own(&mut unit, &item) {
                extras.items.push(item);
            }
        }
        let side = |variant: Variant, lang: Lang| {
            let (text, markup) = variant.seg.unwrap_or_default();
            let kept = TmxVariantExtras {
                lang: (variant.lang != lang.code()).then_some(variant.lang),
                attributes: variant.attributes,
                items: variant.items,
            };
            (text, markup, kept)
        };
        (unit.source, unit.source_markup, extras.source) = side(source, source_lang);
        (unit.target, unit.target_markup, extras.target) = side(target, target_lang);
        if !extras.is_empty() {
            unit.tmx_extras = Some(serde_json::to_string(&extras).expect("extras serialize"));
        }
        Ok(Some(unit))
    }
}

/// Fills a unit field from one of bitext's own props, or its note from the first `<note>`;
/// false when the item is not one of those (or its value does not parse) and is to be kept.
fn take_own(unit: &mut ImportUnit, item: &TmxItem) -> bool {
    let text = item.text.as_str();
    match item.element {
        TmxElement::Note => {
            if unit.note.is_some() || !item.attributes.is_empty() {
                return false;
            }
            unit.note = Some(text.to_string());
            true
        }
        TmxElement::Prop => {
            let [(name, kind)] = item.attributes.as_slice() else {
                return false;
            };
            if name != "type" {
                return false;
            }
            match kind.as_str() {
                "x-document" if unit.document.is_none() && !text.trim().is_empty() => {
                    unit.document = Some(text.to_string());
                }
                "x-position" if unit.position.is_none() => match text.parse::<i64>() {
                    Ok(p)
                        if (0..=crate::store::MAX_NUMBER).contains(&p)
                            && text.bytes().all(|b| b.is_ascii_digit()) =>
                    {
                        unit.position = Some(p)
                    }
                    _ => return false,
                },
                "x-source-sentences" if unit.source_range.is_none() => {
                    let Some(r) = parse_range_label(text) else {
                        return false;
                    };
                    unit.source_range = Some(r);
                }
                "x-target-sentences" if unit.target_range.is_none() => {
                    let Some(r) = parse_range_label(text) else {
                        return false;
                    };
                    unit.target_range = Some(r);
                }
                "x-score" if unit.score.is_none() => match text.parse::<f64>() {
                    Ok(s) if (0.0..=1.0).contains(&s) => unit.score = Some(s),
                    _ => return false,
                },
                "x-status" if unit.status.is_none() => match text.parse::<Status>() {
                    Ok(s) => unit.status = Some(s),
                    Err(_) => return false,
                },
                _ => return false,
            }
            true
        }
    }
}

/// Checks a `<prop>` or `<note>` text against the limit of a text.
fn check_item(item: &TmxItem) -> std::result::Result<(), String> {
    if item.text.len() > MAX_TEXT_BYTES {
        let what = match item.element {
            TmxElement::Prop => "prop",
            TmxElement::Note => "note",
        };
        return Err(too_long(what, item.text.len()).to_string());
    }
    Ok(())
}

/// quick-xml's error in words for a translator.
fn xml_message(e: &quick_xml::Error) -> String {
    use quick_xml::Error as X;
    match e {
        X::Io(io) if io.kind() == std::io::ErrorKind::InvalidData => {
            format!(
                "the bytes are not valid in the file's encoding ({})",
                excerpt(&io.to_string())
            )
        }
        // every syntax error but a bad `<!` is markup left open at the end of the file
        X::Syntax(s) if *s != quick_xml::errors::SyntaxError::InvalidBangMarkup => {
            format!("malformed XML: {s} (is the file truncated?)")
        }
        X::Syntax(s) => format!("malformed XML: {s}"),
        X::IllFormed(IllFormedError::MismatchedEndTag { expected, found }) => format!(
            "malformed XML: expected `</{}>`, but `</{}>` was found",
            excerpt(expected),
            excerpt(found)
        ),
        X::IllFormed(IllFormedError::UnmatchedEndTag(tag)) => format!(
            "malformed XML: close tag `</{}>` does not match any open tag",
            excerpt(tag)
        ),
        X::IllFormed(s) => format!("malformed XML: {}", shorten_quotes(&s.to_string())),
        other => format!("malformed XML: {}", shorten_quotes(&other.to_string())),
    }
}

/// The first character XML does not allow in an event, as its byte offset from the event's
/// start and the character's code: raw in any event, or as a character reference in a tag's
/// attributes or in a reference.
fn illegal_in(event: &Event) -> Option<(usize, u32)> {
    let (prefix, found) = match event {
        Event::Start(e) | Event::Empty(e) => (1, illegal_xml(e)),
        Event::End(e) => (2, illegal_char(e)),
        Event::Text(t) => (0, illegal_char(t)),
        Event::CData(c) => (9, illegal_char(c)),
        Event::Comment(c) => (4, illegal_char(c)),
        Event::PI(p) => (2, illegal_char(p)),
        Event::Decl(d) => (2, illegal_char(d)),
        Event::DocType(d) => (9, illegal_char(d)),
        Event::GeneralRef(r) if r.starts_with('#') => (0, illegal_xml(&format!("&{};", &**r))),
        Event::GeneralRef(_) => (0, None),
        Event::Eof => (0, None),
    };
    found.map(|(k, c)| (prefix + k, c))
}
