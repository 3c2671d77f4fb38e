//! `bitext edit`: correct a pair, or set the status or note of many at once; and the
//! selection of pairs (ids, ranges of ids, filters) that `edit` and `delete` share.

use std::collections::BTreeSet;

use super::Context;
use crate::error::{Error, Result};
use crate::store::{BulkReport, Memory, Selection, Status, UnitEdit, UnitFilter, UnitRef};

/// Correct pairs: the source or target text of one, or the review status or note of many.
///
/// Name the pairs by id (12 or #12), by ranges of ids (9-14: the pairs with an id from 9 to 14
/// that exist) or by a selection (--document, --if-status, --min-score, --max-score); ids and a
/// selection together pick the named pairs that match it. Every pair changed is one change in
/// the history (with your --user name, else $USER), which 'bitext undo' reverts as a whole.
/// Pairs that already read as asked are skipped and counted; a text edit takes one pair.
///
/// Texts full of quotes are easier from a file than as shell arguments: `--target -` (or
/// `--source -`, `--note -`) reads the text from standard input, and `--edit` opens the pair in
/// your editor ($VISUAL, else $EDITOR, else vi) and applies what you save.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pairs: Pairs,
    /// Only pairs with this review status (draft, reviewed, approved, rejected); repeatable
    #[arg(long, value_parser = super::parse_status, value_name = "STATUS")]
    if_status: Vec<Status>,
    /// The new source text (one pair only; - reads it from standard input)
    #[arg(long, value_name = "TEXT")]
    source: Option<String>,
    /// The new target text (one pair only; - reads it from standard input)
    #[arg(long, value_name = "TEXT")]
    target: Option<String>,
    /// The new review status: draft, reviewed, approved or rejected
    #[arg(long, value_parser = super::parse_status, value_name = "STATUS")]
    status: Option<Status>,
    /// A note for reviewers ("" removes the note; - reads it from standard input)
    #[arg(long, value_name = "TEXT")]
    note: Option<String>,
    /// Open the pair (source, target and note) in your editor and apply what you save
    /// (one pair only)
    #[arg(long, conflicts_with_all = ["source", "target", "note"])]
    edit: bool,
    /// Refuse the edit if the pair is no longer at this revision (one pair only; `list --json`
    /// shows each pair's revision)
    #[arg(long, value_name = "N")]
    revision: Option<i64>,
    /// Print the change as JSON (as 'bitext history --json' shows it), or null when nothing
    /// changed
    #[arg(long)]
    json: bool,
}

/// The pairs a command works on: ids and ranges, and a selection.
#[derive(Debug, clap::Args)]
pub struct Pairs {
    /// Unit ids (12 or #12) and ranges of ids (9-14)
    #[arg(value_parser = parse_ids, value_name = "ID")]
    ids: Vec<(i64, i64)>,
    /// Only pairs of this document
    #[arg(long, value_name = "NAME")]
    document: Option<String>,
    /// Only pairs whose alignment score is at least X
    #[arg(long, value_parser = super::list::parse_score, value_name = "X")]
    min_score: Option<f64>,
    /// Only pairs whose alignment score is below X
    #[arg(long, value_parser = super::list::parse_score, value_name = "X")]
    max_score: Option<f64>,
}

