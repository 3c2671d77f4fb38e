//! Writing to the terminal: plain lines, JSON, and pairs side by side.
//!
//! Arabic is printed in logical order, as stored; a bidi-capable terminal shows it right to
//! left. Long texts are wrapped to the terminal width by display width (harakat take none).

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
            .map_err(|e| Error::Output(io::Error::other(e)))?;
        self.line("")
    }

    /// Writes a value as one line of JSON.
    pub fn json_line<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        serde_json::to_writer(&mut self.inner, value)
            .map_err(|e| Error::Output(io::Error::other(e)))?;
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

    /// Two texts side by side, each wrapped to half the width, after a header line.
    pub fn pair(&mut self, header: &str, source: &str, target: &str) -> Result<()> {
        let header = self.paint(Style::new().bold(), header);
        self.line(&header)?;
        let column = (self.width.saturating_sub(5) / 2).max(10);
        let left = wrap(source, column);
        let right = wrap(target, column);
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
    fn ranges_read_naturally() {
        assert_eq!(range_label(&(3..4)), "3");
        assert_eq!(range_label(&(3..5)), "3-4");
        assert_eq!(range_label(&(3..3)), "-");
    }
}
