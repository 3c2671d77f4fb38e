//! Tests of the checks on made-up pairs and on the shipped article.

use super::*;
use crate::store::Status;

fn pair<'a>(id: i64, position: i64, source: &'a str, target: &'a str) -> Pair<'a> {
    Pair {
        id,
        document: "doc",
        position,
        source_lang: Lang::Ar,
        target_lang: Lang::En,
        source,
        target,
        score: None,
        status: Status::Draft,
        source_markup: None,
        target_markup: None,
    }
}

fn kinds(p: &Pair, models: &Models) -> Vec<Kind> {
    check_pair(p, models).into_iter().map(|f| f.kind).collect()
}

#[test]
fn numbers_that_differ_are_an_error_and_numbers_that_agree_are_not() {
    let good = pair(
        1,
        0,
        "قتل 26 شخصا وأصيب ١٨",
        "26 people were killed and 18 wounded",
    );
    let bad = pair(
        2,
        1,
        "قتل 26 شخصا وأصيب ١٨",
        "29 people were killed and 18 wounded",
    );
    let words = pair(3, 2, "قتل ثلاثة أشخاص", "3 people were killed");
    let models = Models::build(&[good, bad, words]);
    assert!(!kinds(&good, &models).contains(&Kind::NumberMismatch));
    assert!(!kinds(&words, &models).contains(&Kind::NumberMismatch));
    let found = check_pair(&bad, &models);
    let f = found
        .iter()
        .find(|f| f.kind == Kind::NumberMismatch)
        .expect("a number mismatch");
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(&bad.source[f.source_spans[0].clone()], "26");
    assert_eq!(&bad.target[f.target_spans[0].clone()], "29");
}

#[test]
fn two_in_english_is_the_dual_of_arabic() {
    let has_mismatch = |source, target| {
        let p = pair(1, 1, source, target);
        kinds(&p, &Models::build(&[p])).contains(&Kind::NumberMismatch)
    };
    // عامين: two years; مباراتين: two matches (the four of الأربع كرات is the fourballs')
    let english = "Europe dominated the fourballs, as it did two years ago";
    assert!(!has_mismatch(
        "سيطرت أوروبا في الأربع كرات كما فعلت قبل عامين",
        english
    ));
    assert!(!has_mismatch(
        "سجل 5 أهداف في مباراتين",
        "He scored 5 goals in two matches"
    ));
    // without the dual, the four and the two differ
    assert!(has_mismatch(
        "سيطرت أوروبا في الأربع كرات كما فعلت قبل عام",
        english
    ));
}

#[test]
fn an_arabic_target_is_untranslated_and_an_empty_side_is_empty() {
    let same = pair(1, 0, "قال الرئيس", "قال الرئيس");
    let empty = pair(2, 1, "قال الرئيس", "");
    let models = Models::build(&[same, empty]);
    assert_eq!(kinds(&same, &models), [Kind::Untranslated]);
    assert_eq!(kinds(&empty, &models), [Kind::Empty]);
    assert_eq!(check_pair(&same, &models)[0].severity, Severity::Error);
}

#[test]
fn the_same_source_with_another_target_is_inconsistent() {
    let a = pair(1, 0, "قال الرئيس.", "The president said.");
    let b = pair(2, 1, "قَالَ الرَّئِيس", "The president stated.");
    let c = pair(3, 2, "قال الرئيس", "The president said");
    let models = Models::build(&[a, b, c]);
    let found = check_pair(&b, &models);
    let f = found
        .iter()
        .find(|f| f.kind == Kind::Inconsistent)
        .expect("inconsistent");
    assert!(
        f.message.contains("#1") && f.message.contains("#3"),
        "{}",
        f.message
    );
    // a and c differ only in punctuation: the same translation
    let a_kinds = kinds(&a, &models);
    assert_eq!(
        a_kinds.iter().filter(|k| **k == Kind::Inconsistent).count(),
        1
    );
}

#[test]
fn kinds_and_severities_read_back_from_their_names() {
    for k in Kind::ALL {
        assert_eq!(k.as_str().parse::<Kind>().unwrap(), k);
        assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
    }
    assert!("spelling".parse::<Kind>().is_err());
    assert!(Severity::Error > Severity::Warning && Severity::Warning > Severity::Info);
    assert_eq!("warning".parse::<Severity>().unwrap(), Severity::Warning);
}

#[test]
fn words_run_together_are_not_judged_as_a_translation() {
    // the Arabic of a sentence that lost its spaces (as in two NTREX documents)
    let glued = pair(
        1,
        0,
        "زاربومبيوكورياالشماليةثلاثمراتمسبقًاهذاالعام،لكنزيارتهالأخيرةلمتسرعلىمايرام.",
        "Pompeo has visited North Korea three times already this year, but his last trip did not go well.",
    );
    let models = Models::build(&[glued]);
    let found = check_pair(&glued, &models);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].kind, Kind::Whitespace);
    assert_eq!(found[0].severity, Severity::Info);
    assert!(found[0].message.contains("words run together"));
}

