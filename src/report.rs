//! The HTML report: one self-contained, read-only file of the memory's pairs for a reviewer
//! who does not have bitext.
//!
//! Styles are inline, there is no script and no external request; it prints on A4 (a pair and
//! its findings never split across pages, the column headings repeated on every page). Every
//! text from the memory is HTML-escaped ([`escape`]) and sits in an element with its `dir` and
//! `lang`, bidi-isolated. Each pair shows its QA findings ([`crate::check::findings_by_unit`],
//! as `bitext check` finds them) under its texts, with what they are about marked in the texts;
//! the summary counts them. The units are read twice, streaming: once for the summary at the
//! top, once for the rows.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;

use crate::check::{Finding, FindingsByUnit, Severity};
use crate::error::{Error, Result};
use crate::store::{DocumentInfo, Memory, Status, Unit, UnitFilter};

/// The counts at the top of a report.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Summary {
    pub documents: usize,
    pub pairs: usize,
    pub statuses: BTreeMap<&'static str, usize>,
    pub low_score: usize,
    pub scored: usize,
    pub score_sum: f64,
    /// Pairs with QA findings.
    pub flagged: usize,
    /// Findings by severity and by kind.
    pub severities: BTreeMap<&'static str, usize>,
    pub kinds: BTreeMap<&'static str, usize>,
    /// What the checks could not judge (no word-translation model, …).
    pub notes: Vec<String>,
}

