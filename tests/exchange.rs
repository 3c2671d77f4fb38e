//! Interchange from the command line: `bitext export` and `bitext import` with TMX, JSON and
//! JSON Lines — round trips that give back the same bytes, TMX from other tools, the external
//! TMX check, and every kind of bad input refused with its line and column.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

use common::CORPUS;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
const CHECK_TMX: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/tmx/check-tmx");
const SCHEMA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/unit.schema.json");

fn fixture(name: &str) -> PathBuf {
    Path::new(FIXTURES).join(name)
}

/// A scratch folder; commands name their memory (`a.db`, `b.db`, …) inside it.
struct Env {
    dir: TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: TempDir::new().unwrap(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.path(name)).unwrap()
    }

    /// `bitext --db DB ARGS…` in the scratch folder, as user "tester".
    fn bitext(&self, db: &str, args: &[&str]) -> Command {
        let mut cmd = common::bitext(self.dir.path(), &self.path(db));
        cmd.args(args);
        cmd
    }

    /// Runs a command that must succeed; returns its standard output.
    fn ok(&self, db: &str, args: &[&str]) -> String {
        let out = self.bitext(db, args).assert().success();
        String::from_utf8(out.get_output().stdout.clone()).unwrap()
    }

    fn json(&self, db: &str, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(db, args)).unwrap()
    }

    /// Runs a command that must fail with exit `code` and one line on standard error containing
    /// every one of `needles`; returns that line.
    fn fails(&self, db: &str, args: &[&str], code: i32, needles: &[&str]) -> String {
        let out = self.bitext(db, args).assert().code(code);
        common::one_line_error(out.get_output(), needles)
    }

    /// Aligns and stores the shipped article in `db`.
    fn article(&self, db: &str) {
        let ar = Path::new(CORPUS).join("ar.txt");
        let en = Path::new(CORPUS).join("en.txt");
        let (ar, en) = (ar.to_str().unwrap(), en.to_str().unwrap());
        self.bitext(db, &["align", "--no-split", ar, en])
            .assert()
            .success();
    }

    /// A memory with the article, a document of awkward characters, and another tool's TMX.
    fn awkward(&self, db: &str) {
        self.article(db);
        // & < > " ', bidi marks (RLM, RLE…PDF, LRI…PDI), emoji, CRLF and a tab, one sentence a line
        let ar = self.write(
            "awkward-ar.txt",
            "قال: \"أ & ب < ج > د\" و'هـ'\u{200F}.\n\u{202B}نص مضمن\u{202C} 🙂👍🏽 \u{2066}x\u{2069}.\r\nسطر\tبعلامة جدولة.\n",
        );
        let en = self.write(
            "awkward-en.txt",
            "He said: \"a & b < c > d\" and 'e'.\nEmbedded text 🙂👍🏽 x.\r\nA line\twith a tab.\n",
        );
        self.ok(
            db,
            &[
                "align",
                "--lines",
                "--name",
                "awkward <&> \"names\"",
                ar.to_str().unwrap(),
                en.to_str().unwrap(),
            ],
        );
        self.ok(db, &["import", fixture("foreign.tmx").to_str().unwrap()]);
        // carriage returns and a note only JSON can bring in
        self.write(
            "hand-made.jsonl",
            "{\"document\":\"hand-made\",\"source\":\"أ\\r\\nب < & > \\\" '\",\"target\":\"a\\r\\nb 🙂\",\"note\":\"note & <note>\"}\n",
        );
        self.ok(db, &["import", "hand-made.jsonl"]);
    }

    fn units(&self, db: &str) -> Vec<Value> {
        let export = self.ok(db, &["export", "--format", "jsonl"]);
        export
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

/// Exports `db` as `format`, imports that into a fresh memory, exports again: same bytes.
fn assert_round_trip(env: &Env, db: &str, format: &str) -> Vec<u8> {
    let first = format!("{db}.first.{format}");
    let second = format!("{db}.second.{format}");
    let fresh = format!("{db}.fresh-{format}.db");
    env.ok(db, &["export", "--format", format, "-o", &first]);
    env.ok(&fresh, &["import", "--format", format, &first]);
    env.ok(&fresh, &["export", "--format", format, "-o", &second]);
    let (a, b) = (env.read(&first), env.read(&second));
    if a != b {
        let (a, b) = (String::from_utf8_lossy(&a), String::from_utf8_lossy(&b));
        let line = a.lines().zip(b.lines()).position(|(x, y)| x != y);
        panic!(
            "{format} round trip differs at line {line:?}:\n{:?}\n{:?}",
            line.and_then(|k| a.lines().nth(k)),
            line.and_then(|k| b.lines().nth(k))
        );
    }
    a
}

/// Runs `../shared/tmx/check-tmx` on `file` when python3 and the script are there; otherwise a
/// notice, or a failure when BITEXT_REQUIRE_TMX_CHECK=1 (as CI sets it).
fn external_check(file: &Path, units: usize) {
    let python = std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !python || !Path::new(CHECK_TMX).exists() {
        let required = std::env::var("BITEXT_REQUIRE_TMX_CHECK").is_ok_and(|v| v == "1");
        assert!(
            !required,
            "BITEXT_REQUIRE_TMX_CHECK=1 but python3 or {CHECK_TMX} is missing"
        );
        eprintln!("notice: python3 or {CHECK_TMX} missing; the external TMX check did not run");
        return;
    }
    let out = std::process::Command::new(CHECK_TMX)
        .arg(file)
        .arg("--expect-tus")
        .arg(units.to_string())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "check-tmx failed on {}:\n{stdout}{}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!("tmx-check: OK {units} units")),
        "{stdout}"
    );
}