#[test]
fn the_key_of_a_text_is_the_search_index_key() {
    use crate::text::normalize::word_spans;
    for text in ["قال الرئيس.", "The president said", "٢٬٥٠٠ جندي"] {
        let words = word_spans(text);
        assert_eq!(
            models::key_term(models::words_key(&words).unwrap()),
            crate::text::terms::key(&words)
        );
    }
}

#[test]
fn a_title_is_measured_with_the_headline_s_wider_length_model() {
    let source = "رئيس الوزراء البريطاني قد يتهم النقاد باللعب بالسياسة بشأن انسحاب المملكة المتحدة من الاتحاد الأوروبي";
    let target = "May accuses critics of playing politics over Brexit";
    let title = pair(1, 0, source, target);
    let inside = pair(2, 1, source, target);
    let sentence = pair(
        3,
        0,
        source,
        "May accuses critics of playing politics over Brexit.",
    );
    let models = Models::build(&[title, inside, sentence]);
    let delta = |p: &Pair| Evidence::gather(p, &models).length_delta.unwrap();
    let scale = crate::align::length::OUTLIER_SCALE;
    assert!((delta(&title) * scale - delta(&inside)).abs() < 1e-9);
    // the first pair of a document that ends as a sentence ends is no title
    assert!(delta(&sentence).abs() > delta(&title).abs());
}

/// A memory of the shipped article with two slips (a number changed, a target left in
/// Arabic) and the article's first sentence stored again in another document, translated
/// otherwise.
fn slipped_memory() -> (Memory, Vec<i64>) {
    use crate::store::UnitEdit;
    let mut m = Memory::open_in_memory().unwrap();
    crate::fixtures::kazakhstan(&mut m);
    let ids: Vec<i64> = m
        .units(&UnitFilter::default())
        .unwrap()
        .iter()
        .map(|u| u.id)
        .collect();
    let unit = m.unit(ids[5]).unwrap();
    let edit = UnitEdit {
        target: Some(unit.target.replace("26", "29")),
        ..UnitEdit::default()
    };
    m.edit_unit(ids[5], &edit, None, "test").unwrap();
    let source = m.unit(ids[8]).unwrap().source;
    let edit = UnitEdit {
        target: Some(source),
        ..UnitEdit::default()
    };
    m.edit_unit(ids[8], &edit, None, "test").unwrap();
    let first = m.unit(ids[1]).unwrap();
    m.import_units(
        &crate::store::ImportOptions {
            document: Some("other".into()),
            default_document: "other".into(),
            source_lang: Lang::Ar,
            target_lang: Lang::En,
            keep_duplicates: true,
            user: "test".into(),
        },
        |sink| {
            sink.add(crate::store::ImportUnit {
                source: format!("{}  ", first.source),
                target: "Something else entirely.".into(),
                ..crate::store::ImportUnit::default()
            })?;
            Ok(())
        },
    )
    .unwrap();
    (m, ids)
}

#[test]
fn a_unit_has_the_same_findings_alone_in_its_document_and_in_the_whole_memory() {
    let (m, ids) = slipped_memory();
    let whole = check_memory(&m, &Selection::default(), &|_, _| {}).unwrap();
    let document = UnitFilter {
        document: Some("kazakhstan-2022".into()),
        ..UnitFilter::default()
    };
    let (by_unit, _) = findings_by_unit(&m, &document).unwrap();
    let mut seen = 0;
    for (unit, findings) in &whole.pairs {
        if unit.unit.document != "kazakhstan-2022" {
            continue;
        }
        seen += 1;
        let alone = findings_of_unit(&m, unit.unit.id).unwrap().0;
        assert_eq!(&alone, findings, "#{}", unit.unit.id);
        assert_eq!(
            by_unit.get(&unit.unit.id).cloned().unwrap_or_default(),
            *findings
        );
    }
    assert_eq!(seen, 18);
    let kinds = |id: i64| -> Vec<Kind> {
        findings_of_unit(&m, id)
            .unwrap()
            .0
            .iter()
            .map(|f| f.kind)
            .collect()
    };
    assert!(kinds(ids[5]).contains(&Kind::NumberMismatch));
    assert!(kinds(ids[8]).contains(&Kind::Untranslated));
    // found through the index: the same source in the other document
    let f = findings_of_unit(&m, ids[1]).unwrap().0;
    let inconsistent = f.iter().find(|f| f.kind == Kind::Inconsistent).unwrap();
    assert!(inconsistent.message.contains(&format!("#{}", ids[17] + 1)));
    // a page of the filter is all that is checked
    let page = UnitFilter {
        limit: Some(3),
        ..document
    };
    let mut checked = Vec::new();
    check_each(
        &m,
        &Selection {
            filter: page,
            ..Selection::default()
        },
        &|_, _| {},
        |u, _| {
            checked.push(u.unit.id);
            Ok(())
        },
    )
    .unwrap();
    assert_eq!(checked, ids[..3]);
}