impl Pairs {
    /// The selection these arguments make, with `statuses` as its status filter; refused when
    /// they select nothing at all (no id and no filter), or name a unit that does not exist.
    pub fn selection(
        &self,
        memory: &Memory,
        statuses: &[Status],
        revision: Option<i64>,
    ) -> Result<Selection> {
        let filter = UnitFilter {
            document: self.document.clone(),
            statuses: statuses.to_vec(),
            min_score: self.min_score,
            max_score: self.max_score,
            ..UnitFilter::default()
        };
        let filtered = filter.document.is_some()
            || !filter.statuses.is_empty()
            || filter.min_score.is_some()
            || filter.max_score.is_some();
        if self.ids.is_empty() && !filtered {
            return Err(Error::invalid(
                "name the pairs: ids (12 #13 20-25) or a selection (--document, a status, --min-score, --max-score)",
            ));
        }
        let single = matches!(self.ids.as_slice(), [(a, b)] if a == b);
        if revision.is_some() && (filtered || !single) {
            return Err(Error::invalid("--revision goes with a single unit id"));
        }
        if self.ids.is_empty() {
            return Ok(Selection::Filter(filter));
        }
        let mut ids = BTreeSet::new();
        for &(first, last) in &self.ids {
            if first == last {
                memory.unit(first)?;
                ids.insert(first);
                continue;
            }
            let found = memory.unit_ids_between(first, last)?;
            if found.is_empty() {
                return Err(Error::invalid(format!(
                    "no unit has an id from {first} to {last}"
                )));
            }
            ids.extend(found);
        }
        if filtered {
            let matching: BTreeSet<i64> = memory.units(&filter)?.iter().map(|u| u.id).collect();
            ids.retain(|id| matching.contains(id));
        }
        Ok(Selection::Units(
            ids.into_iter().map(|id| UnitRef { id, revision }).collect(),
        ))
    }
}

/// Parses `12`, `#12` or a range `9-14` (`#9-#14`) into (first, last).
fn parse_ids(s: &str) -> std::result::Result<(i64, i64), String> {
    let bad = || format!("'{s}' is not a unit id or a range of ids (12, #12, 9-14)");
    let one = |t: &str| super::parse_id(t.trim()).map_err(|_| bad());
    match s.split_once('-') {
        Some((a, b)) => {
            let (a, b) = (one(a)?, one(b)?);
            if a > b {
                return Err(format!(
                    "'{s}' is an empty range: write the smaller id first"
                ));
            }
            Ok((a, b))
        }
        None => one(s).map(|id| (id, id)),
    }
}

pub fn run(args: Args, ctx: &mut Context) -> Result<()> {
    let mut memory = ctx.existing_memory()?;
    let from_stdin = [&args.source, &args.target, &args.note]
        .iter()
        .filter(|t| t.as_deref() == Some("-"))
        .count();
    if from_stdin > 1 {
        return Err(Error::invalid(
            "only one of --source, --target and --note can be read from standard input (-)",
        ));
    }
    let read = |text: Option<String>| -> Result<Option<String>> {
        match text.as_deref() {
            Some("-") => text_from_stdin().map(Some),
            _ => Ok(text),
        }
    };
    let mut edit = UnitEdit {
        source: read(args.source)?,
        target: read(args.target)?,
        status: args.status,
        note: read(args.note)?,
    };
    let mut revision = args.revision;
    if args.edit {
        let id = match args.pairs.ids.as_slice() {
            [(a, b)] if a == b && args.pairs.document.is_none() => *a,
            _ => return Err(Error::invalid("--edit takes one pair: give its id")),
        };
        let edited = in_editor(&memory.unit(id)?, revision)?;
        edit.source = edited.source;
        edit.target = edited.target;
        edit.note = edited.note;
        revision = Some(edited.revision);
    }
    if edit == UnitEdit::default() {
        return Err(Error::invalid(
            "nothing to change: give --source, --target, --status, --note or --edit",
        ));
    }
    let selection = args.pairs.selection(&memory, &args.if_status, revision)?;
    let report = memory.edit_units(&selection, &edit, &ctx.user)?;
    finish(ctx, &memory, &report, args.json, &skipped_because(&edit))
}

/// A text given on standard input: UTF-8, with the one line end that ends the input left out
/// (`echo TEXT | bitext edit 6 --target -`).
fn text_from_stdin() -> Result<String> {
    let stdin = std::path::Path::new("-");
    let mut text = crate::input::decode_utf8(stdin, crate::input::read_bytes(stdin)?)?;
    if text.ends_with('\n') {
        text.pop();
        if text.ends_with('\r') {
            text.pop();
        }
    }
    Ok(text)
}