// ---------------------------------------------------------------------------------------
// round trips

#[test]
fn tmx_round_trip_of_the_article_gives_the_same_bytes() {
    let env = Env::new();
    env.article("a.db");
    let tmx = String::from_utf8(assert_round_trip(&env, "a.db", "tmx")).unwrap();
    assert!(tmx.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\">"));
    assert!(tmx.contains("creationtool=\"bitext\""), "{tmx}");
    assert!(tmx.contains("srclang=\"ar\""));
    assert!(tmx.contains("<prop type=\"x-document\">kazakhstan-2022</prop>"));
    assert!(tmx.contains("<tu tuid=\"1\" creationdate=\""));
    assert!(tmx.contains("<tuv xml:lang=\"ar\"><seg>"));
    assert!(tmx.ends_with("</body>\n</tmx>\n"));
}

#[test]
fn json_and_jsonl_round_trips_of_the_article_give_the_same_bytes() {
    let env = Env::new();
    env.article("a.db");
    let json = assert_round_trip(&env, "a.db", "json");
    let value: Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(value["format"], "bitext-units");
    assert_eq!(value["version"], 1);
    let jsonl = String::from_utf8(assert_round_trip(&env, "a.db", "jsonl")).unwrap();
    assert_eq!(
        jsonl.lines().count(),
        value["units"].as_array().unwrap().len()
    );
    // the units come back whole: ids, ranges, scores, times and users
    let original = env.units("a.db");
    let copied = env.units("a.db.fresh-json.db");
    assert_eq!(original, copied);
}

