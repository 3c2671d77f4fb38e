//! Writing to the terminal: plain lines, JSON, and pairs side by side.
//!
//! Arabic is printed in logical order, as stored; a bidi-capable terminal shows it right to
//! left. Long texts are wrapped to the terminal width by display width (harakat take none).
//!
//! Whatever comes from a file or the memory (texts, document names, notes, users, paths, error
//! messages) goes through [`escape`] or [`escape_text`] before it reaches the terminal: control
//! characters (C0, DEL, C1) are shown as escapes such as `\n` or `\u{1b}`, so that a name
//! with a newline cannot split a line and an escape sequence cannot drive the terminal. Bidi
//! controls and every other character are printed as they are: they belong to Arabic text —
//! except the overrides, which reverse what follows them: the side-by-side view ([`Out::pair`])
//! escapes them, and one-line lists escape every embedding, override and isolate.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, IsTerminal, Write};

use anstyle::{AnsiColor, Style};
use serde::Serialize;
#[cfg(test)]
use unicode_width::UnicodeWidthStr;

use crate::error::{Error, Result};

/// Width used when standard output is not a terminal and `COLUMNS` is not set.
const DEFAULT_WIDTH: usize = 100;

/// Standard output with the settings commands need.
pub struct Out {
    inner: io::BufWriter<io::Stdout>,
    /// Colour escapes are wanted.
    pub color: bool,
    /// Display columns available.
    pub width: usize,
}

/// When to colour output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// When standard output is a terminal and NO_COLOR is not set
    Auto,
    Always,
    Never,
}

