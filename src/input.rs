//! Reading the texts a translator hands to bitext.
//!
//! Inputs are UTF-8 files (or `-` for standard input). A UTF-8 byte-order mark is accepted and
//! dropped; CRLF line ends are kept as they are (they are whitespace between sentences). Invalid
//! UTF-8 is refused with the byte offset of the first bad byte.

use std::io::Read;
use std::path::Path;

use crate::error::{Error, Result};

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Reads a whole text file (or standard input when `path` is `-`) as UTF-8.
///
/// Fails with a one-line error for a missing file, a directory, UTF-16 or invalid UTF-8 (naming
/// the offset), and for a text that is empty or only whitespace.
pub fn read_text(path: &Path) -> Result<String> {
    let bytes = read_bytes(path)?;
    let text = decode_utf8(path, bytes)?;
    if text.trim().is_empty() {
        return Err(Error::EmptyText(display_name(path)));
    }
    Ok(text)
}

/// Reads a file's bytes, or standard input for `-`.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| Error::read(path, e))?;
        return Ok(bytes);
    }
    if path.is_dir() {
        return Err(Error::IsDirectory(path.to_path_buf()));
    }
    std::fs::read(path).map_err(|e| Error::read(path, e))
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
    String::from_utf8(bytes).map_err(|e| Error::NotUtf8 {
        path: path.to_path_buf(),
        offset: bom + e.utf8_error().valid_up_to(),
    })
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
    fn bad_bytes_are_reported_at_their_file_offset() {
        let err = decode_utf8(Path::new("x.txt"), b"\xEF\xBB\xBFab\xFFc".to_vec()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "x.txt is not valid UTF-8: invalid byte at offset 5"
        );
    }

    #[test]
    fn utf16_is_named() {
        let err = decode_utf8(Path::new("x.txt"), b"\xFF\xFEa\x00".to_vec()).unwrap_err();
        assert!(matches!(err, Error::Utf16Text(_)));
    }
}
