//! Texts from standard input or an editor, and word-level changes (issue 9 §3): Arabic
//! corrections full of quotes need not be shell arguments.

mod common;

use std::path::PathBuf;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

/// A scratch memory holding the aligned article.
struct Desk {
    dir: TempDir,
}

impl Desk {
    fn new() -> Desk {
        let desk = Desk {
            dir: TempDir::new().unwrap(),
        };
        desk.bitext()
            .args(["align", "--no-lexical", "--no-split"])
            .arg(common::article_ar())
            .arg(common::article_en())
            .assert()
            .success();
        desk
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("tm.db")
    }

    fn bitext(&self) -> Command {
        common::bitext(self.dir.path(), &self.db())
    }

    fn unit(&self, id: i64) -> Value {
        let out = self
            .bitext()
            .args(["show", &id.to_string(), "--json"])
            .assert()
            .success();
        serde_json::from_slice(&out.get_output().stdout).unwrap()
    }

    fn state(&self) -> (Value, Value) {
        let json = |args: &[&str]| -> Value {
            let out = self.bitext().args(args).assert().success();
            serde_json::from_slice(&out.get_output().stdout).unwrap()
        };
        (json(&["list", "--json"]), json(&["history", "--json"]))
    }
}

/// An Arabic correction with both kinds of quotes and a Latin name in it.
const ARABIC: &str =
    "وتضمّ القوة المرسَلة «حوالي» 2,500 جندي من \"منظمة معاهدة الأمن الجماعي\" (CSTO).";

#[test]
fn a_text_is_read_from_standard_input() {
    let desk = Desk::new();
    desk.bitext()
        .args(["edit", "9", "--source", "-"])
        .write_stdin(format!("{ARABIC}\n"))
        .assert()
        .success();
    // the line end that ends the input is not part of the text
    assert_eq!(desk.unit(9)["source"], ARABIC);
    desk.bitext()
        .args(["edit", "9", "--note", "-"])
        .write_stdin("checked against the wire copy\r\n")
        .assert()
        .success();
    assert_eq!(desk.unit(9)["note"], "checked against the wire copy");
    // one field at a time from standard input
    let before = desk.state();
    let out = desk
        .bitext()
        .args(["edit", "9", "--source", "-", "--target", "-"])
        .write_stdin("x")
        .assert()
        .code(1);
    common::one_line_error(out.get_output(), &["only one of", "standard input"]);
    let out = desk
        .bitext()
        .args(["edit", "9", "--target", "-"])
        .write_stdin(vec![b'a', 0xff, b'\n'])
        .assert()
        .code(1);
    common::one_line_error(out.get_output(), &["UTF-8"]);
    assert_eq!(desk.state(), before);
}

#[test]
fn edit_opens_the_pair_in_the_editor_and_applies_what_was_saved() {
    let desk = Desk::new();
    // the "editor" changes one word of the target and writes a note
    let editor = "sed -i -e s/soldiers/troops/ -e 's/^==== note ====$/&\\nasked the desk/'";
    let out = desk
        .bitext()
        .env("VISUAL", editor)
        .args(["edit", "9", "--edit"])
        .assert()
        .success();
    let shown = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let unit = desk.unit(9);
    assert_eq!(
        unit["target"],
        "The deployed force numbers about 2,500 troops."
    );
    assert_eq!(unit["note"], "asked the desk");
    assert_eq!(unit["source"], desk.unit(9)["source"]);
    // the change shows the word that changed, in place
    assert!(
        shown.contains("#9 target: The deployed force numbers about 2,500 [-soldiers-]{+troops+}."),
        "{shown}"
    );
    let history = desk.bitext().args(["history", "9"]).assert().success();
    let history = String::from_utf8(history.get_output().stdout.clone()).unwrap();
    assert!(history.contains("[-soldiers-]{+troops+}"), "{history}");
}

#[test]
fn edit_changes_nothing_when_the_file_is_unchanged_or_the_editor_fails() {
    let desk = Desk::new();
    let before = desk.state();
    for (editor, needle) in [
        ("true", "saved unchanged"),
        ("false", "exited with"),
        ("sed -i -e /====.note/d", "no '==== note ===='"),
    ] {
        let out = desk
            .bitext()
            .env("VISUAL", editor)
            .args(["edit", "9", "--edit"])
            .assert()
            .code(1);
        common::one_line_error(out.get_output(), &[needle]);
    }
    // one pair, and not with texts given otherwise
    let out = desk
        .bitext()
        .args(["edit", "9", "10", "--edit"])
        .assert()
        .code(1);
    common::one_line_error(out.get_output(), &["one pair"]);
    desk.bitext()
        .args(["edit", "9", "--edit", "--target", "x"])
        .assert()
        .code(2);
    assert_eq!(desk.state(), before);
}

#[test]
fn a_pair_changed_while_it_was_in_the_editor_is_not_overwritten() {
    let desk = Desk::new();
    // the "editor" is slow: meanwhile another reviewer approves the pair
    let other = format!(
        "{} --db {} --user other edit 9 --status approved > /dev/null && sed -i s/soldiers/troops/",
        assert_cmd::cargo::cargo_bin("bitext").display(),
        desk.db().display()
    );
    let out = desk
        .bitext()
        .env("VISUAL", other)
        .args(["edit", "9", "--edit"])
        .assert()
        .code(1);
    common::one_line_error(out.get_output(), &["9"]);
    let unit = desk.unit(9);
    assert_eq!(unit["status"], "approved");
    assert_eq!(
        unit["target"],
        "The deployed force numbers about 2,500 soldiers."
    );
}