#[test]
fn awkward_characters_and_inline_markup_survive_every_format() {
    let env = Env::new();
    env.awkward("a.db");
    for format in ["tmx", "json", "jsonl"] {
        assert_round_trip(&env, "a.db", format);
    }
    let tmx = String::from_utf8(env.read("a.db.first.tmx")).unwrap();
    // the markup of the other tool's file comes back byte for byte
    for kept in [
        r#"<seg>Click <bpt i="1" x="1">&lt;b&gt;</bpt>Save<ept i="1">&lt;/b&gt;</ept> to keep <hi type="em">your</hi> changes.</seg>"#,
        r#"<ph x="1" type="x-placeholder">{0}</ph> <it pos="begin" x="2">&lt;i&gt;</it>important"#,
        r#"<ph>&lt;img alt="<sub>Picture</sub>"&gt;</ph> See the picture"#,
        "\u{202B}\"5 &lt; 6\"\u{202C}",
    ] {
        assert!(tmx.contains(kept), "lost: {kept}");
    }
    // plain text is escaped by the writer; \r survives as a character reference
    assert!(tmx.contains("He said: \"a &amp; b &lt; c &gt; d\" and 'e'."));
    assert!(tmx.contains("&#13;"));
    assert!(tmx.contains("<prop type=\"x-document\">awkward &lt;&amp;&gt; \"names\"</prop>"));
    // what JSON carries rebuilds the same TMX
    env.ok("a.db", &["export", "-o", "all.json"]);
    env.ok("c.db", &["import", "all.json"]);
    env.ok("c.db", &["export", "-o", "again.tmx"]);
    assert_eq!(env.read("again.tmx"), env.read("a.db.first.tmx"));
}

#[test]
fn matching_sees_the_plain_text_of_marked_up_segments() {
    let env = Env::new();
    env.ok(
        "a.db",
        &["import", fixture("foreign.tmx").to_str().unwrap()],
    );
    let units = env.units("a.db");
    let texts: Vec<&str> = units
        .iter()
        .map(|u| u["target"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        [
            "Tom & Jerry said \"5 < 6\" and '7 > 3' 🙂.",
            "Click Save to keep your changes.",
            "The file contains  important records.",
            "If a < b & c > d",
            " See the picture",
        ]
    );
    assert_eq!(
        units[0]["source"],
        "قال توم & جيري \u{202B}\"5 < 6\"\u{202C} و'7 > 3' 🙂\u{200F}."
    );
    assert_eq!(
        units[1]["source_markup"],
        r#"انقر على <bpt i="1" x="1">&lt;b&gt;</bpt>حفظ<ept i="1">&lt;/b&gt;</ept> للاحتفاظ <hi type="em">بتغييراتك</hi>."#
    );
}

// ---------------------------------------------------------------------------------------
// the external check

#[test]
fn exported_tmx_passes_the_external_check() {
    let env = Env::new();
    env.awkward("a.db");
    env.ok("a.db", &["export", "-o", "all.tmx"]);
    let units = env.units("a.db").len();
    external_check(&env.path("all.tmx"), units);
    // and an export of nothing is a valid TMX too
    env.ok(
        "a.db",
        &["export", "--status", "approved", "-o", "none.tmx"],
    );
    external_check(&env.path("none.tmx"), 0);
}

// ---------------------------------------------------------------------------------------
// export options

#[test]
fn export_filters_by_document_status_and_score() {
    let env = Env::new();
    env.awkward("a.db");
    let count = |args: &[&str]| {
        let mut all = vec!["export", "--format", "json"];
        all.extend_from_slice(args);
        env.json("a.db", &all)["units"].as_array().unwrap().len()
    };
    let all = count(&[]);
    let article = count(&["--document", "kazakhstan-2022"]);
    let foreign = count(&["--document", "foreign"]);
    assert_eq!(foreign, 5);
    assert!(article > 5 && article + foreign < all);
    // imported units have no score, so a minimum score leaves them out
    assert!(count(&["--min-score", "0.0"]) <= all - foreign);
    assert_eq!(count(&["--status", "approved"]), 0);
    assert_eq!(count(&["--status", "draft", "--status", "approved"]), all);
}

#[test]
fn tmx_leaves_rejected_pairs_out_unless_asked_and_json_keeps_them() {
    let env = Env::new();
    env.article("a.db");
    env.ok("a.db", &["edit", "4", "7", "--status", "rejected"]);
    let tus = |tmx: &str| tmx.matches("<tu ").count();
    let out = env
        .bitext("a.db", &["export", "-o", "cat.tmx"])
        .assert()
        .success();
    let said = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        said.contains("exported 16 pairs to cat.tmx; left out 2 rejected pairs (--all or --status rejected takes them)"),
        "{said}"
    );
    let tmx = String::from_utf8(env.read("cat.tmx")).unwrap();
    assert_eq!(tus(&tmx), 16);
    assert!(!tmx.contains("<prop type=\"x-status\">rejected</prop>"));
    assert_eq!(tus(&env.ok("a.db", &["export", "--all"])), 18);
    assert_eq!(tus(&env.ok("a.db", &["export", "--status", "rejected"])), 2);
    // JSON is the whole memory
    let json = env.json("a.db", &["export", "--format", "json"]);
    assert_eq!(json["units"].as_array().unwrap().len(), 18);
}