impl Out {
    pub fn stdout(choice: ColorChoice) -> Out {
        let tty = io::stdout().is_terminal();
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => tty && std::env::var_os("NO_COLOR").is_none(),
        };
        let width = terminal_size::terminal_size()
            .map(|(w, _)| w.0 as usize)
            .filter(|_| tty)
            .or_else(|| std::env::var("COLUMNS").ok()?.parse().ok())
            .unwrap_or(DEFAULT_WIDTH)
            .clamp(40, 400);
        Out {
            inner: io::BufWriter::new(io::stdout()),
            color,
            width,
        }
    }

    /// Writes formatted text.
    pub fn print(&mut self, args: fmt::Arguments) -> Result<()> {
        self.inner.write_fmt(args).map_err(Error::Output)
    }

    /// Writes a line.
    pub fn line(&mut self, text: &str) -> Result<()> {
        self.print(format_args!("{text}\n"))
    }

    /// Writes a value as pretty JSON and a newline.
    pub fn json<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        serde_json::to_writer_pretty(&mut self.inner, value)
            .map_err(|e| Error::Output(io::Error::from(e)))?;
        self.line("")
    }

    /// Writes a value as one line of JSON.
    pub fn json_line<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        serde_json::to_writer(&mut self.inner, value)
            .map_err(|e| Error::Output(io::Error::from(e)))?;
        self.line("")
    }

    /// `text` in `style` when colour is on.
    pub fn paint(&self, style: Style, text: &str) -> String {
        if self.color {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }

    /// The words that changed from `old` to `new`, in one line (control characters escaped):
    /// on a terminal, removed words red and struck through and added words green and
    /// underlined; otherwise marked as `git diff --word-diff` does, `[-removed-]{+added+}`.
    pub fn word_diff(&self, old: &str, new: &str) -> String {
        use similar::{ChangeTag, TextDiff};
        let removed = Style::new()
            .fg_color(Some(AnsiColor::Red.into()))
            .effects(anstyle::Effects::STRIKETHROUGH);
        let added = Style::new()
            .fg_color(Some(AnsiColor::Green.into()))
            .effects(anstyle::Effects::UNDERLINE);
        let (old, new) = (escape_text(old), escape_text(new));
        let diff = TextDiff::from_unicode_words(old.as_ref(), new.as_ref());
        // runs of one kind; a space between two runs of the same change joins them: [-a b-]
        let mut runs: Vec<(ChangeTag, String)> = Vec::new();
        for change in diff.iter_all_changes() {
            let (tag, word) = (change.tag(), change.value());
            match runs.last_mut() {
                Some((t, text)) if *t == tag => text.push_str(word),
                _ => runs.push((tag, word.to_string())),
            }
        }
        let mut joined: Vec<(ChangeTag, String)> = Vec::with_capacity(runs.len());
        let mut k = 0;
        while k < runs.len() {
            let (tag, text) = &runs[k];
            if *tag == ChangeTag::Equal
                && text.trim().is_empty()
                && k + 1 < runs.len()
                && let Some((before, prev)) = joined.last_mut()
                && *before != ChangeTag::Equal
                && runs[k + 1].0 == *before
            {
                prev.push_str(text);
                prev.push_str(&runs[k + 1].1);
                k += 2;
                continue;
            }
            joined.push((*tag, text.clone()));
            k += 1;
        }
        joined
            .into_iter()
            .map(|(tag, text)| match (tag, self.color) {
                (ChangeTag::Equal, _) => text,
                (ChangeTag::Delete, true) => self.paint(removed, &text),
                (ChangeTag::Insert, true) => self.paint(added, &text),
                (ChangeTag::Delete, false) => format!("[-{text}-]"),
                (ChangeTag::Insert, false) => format!("{{+{text}+}}"),
            })
            .collect()
    }

    /// A score in traffic-light colours: green when sure, yellow when unsure, red when doubtful.
    pub fn score(&self, score: Option<f64>) -> String {
        let Some(s) = score else {
            return "-".to_string();
        };
        let colour = if s >= 0.9 {
            AnsiColor::Green
        } else if s >= 0.5 {
            AnsiColor::Yellow
        } else {
            AnsiColor::Red
        };
        self.paint(
            Style::new().fg_color(Some(colour.into())),
            &format!("{s:.2}"),
        )
    }

    /// Two texts side by side, each wrapped to half the width, after a header line. The texts
    /// and the header come escaped ([`escape_text`], [`escape`]) and may hold colour.
    /// The bidi overrides of the texts are escaped too: one would reverse what follows it, the
    /// other column included.
    pub fn pair(&mut self, header: &str, source: &str, target: &str) -> Result<()> {
        let header = self.paint(Style::new().bold(), header);
        self.line(&header)?;
        let column = (self.width.saturating_sub(5) / 2).max(10);
        let left = wrap(&escape_overrides(source), column);
        let right = wrap(&escape_overrides(target), column);
        let bar = self.paint(Style::new().dimmed(), "│");
        for k in 0..left.len().max(right.len()) {
            let l = left.get(k).map_or("", String::as_str);
            let r = right.get(k).map_or("", String::as_str);
            // colour escapes (a highlighted word) take no columns
            let pad = column.saturating_sub(textwrap::core::display_width(l));
            self.print(format_args!("  {l}{:pad$} {bar} {r}\n", ""))?;
        }
        Ok(())
    }

    pub fn flush(&mut self) -> Result<()> {
        self.inner.flush().map_err(Error::Output)
    }

    /// The byte stream itself, for commands that write a file format (`export`).
    pub fn raw(&mut self) -> &mut dyn Write {
        &mut self.inner
    }
}

/// A name, note, user, path or message as one safe line: every control character (C0, DEL,
/// C1) escaped — `\n`, `\r`, `\t` by name, others as `\u{1b}`. The one escaping function of
/// the terminal output (see [`escape_text`] for texts).
pub fn escape(s: &str) -> Cow<'_, str> {
    escape_with(s, false)
}

/// A text (a sentence, a pair's side) for the terminal: line ends, tabs and other whitespace
/// controls become spaces (the side-by-side view wraps texts anyway); other control characters
/// are escaped as by [`escape`].
pub fn escape_text(s: &str) -> Cow<'_, str> {
    escape_with(s, true)
}

