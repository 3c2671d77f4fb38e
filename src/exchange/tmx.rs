//! TMX 1.4b export: a header, then one `<tu>` per unit, written with quick-xml events.
//!
//! ```xml
//! <tu tuid="12" creationdate="20261125T081700Z" creationid="sara" changedate="…" changeid="…">
//!   <prop type="x-document">kazakhstan-2022</prop>
//!   <prop type="x-position">11</prop>
//!   <prop type="x-source-sentences">11</prop>      <!-- 11-12 for two, - for none -->
//!   <prop type="x-target-sentences">11-12</prop>
//!   <prop type="x-score">0.9731</prop>
//!   <prop type="x-status">approved</prop>
//!   <note>the unit's note</note>
//!   <tuv xml:lang="ar"><seg>…</seg></tuv>
//!   <tuv xml:lang="en"><seg>…</seg></tuv>
//! </tu>
//! ```
//!
//! Props without a value (no score, no sentence ranges) are left out. What a unit brought from
//! another tool's TMX ([`TmxExtras`], inline markup) is written back in its place. The header's
//! `creationdate` is the latest change among the exported units, so that the same units always
//! give the same file; an export of no units has none.

use std::io::Write;

use indicatif::ProgressBar;
use quick_xml::Writer;
use quick_xml::escape::partial_escape;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use super::{
    TmxExtras, TmxItem, TmxVariantExtras, illegal_xml, is_xml_illegal, plain_text, range_label,
};
use crate::Lang;
use crate::error::{Error, Result};
use crate::store::{ExportUnit, Memory, UnitFilter};

/// Writes the units `filter` selects as a TMX document; returns how many.
pub(crate) fn write(
    memory: &Memory,
    filter: &UnitFilter,
    out: &mut dyn Write,
    progress: &ProgressBar,
) -> Result<u64> {
    let summary = memory.export_summary(filter)?;
    progress.set_length(summary.units);
    let mut w = Writer::new(out);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .map_err(Error::Output)?;
    space(&mut w, "\n")?;
    w.write_event(Event::Start(
        BytesStart::new("tmx").with_attributes([("version", "1.4")]),
    ))
    .map_err(Error::Output)?;
    let srclang = match summary.source_langs.as_slice() {
        [one] => one.as_str(),
        [] => Lang::Ar.code(),
        _ => "*all*",
    };
    let mut header = BytesStart::new("header").with_attributes([
        ("creationtool", "bitext"),
        ("creationtoolversion", env!("CARGO_PKG_VERSION")),
        ("segtype", "sentence"),
        ("o-tmf", "bitext"),
        ("adminlang", "en"),
        ("srclang", srclang),
        ("datatype", "plaintext"),
    ]);
    if let Some(latest) = &summary.latest_change {
        let date = super::tmx_date(latest)
            .ok_or_else(|| Error::invalid(format!("a unit has an unreadable time: {latest}")))?;
        header.push_attribute(("creationdate", date.as_str()));
    }
    space(&mut w, "\n  ")?;
    w.write_event(Event::Empty(header)).map_err(Error::Output)?;
    space(&mut w, "\n  ")?;
    start(&mut w, BytesStart::new("body"))?;
    let mut written = 0u64;
    memory.for_each_export_unit(filter, |unit| {
        write_tu(&mut w, &unit, srclang)?;
        written += 1;
        if written.is_multiple_of(512) {
            progress.set_position(written);
        }
        Ok(())
    })?;
    progress.set_position(written);
    space(&mut w, "\n  ")?;
    end(&mut w, "body")?;
    space(&mut w, "\n")?;
    end(&mut w, "tmx")?;
    space(&mut w, "\n")?;
    w.into_inner().flush().map_err(Error::Output)?;
    Ok(written)
}