/// Text made safe for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
:root { font-family: "Noto Sans", "Noto Naskh Arabic", system-ui, sans-serif; color: #1d1f21; }
body { margin: 1.5rem; }
h1 { margin: 0 0 .3rem; font-size: 1.5rem; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 .4rem; }
.quiet { color: #60656b; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #d8dbe0; padding: .3rem .45rem; vertical-align: top; text-align: start; }
thead th { background: #f6f8fa; }
table.summary { width: auto; margin: .6rem 0 1rem; }
table.summary td { text-align: end; font-variant-numeric: tabular-nums; }
td.meta { width: 7.5rem; font-size: .82rem; }
td.text { width: 43%; line-height: 1.55; }
.t, bdi { unicode-bidi: isolate; }
.t { white-space: pre-wrap; overflow-wrap: anywhere; }
[lang=ar] { font-family: "Noto Naskh Arabic", "Noto Sans Arabic", "Amiri", serif; font-size: 1.08rem; }
.badge { display: inline-block; min-width: 2.4rem; text-align: center; border-radius: .6rem; padding: 0 .3rem; color: #fff; font-size: .78rem; }
.good { background: #1a7f37; } .mid { background: #9a6700; } .bad { background: #cf222e; } .none { background: #8c959f; }
.status { font-size: .78rem; }
.status.approved { color: #1a7f37; } .status.rejected { color: #cf222e; } .status.reviewed { color: #0550ae; }
.note { display: block; margin-top: .2rem; color: #6e4c00; }
.empty { color: #8c959f; font-style: italic; }
mark { background: #ffd8b5; color: inherit; border-radius: .15rem; }
mark.error { background: #ffcecb; } mark.info { background: #ddf4ff; }
tr.findings td { border-bottom: 1px solid #d8dbe0; padding-top: 0; font-size: .85rem; }
tr.has-findings td { border-bottom: none; }
ul.findings { margin: 0; padding: 0; list-style: none; }
ul.findings li { margin: .1rem 0; }
.sev { display: inline-block; min-width: 3.6rem; text-align: center; border-radius: .25rem; padding: 0 .25rem; font-size: .75rem; color: #fff; }
.sev.error { background: #cf222e; } .sev.warning { background: #9a6700; } .sev.info { background: #0969da; }
.kind { font-family: ui-monospace, monospace; font-size: .8rem; }
ul.notes { color: #60656b; margin: 0 0 1rem; }
@page { size: A4; margin: 14mm 11mm; }
@media print {
  body { margin: 0; font-size: 9.5pt; }
  thead { display: table-header-group; }
  tr, tbody.pair { break-inside: avoid; page-break-inside: avoid; }
  h2 { break-after: avoid; page-break-after: avoid; }
  .badge, .sev, mark { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
"#;

/// Writes the report of the pairs `filter` takes; `title` names what it covers.
pub fn write_report(
    memory: &Memory,
    filter: &UnitFilter,
    title: &str,
    generated: &str,
    out: &mut dyn Write,
) -> Result<Summary> {
    let docs: HashMap<String, DocumentInfo> = memory
        .documents()?
        .into_iter()
        .map(|d| (d.name.clone(), d))
        .collect();
    let (findings, notes) = crate::check::findings_by_unit(memory, filter)?;
    let mut summary = Summary {
        statuses: Status::ALL.iter().map(|s| (s.as_str(), 0)).collect(),
        severities: [Severity::Error, Severity::Warning, Severity::Info]
            .iter()
            .map(|s| (s.as_str(), 0))
            .collect(),
        notes,
        ..Summary::default()
    };
    let mut seen: Option<String> = None;
    memory.for_each_unit(filter, |u| {
        if seen.as_deref() != Some(u.document.as_str()) {
            summary.documents += 1;
            seen = Some(u.document.clone());
        }
        summary.pairs += 1;
        *summary.statuses.entry(u.status.as_str()).or_default() += 1;
        if let Some(found) = findings.get(&u.id) {
            summary.flagged += 1;
            for f in found {
                *summary.severities.entry(f.severity.as_str()).or_default() += 1;
                *summary.kinds.entry(f.kind.as_str()).or_default() += 1;
            }
        }
        if let Some(s) = u.score {
            summary.scored += 1;
            summary.score_sum += s;
            if s < 0.5 {
                summary.low_score += 1;
            }
        }
        Ok(())
    })?;

    let w = |out: &mut dyn Write, s: &str| out.write_all(s.as_bytes()).map_err(Error::Output);
    w(
        out,
        &format!(
            "<!doctype html>\n<html lang=\"en\" dir=\"ltr\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>bitext review report: {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
            escape(title)
        ),
    )?;
    w(out, &summary_html(&summary, title, generated))?;

    let mut open: Option<String> = None;
    let mut result = Ok(());
    memory.for_each_unit(filter, |u| {
        if open.as_deref() != Some(u.document.as_str()) {
            if open.is_some() {
                w(out, "</table>\n</section>\n")?;
            }
            let doc = docs.get(&u.document);
            w(out, &document_head(&u.document, doc))?;
            open = Some(u.document.clone());
        }
        let doc = docs.get(&u.document);
        if let Err(e) = w(out, &row(&u, doc, findings_of(&findings, u.id))) {
            result = Err(e);
        }
        Ok(())
    })?;
    result?;
    if open.is_some() {
        w(out, "</table>\n</section>\n")?;
    } else {
        w(out, "<p class=\"empty\">No pair matches.</p>\n")?;
    }
    w(out, "</body>\n</html>\n")?;
    Ok(summary)
}

fn summary_html(s: &Summary, title: &str, generated: &str) -> String {
    let mut h = format!(
        "<header>\n<h1>Review report: <bdi>{}</bdi></h1>\n<p class=\"quiet\">Made by bitext {} on {}. \
         Scores are the aligner's confidence (0–1); pairs under 0.5 need a look.</p>\n\
         <table class=\"summary\">\n<tbody>\n",
        escape(title),
        env!("CARGO_PKG_VERSION"),
        escape(generated)
    );
    let mut line = |name: &str, value: String| {
        h += &format!("<tr><th scope=\"row\">{name}</th><td>{value}</td></tr>\n");
    };
    line("Documents", s.documents.to_string());
    line("Pairs", s.pairs.to_string());
    for status in Status::ALL {
        line(
            &format!(
                "{}{}",
                &status.as_str()[..1].to_uppercase(),
                &status.as_str()[1..]
            ),
            s.statuses
                .get(status.as_str())
                .copied()
                .unwrap_or(0)
                .to_string(),
        );
    }
    line("Score under 0.5", s.low_score.to_string());
    line(
        "Mean score",
        if s.scored > 0 {
            format!("{:.2}", s.score_sum / s.scored as f64)
        } else {
            "–".to_string()
        },
    );
    let count =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let total: usize = s.severities.values().sum();
    line(
        "QA findings",
        if total == 0 {
            "none".to_string()
        } else {
            format!(
                "{} in {}: {}, {}, {}",
                total,
                count(s.flagged, "pair", "pairs"),
                count(
                    s.severities.get("error").copied().unwrap_or(0),
                    "error",
                    "errors"
                ),
                count(
                    s.severities.get("warning").copied().unwrap_or(0),
                    "warning",
                    "warnings"
                ),
                count(
                    s.severities.get("info").copied().unwrap_or(0),
                    "info",
                    "info"
                ),
            )
        },
    );
    if !s.kinds.is_empty() {
        let kinds: Vec<String> = s
            .kinds
            .iter()
            .map(|(k, n)| format!("<span class=\"kind\">{k}</span> {n}"))
            .collect();
        line("Findings by kind", kinds.join(", "));
    }
    h += "</tbody>\n</table>\n";
    if !s.notes.is_empty() {
        h += "<ul class=\"notes\">\n";
        for n in &s.notes {
            h += &format!("<li>QA: {}</li>\n", escape(n));
        }
        h += "</ul>\n";
    }
    h += "</header>\n";
    h
}

fn findings_of(findings: &FindingsByUnit, id: i64) -> &[Finding] {
    findings.get(&id).map_or(&[], Vec::as_slice)
}

/// `text` escaped, with the byte ranges `marks` (each with its severity) in `<mark>`: ranges
/// that overlap are joined (marked at the worst severity), ranges off the text or off its
/// character boundaries are left out.
pub fn marked(text: &str, marks: &[(std::ops::Range<usize>, Severity)]) -> String {
    let mut spans: Vec<(std::ops::Range<usize>, Severity)> = marks
        .iter()
        .filter(|(r, _)| {
            r.start < r.end
                && r.end <= text.len()
                && text.is_char_boundary(r.start)
                && text.is_char_boundary(r.end)
        })
        .cloned()
        .collect();
    spans.sort_by_key(|(r, _)| (r.start, r.end));
    let mut joined: Vec<(std::ops::Range<usize>, Severity)> = Vec::new();
    for (r, sev) in spans {
        match joined.last_mut() {
            Some((last, worst)) if r.start <= last.end => {
                last.end = last.end.max(r.end);
                *worst = (*worst).max(sev);
            }
            _ => joined.push((r, sev)),
        }
    }
    let mut out = String::new();
    let mut at = 0;
    for (r, sev) in joined {
        out += &escape(&text[at..r.start]);
        out += &format!(
            "<mark class=\"{}\">{}</mark>",
            sev.as_str(),
            escape(&text[r.clone()])
        );
        at = r.end;
    }
    out += &escape(&text[at..]);
    out
}

/// The side in each column: the Arabic on the right.
fn columns(doc: Option<&DocumentInfo>) -> [(bool, String); 2] {
    let (source, target) = match doc {
        Some(d) => (lang(&d.source_lang), lang(&d.target_lang)),
        None => ("ar".to_string(), "en".to_string()),
    };
    if source == "ar" {
        [(false, target), (true, source)]
    } else {
        [(true, source), (false, target)]
    }
}

fn lang(code: &str) -> String {
    code.split('-').next().unwrap_or(code).to_ascii_lowercase()
}

fn dir(lang: &str) -> &'static str {
    if lang == "ar" { "rtl" } else { "ltr" }
}

fn lang_name(lang: &str) -> String {
    match lang {
        "ar" => "Arabic".to_string(),
        "en" => "English".to_string(),
        other => escape(other),
    }
}

fn document_head(name: &str, doc: Option<&DocumentInfo>) -> String {
    let [left, right] = columns(doc);
    let langs = doc.map_or(String::new(), |d| {
        format!(
            " <span class=\"quiet\">({} → {})</span>",
            escape(&d.source_lang),
            escape(&d.target_lang)
        )
    });
    format!(
        "<section>\n<h2><bdi>{}</bdi>{langs}</h2>\n<table class=\"pairs\">\n<thead><tr><th scope=\"col\">Pair</th>\
         <th scope=\"col\" lang=\"{}\">{}</th><th scope=\"col\" lang=\"{}\">{}</th></tr></thead>\n",
        escape(name),
        escape(&left.1),
        lang_name(&left.1),
        escape(&right.1),
        lang_name(&right.1)
    )
}

fn range(r: &Option<std::ops::Range<usize>>) -> String {
    match r {
        None => "·".to_string(),
        Some(r) if r.is_empty() => "–".to_string(),
        Some(r) if r.len() == 1 => r.start.to_string(),
        Some(r) => format!("{}–{}", r.start, r.end - 1),
    }
}

/// A pair as its own `<tbody>` (so that print keeps it whole): its row, and a row of its
/// findings under the texts when it has some.
fn row(u: &Unit, doc: Option<&DocumentInfo>, findings: &[Finding]) -> String {
    let badge = match u.score {
        None => "<span class=\"badge none\">–</span>".to_string(),
        Some(s) => {
            let kind = if s >= 0.9 {
                "good"
            } else if s >= 0.5 {
                "mid"
            } else {
                "bad"
            };
            format!("<span class=\"badge {kind}\">{s:.2}</span>")
        }
    };
    let note = u.note.as_deref().map_or(String::new(), |n| {
        format!("<bdi class=\"note\" dir=\"auto\">{}</bdi>", escape(n))
    });
    let cell = |(is_source, lang): &(bool, String)| {
        let text = if *is_source { &u.source } else { &u.target };
        let marks: Vec<(std::ops::Range<usize>, Severity)> = findings
            .iter()
            .flat_map(|f| {
                let spans = if *is_source {
                    &f.source_spans
                } else {
                    &f.target_spans
                };
                spans.iter().map(move |r| (r.clone(), f.severity))
            })
            .collect();
        let d = dir(lang);
        let lang = escape(lang);
        if text.is_empty() {
            format!(
                "<td class=\"text\" dir=\"{d}\" lang=\"{lang}\"><span class=\"empty\">(no sentence)</span></td>"
            )
        } else {
            format!(
                "<td class=\"text\" dir=\"{d}\" lang=\"{lang}\"><bdi class=\"t\" dir=\"{d}\" lang=\"{lang}\">{}</bdi></td>",
                marked(text, &marks)
            )
        }
    };
    let [left, right] = columns(doc);
    let mut html = format!(
        "<tbody class=\"pair\"><tr id=\"u{id}\"{class}><td class=\"meta\"><b>#{id}</b> {} → {}<br>{badge} <span class=\"status {status}\">{status}</span>{note}</td>{}{}</tr>\n",
        range(&u.source_range),
        range(&u.target_range),
        cell(&left),
        cell(&right),
        id = u.id,
        status = u.status.as_str(),
        class = if findings.is_empty() {
            ""
        } else {
            " class=\"has-findings\""
        },
    );
    if !findings.is_empty() {
        html += "<tr class=\"findings\"><td></td><td colspan=\"2\"><ul class=\"findings\">";
        for f in findings {
            html += &format!(
                "<li><span class=\"sev {sev}\">{sev}</span> <span class=\"kind\">{}</span> <bdi>{}</bdi></li>",
                f.kind.as_str(),
                escape(&f.message),
                sev = f.severity.as_str(),
            );
        }
        html += "</ul></td></tr>\n";
    }
    html += "</tbody>\n";
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::UnitEdit;

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(
            escape(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
        assert_eq!(escape("قال \"الأمن\""), "قال &quot;الأمن&quot;");
    }

    #[test]
    fn the_report_escapes_data_and_marks_arabic_right_to_left() {
        let mut m = Memory::open_in_memory().unwrap();
        crate::fixtures::kazakhstan(&mut m);
        let first = m.units(&UnitFilter::default()).unwrap()[0].id;
        let edit = UnitEdit {
            note: Some("<script>alert(1)</script>".into()),
            target: Some("He said <b>no</b> & left".into()),
            ..UnitEdit::default()
        };
        m.edit_unit(first, &edit, None, "t").unwrap();
        let mut out = Vec::new();
        let s = write_report(&m, &UnitFilter::default(), "all", "now", &mut out).unwrap();
        let html = String::from_utf8(out).unwrap();
        assert_eq!(s.pairs, 18);
        assert!(!html.contains("<script"), "unescaped script");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("He said &lt;b&gt;no&lt;/b&gt; &amp; left"));
        assert!(html.contains("dir=\"rtl\" lang=\"ar\""));
        assert!(!html.contains("http://") && !html.contains("https://"));
        assert!(html.contains("@media print"));
    }

    #[test]
    fn marks_join_overlaps_and_skip_spans_off_the_text() {
        let marks = [
            (0..3, Severity::Info),
            (2..5, Severity::Error),
            (9..40, Severity::Error),
        ];
        assert_eq!(
            marked("a<bcdef & g", &marks),
            "<mark class=\"error\">a&lt;bcd</mark>ef &amp; g"
        );
        // a range inside a character is left out rather than cutting it
        assert_eq!(marked("عدد 26", &[(1..2, Severity::Error)]), "عدد 26");
        assert_eq!(
            marked("عدد 26", &[(7..9, Severity::Warning)]),
            "عدد <mark class=\"warning\">26</mark>"
        );
    }

    #[test]
    fn the_report_shows_each_pairs_findings_and_counts_them() {
        let mut m = Memory::open_in_memory().unwrap();
        crate::fixtures::kazakhstan(&mut m);
        let unit = m.unit(6).unwrap();
        let edit = UnitEdit {
            target: Some(unit.target.replacen("26", "29", 1)),
            ..UnitEdit::default()
        };
        m.edit_unit(6, &edit, None, "t").unwrap();
        let mut out = Vec::new();
        let s = write_report(&m, &UnitFilter::default(), "all", "now", &mut out).unwrap();
        let html = String::from_utf8(out).unwrap();
        assert_eq!(s.flagged, 1);
        assert_eq!(s.kinds.get("number_mismatch"), Some(&1));
        assert!(html.contains("<th scope=\"row\">QA findings</th><td>1 in 1 pair: 1 error, 0 warnings, 0 info</td>"), "{html}");
        assert!(html.contains("<mark class=\"error\">29</mark>"));
        assert!(html.contains("<mark class=\"error\">26</mark>"));
        assert!(html.contains("<span class=\"sev error\">error</span> <span class=\"kind\">number_mismatch</span> <bdi>the numbers differ: &#39;26&#39; in the source, &#39;29&#39; in the target</bdi>"));
        assert_eq!(html.matches("<tr class=\"findings\">").count(), 1);
        assert_eq!(html.matches("<tbody class=\"pair\">").count(), 18);
    }
}