/// What the editor gave back: the texts that changed, and the revision the pair had when it
/// was opened (so that a change made meanwhile elsewhere is refused, not overwritten).
struct Edited {
    source: Option<String>,
    target: Option<String>,
    note: Option<String>,
    revision: i64,
}

/// The heading before each field in the file the editor opens.
const HEADINGS: [&str; 3] = ["==== source", "==== target", "==== note"];

/// The file the editor opens: a comment saying what it is, then each field under its heading.
fn editor_file(u: &crate::store::Unit) -> Result<String> {
    let mut out = format!(
        "# bitext: pair #{} of '{}', revision {}.\n\
         # Change the texts under the headings and save. These # lines are left out.\n\
         # To change nothing, leave the editor without saving.\n",
        u.id,
        super::output::escape(&u.document),
        u.revision
    );
    for (heading, text) in HEADINGS.iter().zip([
        u.source.as_str(),
        u.target.as_str(),
        u.note.as_deref().unwrap_or(""),
    ]) {
        if text.lines().any(|l| l.starts_with("==== ")) {
            return Err(Error::invalid(format!(
                "pair #{} has a line starting with '==== ', which --edit uses for its headings; use --source -, --target - or --note - instead",
                u.id
            )));
        }
        out.push_str(heading);
        out.push_str(" ====\n");
        out.push_str(text);
        out.push('\n');
    }
    Ok(out)
}

/// The three fields of a saved editor file, in heading order.
fn parse_editor_file(text: &str) -> Result<[String; 3]> {
    let mut fields: [Option<String>; 3] = Default::default();
    let mut current: Option<usize> = None;
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        if let Some(k) = HEADINGS.iter().position(|h| bare.starts_with(h)) {
            if fields[k].is_some() {
                return Err(Error::invalid(format!(
                    "the saved file has the heading '{}' twice: nothing changed",
                    HEADINGS[k]
                )));
            }
            fields[k] = Some(String::new());
            current = Some(k);
        } else if let Some(k) = current {
            fields[k].get_or_insert_with(String::new).push_str(line);
        }
        // lines before the first heading are the comment
    }
    let mut out: [String; 3] = Default::default();
    for (k, field) in fields.into_iter().enumerate() {
        let Some(mut text) = field else {
            return Err(Error::invalid(format!(
                "the saved file has no '{} ====' heading: nothing changed",
                HEADINGS[k]
            )));
        };
        // the line ends before the next heading belong to the file, not to the text (a pair's
        // text never ends with one: it ends where its last sentence ends)
        let kept = text.trim_end_matches(['\n', '\r']).len();
        text.truncate(kept);
        out[k] = text;
    }
    Ok(out)
}

/// Opens the pair in the user's editor and reads back what was saved.
fn in_editor(u: &crate::store::Unit, revision: Option<i64>) -> Result<Edited> {
    if let Some(r) = revision.filter(|&r| r != u.revision) {
        return Err(Error::Stale {
            unit: u.id,
            expected: r,
            current: u.revision,
        });
    }
    let before = editor_file(u)?;
    let path =
        std::env::temp_dir().join(format!("bitext-pair-{}-{}.txt", u.id, std::process::id()));
    let write_err = |e| Error::Write {
        path: path.clone(),
        source: e,
    };
    std::fs::write(&path, &before).map_err(write_err)?;
    let saved =
        run_editor(&path).and_then(|()| std::fs::read(&path).map_err(|e| Error::read(&path, e)));
    let _ = std::fs::remove_file(&path);
    let saved = crate::input::decode_utf8(&path, saved?)?;
    if saved == before {
        return Err(Error::invalid(format!(
            "the file was saved unchanged: pair #{} is left as it was",
            u.id
        )));
    }
    let [source, target, note] = parse_editor_file(&saved)?;
    let changed = |new: String, old: &str| (new != old).then_some(new);
    Ok(Edited {
        source: changed(source, &u.source),
        target: changed(target, &u.target),
        note: changed(note, u.note.as_deref().unwrap_or("")),
        revision: u.revision,
    })
}

