//! A reviewer's desk: a scratch folder with the article's texts and a memory holding them, and
//! the commands the review and realign tests run on it.

use std::path::PathBuf;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

/// A scratch folder with copies of the article's two texts and a memory holding them as
/// document `article` (units 1 to 18, as its gold alignment in whole sentences).
pub struct Desk {
    pub dir: TempDir,
}

impl Desk {
    pub fn new() -> Desk {
        let desk = Desk {
            dir: TempDir::new().unwrap(),
        };
        std::fs::copy(super::article_ar(), desk.path("ar.txt")).unwrap();
        std::fs::copy(super::article_en(), desk.path("en.txt")).unwrap();
        desk.ok(&[
            "align",
            "--no-split",
            "ar.txt",
            "en.txt",
            "--name",
            "article",
        ]);
        desk
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn bitext(&self) -> Command {
        super::bitext(self.dir.path(), &self.path("tm.db"))
    }

    /// Runs a command that must succeed; returns (stdout, stderr).
    pub fn ok(&self, args: &[&str]) -> (String, String) {
        let out = self.bitext().args(args).assert().success();
        let o = out.get_output();
        (
            String::from_utf8(o.stdout.clone()).unwrap(),
            String::from_utf8(o.stderr.clone()).unwrap(),
        )
    }

    pub fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args).0).unwrap()
    }

    pub fn units(&self) -> Value {
        self.json(&["list", "--json"])
    }

    pub fn history(&self) -> Value {
        self.json(&["history", "--json"])
    }

    pub fn unit(&self, id: i64) -> Value {
        self.json(&["show", &id.to_string(), "--json"])
    }

    /// A command that must fail with `code` and one line holding `needle`, changing nothing.
    pub fn fails(&self, args: &[&str], code: i32, needle: &str) -> String {
        let before = (self.units(), self.history());
        let out = self.bitext().args(args).assert().code(code);
        let line = super::one_line_error(out.get_output(), &[needle]);
        assert_eq!(
            (self.units(), self.history()),
            before,
            "{args:?} changed the memory"
        );
        line
    }
}
