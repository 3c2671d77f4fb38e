//! Measures the aligner on development data with settings changed from the defaults — the
//! tool the defaults were chosen with. Only the development half (doc000–doc039) should be
//! used for choosing; the held-out half (doc040–doc061) is for the final figures.
//!
//!     cargo run --release --example tune -- ../shared/devdata/hard doc000 doc039 lexical=0.5 p22=0.002
//!
//! Settings: number name latin sentences quotes marks lexical length (weights), p11 p12 p21
//! p10 p01 p22 p13 p31 (priors), mixture, temperature, nolex=1.

use bitext::align::beads::IndexBead;
use bitext::align::{Config, Training, align_corpus};
use bitext::eval::Scorer;
use bitext::segment;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (dir, first, last) = (&args[0], &args[1], &args[2]);
    let mut config = Config::default();
    for kv in &args[3..] {
        let (k, v) = kv.split_once('=').expect("key=value");
        let v: f64 = v.parse().expect("a number");
        let w = &mut config.weights;
        match k {
            "number" => w.number = v,
            "name" => w.name = v,
            "latin" => w.latin = v,
            "sentences" => w.sentences = v,
            "quotes" => w.quotes = v,
            "marks" => w.marks = v,
            "lexical" => w.lexical = v,
            "length" => w.length = v,
            "mixture" => config.mixture = v,
            "temperature" => config.temperature = v,
            "nolex" => config.lexical = v == 0.0,
            "outliers" => config.length_outliers = v,
            p if p.starts_with('p') => {
                let shape = &p[1..];
                let k = bitext::align::SHAPES
                    .iter()
                    .position(|(a, b)| format!("{a}{b}") == shape)
                    .expect("a shape such as p22");
                config.priors[k] = v;
            }
            _ => panic!("unknown setting {k}"),
        }
    }
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n >= first && n <= last)
        .collect();
    names.sort();
    let texts: Vec<(String, String, String)> = names
        .iter()
        .map(|n| {
            let read = |f: &str| std::fs::read_to_string(format!("{dir}/{n}/{f}")).unwrap();
            (read("ar.txt"), read("en.txt"), read("gold.txt"))
        })
        .collect();
    let docs: Vec<(Vec<&str>, Vec<&str>)> =
        texts.iter().map(|(a, e, _)| (side(a), side(e))).collect();
    let aligned = align_corpus(&docs, &Training::default(), &config);
    let mut scorer = Scorer::default();
    let (mut right, mut total, mut scored_right) = (0, 0, 0.0);
    for ((_, _, gold), beads) in texts.iter().zip(&aligned) {
        let gold = bitext::align::beads::parse(gold, "gold").unwrap();
        let pred: Vec<IndexBead> = beads.iter().map(IndexBead::from).collect();
        scorer.add(&gold, &pred);
        for (b, p) in beads.iter().zip(&pred) {
            total += 1;
            if gold.contains(p) {
                right += 1;
                scored_right += b.score;
            }
        }
    }
    let s = scorer.scores();
    println!(
        "strict {:.4} lax {:.4}  (beads right {right}/{total}, mean score of right beads {:.3})",
        s.f1_strict,
        s.f1_lax,
        scored_right / right.max(1) as f64
    );
}

fn side(text: &str) -> Vec<&str> {
    segment::lines(text)
        .into_iter()
        .map(|s| s.text(text))
        .collect()
}