#[test]
fn an_empty_selection_gives_a_valid_empty_file() {
    let env = Env::new();
    env.article("a.db");
    let json = env.json(
        "a.db",
        &["export", "--format", "json", "--status", "rejected"],
    );
    assert_eq!(json["units"], Value::Array(vec![]));
    let jsonl = env.ok(
        "a.db",
        &["export", "--format", "jsonl", "--status", "rejected"],
    );
    assert_eq!(jsonl, "");
    let tmx = env.ok("a.db", &["export", "--status", "rejected"]);
    assert!(tmx.contains("<body>\n  </body>"), "{tmx}");
    env.write("empty.tmx", &tmx);
    let out = env.ok("b.db", &["import", "--json", "empty.tmx"]);
    let summary: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(summary["imported"], 0);
}

#[test]
fn the_output_format_follows_the_file_name() {
    let env = Env::new();
    env.article("a.db");
    env.ok("a.db", &["export", "-o", "out.jsonl"]);
    let text = String::from_utf8(env.read("out.jsonl")).unwrap();
    assert!(text.lines().all(|l| l.starts_with("{\"id\":")));
    env.ok("a.db", &["export", "-o", "out.json"]);
    assert!(
        env.read("out.json")
            .starts_with(b"{\"format\":\"bitext-units\"")
    );
    env.ok("a.db", &["export", "-o", "out.xml"]);
    assert!(env.read("out.xml").starts_with(b"<?xml"));
}

#[test]
fn a_failed_export_leaves_the_old_file_alone() {
    let env = Env::new();
    env.article("a.db");
    env.write("out.tmx", "old contents");
    env.fails(
        "a.db",
        &["export", "--document", "nope", "-o", "out.tmx"],
        1,
        &["no document named 'nope'"],
    );
    assert_eq!(env.read("out.tmx"), b"old contents");
    // a unit XML cannot carry stops the export before the file is replaced
    env.write("ff-ar.txt", "نص\u{C}مع فاصل صفحة.\n");
    env.write("ff-en.txt", "Text with a form\u{C}feed.\n");
    env.ok(
        "a.db",
        &["align", "--lines", "--name", "ff", "ff-ar.txt", "ff-en.txt"],
    );
    env.fails(
        "a.db",
        &["export", "-o", "out.tmx"],
        1,
        &["U+000C", "export as JSON"],
    );
    assert_eq!(env.read("out.tmx"), b"old contents");
    let leftovers: Vec<_> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".part"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // JSON carries it
    env.ok("a.db", &["export", "--document", "ff", "-o", "ff.json"]);
    assert!(
        String::from_utf8(env.read("ff.json"))
            .unwrap()
            .contains("\\f")
    );
}

#[test]
fn export_needs_an_existing_memory_and_leaves_it_alone() {
    let env = Env::new();
    env.fails("none.db", &["export"], 1, &["no translation memory"]);
    assert!(!env.path("none.db").exists());
    env.article("a.db");
    env.fails("a.db", &["export", "-o", "a.db"], 1, &["the memory itself"]);
    assert_eq!(env.units("a.db").len(), 18);
}

// ---------------------------------------------------------------------------------------
// import of other tools' TMX