fn in_document<'a>(document: &'a str, p: Pair<'a>) -> Pair<'a> {
    Pair { document, ..p }
}

fn has_name_mismatch(p: &Pair, models: &Models) -> bool {
    kinds(p, models).contains(&Kind::NameMismatch)
}

/// A pair of document a where the Arabic transliterates Johnson (جونسون) and the English
/// writes "police" in lower case.
fn johnson_and_the_police() -> Pair<'static> {
    in_document(
        "a",
        pair(
            1,
            1,
            "ثم تحدث جونسون إلى الشرطة",
            "Then Johnson spoke to the police.",
        ),
    )
}

#[test]
fn a_word_of_a_name_translated_word_by_word_is_no_wrong_name() {
    // the memory writes "police" in lower case, capitalises "Metropolitan" in another
    // document, and transliterates Johnson (جونسون)
    let memory = [
        johnson_and_the_police(),
        in_document(
            "b",
            pair(2, 1, "التقى الفريق", "He met the Metropolitan team."),
        ),
    ];
    let arabic = "وقالت شرطة العاصمة إن جونسون وصل";
    let phrase = in_document(
        "c",
        pair(3, 1, arabic, "The Metropolitan Police said he arrived."),
    );
    let alone = in_document("d", pair(4, 1, arabic, "He said Metropolitan arrived."));
    let mut all = memory.to_vec();
    all.extend([phrase, alone]);
    let models = Models::build(&all);
    // Johnson is in the Arabic and no English name accounts for him: a wrong name...
    assert!(has_name_mismatch(&alone, &models));
    // ...unless the word stands beside a word translated (Police, شرطة): Metropolitan Police
    // is a name translated word by word
    assert!(!has_name_mismatch(&phrase, &models));
}

/// Pairs enough for a word model (every pair trusted), in a document of their own.
fn filler() -> Vec<Pair<'static>> {
    const SOURCES: [&str; 5] = [
        "قال الرجل إن البيت كبير",
        "ذهب الرجل إلى المدينة",
        "ذهب الولد إلى المدرسة",
        "أكلت البنت التفاحة",
        "كتب المعلم الدرس",
    ];
    const TARGETS: [&str; 5] = [
        "The man said the house was big.",
        "The man went to the city.",
        "The boy went to the school.",
        "The girl ate the apple.",
        "The teacher wrote the lesson.",
    ];
    (0..160)
        .map(|k| {
            in_document(
                "filler",
                pair(100 + k, k, SOURCES[k as usize % 5], TARGETS[k as usize % 5]),
            )
        })
        .collect()
}

/// The filler memory and `times` pairs of `document` that say the same, from id `id` and
/// position `position` on.
fn filler_with(
    document: &'static str,
    (id, position): (i64, i64),
    times: i64,
    source: &'static str,
    target: &'static str,
) -> Vec<Pair<'static>> {
    let mut all = filler();
    all.extend(
        (0..times).map(|k| in_document(document, pair(id + k, position + k, source, target))),
    );
    all
}

#[test]
fn a_stray_name_must_be_one_the_word_model_knows() {
    // Houghton is capitalised in another document; the Arabic here has a word nobody knows
    // (زيلبرشتاين) that no English name accounts for
    let elsewhere = in_document(
        "b",
        pair(
            2,
            2,
            "نشرت الدار الكتاب",
            "The book was published by Houghton.",
        ),
    );
    let here = in_document(
        "c",
        pair(
            3,
            1,
            "وصلت الرسالة زيلبرشتاين",
            "The letter came with Houghton.",
        ),
    );
    let judge = |elsewhere: Pair| {
        let mut all = filler();
        all.extend([elsewhere, here]);
        has_name_mismatch(&here, &Models::build(&all))
    };
    // the word model learnt Houghton from the other document and finds no translation of it
    // here: a wrong name
    assert!(judge(elsewhere));
    // the other document's pair is rejected, so the model never saw the word: it may be a
    // rare word translated, and an unknown Arabic word says too little
    assert!(!judge(Pair {
        status: Status::Rejected,
        ..elsewhere
    }));
}

#[test]
fn a_word_capitalised_alone_without_a_translation_is_a_name_without_counterpart() {
    // the memory writes "city" in lower case and its word model translates it (المدينة)
    let source = "واجه الفريق المتصدرين";
    let lone = in_document(
        "c",
        pair(2, 1, source, "The team faced the leaders City today."),
    );
    let beside = in_document(
        "d",
        pair(3, 1, source, "The team faced Manchester City today."),
    );
    let quoted = in_document(
        "e",
        pair(4, 1, source, "They shouted \"City of the team today.\""),
    );
    let translated = in_document(
        "f",
        pair(
            5,
            1,
            "واجه الفريق المدينة",
            "The team faced the leaders City today.",
        ),
    );
    let mut all = filler();
    all.extend([lone, beside, quoted, translated]);
    let models = Models::build(&all);
    // City alone is the name of something (a club), and the Arabic has no word for it
    assert!(has_name_mismatch(&lone, &models));
    // beside another capitalised word it is a word of a longer name, at the head of a
    // quotation capitalised for that reason, and where the Arabic translates it, it is there
    assert!(!has_name_mismatch(&beside, &models));
    assert!(!has_name_mismatch(&quoted, &models));
    assert!(!has_name_mismatch(&translated, &models));
}

