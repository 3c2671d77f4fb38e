//! The bead list format of Vecalign and Bertalign: one bead a line, `[3]:[3,4]`, `[9]:[]`,
//! 0-based sentence indices, source first. Anything after a second `:` (a score) is ignored
//! when reading.

use crate::align::Bead;
use crate::error::{Error, Result};

/// A bead as read from a file: lists of sentence indices.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IndexBead {
    pub source: Vec<usize>,
    pub target: Vec<usize>,
}

impl From<&Bead> for IndexBead {
    fn from(b: &Bead) -> IndexBead {
        IndexBead {
            source: b.source.clone().collect(),
            target: b.target.clone().collect(),
        }
    }
}

/// Formats one bead: `[3]:[3,4]`.
pub fn format_bead(
    source: impl IntoIterator<Item = usize>,
    target: impl IntoIterator<Item = usize>,
) -> String {
    let list = |it: &mut dyn Iterator<Item = usize>| {
        it.map(|i| i.to_string()).collect::<Vec<_>>().join(",")
    };
    format!(
        "[{}]:[{}]",
        list(&mut source.into_iter()),
        list(&mut target.into_iter())
    )
}

/// Formats beads, one a line, each line ending in a newline.
pub fn format(beads: &[Bead]) -> String {
    beads
        .iter()
        .map(|b| format_bead(b.source.clone(), b.target.clone()) + "\n")
        .collect()
}

/// Formats beads as index lists, one a line, each line ending in a newline.
pub fn format_index<'a>(beads: impl IntoIterator<Item = &'a IndexBead>) -> String {
    beads
        .into_iter()
        .map(|b| format_bead(b.source.iter().copied(), b.target.iter().copied()) + "\n")
        .collect()
}

/// Reads a bead list; `file` names the input in errors, which give line and column.
pub fn parse(text: &str, file: &str) -> Result<Vec<IndexBead>> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let err = |column: usize, message: &str| Error::Malformed {
            file: file.to_string(),
            line: n + 1,
            column,
            message: message.to_string(),
        };
        let mut fields = line.splitn(3, ':');
        let (Some(a), Some(b)) = (fields.next(), fields.next()) else {
            return Err(err(1, "expected a bead such as [0]:[0]"));
        };
        let source = parse_list(a)
            .map_err(|c| err(c + 1, "expected a list of sentence indices such as [0,1]"))?;
        let target = parse_list(b).map_err(|c| {
            err(
                a.len() + 2 + c,
                "expected a list of sentence indices such as [0,1]",
            )
        })?;
        if source.is_empty() && target.is_empty() {
            return Err(err(1, "a bead needs a sentence on at least one side"));
        }
        out.push(IndexBead { source, target });
    }
    Ok(out)
}

/// Parses `[1, 2]`; on failure the 0-based column of the problem.
fn parse_list(field: &str) -> std::result::Result<Vec<usize>, usize> {
    let lead = field.len() - field.trim_start().len();
    let t = field.trim();
    let inner = t
        .strip_prefix('[')
        .and_then(|x| x.strip_suffix(']'))
        .ok_or(lead)?;
    if inner.trim().is_empty() {
        return Ok(Vec::new());
    }
    inner
        .split(',')
        .map(|x| x.trim().parse::<usize>().map_err(|_| lead + 1))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beads_format_like_vecalign() {
        let beads = [
            Bead {
                source: 0..1,
                target: 0..1,
                score: 1.0,
            },
            Bead {
                source: 1..2,
                target: 1..3,
                score: 1.0,
            },
            Bead {
                source: 2..3,
                target: 3..3,
                score: 1.0,
            },
            Bead {
                source: 3..3,
                target: 3..4,
                score: 1.0,
            },
        ];
        assert_eq!(format(&beads), "[0]:[0]\n[1]:[1,2]\n[2]:[]\n[]:[3]\n");
    }

    #[test]
    fn bead_lists_read_back_with_scores_ignored() {
        let got = parse("[0]:[0]\n\n[1, 2]:[1]:0.93\n[3]:[]\n", "g").unwrap();
        assert_eq!(
            got[1],
            IndexBead {
                source: vec![1, 2],
                target: vec![1]
            }
        );
        assert_eq!(got[2].target, Vec::<usize>::new());
    }

    #[test]
    fn malformed_lines_are_located() {
        let err = parse("[0]:[0]\n[1]:[x]\n", "gold.txt").unwrap_err();
        assert_eq!(
            err.to_string(),
            "gold.txt:2:6: expected a list of sentence indices such as [0,1]"
        );
        assert!(parse("[]:[]", "g").is_err());
        assert!(parse("0:0", "g").is_err());
    }
}