/// Runs `$VISUAL`, else `$EDITOR`, else `vi` on `path` through the shell (so that an editor
/// given with options, `code --wait`, works) and waits for it.
fn run_editor(path: &std::path::Path) -> Result<()> {
    let editor = ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|e| !e.trim().is_empty())
        .unwrap_or_else(|| "vi".to_string());
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("bitext")
        .arg(path)
        .status()
        .map_err(|e| Error::invalid(format!("cannot start the editor '{editor}': {e}")))?;
    if !status.success() {
        return Err(Error::invalid(format!(
            "the editor '{}' exited with {status}: nothing changed",
            super::output::escape(&editor)
        )));
    }
    Ok(())
}

/// Why a skipped pair was skipped: "already approved" for a status change, else "already as
/// asked".
fn skipped_because(edit: &UnitEdit) -> String {
    match (edit, edit.status) {
        (
            UnitEdit {
                source: None,
                target: None,
                note: None,
                ..
            },
            Some(status),
        ) => format!("already {status}"),
        _ => "already as asked".to_string(),
    }
}

/// Prints what a bulk change did: the change (or `null` with --json when nothing changed),
/// and on standard error what was skipped or that nothing matched.
pub(crate) fn finish(
    ctx: &mut Context,
    memory: &Memory,
    report: &BulkReport,
    json: bool,
    because: &str,
) -> Result<()> {
    match &report.change {
        Some(change) => super::history::report(ctx, memory, change, json)?,
        None if json => ctx.out.line("null")?,
        None => {}
    }
    if report.selected == 0 {
        eprintln!("no units match: nothing changed");
    } else if report.skipped > 0 {
        eprintln!("skipped {} {because}", report.skipped);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_editor_file_gives_back_the_texts_exactly() {
        let mut m = Memory::open_in_memory().unwrap();
        crate::fixtures::kazakhstan(&mut m);
        let mut u = m.unit(6).unwrap();
        u.note = Some("two\nlines".into());
        u.target = "A text\r\nwith a CRLF and # a hash".into();
        let file = editor_file(&u).unwrap();
        assert!(file.starts_with("# bitext: pair #6 of 'kazakhstan-2022', revision 1.\n"));
        let [source, target, note] = parse_editor_file(&file).unwrap();
        assert_eq!(
            (source.as_str(), target.as_str()),
            (u.source.as_str(), u.target.as_str())
        );
        assert_eq!(note, "two\nlines");
        // an empty note stays empty; a missing heading or a doubled one is refused
        u.note = None;
        assert_eq!(parse_editor_file(&editor_file(&u).unwrap()).unwrap()[2], "");
        let cut = file.replace("==== note ====\n", "");
        assert!(
            parse_editor_file(&cut)
                .unwrap_err()
                .to_string()
                .contains("no '==== note ===='")
        );
        let twice = format!("{file}==== target ====\nx\n");
        assert!(
            parse_editor_file(&twice)
                .unwrap_err()
                .to_string()
                .contains("twice")
        );
        u.target = "==== note ==== inside".into();
        assert!(editor_file(&u).is_err());
    }

    #[test]
    fn ids_and_ranges_parse() {
        assert_eq!(parse_ids("12"), Ok((12, 12)));
        assert_eq!(parse_ids("#12"), Ok((12, 12)));
        assert_eq!(parse_ids("9-14"), Ok((9, 14)));
        assert_eq!(parse_ids("#9-#14"), Ok((9, 14)));
        assert!(parse_ids("14-9").unwrap_err().contains("empty range"));
        assert!(parse_ids("x").unwrap_err().contains("not a unit id"));
        assert!(parse_ids("3-").is_err());
        assert!(parse_ids("-3").is_err());
    }
}