/// Evidence of a pair `delta` standard deviations short whose known source and target words
/// the other side translates (true) or not (false), in order.
fn short_pair(delta: f64, source: &[bool], target: &[bool]) -> Evidence {
    let scores = |words: &[bool]| {
        words
            .iter()
            .enumerate()
            .map(|(k, &translated)| evidence::WordScore {
                span: k..k + 1,
                evidence: if translated { 1.0 } else { -0.69 },
            })
            .collect::<Vec<_>>()
    };
    Evidence {
        length_delta: Some(delta),
        lengths: (100.0, 60.0, 100.0),
        lexical: Some(evidence::Lexical {
            source: scores(source),
            target: scores(target),
            source_words: source.len(),
            target_words: target.len(),
        }),
        ..Evidence::default()
    }
}

/// True when the evidence, of any one pair, supports a finding of this kind.
fn supports(e: &Evidence, kind: Kind) -> bool {
    let p = pair(1, 1, "نص", "text");
    e.findings(&p, &Models::build(&[p]))
        .iter()
        .any(|f| f.kind == kind)
}

/// The omission finding the evidence supports for pair `p` (which must have one).
fn the_omission(e: &Evidence, p: &Pair) -> Finding {
    e.findings(p, &Models::build(&[*p]))
        .into_iter()
        .find(|f| f.kind == Kind::Omission)
        .expect("an omission finding")
}

fn omission(e: &Evidence) -> bool {
    supports(e, Kind::Omission)
}

#[test]
fn a_short_target_is_an_omission_when_a_run_of_the_source_is_untranslated() {
    let (y, n) = (true, false);
    let target = [y; 6];
    // 2.9 standard deviations short, 6 of 10 source words translated: the 4 others in a run
    // (a clause dropped) is an omission; scattered (a terse rendering) is not
    let dropped = [y, y, y, y, y, y, n, n, n, n];
    let scattered = [y, n, y, y, n, y, n, y, y, n];
    assert!(omission(&short_pair(-2.9, &dropped, &target)));
    assert!(!omission(&short_pair(-2.9, &scattered, &target)));
    // far too short, it is one anyway
    assert!(omission(&short_pair(-3.5, &scattered, &target)));
}

#[test]
fn a_target_a_little_short_is_an_omission_when_it_translates_and_its_source_does_not() {
    let (y, n) = (true, false);
    let source = [y, n, y, n, n, y, n, n, y, n];
    // 1.5 standard deviations short, every target word translated and 4 of 10 source words
    assert!(omission(&short_pair(-1.5, &source, &[y; 6])));
    // the target as loosely translated as the source: a free rendering
    assert!(!omission(&short_pair(-1.5, &source, &[y, n, y, n, y, n])));
    assert!(!omission(&short_pair(-0.5, &source, &[y; 6])));
}

/// Evidence of a pair as [`short_pair`] makes it, whose target is also `part` of the length
/// the document's length model expects.
fn part_pair(delta: f64, part: f64, source: &[bool], target: &[bool]) -> Evidence {
    Evidence {
        shortfall: Some(-part.ln()),
        ..short_pair(delta, source, target)
    }
}

#[test]
fn a_short_pair_cut_to_half_its_length_is_an_omission_though_its_delta_is_weak() {
    let (y, n) = (true, false);
    // seven source words, three of them translated, and a target of half the expected
    // length (a few words: one standard deviation short) translating its own words
    let cut = part_pair(-1.0, 0.5, &[y, y, n, y, n, n, n], &[y, y, y]);
    assert!(cut.omission_score().unwrap() > evidence::OMISSION_SCORE);
    assert!(omission(&cut));
    let f = the_omission(&cut, &pair(1, 1, "نص", "text"));
    assert!(
        f.message
            .ends_with("3 of the 7 source words the word model knows have a translation in it"),
        "{}",
        f.message
    );
    // the same words at the expected length: nothing is missing
    assert!(!omission(&part_pair(
        -0.3,
        0.95,
        &[y, y, n, y, n, n, n],
        &[y, y, y]
    )));
}

/// Where a text stops as no finished sentence does, as [`evidence::unfinished`] and
/// [`evidence::open_quotation`] find it.
fn cut_off_at(text: &str, lang: Lang) -> Option<&str> {
    let words = crate::text::normalize::word_spans(text);
    evidence::unfinished(text, lang, &words)
        .or_else(|| evidence::open_quotation(text))
        .map(|at| &text[at])
}