#[test]
fn another_tools_tmx_keeps_its_fields_props_and_notes() {
    let env = Env::new();
    let summary = env.json(
        "a.db",
        &["import", "--json", fixture("foreign.tmx").to_str().unwrap()],
    );
    assert_eq!(summary["imported"], 5);
    assert_eq!(summary["skipped"], 1);
    assert_eq!(summary["duplicates"], 0);
    assert_eq!(summary["created_documents"], serde_json::json!(["foreign"]));
    let units = env.units("a.db");
    let first = &units[0];
    assert_eq!(first["id"], 101);
    assert_eq!(first["document"], "foreign");
    assert_eq!(first["status"], "draft");
    assert_eq!(first["score"], Value::Null);
    assert_eq!(first["source_sentences"], Value::Null);
    assert_eq!(first["created"], "2025-01-01T12:00:00Z");
    assert_eq!(first["created_by"], "translator1");
    assert_eq!(first["changed"], "2025-01-02T08:30:00Z");
    assert_eq!(first["changed_by"], "reviewer1");
    assert_eq!(first["note"], "Special chars: & < > \" '");
    // a unit without dates gets the import's time and user
    assert_eq!(units[1]["created_by"], "tester");
    let tmx = env.ok("a.db", &["export"]);
    for kept in [
        "usagecount=\"3\"",
        "<prop type=\"x-client\">ACME &amp; Sons</prop>",
        "<note xml:lang=\"en\">a second note</note>",
        "<tu tuid=\"abc-103\"",
        "srclang=\"en\"",
        "<tuv xml:lang=\"ar-SA\" creationid=\"ar-reviewer\"><prop type=\"x-origin\">TM</prop><seg>",
        "<tuv xml:lang=\"AR\">",
        "<tuv xml:lang=\"en-GB\">",
    ] {
        assert!(tmx.contains(kept), "lost {kept} in\n{tmx}");
    }
    // the French variants are not kept: only the two languages of the memory are
    assert!(!tmx.contains("fr-FR"));
}

#[test]
fn languages_are_matched_on_their_primary_subtag_either_way_round() {
    let env = Env::new();
    let foreign = fixture("foreign.tmx");
    let summary = env.json(
        "a.db",
        &[
            "import",
            "--json",
            "--source-lang",
            "EN-us",
            "--target-lang",
            "ar_SA",
            "--document",
            "reversed",
            foreign.to_str().unwrap(),
        ],
    );
    assert_eq!(summary["imported"], 5);
    let units = env.units("a.db");
    assert_eq!(units[0]["source_lang"], "en");
    assert_eq!(units[0]["document"], "reversed");
    assert!(
        units[0]["source"]
            .as_str()
            .unwrap()
            .starts_with("Tom & Jerry said")
    );
}

#[test]
fn duplicates_are_skipped_and_counted_unless_kept() {
    let env = Env::new();
    let foreign = fixture("foreign.tmx");
    let foreign = foreign.to_str().unwrap();
    env.ok("a.db", &["import", foreign]);
    let again = env.json("a.db", &["import", "--json", foreign]);
    assert_eq!(
        (again["imported"].as_u64(), again["duplicates"].as_u64()),
        (Some(0), Some(5))
    );
    let text = env.ok("a.db", &["import", foreign]);
    assert!(text.contains("5 duplicates skipped"), "{text}");
    let kept = env.json("a.db", &["import", "--json", "--keep-duplicates", foreign]);
    assert_eq!(kept["imported"], 5);
    // the four numeric tuids are taken by the first import
    assert_eq!(kept["renumbered"], 4);
    assert_eq!(env.units("a.db").len(), 10);
    // the same pair twice in one file counts too
    env.article("b.db");
    env.ok("b.db", &["export", "-o", "one.jsonl"]);
    let mut twice = String::from_utf8(env.read("one.jsonl")).unwrap();
    twice += &twice.clone();
    env.write("twice.jsonl", twice);
    let summary = env.json("c.db", &["import", "--json", "twice.jsonl"]);
    assert_eq!(summary["imported"], summary["duplicates"]);
}

