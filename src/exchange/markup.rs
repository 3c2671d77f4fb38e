//! Inline markup in TMX segments: the plain text bitext works on, and the markup kept verbatim.
//!
//! A `<seg>` may hold native codes (`<bpt>`, `<ept>`, `<ph>`, `<it>`, `<ut>`, with `<sub>`
//! inside them) and highlighted text (`<hi>`). The plain text is the segment's text without the
//! codes: the text of `<hi>` counts, the content of a code (and of a `<sub>` within it) does
//! not. When a segment holds any element, its inner XML is kept as it was written so that an
//! export gives it back byte for byte.

use quick_xml::events::{BytesCData, BytesRef, BytesStart, BytesText, Event};
use quick_xml::reader::Reader;

/// The content of one `<seg>`, collected from its XML events.
#[derive(Debug, Default)]
pub(crate) struct SegContent {
    plain: String,
    raw: String,
    /// Inline elements open now, innermost last, with whether each is a native code.
    open: Vec<(String, bool)>,
    /// Whether the segment holds an element, comment or processing instruction.
    marked: bool,
}

/// Elements whose content is native code, not text.
fn is_code(name: &str) -> bool {
    matches!(name, "bpt" | "ept" | "ph" | "it" | "ut")
}

impl SegContent {
    fn in_code(&self) -> bool {
        self.open.iter().any(|(_, code)| *code)
    }

    /// Bytes held so far (the larger of the markup and the plain text).
    pub fn len(&self) -> usize {
        self.raw.len().max(self.plain.len())
    }

    /// True when no inline element is open: the next end tag closes the `<seg>`.
    pub fn at_top(&self) -> bool {
        self.open.is_empty()
    }

    pub fn start(&mut self, e: &BytesStart) {
        let name = e.name().as_ref().to_string();
        self.raw.push('<');
        self.raw.push_str(e);
        self.raw.push('>');
        let code = is_code(&name);
        self.open.push((name, code));
        self.marked = true;
    }

    pub fn empty(&mut self, e: &BytesStart) {
        self.raw.push('<');
        self.raw.push_str(e);
        self.raw.push_str("/>");
        self.marked = true;
    }

    /// Closes the innermost inline element.
    pub fn end(&mut self) {
        if let Some((name, _)) = self.open.pop() {
            self.raw.push_str("</");
            self.raw.push_str(&name);
            self.raw.push('>');
        }
    }

    pub fn text(&mut self, t: &BytesText) {
        self.raw.push_str(t);
        if !self.in_code() {
            self.plain.push_str(&t.xml10_content());
        }
    }

    pub fn cdata(&mut self, c: &BytesCData) {
        self.raw.push_str("<![CDATA[");
        self.raw.push_str(c);
        self.raw.push_str("]]>");
        if !self.in_code() {
            self.plain.push_str(&c.xml10_content());
        }
    }

    /// An entity or character reference: the five XML entities and `&#…;`.
    pub fn reference(&mut self, r: &BytesRef) -> Result<(), String> {
        let c = resolve(r)?;
        self.raw.push('&');
        self.raw.push_str(r);
        self.raw.push(';');
        if !self.in_code() {
            self.plain.push(c);
        }
        Ok(())
    }

    /// A comment or processing instruction: kept in the markup, not in the text.
    pub fn other(&mut self, raw: &str) {
        self.raw.push_str(raw);
        self.marked = true;
    }

    /// The plain text, and the inner XML when the segment holds markup.
    pub fn finish(self) -> (String, Option<String>) {
        (self.plain, self.marked.then_some(self.raw))
    }
}

/// The character an entity or character reference stands for.
pub(crate) fn resolve(r: &BytesRef) -> Result<char, String> {
    match r.resolve_char_ref() {
        Ok(Some(c)) => return Ok(c),
        Ok(None) => {}
        Err(e) => {
            return Err(format!(
                "bad character reference &{};: {e}",
                crate::error::excerpt(r)
            ));
        }
    }
    match &**r {
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "amp" => Ok('&'),
        "apos" => Ok('\''),
        "quot" => Ok('"'),
        other => Err(format!(
            "unknown entity &{}; (TMX allows only &lt; &gt; &amp; &apos; &quot; and &#…;)",
            crate::error::excerpt(other)
        )),
    }
}

/// The plain text of a segment's inner XML, or `None` when it is not well-formed.
pub fn plain_text(markup: &str) -> Option<String> {
    let mut reader = Reader::from_str(markup);
    let mut seg = SegContent::default();
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) => seg.start(&e),
            Event::Empty(e) => seg.empty(&e),
            Event::End(_) if seg.at_top() => return None,
            Event::End(_) => seg.end(),
            Event::Text(t) => seg.text(&t),
            Event::CData(c) => seg.cdata(&c),
            Event::GeneralRef(r) => seg.reference(&r).ok()?,
            Event::Comment(_) | Event::PI(_) => seg.other(""),
            Event::Decl(_) | Event::DocType(_) => return None,
            Event::Eof if seg.at_top() => return Some(seg.finish().0),
            Event::Eof => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_left_out_of_the_plain_text_and_highlights_kept() {
        let cases = [
            (
                r#"Click <bpt i="1" x="1">&lt;b&gt;</bpt>Save<ept i="1">&lt;/b&gt;</ept> now"#,
                "Click Save now",
            ),
            (r#"<ph x="1">{0}</ph> records"#, " records"),
            (
                r#"a <hi type="em">very</hi> good <it pos="begin">&lt;i&gt;</it>b"#,
                "a very good b",
            ),
            (r#"<ph>&lt;img alt="<sub>Picture</sub>"&gt;</ph>x"#, "x"),
            (
                "plain &amp; &#x202B;simple&#10;",
                "plain & \u{202B}simple\n",
            ),
            ("<![CDATA[a < b]]> &lt;", "a < b <"),
            ("line\r\nend", "line\nend"),
        ];
        for (markup, text) in cases {
            assert_eq!(plain_text(markup).as_deref(), Some(text), "{markup}");
        }
    }

    #[test]
    fn broken_markup_has_no_text() {
        for markup in ["<bpt i=\"1\">x", "x</ph>", "&nbsp;", "<a><b></a></b>"] {
            assert_eq!(plain_text(markup), None, "{markup}");
        }
    }
}