#[test]
fn a_text_that_stops_where_no_sentence_does_was_cut_off() {
    // an article, a conjunction, `of`: what follows is missing
    assert_eq!(
        cut_off_at("Nugroho said thousands of homes and.", Lang::En),
        Some("and")
    );
    assert_eq!(cut_off_at("The album is more of a.", Lang::En), Some("a"));
    assert_eq!(
        cut_off_at("They were brought in to deal with the", Lang::En),
        Some("the")
    );
    assert_eq!(cut_off_at("وقال إنه سيسافر إلى.", Lang::Ar), Some("إلى"));
    assert_eq!(cut_off_at("وأكدت الشرطة أن", Lang::Ar), Some("أن"));
    assert_eq!(cut_off_at("وقال إنه سيعود وفي.", Lang::Ar), Some("وفي"));
    assert_eq!(
        cut_off_at("Erdogan then headed for Cologne to.", Lang::En),
        Some("to")
    );
    // a quotation left open
    assert_eq!(
        cut_off_at("He said: \"Credit to Ayr.", Lang::En),
        Some("\"")
    );
    // sentences that may end so: a stranded preposition, a pronoun, a question, a quotation
    // closed by a curly mark (the one left open is another sentence's)
    for text in [
        "It is what they came for.",
        "Nobody knew where the money came from.",
        "These are the people he worked with.",
        "It was a hole they never got close to climbing out of.",
        "He said he had never met her.",
        "Was it an or a?",
        "72 per cent of those studying Spanish also achieved an A.",
        "It was, he said, the end.\u{201D}",
        "\"Yes,\" he said, \"and no.\"",
    ] {
        assert_eq!(cut_off_at(text, Lang::En), None, "{text}");
    }
    assert_eq!(cut_off_at("هذا ما يؤمن به.", Lang::Ar), None);
    // a word that begins with و is not the conjunction before a listed word
    assert_eq!(cut_off_at("وصلت الطائرة إلى وفد.", Lang::Ar), None);
    assert_eq!(cut_off_at("وصل الوفد إلى الوطن.", Lang::Ar), None);
}

#[test]
fn a_target_cut_off_and_short_is_an_omission() {
    let (y, n) = (true, false);
    let p = pair(1, 1, "نص", "Officers have appealed for the.");
    let the = 27..30;
    assert_eq!(&p.target[the.clone()], "the");
    // every word of it translated and barely short: nothing but where it stops says it was cut
    let cut = Evidence {
        cut_off: Some(evidence::CutOff::Word(the.clone())),
        ..short_pair(-0.8, &[y, y, n, y], &[y, y, y])
    };
    let f = the_omission(&cut, &p);
    assert!(
        f.message
            .ends_with("it ends on 'the', as no finished sentence does"),
        "{}",
        f.message
    );
    assert!(f.target_spans.contains(&the));
    // the same without the cut, or at the length the model expects: no omission
    assert!(!omission(&short_pair(-0.8, &[y, y, n, y], &[y, y, y])));
    assert!(!omission(&Evidence {
        cut_off: Some(evidence::CutOff::Word(the)),
        ..short_pair(-0.2, &[y, y, n, y], &[y, y, y])
    }));
}

#[test]
fn a_target_is_cut_off_only_where_its_source_is_not() {
    let models = Models::build(&[]);
    let cut = |source, target| {
        let p = pair(1, 1, source, target);
        Evidence::gather(&p, &models).cut_off.is_some()
    };
    // the source closes the quotation the target leaves open
    assert!(cut(
        "قال كريستي: \"الفضل لآير، لقد استغلوا الفرص أفضل منا\".",
        "Christie said: \"Credit to Ayr."
    ));
    // a quotation over several sentences: the source has no mark to close it either
    assert!(!cut(
        "وأضاف أنه يقاتل من أجل المرشحين العظماء.",
        "I'm fighting for great candidates,\" he said."
    ));
    // the target stops on a word that leads on: cut where its source is whole, split where
    // its source stops so too
    assert!(cut(
        "وقال المتحدث إن الشرطة ستواصل.",
        "The spokesman said that the."
    ));
    assert!(!cut(
        "وقال المتحدث إن الشرطة ستواصل في",
        "The spokesman said that the."
    ));
    // a source that leaves a quotation open still ends as a sentence may
    assert!(cut(
        "إن الألبوم هو انعكاس لما بداخلنا.\"",
        "The album is more of a."
    ));
    // a question that ends with a stop, where the source asks it
    let how = |source, target| {
        let p = pair(1, 1, source, target);
        Evidence::gather(&p, &models).cut_off
    };
    assert_eq!(
        how(
            "لماذا تنازل الرئيس ترامب كثيرًا؟",
            "Why has President Trump."
        ),
        Some(evidence::CutOff::Question(23..24))
    );
    assert_eq!(
        how(
            "\"هل تعتقدون أنه يقول الحقيقة للناس؟\"",
            "\"Do you think he's telling the truth to the country?\""
        ),
        None
    );
    assert_eq!(
        how(
            "وتساءل عما إذا كان ترامب قد تنازل كثيرًا.",
            "He asked why Trump gave up so much."
        ),
        None
    );
}

