//! `bitext align` as a translator meets it: a run-on Arabic sentence split where the English
//! splits it, and the input checks that catch swapped, mislabelled or cut-short texts before
//! anything is stored.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

use common::{CORPUS, article_ar as ar, article_en as en, one_line_error};

/// A scratch folder and a memory path in it.
struct Env {
    dir: TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: TempDir::new().unwrap(),
        }
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("tm.db")
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn bitext(&self) -> Command {
        common::bitext(self.dir.path(), &self.db())
    }

    /// Runs a command that must succeed; returns its standard output and standard error.
    fn run(&self, args: &[&str]) -> (String, String) {
        let out = self.bitext().args(args).output().unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(out.status.success(), "{args:?}: {stderr}");
        (String::from_utf8(out.stdout).unwrap(), stderr)
    }

    /// Runs a command that must fail with `code` and one line naming every one of `needles`.
    fn fails(&self, args: &[&str], code: i32, needles: &[&str]) {
        let out = self.bitext().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(code), "{args:?}");
        one_line_error(&out, needles);
    }

    fn units(&self) -> Vec<Value> {
        let (stdout, _) = self.run(&["list", "--json"]);
        serde_json::from_str::<Value>(&stdout)
            .unwrap()
            .as_array()
            .unwrap()
            .clone()
    }
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

// ---------------------------------------------------------------------------------------
// splitting a sentence where the translation splits it

#[test]
fn a_run_on_arabic_sentence_is_split_where_the_english_splits_it() {
    let env = Env::new();
    let (tsv, _) = env.run(&[
        "align",
        "--no-store",
        "--format",
        "tsv",
        path(&ar()),
        path(&en()),
    ]);
    let pairs: Vec<(&str, &str)> = tsv.lines().map(|l| l.split_once('\t').unwrap()).collect();
    assert_eq!(pairs.len(), 20);
    // Arabic 3 before «وقال في بيان»
    assert!(pairs[3].0.ends_with("عنفًا غير مسبوق"), "{}", pairs[3].0);
    assert!(pairs[3].1.ends_with("unprecedented violence."));
    assert!(pairs[4].0.starts_with("وقال في بيان"), "{}", pairs[4].0);
    assert!(pairs[4].1.starts_with("In a statement after a meeting"));
    // Arabic 16 before «بيد أن»
    assert!(pairs[17].0.ends_with("للفترة نفسها،"), "{}", pairs[17].0);
    assert!(pairs[18].0.starts_with("بيد أن الإعلان"), "{}", pairs[18].0);
    assert!(pairs[18].1.starts_with("However,"));
}

#[test]
fn no_split_keeps_whole_sentences_and_beads_number_the_sentences_aligned() {
    let env = Env::new();
    let (beads, _) = env.run(&[
        "align",
        "--no-store",
        "--format",
        "beads",
        "--no-split",
        path(&ar()),
        path(&en()),
    ]);
    let lines: Vec<&str> = beads.lines().collect();
    assert_eq!(lines.len(), 18);
    assert_eq!(lines[3], "[3]:[3,4]");
    assert_eq!(lines[16], "[16]:[17,18]");
    // split, the beads number the parts as sentences: the gold of corpus/
    let (split, _) = env.run(&[
        "align",
        "--no-store",
        "--format",
        "beads",
        path(&ar()),
        path(&en()),
    ]);
    let gold = std::fs::read_to_string(Path::new(CORPUS).join("gold.txt")).unwrap();
    assert_eq!(split, gold);
}

#[test]
fn the_parts_are_stored_as_the_documents_sentences_and_rebuild_its_text() {
    let env = Env::new();
    env.run(&["align", path(&ar()), path(&en())]);
    let units = env.units();
    assert_eq!(units.len(), 20);
    let article = std::fs::read_to_string(ar()).unwrap();
    // each unit's Arabic is the next stretch of the text, with only whitespace between
    let mut at = 0;
    for (k, u) in units.iter().enumerate() {
        assert_eq!(u["source_sentences"], serde_json::json!([k]));
        let source = u["source"].as_str().unwrap();
        let found = article[at..].find(source).expect("a stretch of the text") + at;
        assert!(
            article[at..found].trim().is_empty(),
            "text lost before unit {k}"
        );
        at = found + source.len();
    }
    assert!(article[at..].trim().is_empty());
    assert_eq!(
        units[4]["source"].as_str().unwrap().split(' ').next(),
        Some("وقال")
    );
}

// ---------------------------------------------------------------------------------------
// input checks