#[test]
fn utf16_files_with_a_byte_order_mark_are_read() {
    let env = Env::new();
    let text = std::fs::read_to_string(fixture("foreign.tmx"))
        .unwrap()
        .replacen("encoding=\"UTF-8\"", "encoding=\"UTF-16\"", 1);
    let le: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let be: Vec<u8> = [0xFE, 0xFF]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
        .collect();
    env.write("le.tmx", le);
    env.write("be.tmx", be);
    env.ok(
        "utf8.db",
        &["import", fixture("foreign.tmx").to_str().unwrap()],
    );
    let texts = |db: &str| -> Vec<(Value, Value, Value)> {
        env.units(db)
            .into_iter()
            .map(|u| {
                (
                    u["source"].clone(),
                    u["target"].clone(),
                    u["source_markup"].clone(),
                )
            })
            .collect()
    };
    for file in ["le.tmx", "be.tmx"] {
        let db = format!("{file}.db");
        env.ok(&db, &["import", file]);
        assert_eq!(texts(&db), texts("utf8.db"), "{file}");
    }
}

#[test]
fn a_utf8_byte_order_mark_is_passed_over() {
    let env = Env::new();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(std::fs::read(fixture("foreign.tmx")).unwrap());
    env.write("bom.tmx", &bytes);
    env.ok("a.db", &["import", "bom.tmx"]);
    assert_eq!(env.units("a.db").len(), 5);
    env.write(
        "bom-cut.tmx",
        b"\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<tmx>\n<body><tu>\n",
    );
    import_fails(
        &env,
        "bom-cut.tmx",
        &["bom-cut.tmx:4:1:", "ends inside <tu>"],
    );
}

#[test]
fn a_declared_legacy_encoding_is_read() {
    let env = Env::new();
    env.ok(
        "a.db",
        &["import", fixture("windows-1256.tmx").to_str().unwrap()],
    );
    let units = env.units("a.db");
    assert_eq!(units[0]["source"], "مرحبا بالعالم");
    assert_eq!(units[0]["target"], "Hello, world — café");
}

// ---------------------------------------------------------------------------------------
// bad input

/// Runs an import that must fail and checks the memory did not change.
fn import_fails(env: &Env, file: &str, needles: &[&str]) -> String {
    let before = env.units("a.db");
    let line = env.fails("a.db", &["import", file], 1, needles);
    assert_eq!(env.units("a.db"), before, "the memory changed");
    line
}

#[test]
fn a_truncated_tmx_imports_nothing_and_says_where() {
    let env = Env::new();
    env.article("a.db");
    env.ok("a.db", &["export", "-o", "full.tmx"]);
    let full = env.read("full.tmx");
    let cut = &full[..full.len() / 2];
    env.write("cut.tmx", cut);
    let lines = String::from_utf8_lossy(cut).lines().count();
    let message = import_fails(&env, "cut.tmx", &["cut.tmx:", "truncated"]);
    assert!(
        message.contains(&format!("cut.tmx:{lines}:")),
        "{message} (the file has {lines} lines)"
    );
    // cut inside a tag
    let at = full.windows(4).position(|w| w == b"<tu ").unwrap() + 6;
    env.write("cut-tag.tmx", &full[..at]);
    import_fails(&env, "cut-tag.tmx", &["cut-tag.tmx:", "malformed XML"]);
}