#[test]
fn a_terse_or_dense_rendering_is_no_omission() {
    let (y, n) = (true, false);
    // a quarter shorter than expected, as loosely translated on both sides: a terse rendering
    let terse = part_pair(-1.5, 0.75, &[y, y, n, y, y, n], &[y, y, n, y, y, n]);
    assert!(terse.omission_score().unwrap() < evidence::OMISSION_SCORE);
    assert!(!omission(&terse));
    // half the expected length but every source word translated: the Arabic said it at length
    let dense = part_pair(-1.5, 0.5, &[y; 8], &[y; 5]);
    assert!(!omission(&dense));
    // without the word model's view, the score says nothing
    let bare = Evidence {
        lexical: None,
        ..part_pair(-1.5, 0.5, &[y], &[y])
    };
    assert_eq!(bare.omission_score(), None);
}

#[test]
fn a_short_name_that_ends_the_text_is_no_abbreviation() {
    // Kent is capitalised in another document; the Arabic here names Johnson (جونسون), whom
    // the memory transliterates, and no English word accounts for him
    let memory = [
        johnson_and_the_police(),
        in_document(
            "b",
            pair(2, 1, "ذهب إلى المدينة", "He went to Kent yesterday."),
        ),
    ];
    let ending = in_document(
        "c",
        pair(3, 1, "وصل جونسون أمس", "She said he came from Kent."),
    );
    let mut all = memory.to_vec();
    all.push(ending);
    let models = Models::build(&all);
    // the stop is the sentence's: Kent is a name, and not the one in the Arabic
    assert!(has_name_mismatch(&ending, &models));
}

/// Evidence of a pair whose known words have these word evidences (nats).
fn scored_pair(evidences: &[f64]) -> Evidence {
    let scores = evidences
        .iter()
        .enumerate()
        .map(|(k, &evidence)| evidence::WordScore {
            span: k..k + 1,
            evidence,
        })
        .collect::<Vec<_>>();
    Evidence {
        lexical: Some(evidence::Lexical {
            source_words: scores.len(),
            source: scores,
            ..evidence::Lexical::default()
        }),
        ..Evidence::default()
    }
}

fn misaligned(e: &Evidence) -> bool {
    supports(e, Kind::Misaligned)
}

#[test]
fn a_short_pair_needs_more_than_a_couple_of_words_against_it_to_be_misaligned() {
    // four known words, three unexplained: a free rendering of a short sentence looks so
    assert!(!misaligned(&scored_pair(&[-0.69, -0.69, -0.69, -0.1])));
    // twelve words as unexplained on average: another sentence
    let long: Vec<f64> = [-0.69, -0.69, -0.69, -0.1].repeat(3);
    assert!(misaligned(&scored_pair(&long)));
}

#[test]
fn a_pair_of_a_few_known_words_is_never_more_than_worth_a_look_as_misaligned() {
    let p = pair(1, 1, "نص", "text");
    let models = Models::build(&[p]);
    let severity = |e: Evidence| {
        e.findings(&p, &models)
            .into_iter()
            .find(|f| f.kind == Kind::Misaligned)
            .map(|f| f.severity)
    };
    // four known words, none explained ("Uh, uh, what."): too little to call it another
    // sentence
    assert_eq!(severity(scored_pair(&[-0.69; 4])), Some(Severity::Info));
    assert_eq!(severity(scored_pair(&[-0.69; 5])), Some(Severity::Error));
}

/// A memory where document b capitalises "Great" (Great Yarmouth, transliterated غريت) in
/// `times` pairs and writes "great" in lower case once: a word the word model knows.
fn great_yarmouth(times: i64) -> Vec<Pair<'static>> {
    let mut all = filler();
    for k in 0..times {
        all.push(in_document(
            "b",
            pair(
                10 + k,
                k,
                "فاز نادي غريت يارموث",
                "The club Great Yarmouth won.",
            ),
        ));
    }
    all.push(in_document(
        "b",
        pair(20, 9, "كان البيت رائعا", "The house was great."),
    ));
    all
}

#[test]
fn a_name_the_memory_knows_from_elsewhere_without_counterpart_here_is_a_wrong_name() {
    // another document capitalises "Great" (Great Yarmouth) in `times` pairs and writes
    // "great" in lower case too, so the word model knows it; here it stands beside Kenny, in
    // place of the Miller the Arabic names
    let judge = |times: i64, arabic: &'static str| {
        let mut all = great_yarmouth(times);
        let here = in_document(
            "c",
            pair(30, 1, arabic, "The coach was replaced by Kenny Great."),
        );
        all.push(here);
        has_name_mismatch(&here, &Models::build(&all))
    };
    assert!(judge(2, "حل كيني ميلر محل المدرب"));
    // the Arabic writes the name: it is there
    assert!(!judge(2, "حل كيني غريت محل المدرب"));
    // a word capitalised in one other pair only is not yet a name the memory knows
    assert!(!judge(1, "حل كيني ميلر محل المدرب"));
}