fn escape_with(s: &str, whitespace_as_space: bool) -> Cow<'_, str> {
    let is_control = |c: char| c.is_control();
    if !s.chars().any(is_control) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if !c.is_control() {
            out.push(c);
        } else if whitespace_as_space && c.is_whitespace() {
            out.push(' ');
        } else {
            match c {
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            }
        }
    }
    Cow::Owned(out)
}

/// True for the bidi overrides (U+202D, U+202E): they reverse the order in which the
/// characters after them are shown, so that a text reads otherwise than it is stored. The
/// embeddings, isolates and marks only set a direction, and belong to Arabic text.
pub fn overrides(c: char) -> bool {
    matches!(c, '\u{202D}' | '\u{202E}')
}

/// `text` with its bidi overrides ([`overrides`]) written as escapes.
fn escape_overrides(text: &str) -> Cow<'_, str> {
    if !text.chars().any(overrides) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if overrides(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Longest error message printed, in characters; a longer one keeps its start and its end.
const MESSAGE_CHARS: usize = 400;

/// An error message as one line of at most [`MESSAGE_CHARS`] characters, escaped.
pub fn one_line(message: &str) -> String {
    let escaped = escape(message);
    let count = escaped.chars().count();
    if count <= MESSAGE_CHARS {
        return escaped.into_owned();
    }
    let head: String = escaped.chars().take(MESSAGE_CHARS - 100).collect();
    let tail: String = escaped.chars().skip(count - 99).collect();
    format!("{head} … {tail}")
}

/// Wraps text to `width` display columns, one line per element (at least one, maybe empty).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let lines: Vec<String> = textwrap::wrap(&flat, width)
        .into_iter()
        .map(|c| c.into_owned())
        .collect();
    if lines.is_empty() {
        vec![String::new()]
    } else {
        lines
    }
}

/// A sentence range for people: `3`, `3-4`, or `-` when empty.
pub fn range_label(range: &std::ops::Range<usize>) -> String {
    match range.len() {
        0 => "-".to_string(),
        1 => range.start.to_string(),
        _ => format!("{}-{}", range.start, range.end - 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_every_word_within_the_width() {
        let text = "وقالت وزارة الداخلية إن قوات الأمن عززت وجودها في كل أنحاء البلاد";
        let lines = wrap(text, 20);
        assert!(lines.len() > 2);
        assert!(lines.iter().all(|l| l.width() <= 20));
        assert_eq!(lines.join(" "), text);
        assert_eq!(wrap("", 10), [""]);
    }

    #[test]
    fn control_characters_are_escaped_and_arabic_and_bidi_marks_kept() {
        let name = "doc\nname\u{1b}[31m\u{7f}\u{9b}\t";
        assert_eq!(escape(name), "doc\\nname\\u{1b}[31m\\u{7f}\\u{9b}\\t");
        let arabic = "\u{202B}قال\u{200F} «الرئيس»\u{202C} \u{2066}x\u{2069}";
        assert!(matches!(escape(arabic), Cow::Borrowed(_)));
        assert_eq!(escape_text("a\r\nb\tc\u{1}"), "a  b c\\u{1}");
        assert!(!one_line(name).contains(['\n', '\u{1b}']));
        // beside another column, an override is escaped; embeddings, isolates, marks kept
        assert_eq!(
            escape_overrides("\u{202E}abc\u{200F} \u{2067}x\u{2069}"),
            "\\u{202e}abc\u{200F} \u{2067}x\u{2069}"
        );
    }

    #[test]
    fn long_messages_keep_their_start_and_end() {
        let message = format!("start {} end", "x\n".repeat(100_000));
        let line = one_line(&message);
        assert!(line.chars().count() <= MESSAGE_CHARS + 3, "{}", line.len());
        assert!(line.starts_with("start ") && line.ends_with(" end"));
        assert!(!line.contains('\n'));
    }

    #[test]
    fn ranges_read_naturally() {
        assert_eq!(range_label(&(3..4)), "3");
        assert_eq!(range_label(&(3..5)), "3-4");
        assert_eq!(range_label(&(3..3)), "-");
    }
}
