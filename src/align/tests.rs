use super::*;

const AR: &str = include_str!("../../corpus/kazakhstan-2022/ar.txt");
const EN: &str = include_str!("../../corpus/kazakhstan-2022/en.txt");

fn sentences(text: &str, lang: Lang) -> Vec<&str> {
    crate::segment::split(text, lang)
        .into_iter()
        .map(|s| s.text(text))
        .collect()
}

fn shape(beads: &[Bead]) -> String {
    beads::format(beads)
}

#[test]
fn the_article_aligns_to_its_gold_standard() {
    let ar = sentences(AR, Lang::Ar);
    let en = sentences(EN, Lang::En);
    let got = align(&ar, &en, &Config::default());
    let gold = include_str!("../../corpus/kazakhstan-2022/gold.txt");
    assert_eq!(shape(&got), gold);
}