#[test]
fn a_country_the_arabic_names_and_the_english_leaves_out_makes_a_stray_name_wrong() {
    // the word model knows every Arabic word here (الألمان is "German" in document b);
    // Thomson is capitalised in one pair of another document, and nothing transliterates it
    let mut all = filler();
    for k in 0..3 {
        all.push(in_document(
            "b",
            pair(
                10 + k,
                k,
                "زار الجنود الألمان المدينة",
                "The German soldiers visited the city.",
            ),
        ));
    }
    all.push(in_document(
        "e",
        pair(20, 1, "ثم وصل الرجل", "Then Thomson arrived."),
    ));
    let arabic = "زار الجنود الألمان المدينة";
    let wrong = in_document(
        "c",
        pair(30, 1, arabic, "The Thomson soldiers visited the city."),
    );
    let right = in_document(
        "d",
        pair(31, 1, arabic, "The German soldiers visited the city."),
    );
    all.extend([wrong, right]);
    let models = Models::build(&all);
    // the Arabic says German, which no English word does: Thomson took its place
    assert!(has_name_mismatch(&wrong, &models));
    assert!(!has_name_mismatch(&right, &models));
}

#[test]
fn a_capitalised_word_arabic_translates_is_its_own_counterpart() {
    // another document capitalises "Palace" (a club, Crystal Palace, transliterated بالاس) in
    // two pairs, so the memory knows it as a name; here the Arabic says القصر, the palace
    let judge = |arabic: &'static str| {
        let mut all = filler_with(
            "b",
            (10, 0),
            2,
            "فاز نادي كريستال بالاس",
            "The club Crystal Palace won.",
        );
        let here = in_document(
            "c",
            pair(30, 1, arabic, "The guests reached the Palace today."),
        );
        all.push(here);
        has_name_mismatch(&here, &Models::build(&all))
    };
    assert!(!judge("وصل الضيوف إلى القصر اليوم"));
    // where the Arabic has no palace, the name has no counterpart
    assert!(judge("وصل الضيوف إلى المسرح اليوم"));
}

#[test]
fn the_words_of_one_name_are_one_finding_span_and_a_name_is_said_once() {
    let text = "They met in Baton Rouge and then in Baton Rouge again.";
    let at = |w: &str, from: usize| {
        let start = from + text[from..].find(w).unwrap();
        start..start + w.len()
    };
    let spans = [
        at("Baton", 0),
        at("Rouge", 0),
        at("Baton", 20),
        at("Rouge", 20),
    ];
    let joined = super::evidence::join_adjacent(text, &spans);
    assert_eq!(
        joined.iter().map(|r| &text[r.clone()]).collect::<Vec<_>>(),
        ["Baton Rouge", "Baton Rouge"]
    );
    // words with more than a space between them stay apart
    let apart = super::evidence::join_adjacent(text, &[at("met", 0), at("Baton", 0)]);
    assert_eq!(apart.len(), 2);
}

#[test]
fn a_wrong_name_finding_marks_the_name_the_other_side_has_instead() {
    // as above: "Great" is a name the memory knows from document b; document f transliterates
    // Miller (ميلر) twice; here Great stands where the Arabic names Miller
    let mut all = great_yarmouth(2);
    for (k, (arabic, english)) in [
        ("غادر ميلر", "Then Miller left."),
        ("نام ميلر", "Then Miller slept."),
    ]
    .into_iter()
    .enumerate()
    {
        all.push(in_document(
            "f",
            pair(40 + k as i64, k as i64, arabic, english),
        ));
    }
    let arabic = "حل كيني ميلر محل المدرب";
    let here = in_document(
        "c",
        pair(30, 1, arabic, "The coach was replaced by Kenny Great."),
    );
    all.push(here);
    let models = Models::build(&all);
    let finding = check_pair(&here, &models)
        .into_iter()
        .find(|f| f.kind == Kind::NameMismatch)
        .expect("a name finding");
    let marked: Vec<&str> = finding
        .source_spans
        .iter()
        .map(|r| &arabic[r.clone()])
        .collect();
    assert_eq!(marked, ["ميلر"]);
    assert_eq!(
        finding.message,
        "'Great' has no counterpart in the source (the source names 'ميلر', which the target does not)"
    );
}

#[test]
fn a_name_is_found_glued_to_an_arabic_word_or_in_words_run_together() {
    // a word model that translates none of the Arabic words
    let none = Vec::new();
    let found = |name: &str, arabic: &str| {
        let words = crate::text::normalize::word_spans(arabic);
        evidence::transliterated(name, &evidence::ArabicNames::of(&words, Some(&none), false))
    };
    // a Latin name without its space, and an Arabic name in words whose spaces were lost
    assert!(found("Betfred", "خلال نصف نهائي كأسBetfred."));
    // and the Arabic word it is glued to is a word of its own (كأس, Cup)
    let words = crate::text::normalize::word_spans("خلال نصف نهائي كأسBetfred.");
    let names = evidence::ArabicNames::of(&words, None, false);
    assert!(exonyms::translated("Cup", &names.words));
    assert!(found(
        "Jeremy",
        "ينظر رئيس حزب العمالالبريطانيجيريمي كوربين في خطة"
    ));
    // one English name Arabic writes as two words
    assert!(found("Bloomberg", "قالت وكالة بلوم بيرغ للأنباء"));
    // a long word of its own is no run of words
    assert!(!found("Astor", "وباستراتيجياتهم الجديدة"));
    assert!(!found("Jeremy", "ينظر رئيس حزب العمال البريطاني في خطة"));
}