#[test]
fn malformed_tmx_is_refused_with_its_line_and_column() {
    let env = Env::new();
    env.article("a.db");
    let tmx = |body: &str| {
        format!(
            "<?xml version=\"1.0\"?>\n<tmx version=\"1.4\">\n<header creationtool=\"t\" \
             creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"t\" adminlang=\"en\" \
             srclang=\"ar\" datatype=\"plaintext\"/>\n<body>\n{body}\n</body>\n</tmx>\n"
        )
    };
    let good =
        "<tu><tuv xml:lang=\"ar\"><seg>أ</seg></tuv><tuv xml:lang=\"en\"><seg>a</seg></tuv></tu>";
    let cases: [(&str, String, &[&str]); 8] = [
        (
            "root.tmx",
            "<?xml version=\"1.0\"?>\n<xliff version=\"1.2\"></xliff>\n".into(),
            &["root.tmx:2:1:", "<xliff>", "not a TMX file"],
        ),
        (
            "lang.tmx",
            tmx(&format!(
                "{good}\n  <tu><tuv><seg>أ</seg></tuv><tuv xml:lang=\"en\"><seg>a</seg></tuv></tu>"
            )),
            &["lang.tmx:6:7:", "xml:lang"],
        ),
        (
            "unclosed.tmx",
            tmx("<tu><tuv xml:lang=\"ar\"><seg>أ</tuv></tu>"),
            &["unclosed.tmx:5:", "malformed XML"],
        ),
        (
            "amp.tmx",
            tmx("<tu><tuv xml:lang=\"ar\"><seg>Tom & Jerry</seg></tuv></tu>"),
            &["amp.tmx:5:", "malformed XML"],
        ),
        (
            "entity.tmx",
            tmx("<tu><tuv xml:lang=\"ar\"><seg>a&nbsp;b</seg></tuv></tu>"),
            &["entity.tmx:5:", "&nbsp;"],
        ),
        (
            "date.tmx",
            tmx(
                "<tu creationdate=\"2025-01-02 08:30:00\"><tuv xml:lang=\"ar\"><seg>أ</seg></tuv><tuv xml:lang=\"en\"><seg>a</seg></tuv></tu>",
            ),
            &["date.tmx:5:1:", "YYYYMMDDThhmmssZ"],
        ),
        (
            "noseg.tmx",
            tmx("<tu><tuv xml:lang=\"ar\"></tuv></tu>"),
            &["noseg.tmx:5:5:", "no <seg>"],
        ),
        ("empty.tmx", String::new(), &["empty.tmx:1:1:", "no <tmx>"]),
    ];
    for (name, text, needles) in cases {
        env.write(name, text);
        import_fails(&env, name, needles);
    }
}

#[test]
fn a_unit_with_one_language_is_skipped_and_counted_not_fatal() {
    let env = Env::new();
    env.write(
        "one.tmx",
        "<?xml version=\"1.0\"?>\n<tmx version=\"1.4\"><header creationtool=\"t\" creationtoolversion=\"1\" \
         segtype=\"sentence\" o-tmf=\"t\" adminlang=\"en\" srclang=\"ar\" datatype=\"plaintext\"/><body>\
         <tu><tuv xml:lang=\"ar\"><seg>وحده</seg></tuv></tu>\
         <tu><tuv xml:lang=\"ar\"><seg>أ</seg></tuv><tuv xml:lang=\"en\"><seg/></tuv></tu>\
         </body></tmx>",
    );
    let text = env.ok("a.db", &["import", "one.tmx"]);
    assert!(text.contains("imported 1 pair"), "{text}");
    assert!(
        text.contains("1 translation unit skipped: without a variant in ar or in en"),
        "{text}"
    );
    // an empty segment is a pair with an empty side, not a missing language
    assert_eq!(env.units("a.db")[0]["target"], "");
}

#[test]
fn malformed_json_is_refused_with_its_line_and_column() {
    let env = Env::new();
    env.article("a.db");
    let cases: [(&str, &str, &[&str]); 7] = [
        (
            "broken.json",
            "{\"format\":\"bitext-units\",\"version\":1,\"units\":[\n{\"source\":\"أ\",\"target\":\"a\"},\n{\"source\":\"ب\" \"target\":\"b\"}\n]}\n",
            &["broken.json:3:15:", "malformed JSON"],
        ),
        (
            "cut.json",
            "{\"format\":\"bitext-units\",\"version\":1,\"units\":[\n{\"source\":\"أ\",\"target\":\"a\"},\n",
            &["cut.json:", "truncated"],
        ),
        (
            "score.json",
            "[{\"source\":\"أ\",\"target\":\"a\"},\n {\"source\":\"ب\",\"target\":\"b\",\"score\":2}]",
            &["score.json:2:", "\"score\" must be between 0 and 1"],
        ),
        (
            "field.json",
            "{\"units\":[{\"source\":\"أ\",\"target\":\"a\",\"colour\":\"red\"}]}",
            &["field.json:1:", "unknown field `colour`"],
        ),
        (
            "version.json",
            "{\"format\":\"bitext-units\",\"version\":7,\"units\":[]}",
            &["version.json:1:", "version 7"],
        ),
        (
            "bad.jsonl",
            "{\"source\":\"أ\",\"target\":\"a\"}\n\n{\"source\":\"ب\",\"target\":}\n",
            &["bad.jsonl:3:24:", "malformed JSON"],
        ),
        (
            "time.jsonl",
            "{\"source\":\"أ\",\"target\":\"a\",\"created\":\"yesterday\"}\n",
            &["time.jsonl:1:", "\"created\""],
        ),
    ];
    for (name, text, needles) in cases {
        env.write(name, text);
        import_fails(&env, name, needles);
    }
}

