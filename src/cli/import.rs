//! `bitext import`: pairs from a TMX, JSON or JSON Lines file into the memory.

use std::io::IsTerminal;
use std::path::PathBuf;

use super::Context;
use super::output::escape;
use crate::Lang;
use crate::error::{Error, Result};
use crate::exchange::{self, Format, ImportSummary};
use crate::store::ImportOptions;

/// Import pairs from a TMX, JSON or JSON Lines file into the memory.
///
/// TMX from any tool is read: of each translation unit, the variants in the source and target
/// languages are taken (matched on the language, so ar-SA and AR are Arabic), its props and
/// notes are kept and its inline markup too, while matching and search see the plain text. A
/// unit without one of the two languages is skipped and counted. Pairs the memory already has
/// are skipped and counted too. The import is one transaction: a malformed file stops it with
/// the line and column of the problem, and nothing is imported. It is one change in the
/// history (import): 'bitext undo' removes the pairs it stored and the documents it created.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The file to import (.tmx, .json, .jsonl)
    file: PathBuf,
    /// File format (default: from the file's extension)
    #[arg(long, value_enum, value_name = "FORMAT")]
    format: Option<Format>,
    /// Put every pair into this document (default: the document each pair names, else the
    /// file's name)
    #[arg(long, value_name = "NAME")]
    document: Option<String>,
    /// Source language: which TMX variant is the source, and the language of new documents
    #[arg(long, default_value = "ar", value_parser = super::parse_lang, value_name = "LANG")]
    source_lang: Lang,
    /// Target language
    #[arg(long, default_value = "en", value_parser = super::parse_lang, value_name = "LANG")]
    target_lang: Lang,
    /// Also store pairs the memory already has
    #[arg(long)]
    keep_duplicates: bool,
    /// Print the summary as JSON: {"file", "format", "imported", "duplicates", "skipped",
    /// "renumbered", "created_documents", "change"}
    #[arg(long)]
    json: bool,
}

/// Files of at least this many bytes show a progress bar (when standard error is a terminal).
const PROGRESS_FROM: u64 = 4 << 20;

pub fn run(args: Args, ctx: &mut Context) -> Result<()> {
    if let Some(name) = &args.document
        && name.trim().is_empty()
    {
        return Err(Error::invalid("--document cannot be empty"));
    }
    if args.file.as_os_str() == "-" && !args.file.exists() {
        return Err(Error::invalid(
            "import reads a file, not standard input: save the input to a file and name it",
        ));
    }
    let size = std::fs::metadata(&args.file)
        .map_err(|e| Error::read(&args.file, e))?
        .len();
    if args.file.is_dir() {
        return Err(Error::IsDirectory(args.file.clone()));
    }
    let format = exchange::resolve_format(&args.file, args.format)?;
    let options = ImportOptions {
        document: args.document.clone(),
        default_document: exchange::default_document(&args.file),
        source_lang: args.source_lang,
        target_lang: args.target_lang,
        keep_duplicates: args.keep_duplicates,
        user: ctx.user.clone(),
    };
    let progress = progress_bar(size);
    // a new memory appears only once the import has succeeded
    let result = ctx.update_or_create(|memory| {
        exchange::import(memory, &args.file, Some(format), &options, &progress)
    });
    progress.finish_and_clear();
    let summary = result?;
    if args.json {
        return ctx.out.json(&summary);
    }
    print_summary(ctx, &summary, &options)
}

fn print_summary(ctx: &mut Context, s: &ImportSummary, options: &ImportOptions) -> Result<()> {
    let plural = |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    ctx.out.line(&format!(
        "imported {} from {} into {}{}",
        plural(s.imported, "pair", "pairs"),
        escape(&s.file),
        escape(&ctx.db.display().to_string()),
        match s.change {
            Some(id) => format!(" (change {id}; 'bitext undo' takes it back)"),
            None => String::new(),
        }
    ))?;
    if s.duplicates > 0 {
        ctx.out.line(&format!(
            "  {} skipped: the memory already has them (--keep-duplicates stores them)",
            plural(s.duplicates, "duplicate", "duplicates")
        ))?;
    }
    if s.skipped > 0 {
        ctx.out.line(&format!(
            "  {} skipped: without a variant in {} or in {}",
            plural(s.skipped, "translation unit", "translation units"),
            options.source_lang,
            options.target_lang
        ))?;
    }
    if s.renumbered > 0 {
        ctx.out.line(&format!(
            "  {} got new ids: the memory has or had units with theirs",
            plural(s.renumbered, "pair", "pairs")
        ))?;
    }
    if !s.created_documents.is_empty() {
        ctx.out.line(&format!(
            "  new {}: {}",
            if s.created_documents.len() == 1 {
                "document"
            } else {
                "documents"
            },
            escape(&s.created_documents.join(", "))
        ))?;
    }
    Ok(())
}

/// A progress bar over the file's bytes, for a large file when standard error is a terminal.
fn progress_bar(size: u64) -> indicatif::ProgressBar {
    if size < PROGRESS_FROM || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    indicatif::ProgressBar::new(size).with_style(
        indicatif::ProgressStyle::with_template(
            "importing {bar:40} {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
        )
        .expect("a valid template"),
    )
}