#[test]
fn arabic_words_run_together_are_read_as_the_known_words_they_are_made_of() {
    let ids: std::collections::HashMap<String, u32> = ["لم", "يخبرها", "عن", "اهميه", "النوم"]
        .iter()
        .enumerate()
        .map(|(k, w)| {
            let norm = crate::text::normalize::normalize(w);
            (crate::text::normalize::stem(&norm).to_string(), k as u32)
        })
        .collect();
    let parts = |word: &str| evidence::known_parts(&crate::text::normalize::normalize(word), &ids);
    assert_eq!(parts("لميخبرها"), Some(vec![0, 1]));
    assert_eq!(parts("عنأهميةالنوم"), Some(vec![2, 3, 4]));
    // a word of its own that is no known words, or too short to be two
    assert_eq!(parts("ليفينغستون"), None);
    assert_eq!(parts("عنلم"), None);
}

#[test]
fn a_name_the_memory_transliterates_is_not_found_in_a_word_only_loosely_like_it() {
    // another document writes Missouri as ميسوري; here the English has Missouri where the
    // Arabic has Manchester, whose skeleton is loosely like it
    let judge = |known: bool| {
        let mut all = filler();
        if known {
            all.push(in_document(
                "a",
                pair(
                    40,
                    1,
                    "فاز فريق ميسوري بالمباراة",
                    "The team Missouri won the game.",
                ),
            ));
        }
        let here = in_document(
            "c",
            pair(
                41,
                1,
                "مرر مهاجم مانشيستر الكرة",
                "The Missouri striker passed the ball.",
            ),
        );
        all.push(here);
        has_name_mismatch(&here, &Models::build(&all))
    };
    assert!(judge(true));
    // a name the memory has never seen transliterated may be written loosely
    assert!(!judge(false));
}

#[test]
fn a_country_or_compass_word_without_its_arabic_translation_has_no_counterpart() {
    let judge = |document: &'static str, arabic: &'static str, english: &'static str| {
        // a document that names Kanye West in its pairs: West is a name there
        let mut all = filler_with(
            "west",
            (50, 1),
            3,
            "غنى كانييه ويست في الحفل",
            "Kanye West sang at the concert.",
        );
        let here = in_document(document, pair(60, 5, arabic, english));
        all.push(here);
        has_name_mismatch(&here, &Models::build(&all))
    };
    // a country: Arabic writes it by its translation or transliteration, always
    let china = "ليست الصين هي التي تقود السباق";
    assert!(judge("c", china, "It is not Korea that leads the race."));
    assert!(!judge("c", china, "It is not China that leads the race."));
    // a compass word: by its translation, unless it is a word of a name transliterated
    // whole, or a name of its document
    let north = "دعا إلى إخلاء كوريا الشمالية من الأسلحة";
    assert!(judge(
        "c",
        north,
        "He called for the disarmament of Southern Korea."
    ));
    assert!(!judge(
        "c",
        north,
        "He called for the disarmament of North Korea."
    ));
    assert!(!judge(
        "c",
        "أصدر مكتب إيست باتون روج تقريرا",
        "The East Baton Rouge office issued a report."
    ));
    let said = "وأضاف أنه سيرحل";
    assert!(!judge("west", said, "Later West added he would leave."));
    assert!(judge("c", said, "Later West added he would leave."));
}

#[test]
fn a_name_in_place_of_a_country_the_arabic_names_is_wrong_though_a_word_is_loosely_like_it() {
    // another document writes Thomson as طومسون in two pairs; here تحسين (improve) is only
    // loosely like it
    let judge = |arabic: &'static str, english: &'static str| {
        let mut all = filler_with(
            "e",
            (70, 1),
            2,
            "ثم وصل طومسون إلى المدينة",
            "Then Thomson reached the city.",
        );
        let here = in_document("c", pair(80, 3, arabic, english));
        all.push(here);
        has_name_mismatch(&here, &Models::build(&all))
    };
    let american = "عمل على تحسين عودة الجنود الأمريكيين";
    assert!(judge(
        american,
        "He worked to improve the return of Thomson soldiers."
    ));
    assert!(!judge(
        american,
        "He worked to improve the return of American soldiers."
    ));
    // an abbreviation names the country too
    assert!(!judge(
        american,
        "He worked to improve the U.S. return of Thomson soldiers."
    ));
    // without a country the English leaves out, the loose likeness is given the benefit
    assert!(!judge(
        "عمل على تحسين عودة الجنود",
        "He worked to improve the return of Thomson soldiers."
    ));
}