#[test]
fn texts_given_the_wrong_way_round_are_refused_with_one_line() {
    let env = Env::new();
    env.fails(
        &["align", path(&en()), path(&ar())],
        1,
        &["wrong way round", "en.txt", "ar.txt", "--force"],
    );
    assert!(!env.db().exists(), "nothing stored, no memory made");
    // saying what the languages are is enough
    env.run(&[
        "align",
        "--no-store",
        "--source-lang",
        "en",
        "--target-lang",
        "ar",
        path(&en()),
        path(&ar()),
    ]);
    // and --force aligns them as given
    env.run(&["align", "--no-store", "--force", path(&en()), path(&ar())]);
}

#[test]
fn a_text_in_the_wrong_script_for_its_language_is_refused() {
    let env = Env::new();
    env.fails(
        &["align", path(&ar()), path(&ar())],
        1,
        &[
            "the target",
            "does not look English",
            "--target-lang",
            "--force",
        ],
    );
    env.fails(
        &["align", path(&en()), path(&en())],
        1,
        &[
            "the source",
            "does not look Arabic",
            "--source-lang",
            "--force",
        ],
    );
    // a few Latin words in Arabic text, or a short text, are no mismatch
    let short = env.write("short.txt", "Reuters: 26 قتيلا.\n");
    let en_short = env.write("short-en.txt", "Reuters: 26 killed.\n");
    env.run(&["align", "--no-store", path(&short), path(&en_short)]);
}

#[test]
fn a_text_that_looks_cut_short_gets_a_warning_and_is_aligned() {
    let env = Env::new();
    let english = std::fs::read_to_string(en()).unwrap();
    let first = env.write("first.txt", english.split("\n\n").next().unwrap());
    let (_, stderr) = env.run(&["align", "--no-store", path(&ar()), path(&first)]);
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("warning")).collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(warnings[0].starts_with("bitext: warning: "));
    assert!(warnings[0].contains("cut short"), "{stderr}");
    assert!(warnings[0].contains("first.txt"), "{stderr}");
    // the whole translation gets no warning
    let (_, stderr) = env.run(&["align", "--no-store", path(&ar()), path(&en())]);
    assert!(!stderr.contains("warning"), "{stderr}");
}

/// An English text about something else than the article, about as long as its translation.
const UNRELATED: &str = "Heavy snow closed several mountain roads in the north of the country on Tuesday, the weather service said. Forecasters expect the cold spell to last until the end of the week. Schools in three provinces will stay shut on Wednesday. Farmers have been told to bring their livestock indoors. The national airline cancelled twelve flights because of poor visibility. Temperatures fell to minus eighteen degrees in the highest villages. Power lines were brought down by the weight of the ice. Engineers worked through the night to restore electricity to about four thousand homes. The mayor of the capital urged residents to avoid unnecessary journeys. Buses ran on a reduced timetable. Hospitals reported a rise in patients with fractures after falls on icy pavements. Ski resorts, by contrast, welcomed the early snowfall. Hotel bookings for the holiday season have risen sharply, operators said. The weather service warned that strong winds could cause drifts on the main highway, and drivers were advised to carry chains, blankets, food and water in case they were stranded. A thaw is forecast for next Monday, which may bring flooding in the valleys after a wet autumn. Rivers are already high, and emergency teams have been placed on standby along the southern river basin. Residents of low-lying districts were asked to move valuables upstairs and to follow the instructions of the local authorities. The weather service will publish a new forecast on Thursday morning.";

#[test]
fn texts_that_are_not_translations_of_each_other_get_a_warning() {
    let env = Env::new();
    let weather = env.write("weather.txt", UNRELATED);
    let out = env
        .bitext()
        .args(["align", "--json", path(&ar()), path(&weather)])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr
            .starts_with("bitext: warning: the texts do not look like translations of each other"),
        "{stderr}"
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let scores: Vec<f64> = json["beads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["score"].as_f64().unwrap())
        .collect();
    assert!(
        scores.iter().sum::<f64>() / (scores.len() as f64) < 0.1,
        "{scores:?}"
    );
    // stored all the same: the warning is advice, the reviewer decides
    assert_eq!(env.units().len(), scores.len());
}

#[test]
fn the_year_marker_does_not_end_a_sentence_unless_one_begins_after_it() {
    let env = Env::new();
    let text = env.write(
        "era.txt",
        "وقعت الحادثة في عام 2022 م. في مدينة ألماتي. بني المعبد عام 300 ق.م. ثم هدم. انظر ص. 45 وما بعدها. توفي سنة 505 هـ. وكان عالما.",
    );
    let (stdout, _) = env.run(&["segment", "--lang", "ar", path(&text)]);
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        [
            "وقعت الحادثة في عام 2022 م. في مدينة ألماتي.",
            "بني المعبد عام 300 ق.م.",
            "ثم هدم.",
            "انظر ص. 45 وما بعدها.",
            "توفي سنة 505 هـ.",
            "وكان عالما.",
        ]
    );
}