#[test]
fn unknown_formats_and_missing_files_are_refused() {
    let env = Env::new();
    env.write("pairs.txt", "a\tb\n");
    env.fails(
        "a.db",
        &["import", "pairs.txt"],
        1,
        &["cannot tell the format of pairs.txt", "--format"],
    );
    env.fails(
        "a.db",
        &["import", "--format", "xml", "pairs.txt"],
        2,
        &["xml"],
    );
    env.fails("a.db", &["export", "--format", "csv"], 2, &["csv"]);
    env.fails(
        "a.db",
        &["import", "missing.tmx"],
        1,
        &["cannot read missing.tmx: no such file or directory"],
    );
    env.fails("a.db", &["import", "."], 1, &["directory"]);
    env.fails(
        "a.db",
        &["import", "-", "--format", "jsonl"],
        1,
        &["not standard input"],
    );
    // nothing was created by the failed imports
    assert!(!env.path("a.db").exists());
    // and a failed import into a new memory leaves no memory behind
    env.write("bad.tmx", "<tmx><body><tu>");
    env.fails("a.db", &["import", "bad.tmx"], 1, &["bad.tmx:1:"]);
    assert!(!env.path("a.db").exists());
}

#[test]
fn a_json_file_may_be_a_bare_array_with_only_the_texts() {
    let env = Env::new();
    env.write(
        "minimal.json",
        "[{\"source\":\"صباح الخير\",\"target\":\"Good morning\"},\n {\"source\":\"شكرا\",\"target\":\"Thanks\",\"status\":\"approved\",\"document\":\"greetings\"}]",
    );
    env.ok("a.db", &["import", "minimal.json"]);
    let units = env.units("a.db");
    assert_eq!(units[0]["document"], "minimal");
    assert_eq!(units[0]["position"], 0);
    assert_eq!(units[1]["document"], "greetings");
    assert_eq!(units[1]["status"], "approved");
    assert_eq!(units[1]["created_by"], "tester");
}

// ---------------------------------------------------------------------------------------
// the JSON schema

#[test]
fn json_exports_validate_against_the_schema() {
    let env = Env::new();
    env.awkward("a.db");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(SCHEMA).unwrap()).unwrap();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    let export = env.json("a.db", &["export", "--format", "json"]);
    let errors: Vec<String> = validator
        .iter_errors(&export)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // each JSON Lines line is a $defs/unit
    let mut unit_schema = schema.clone();
    unit_schema["$ref"] = Value::from("#/$defs/unit");
    for key in ["type", "required", "additionalProperties", "properties"] {
        unit_schema.as_object_mut().unwrap().remove(key);
    }
    let unit_validator = jsonschema::draft202012::new(&unit_schema).unwrap();
    for unit in env.units("a.db") {
        assert!(unit_validator.is_valid(&unit), "{unit}");
    }
    // every field the schema requires is written, and nothing it does not know
    let required: Vec<&str> = schema["$defs"]["unit"]["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let first = export["units"][0].as_object().unwrap();
    let mut written: Vec<&str> = first.keys().map(String::as_str).collect();
    let mut required = required;
    written.sort_unstable();
    required.sort_unstable();
    assert_eq!(written, required);
    // and a unit that breaks it is caught
    let mut bad = export["units"][0].clone();
    bad["status"] = Value::from("finished");
    assert!(!unit_validator.is_valid(&bad));
}