/// Writes one `<tu>`; `srclang` is the header's.
fn write_tu<W: Write>(w: &mut Writer<W>, e: &ExportUnit, srclang: &str) -> Result<()> {
    let u = &e.unit;
    let extras: TmxExtras = match &e.tmx_extras {
        Some(json) => serde_json::from_str(json).map_err(|err| {
            Error::invalid(format!(
                "unit #{}: its stored TMX extras are damaged: {err}",
                u.id
            ))
        })?,
        None => TmxExtras::default(),
    };
    let check = |text: &str| -> Result<()> {
        match text.chars().find(|&c| is_xml_illegal(c)) {
            None => Ok(()),
            Some(c) => Err(Error::invalid(format!(
                "unit #{} contains the control character U+{:04X}, which XML cannot carry; \
                 edit the unit or export as JSON",
                u.id, c as u32
            ))),
        }
    };
    let date = |t: &str| {
        super::tmx_date(t)
            .ok_or_else(|| Error::invalid(format!("unit #{} has an unreadable time: {t}", u.id)))
    };
    let (created, changed) = (date(&u.created)?, date(&u.changed)?);
    let id = u.id.to_string();
    let tuid = extras
        .attributes
        .iter()
        .find(|(name, _)| name == "tuid")
        .map_or(id.as_str(), |(_, v)| v.as_str());
    let mut tu = BytesStart::new("tu").with_attributes([
        ("tuid", tuid),
        ("creationdate", &created),
        ("creationid", &u.created_by),
        ("changedate", &changed),
        ("changeid", &u.changed_by),
    ]);
    for (name, value) in extras.attributes.iter().filter(|(n, _)| n != "tuid") {
        check(value)?;
        tu.push_attribute((name.as_str(), value.as_str()));
    }
    // A source variant the header's srclang does not name exactly (ar-SA under ar, or any
    // under *all*) is named on its unit, as readers look for the exact code.
    let source_lang = extras.source.lang.as_deref().unwrap_or(&e.source_lang);
    if source_lang != srclang && !extras.attributes.iter().any(|(n, _)| n == "srclang") {
        check(source_lang)?;
        tu.push_attribute(("srclang", source_lang));
    }
    check(&u.created_by)?;
    check(&u.changed_by)?;
    space(w, "\n    ")?;
    start(w, tu)?;

    let mut props: Vec<(&str, String)> = vec![
        ("x-document", u.document.clone()),
        ("x-position", u.position.to_string()),
    ];
    if let Some(r) = &u.source_range {
        props.push(("x-source-sentences", range_label(r)));
    }
    if let Some(r) = &u.target_range {
        props.push(("x-target-sentences", range_label(r)));
    }
    if let Some(s) = u.score {
        props.push(("x-score", s.to_string()));
    }
    props.push(("x-status", u.status.as_str().to_string()));
    for (kind, value) in &props {
        check(value)?;
        space(w, "\n      ")?;
        start(
            w,
            BytesStart::new("prop").with_attributes([("type", *kind)]),
        )?;
        text(w, value)?;
        end(w, "prop")?;
    }
    if let Some(note) = &u.note {
        check(note)?;
        space(w, "\n      ")?;
        start(w, BytesStart::new("note"))?;
        text(w, note)?;
        end(w, "note")?;
    }
    for item in &extras.items {
        space(w, "\n      ")?;
        write_item(w, item, &check)?;
    }
    let sides = [
        (&e.source_lang, &extras.source, &u.source, &e.source_markup),
        (&e.target_lang, &extras.target, &u.target, &e.target_markup),
    ];
    for (lang, kept, seg, markup) in sides {
        check(seg)?;
        space(w, "\n      ")?;
        write_tuv(w, lang, kept, seg, markup.as_deref(), &check)?;
    }
    space(w, "\n    ")?;
    end(w, "tu")
}

fn write_tuv<W: Write>(
    w: &mut Writer<W>,
    lang: &str,
    kept: &TmxVariantExtras,
    seg: &str,
    markup: Option<&str>,
    check: &dyn Fn(&str) -> Result<()>,
) -> Result<()> {
    let lang = kept.lang.as_deref().unwrap_or(lang);
    let mut tuv = BytesStart::new("tuv").with_attributes([("xml:lang", lang)]);
    for (name, value) in &kept.attributes {
        check(value)?;
        tuv.push_attribute((name.as_str(), value.as_str()));
    }
    start(w, tuv)?;
    for item in &kept.items {
        write_item(w, item, check)?;
    }
    start(w, BytesStart::new("seg"))?;
    // The markup only while its text is still the unit's (an edit since the import drops it),
    // checked as the text is: no control character XML cannot carry, raw or as a reference.
    match markup.filter(|m| plain_text(m).as_deref() == Some(seg)) {
        Some(m) => {
            if let Some((_, c)) = illegal_xml(m) {
                let c = char::from_u32(c).unwrap_or('\0');
                check(&c.to_string())?;
                return Err(Error::invalid(format!(
                    "a unit's kept TMX markup holds &#{};, which XML cannot carry; edit the unit or export as JSON",
                    c as u32
                )));
            }
            w.write_event(Event::Text(BytesText::from_escaped(m)))
                .map_err(Error::Output)?
        }
        None => text(w, seg)?,
    }
    end(w, "seg")?;
    end(w, "tuv")
}

fn write_item<W: Write>(
    w: &mut Writer<W>,
    item: &TmxItem,
    check: &dyn Fn(&str) -> Result<()>,
) -> Result<()> {
    let name = match item.element {
        super::TmxElement::Prop => "prop",
        super::TmxElement::Note => "note",
    };
    let mut element = BytesStart::new(name);
    for (key, value) in &item.attributes {
        check(value)?;
        element.push_attribute((key.as_str(), value.as_str()));
    }
    check(&item.text)?;
    start(w, element)?;
    text(w, &item.text)?;
    end(w, name)
}

/// Character data, escaped by quick-xml (`&`, `<`, `>`, and `\r` as `&#13;`).
fn text<W: Write>(w: &mut Writer<W>, s: &str) -> Result<()> {
    if s.is_empty() {
        return Ok(());
    }
    w.write_event(Event::Text(BytesText::from_escaped(partial_escape(s))))
        .map_err(Error::Output)
}

/// Whitespace between elements (the file's indentation).
fn space<W: Write>(w: &mut Writer<W>, s: &str) -> Result<()> {
    w.write_event(Event::Text(BytesText::from_escaped(s)))
        .map_err(Error::Output)
}

fn start<W: Write>(w: &mut Writer<W>, e: BytesStart) -> Result<()> {
    w.write_event(Event::Start(e)).map_err(Error::Output)
}

fn end<W: Write>(w: &mut Writer<W>, name: &str) -> Result<()> {
    w.write_event(Event::End(BytesEnd::new(name)))
        .map_err(Error::Output)
}
