//! Reading the texts a translator hands to bitext.
//!
//! Inputs are UTF-8 files (or `-` for standard input). A UTF-8 byte-order mark is accepted and
//! dropped; CRLF line ends are kept as they are (they are whitespace between sentences). Invalid
//! UTF-8 is refused with the line and column of the first bad byte.
//!
//! Limits (see the README, "Limits"): a text is at most [`MAX_TEXT_BYTES`], and a sentence that
//! is to be aligned at most [`MAX_SENTENCE_BYTES`]; beyond them bitext refuses the input with one
//! line rather than use memory without bound.

use std::io::Read;
use std::path::Path;

use crate::error::{Error, Result};

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The largest text bitext reads to segment or align: 32 MiB (about 200,000 sentences of news).
pub const MAX_TEXT_BYTES: u64 = 32 << 20;

/// The longest sentence bitext aligns: 8 KiB (a news sentence is well under 1 KiB, the longest
/// paragraph of the development data 7.3 KB; a longer "sentence" is a text without sentence
/// punctuation, or a wrong `--lines`). The aligner's time and memory grow with the product of
/// the lengths of the sentences it compares: a pair of 8 KiB sentences takes about 40 MB and
/// 1 s, a pair of 64 KiB ones 2 GB and 70 s.
pub const MAX_SENTENCE_BYTES: usize = 8 << 10;

/// Reads a whole text file (or standard input when `path` is `-`) as UTF-8.
///
/// Fails with a one-line error for a missing file, a directory, UTF-16 or invalid UTF-8 (naming
/// the line and column), a file over [`MAX_TEXT_BYTES`], and for a text that is empty or only
/// whitespace.
pub fn read_text(path: &Path) -> Result<String> {
    let bytes = read_bytes(path)?;
    let text = decode_utf8(path, bytes)?;
    if text.trim().is_empty() {
        return Err(Error::EmptyText(display_name(path)));
    }
    Ok(text)
}

/// Reads a file's bytes, or standard input for `-`, up to [`MAX_TEXT_BYTES`].
pub fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    let too_large = || {
        Error::invalid(format!(
            "{} is larger than {} MiB, the most bitext reads as one text; split it into several documents",
            display_name(path),
            MAX_TEXT_BYTES >> 20
        ))
    };
    let mut bytes = Vec::new();
    if path == Path::new("-") {
        std::io::stdin()
            .take(MAX_TEXT_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::read(path, e))?;
    } else {
        if path.is_dir() {
            return Err(Error::IsDirectory(path.to_path_buf()));
        }
        let file = std::fs::File::open(path).map_err(|e| Error::read(path, e))?;
        // the size is checked on the bytes read, not the metadata: a FIFO or /dev/stdin has none
        file.take(MAX_TEXT_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::read(path, e))?;
    }
    if bytes.len() as u64 > MAX_TEXT_BYTES {
        return Err(too_large());
    }
    Ok(bytes)
}

/// Decodes UTF-8, dropping a leading byte-order mark.
pub fn decode_utf8(path: &Path, mut bytes: Vec<u8>) -> Result<String> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(Error::Utf16Text(path.to_path_buf()));
    }
    let bom = if bytes.starts_with(UTF8_BOM) {
        bytes.drain(..UTF8_BOM.len());
        UTF8_BOM.len()
    } else {
        0
    };
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let valid = e.utf8_error().valid_up_to();
        let (line, column) = line_and_column(&bytes[..valid]);
        Error::NotUtf8 {
            path: path.to_path_buf(),
            line,
            column,
            offset: bom + valid,
            byte: bytes[valid],
        }
    })
}

/// The line and character column (both from 1) just after `before`, valid UTF-8 text.
pub fn line_and_column(before: &[u8]) -> (usize, usize) {
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |k| k + 1);
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let column = 1 + before[line_start..]
        .iter()
        .filter(|&&b| b & 0xC0 != 0x80)
        .count();
    (line, column)
}

/// Checks that no sentence to be aligned is longer than [`MAX_SENTENCE_BYTES`]; `sentences` are
/// byte ranges of `text`. Names the first one that is, with its line.
pub fn check_sentences(
    path: &Path,
    text: &str,
    sentences: impl IntoIterator<Item = (usize, usize)>,
) -> Result<()> {
    for (k, (start, end)) in sentences.into_iter().enumerate() {
        if end - start > MAX_SENTENCE_BYTES {
            let (line, _) = line_and_column(&text.as_bytes()[..start]);
            return Err(Error::invalid(format!(
                "{}: sentence {k} (line {line}) is {} KiB long; bitext aligns sentences of up to {} KiB \
                 (has the text sentence punctuation, or one sentence a line with --lines?)",
                display_name(path),
                (end - start) >> 10,
                MAX_SENTENCE_BYTES >> 10
            )));
        }
    }
    Ok(())
}

/// How a path is named in messages: `standard input` for `-`.
pub fn display_name(path: &Path) -> String {
    if path == Path::new("-") {
        "standard input".to_string()
    } else {
        path.display().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_is_dropped_and_crlf_kept() {
        let text = decode_utf8(Path::new("x"), b"\xEF\xBB\xBFa.\r\nb.".to_vec()).unwrap();
        assert_eq!(text, "a.\r\nb.");
    }

    #[test]
    fn bad_bytes_are_reported_at_their_line_and_column() {
        let err = decode_utf8(Path::new("x.txt"), b"\xEF\xBB\xBFab\xFFc".to_vec()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "x.txt:1:3: not valid UTF-8 (byte 0xFF at offset 5); save the file as UTF-8"
        );
        // on the second line, after two Arabic letters: column 3, not 1:1
        let err = decode_utf8(
            Path::new("x.txt"),
            "سطر.\nقل".bytes().chain([0xE9]).collect(),
        )
        .unwrap_err();
        assert!(err.to_string().starts_with("x.txt:2:3: "), "{err}");
    }

    #[test]
    fn utf16_is_named() {
        let err = decode_utf8(Path::new("x.txt"), b"\xFF\xFEa\x00".to_vec()).unwrap_err();
        assert!(matches!(err, Error::Utf16Text(_)));
    }

    #[test]
    fn a_text_over_the_limit_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.txt");
        let file = std::fs::File::create(&path).unwrap();
        file.set_len(MAX_TEXT_BYTES + 1).unwrap();
        let err = read_text(&path).unwrap_err();
        assert!(err.to_string().contains("larger than 32 MiB"), "{err}");
    }

    #[test]
    fn a_sentence_over_the_limit_is_named() {
        let text = format!("a.\n{}", "x".repeat(MAX_SENTENCE_BYTES + 1));
        let spans = [(0, 2), (3, text.len())];
        let err = check_sentences(Path::new("t.txt"), &text, spans).unwrap_err();
        assert!(err.to_string().contains("sentence 1 (line 2)"), "{err}");
        assert!(check_sentences(Path::new("t.txt"), &text, [(0, 2)]).is_ok());
    }
}
